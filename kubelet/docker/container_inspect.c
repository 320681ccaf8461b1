/*
 * container_inspect.c - GET /containers/{id}/json and /containers/json: the
 * daemon's view of containers as owned C structs; see container.h.
 */
#include "kubelet/docker/container.h"

#include "base/timeutil.h"
#include "kubelet/docker/http.h"
#include "kubelet/docker/json.h"

/* Docker's names start with '/'; the API's users never see it. */
static char *strip_slash(char *name)
{
	if (name && name[0] == '/')
		memmove(name, name + 1, strlen(name));
	return name;
}

/* The "bridge" network's address, else the first network's with one. */
static char *ip_address(const cJSON *settings)
{
	const cJSON *networks = docker__json_get(settings, "Networks");
	char *ip = docker__json_str(docker__json_get(networks, "bridge"), "IPAddress");
	const cJSON *net;
	cJSON_ArrayForEach(net, networks) {
		if (ip)
			break;
		ip = docker__json_str(net, "IPAddress");
	}
	return ip ? ip : docker__json_str(settings, "IPAddress");
}

static void read_mounts(const cJSON *mounts, struct docker_container *ctr)
{
	int n = cJSON_GetArraySize(mounts);
	if (n <= 0)
		return;
	ctr->mounts = xcalloc((size_t)n, sizeof(*ctr->mounts));
	const cJSON *m;
	cJSON_ArrayForEach(m, mounts) {
		struct docker_mount *out = &ctr->mounts[ctr->n_mounts++];
		out->type = docker__json_str(m, "Type");
		out->source = docker__json_str(m, "Source");
		out->destination = docker__json_str(m, "Destination");
		out->read_only = cJSON_IsFalse(docker__json_get(m, "RW"));
	}
}

static void read_state(const cJSON *state, struct docker_container *ctr)
{
	char *status = docker__json_str(state, "Status");
	ctr->state = docker_state_from_string(status);
	free(status);
	ctr->running = docker__json_bool(state, "Running");
	ctr->oom_killed = docker__json_bool(state, "OOMKilled");
	ctr->exit_code = (int)docker__json_int(state, "ExitCode");
	ctr->pid = (int)docker__json_int(state, "Pid");
	ctr->started_ns = docker__json_time(state, "StartedAt");
	ctr->finished_ns = docker__json_time(state, "FinishedAt");
	ctr->error = docker__json_str(state, "Error");
}

static void read_host_config(const cJSON *hc, struct docker_container *ctr)
{
	ctr->network_mode = docker__json_str(hc, "NetworkMode");
	ctr->memory_bytes = docker__json_int(hc, "Memory");
	ctr->nano_cpus = docker__json_int(hc, "NanoCpus");
	ctr->cpu_quota_us = docker__json_int(hc, "CpuQuota");
	ctr->cpu_period_us = docker__json_int(hc, "CpuPeriod");
	ctr->cpu_shares = docker__json_int(hc, "CpuShares");
}

static void read_container(const cJSON *json, struct docker_container *ctr)
{
	const cJSON *config = docker__json_get(json, "Config");
	*ctr = (struct docker_container){
		.id = docker__json_str(json, "Id"),
		.name = strip_slash(docker__json_str(json, "Name")),
		.image = docker__json_str(config, "Image"),
		.image_id = docker__json_str(json, "Image"),
		.created_ns = docker__json_time(json, "Created"),
		.restart_count = (int)docker__json_int(json, "RestartCount"),
		.ip_address = ip_address(docker__json_get(json, "NetworkSettings")),
		.hostname = docker__json_str(config, "Hostname"),
		.log_path = docker__json_str(json, "LogPath"),
		.env = docker__json_strv(config, "Env"),
		.tty = docker__json_bool(config, "Tty"),
	};
	docker__json_labels(config, "Labels", &ctr->labels);
	read_state(docker__json_get(json, "State"), ctr);
	read_host_config(docker__json_get(json, "HostConfig"), ctr);
	read_mounts(docker__json_get(json, "Mounts"), ctr);
}

