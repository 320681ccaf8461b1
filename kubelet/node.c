/*
 * node.c - the Node object and its registration; see node.h.
 */
#include "kubelet/node.h"

#include "api/codec.h"
#include "base/timeutil.h"
#include "kubelet/config.h"
#include "kubelet/kapi.h"

#define EVICTION_MEMORY (100LL * 1024 * 1024) /* memory.available<100Mi */

static void set_kib(struct k8c_strmap *m, const char *name, int64_t bytes)
{
	char v[32];
	snprintf(v, sizeof(v), "%lldKi", (long long)(bytes / 1024));
	k8c_strmap_set(m, name, v);
}

static void set_int(struct k8c_strmap *m, const char *name, int64_t n)
{
	char v[32];
	snprintf(v, sizeof(v), "%lld", (long long)n);
	k8c_strmap_set(m, name, v);
}

static void resources(const struct node_facts *f, struct k8c_node_status *st)
{
	set_int(&st->capacity, "cpu", f->cpus);
	set_kib(&st->capacity, "memory", f->memory_bytes);
	set_int(&st->capacity, "pods", f->max_pods);
	set_int(&st->allocatable, "cpu", f->cpus);
	int64_t mem = f->memory_bytes - EVICTION_MEMORY;
	set_kib(&st->allocatable, "memory", mem > 0 ? mem : 0);
	set_int(&st->allocatable, "pods", f->max_pods);
	if (f->ephemeral_bytes) {
		set_kib(&st->capacity, "ephemeral-storage", f->ephemeral_bytes);
		set_int(&st->allocatable, "ephemeral-storage", f->ephemeral_bytes / 10 * 9);
	}
}

static void condition(struct k8c_node_status *st, const char *type, bool status, const char *reason,
		      const char *message, int64_t transition, int64_t now)
{
	struct k8c_node_condition *c = &st->conditions[st->n_conditions++];
	c->type = xstrdup(type);
	c->status = xstrdup(status ? "True" : "False");
	c->reason = xstrdup(reason);
	c->message = xstrdup(message);
	c->last_heartbeat_time = now;
	c->last_transition_time = transition;
}

static void conditions(const struct node_health *h, int64_t now, struct k8c_node_status *st)
{
	st->conditions = xcalloc(4, sizeof(*st->conditions));
	condition(st, "MemoryPressure", false, "KubeletHasSufficientMemory",
		  "kubelet has sufficient memory available", h->started, now);
	condition(st, "DiskPressure", false, "KubeletHasNoDiskPressure", "kubelet has no disk pressure",
		  h->started, now);
	condition(st, "PIDPressure", false, "KubeletHasSufficientPID",
		  "kubelet has sufficient PID available", h->started, now);
	condition(st, "Ready", h->ready, h->ready ? "KubeletReady" : "KubeletNotReady",
		  h->ready ? "kubelet is posting ready status" : h->message, h->ready_since, now);
}

static void addresses(const struct node_facts *f, struct k8c_node_status *st)
{
	st->addresses = xcalloc(2, sizeof(*st->addresses));
	if (f->ip) {
		st->addresses[st->n_addresses].type = xstrdup("InternalIP");
		st->addresses[st->n_addresses++].address = xstrdup(f->ip);
	}
	st->addresses[st->n_addresses].type = xstrdup("Hostname");
	st->addresses[st->n_addresses++].address = xstrdup(f->hostname ? f->hostname : f->name);
}

static void node_info(const struct node_facts *f, struct k8c_node_system_info *i)
{
	i->machine_id = xstrdup(f->machine_id ? f->machine_id : "");
	i->system_uuid = xstrdup(f->system_uuid ? f->system_uuid : "");
	i->boot_id = xstrdup(f->boot_id ? f->boot_id : "");
	i->kernel_version = xstrdup(f->kernel_version ? f->kernel_version : "");
	i->os_image = xstrdup(f->os_image ? f->os_image : "");
	i->container_runtime_version = xstrdup(f->runtime_version ? f->runtime_version : "");
	i->kubelet_version = xstrdup(KUBELET_VERSION);
	i->kube_proxy_version = xstrdup(KUBELET_VERSION);
	i->operating_system = xstrdup(f->os ? f->os : "linux");
	i->architecture = xstrdup(f->arch ? f->arch : "amd64");
}

void node_build(const struct node_facts *f, const struct node_health *h, int64_t now,
		struct k8c_node *out)
{
	out->kind = xstrdup("Node");
	out->api_version = xstrdup("v1");
	out->metadata.name = xstrdup(f->name);
	struct k8c_strmap *l = &out->metadata.labels;
	const char *os = f->os ? f->os : "linux", *arch = f->arch ? f->arch : "amd64";
	k8c_strmap_set(l, "beta.kubernetes.io/arch", arch);
	k8c_strmap_set(l, "beta.kubernetes.io/os", os);
	k8c_strmap_set(l, "kubernetes.io/arch", arch);
	k8c_strmap_set(l, "kubernetes.io/hostname", f->name);
	k8c_strmap_set(l, "kubernetes.io/os", os);
	struct k8c_node_status *st = &out->status;
	resources(f, st);
	conditions(h, now, st);
	addresses(f, st);
	node_info(f, &st->node_info);
	st->daemon_endpoints.kubelet_endpoint.port = f->port;
	st->daemon_endpoints.kubelet_endpoint.has_port = true;
}

/* The body of a status write: {"status": <the status>}. */
static char *status_body(const struct k8c_node *n)
{
	struct strbuf sb = STRBUF_INIT;
	strbuf_addstr(&sb, "{\"status\":");
	k8c_encode(&k8c_type_node_status, &n->status, &sb);
	strbuf_addch(&sb, '}');
	return strbuf_detach(&sb, NULL);
}

int node_write_status(struct k8c_client *api, const struct node_facts *f,
		      const struct node_health *h, struct strbuf *why)
{
	struct k8c_node n = { 0 };
	node_build(f, h, time_now_ns(), &n);
	char *body = status_body(&n);
	struct strbuf path = STRBUF_INIT;
	strbuf_addstr(&path, "/api/v1/nodes/");
	strbuf_addstr(&path, f->name);
	strbuf_addstr(&path, "/status");
	int r = kapi_send(api, "PATCH", path.buf, "application/merge-patch+json", body, NULL, NULL,
			  why);
	strbuf_release(&path);
	free(body);
	k8c_release(&k8c_type_node, &n);
	return r;
}

int node_register(struct k8c_client *api, const struct node_facts *f, const struct node_health *h,
		  char **ret_uid, struct strbuf *why)
{
	struct k8c_node n = { 0 }, got = { 0 };
	node_build(f, h, time_now_ns(), &n);
	struct strbuf body = STRBUF_INIT, path = STRBUF_INIT;
	k8c_encode(&k8c_type_node, &n, &body);
	int r = kapi_send(api, "POST", "/api/v1/nodes", NULL, body.buf, &k8c_type_node, &got, why);
	if (r == -EEXIST) { /* registered by an earlier run: take it over */
		strbuf_reset(why);
		k8c_release(&k8c_type_node, &got);
		strbuf_addf(&path, "/api/v1/nodes/%s", f->name);
		r = kapi_get(api, path.buf, &k8c_type_node, &got, why);
		if (r == 0)
			r = node_write_status(api, f, h, why);
	}
	if (r == 0)
		*ret_uid = xstrdup(got.metadata.uid);
	k8c_release(&k8c_type_node, &n);
	k8c_release(&k8c_type_node, &got);
	strbuf_release(&body);
	strbuf_release(&path);
	return r;
}
