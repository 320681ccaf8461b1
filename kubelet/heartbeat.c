/*
 * heartbeat.c - Node registration, Lease renewal and node status; see
 * heartbeat.h.
 */
#include "kubelet/heartbeat.h"

#include <pthread.h>
#include <sys/sysinfo.h>
#include <unistd.h>

#include "api/codec.h"
#include "base/log.h"
#include "base/timeutil.h"
#include "client/recorder.h"
#include "kubelet/cond.h"
#include "kubelet/docker/docker.h"
#include "kubelet/kubelet.h"
#include "kubelet/lease.h"
#include "kubelet/machine.h"
#include "kubelet/node.h"

struct heartbeat {
	struct kubelet *k;
	struct docker_client *dc;
	struct docker_info info;
	char *machine_id, *boot_id, *system_uuid, *runtime_version, *hostname;
	struct node_facts facts;
	struct node_health health;
	struct node_lease lease;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool stop;
	int64_t last_report_ns;
	struct k8c_node ref; /* what node events are about: kind, name, uid */
};

static void node_event(struct heartbeat *h, const char *type, const char *reason,
		       const char *message)
{
	if (h->k->recorder)
		k8c_recorder_eventf(h->k->recorder, &h->ref, type, reason, "%s", message);
}

static void gather(struct heartbeat *h)
{
	struct kubelet *k = h->k;
	if (docker_system_info(h->dc, &h->info) < 0)
		log_warn("docker does not answer: %s", docker_client_last_error(h->dc));
	h->machine_id = machine_read_line("/etc/machine-id");
	h->boot_id = machine_read_line("/proc/sys/kernel/random/boot_id");
	h->system_uuid = machine_read_line("/sys/class/dmi/id/product_uuid");
	struct strbuf rv = STRBUF_INIT;
	strbuf_addf(&rv, "docker://%s", h->info.server_version ? h->info.server_version : "unknown");
	h->runtime_version = strbuf_detach(&rv, NULL);
	char host[256] = "";
	gethostname(host, sizeof(host) - 1);
	h->hostname = xstrdup(host[0] ? host : k->node_name);
	struct sysinfo si;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	h->facts = (struct node_facts){
		.name = k->node_name,
		.ip = k->node_ip,
		.hostname = h->hostname,
		.cpus = h->info.ncpu ? h->info.ncpu : cpus > 0 ? cpus : 1,
		.memory_bytes = h->info.mem_total ? h->info.mem_total :
				sysinfo(&si) == 0 ? (int64_t)si.totalram * si.mem_unit : 0,
		.ephemeral_bytes = machine_fs_bytes(k->cfg->root_dir),
		.max_pods = k->cfg->max_pods,
		.port = k->port,
		.os = h->info.os,
		.arch = h->info.arch,
		.kernel_version = h->info.kernel_version,
		.os_image = h->info.operating_system,
		.runtime_version = h->runtime_version,
		.machine_id = h->machine_id,
		.boot_id = h->boot_id,
		.system_uuid = h->system_uuid ? h->system_uuid : h->machine_id,
	};
	int64_t now = time_now_ns();
	h->health = (struct node_health){
		.ready = h->info.server_version != NULL,
		.message = "container runtime is down",
		.ready_since = now,
		.started = now,
	};
}

/* Recomputes Ready; writes the status when it changed or a report is due. */
static void update_status(struct heartbeat *h, int64_t now)
{
	bool ready = docker_ping(h->dc) == 0;
	bool changed = ready != h->health.ready;
	if (changed) {
		h->health.ready = ready;
		h->health.ready_since = now;
		log_info("node %s is %s", h->k->node_name, ready ? "ready" : "not ready: container "
			 "runtime is down");
		struct strbuf msg = STRBUF_INIT;
		strbuf_addf(&msg, "Node %s status is now: %s", h->k->node_name,
			    ready ? "NodeReady" : "NodeNotReady");
		node_event(h, "Normal", ready ? "NodeReady" : "NodeNotReady", msg.buf);
		strbuf_release(&msg);
	}
	if (!changed && now - h->last_report_ns < h->k->cfg->node_status_report_ms * K8C_NSEC_PER_MSEC)
		return;
	struct strbuf why = STRBUF_INIT;
	if (node_write_status(h->k->api, &h->facts, &h->health, &why) == 0)
		h->last_report_ns = now;
	else
		log_warn("failed to update the status of node %s: %s", h->k->node_name, why.buf);
	strbuf_release(&why);
}