int docker_container_inspect(struct docker_client *c, const char *id, struct docker_container *ret)
{
	cJSON *json = NULL;
	int r = docker__inspect_json(c, "/containers/", id, &json);
	if (r < 0)
		return r;
	read_container(json, ret);
	cJSON_Delete(json);
	return 0;
}

void docker_container_release(struct docker_container *ctr)
{
	free(ctr->id);
	free(ctr->name);
	free(ctr->image);
	free(ctr->image_id);
	free(ctr->error);
	free(ctr->ip_address);
	free(ctr->network_mode);
	free(ctr->hostname);
	free(ctr->log_path);
	docker_strv_free(ctr->env);
	docker_labels_release(&ctr->labels);
	for (size_t i = 0; i < ctr->n_mounts; i++) {
		free(ctr->mounts[i].type);
		free(ctr->mounts[i].source);
		free(ctr->mounts[i].destination);
	}
	free(ctr->mounts);
	*ctr = (struct docker_container){ 0 };
}

static void read_summary(const cJSON *json, struct docker_container_summary *s)
{
	const cJSON *names = docker__json_get(json, "Names");
	const cJSON *first = cJSON_GetArrayItem(names, 0);
	char *state = docker__json_str(json, "State");
	*s = (struct docker_container_summary){
		.id = docker__json_str(json, "Id"),
		.name = strip_slash(cJSON_IsString(first) ? xstrdup(first->valuestring) : NULL),
		.image = docker__json_str(json, "Image"),
		.image_id = docker__json_str(json, "ImageID"),
		.state = docker_state_from_string(state),
		.status = docker__json_str(json, "Status"),
		.created_ns = docker__json_int(json, "Created") * K8C_NSEC_PER_SEC,
	};
	free(state);
	docker__json_labels(json, "Labels", &s->labels);
}

/* "/containers/json?all=1&filters={"label":{"k=v":true,...}}" */
static void list_path(struct strbuf *path, const char *const *label_filters, bool all)
{
	struct strbuf filters = STRBUF_INIT;
	strbuf_addf(path, "/containers/json?all=%d", all ? 1 : 0);
	if (!label_filters || !label_filters[0])
		return;
	docker__jw_open(&filters, NULL, '{');
	docker__jw_open(&filters, "label", '{');
	for (size_t i = 0; label_filters[i]; i++)
		docker__jw_bool(&filters, label_filters[i], true);
	docker__jw_close(&filters, '{');
	docker__jw_close(&filters, '{');
	docker__add_path(path, "&filters=", filters.buf, NULL);
	strbuf_release(&filters);
}

int docker_container_list(struct docker_client *c, const char *const *label_filters, bool all,
			  struct docker_container_list *ret)
{
	struct strbuf path = STRBUF_INIT;
	list_path(&path, label_filters, all);
	cJSON *json = NULL;
	int r = docker__get_json(c, path.buf, cJSON_Array, &json);
	strbuf_release(&path);
	if (r < 0)
		return r;
	struct docker_container_list list = { 0 };
	list.items = xcalloc((size_t)cJSON_GetArraySize(json) + 1, sizeof(*list.items));
	const cJSON *it;
	cJSON_ArrayForEach(it, json)
		if (cJSON_IsObject(it))
			read_summary(it, &list.items[list.n++]);
	cJSON_Delete(json);
	*ret = list;
	return 0;
}

void docker_container_list_release(struct docker_container_list *list)
{
	for (size_t i = 0; i < list->n; i++) {
		struct docker_container_summary *s = &list->items[i];
		free(s->id);
		free(s->name);
		free(s->image);
		free(s->image_id);
		free(s->status);
		docker_labels_release(&s->labels);
	}
	free(list->items);
	*list = (struct docker_container_list){ 0 };
}
