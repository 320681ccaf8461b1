/*
 * kubelet.c - a real kubelet's start and shutdown: the API client, this
 * node's address, the sandbox image, the log server, the Node and its
 * heartbeat, the pods, the relist; see kubelet.h.
 */
#include "kubelet/kubelet.h"

#include "base/log.h"
#include "base/timeutil.h"
#include "client/recorder.h"
#include "kubelet/docker/docker.h"
#include "kubelet/heartbeat.h"
#include "kubelet/logs_server.h"
#include "kubelet/machine.h"
#include "kubelet/pause_image.h"
#include "kubelet/pods.h"
#include "kubelet/relist.h"
#include "kubelet/volumes.h"

int kubelet_api_client(const struct kubelet_config *cfg, struct k8c_client **ret)
{
	struct strbuf err = STRBUF_INIT;
	int r = k8c_component_client(&cfg->comp, NULL, ret, &err);
	if (r < 0)
		log_error("%s", err.buf);
	strbuf_release(&err);
	return r;
}

static void write_port_file(const char *path, int port)
{
	FILE *f = path ? fopen(path, "w") : NULL;
	if (!f) {
		if (path)
			log_warn("cannot write port file '%s': %s", path, strerror(errno));
		return;
	}
	fprintf(f, "%d\n", port);
	fclose(f);
}

/* The sandbox image, imported now so the first pod does not wait for it. */
static void prepare_pause_image(const struct kubelet_config *cfg)
{
	struct docker_client *dc = NULL;
	struct strbuf why = STRBUF_INIT;
	if (docker_client_new(cfg->docker_socket, &dc) == 0 &&
	    pause_image_ensure(dc, cfg->pause_image, cfg->pause_binary, &why) < 0)
		log_warn("%s", why.buf);
	docker_client_free(dc);
	strbuf_release(&why);
}

static void wait_for_stop(volatile int *stop)
{
	while (!*stop)
		time_sleep_ms(100);
}

int kubelet_run(const struct kubelet_config *cfg, volatile int *stop)
{
	struct kubelet k = { .cfg = cfg, .node_name = cfg->node_name };
	int r = kubelet_api_client(cfg, &k.api);
	if (r < 0)
		return r;
	k.node_ip = cfg->node_ip ? xstrdup(cfg->node_ip) : machine_node_ip();
	if ((r = volumes_mkdir_p(cfg->root_dir, 0750)) < 0)
		log_error("cannot create the root dir '%s': %s", cfg->root_dir, strerror(-r));
	prepare_pause_image(cfg);
	struct logs_server *logs = NULL;
	if (r == 0 && (r = logs_server_start(&k, cfg->bind_address, cfg->port, &logs)) < 0)
		log_error("cannot listen on %s:%d", cfg->bind_address, cfg->port);
	if (r < 0) {
		free(k.node_ip);
		k8c_client_free(k.api);
		return r;
	}
	k.port = logs_server_port(logs);
	write_port_file(cfg->port_file, k.port);
	struct k8c_client *events_api = NULL;
	if (kubelet_api_client(cfg, &events_api) == 0)
		k.recorder = k8c_recorder_new(events_api, "kubelet", k.node_name);
	k.pods = pod_manager_new(&k);
	struct heartbeat *hb = heartbeat_start(&k, stop);
	struct relist *relist = NULL;
	if (hb && pod_manager_start(k.pods) == 0)
		relist = relist_start(&k);
	if (relist) {
		log_info("kubelet %s running on node %s (%s), log server on port %d", KUBELET_VERSION,
			 k.node_name, k.node_ip, k.port);
		wait_for_stop(stop);
	}
	relist_stop(relist);
	pod_manager_free(k.pods);
	heartbeat_stop(hb);
	k8c_recorder_free(k.recorder);
	k8c_client_free(events_api);
	logs_server_stop(logs);
	free(k.node_ip);
	k8c_client_free(k.api);
	return relist || *stop ? 0 : -EIO;
}