static void renew(struct heartbeat *h)
{
	struct strbuf why = STRBUF_INIT;
	if (node_lease_renew(&h->lease, h->k->api, &why) < 0)
		log_warn("failed to renew the lease of node %s: %s", h->k->node_name, why.buf);
	strbuf_release(&why);
}

static void *heartbeat_main(void *arg)
{
	struct heartbeat *h = arg;
	const struct kubelet_config *cfg = h->k->cfg;
	int64_t next_lease = 0, next_status = 0;
	pthread_mutex_lock(&h->lock);
	while (!h->stop) {
		pthread_mutex_unlock(&h->lock);
		int64_t now = time_mono_ns();
		if (now >= next_lease) {
			renew(h);
			next_lease = now + cfg->lease_renew_ms * K8C_NSEC_PER_MSEC;
		}
		if (now >= next_status) {
			update_status(h, time_now_ns());
			next_status = now + cfg->node_status_update_ms * K8C_NSEC_PER_MSEC;
		}
		pthread_mutex_lock(&h->lock);
		int64_t next = next_lease < next_status ? next_lease : next_status;
		if (!h->stop)
			cond_wait_ns(&h->cond, &h->lock, next - time_mono_ns());
	}
	pthread_mutex_unlock(&h->lock);
	return NULL;
}

static void heartbeat_free(struct heartbeat *h)
{
	node_lease_release(&h->lease);
	k8c_release(&k8c_type_node, &h->ref);
	docker_info_release(&h->info);
	docker_client_free(h->dc);
	free(h->machine_id);
	free(h->boot_id);
	free(h->system_uuid);
	free(h->runtime_version);
	free(h->hostname);
	pthread_cond_destroy(&h->cond);
	pthread_mutex_destroy(&h->lock);
	free(h);
}

/* Registers the node, retrying every second until it works or *stop is set. */
static int register_node(struct heartbeat *h, volatile int *stop, char **ret_uid)
{
	for (int tries = 0; !*stop; tries++) {
		struct strbuf why = STRBUF_INIT;
		int r = node_register(h->k->api, &h->facts, &h->health, ret_uid, &why);
		if (r == 0)
			log_info("registered node %s (%s, port %d)", h->k->node_name, h->k->node_ip,
				 h->k->port);
		else if (tries % 10 == 0)
			log_warn("unable to register node %s with the API server: %s",
				 h->k->node_name, why.buf);
		strbuf_release(&why);
		if (r == 0)
			return 0;
		time_sleep_ms(1000);
	}
	return -ECANCELED;
}

struct heartbeat *heartbeat_start(struct kubelet *k, volatile int *stop)
{
	struct heartbeat *h = xcalloc(1, sizeof(*h));
	h->k = k;
	pthread_mutex_init(&h->lock, NULL);
	cond_init_mono(&h->cond);
	char *uid = NULL;
	if (docker_client_new(k->cfg->docker_socket, &h->dc) < 0) {
		heartbeat_free(h);
		return NULL;
	}
	gather(h);
	if (register_node(h, stop, &uid) < 0) {
		heartbeat_free(h);
		return NULL;
	}
	h->last_report_ns = time_now_ns();
	node_lease_init(&h->lease, k->node_name, uid, k->cfg->lease_duration_s);
	h->ref.kind = xstrdup("Node");
	h->ref.api_version = xstrdup("v1");
	h->ref.metadata.name = xstrdup(k->node_name);
	h->ref.metadata.uid = xstrdup(uid);
	node_event(h, "Normal", "Starting", "Starting kubelet.");
	free(uid);
	if (pthread_create(&h->thread, NULL, heartbeat_main, h) != 0) {
		heartbeat_free(h);
		return NULL;
	}
	return h;
}

void heartbeat_stop(struct heartbeat *h)
{
	if (!h)
		return;
	pthread_mutex_lock(&h->lock);
	h->stop = true;
	pthread_cond_signal(&h->cond);
	pthread_mutex_unlock(&h->lock);
	pthread_join(h->thread, NULL);
	heartbeat_free(h);
}
