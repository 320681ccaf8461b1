/*
 * containers.c - a pod's containers and sandbox created in Docker; see
 * containers.h.
 */
#include "kubelet/containers.h"

#include "api/codec.h"
#include "api/resource/quantity.h"
#include "base/hashmap.h"
#include "base/timeutil.h"
#include "kubelet/env.h"
#include "kubelet/images.h"
#include "kubelet/labels.h"
#include "kubelet/pause_image.h"
#include "kubelet/volumes.h"

#define CPU_PERIOD_US 100000 /* the CFS period Kubernetes uses */
#define MIN_CPU_SHARES 2

uint32_t containers_hash(const struct k8c_container *c)
{
	struct strbuf sb = STRBUF_INIT;
	k8c_encode(&k8c_type_container, c, &sb);
	uint32_t h = hashmap_hash(sb.buf);
	strbuf_release(&sb);
	return h ? h : 1;
}

int64_t containers_grace_seconds(const struct k8c_pod *pod)
{
	if (pod->spec.has_termination_grace_period_seconds &&
	    pod->spec.termination_grace_period_seconds >= 0)
		return pod->spec.termination_grace_period_seconds;
	return 30;
}

static void identity_of(const struct container_request *req, const char *name,
			struct container_identity *id)
{
	const struct k8c_pod *p = req->pod;
	*id = (struct container_identity){
		.node = req->k->node_name,
		.pod_uid = p->metadata.uid,
		.pod_namespace = p->metadata.namespace,
		.pod_name = p->metadata.name,
		.container = name,
		.kind = req->kind,
		.attempt = req->attempt,
		.hash = req->spec ? containers_hash(req->spec) : 0,
		.sandbox_id = req->sandbox_id,
		.grace_seconds = containers_grace_seconds(p),
	};
}

/* A quantity of a resource map as an integer at scale (-3: milli), 0 when absent. */
static int64_t resource(const struct k8c_strmap *m, const char *name, int32_t scale)
{
	const char *text = k8c_strmap_get(m, name);
	struct quantity q;
	int64_t v = 0;
	if (text && quantity_parse(text, &q) == 0)
		quantity_scaled_value(&q, scale, &v);
	return v > 0 ? v : 0;
}

/* Memory and CPU limits as Kubernetes' dockershim sets them (CFS quota, shares from requests). */
static void set_resources(const struct k8c_container *c, struct docker_create_spec *s)
{
	const struct k8c_resource_requirements *r = c->resources;
	int64_t mem = r ? resource(&r->limits, "memory", 0) : 0;
	int64_t cpu_limit = r ? resource(&r->limits, "cpu", -3) : 0;
	int64_t cpu_request = r ? resource(&r->requests, "cpu", -3) : 0;
	if (!cpu_request && r && !k8c_strmap_get(&r->requests, "cpu"))
		cpu_request = cpu_limit; /* a limit alone is the request too */
	s->memory_bytes = mem;
	if (cpu_limit) {
		s->cpu_period_us = CPU_PERIOD_US;
		s->cpu_quota_us = cpu_limit * CPU_PERIOD_US / 1000;
		if (s->cpu_quota_us < 1000)
			s->cpu_quota_us = 1000;
	}
	s->cpu_shares = cpu_request * 1024 / 1000;
	if (s->cpu_shares < MIN_CPU_SHARES)
		s->cpu_shares = MIN_CPU_SHARES;
}

/* "uid[:gid]" from the container's or the pod's securityContext, or NULL. */
static char *user_of(const struct k8c_pod *pod, const struct k8c_container *c)
{
	const struct k8c_security_context *sc = c->security_context;
	const struct k8c_pod_security_context *psc = pod->spec.security_context;
	bool has_uid = (sc && sc->has_run_as_user) || (psc && psc->has_run_as_user);
	if (!has_uid)
		return NULL;
	int64_t uid = sc && sc->has_run_as_user ? sc->run_as_user : psc->run_as_user;
	struct strbuf sb = STRBUF_INIT;
	strbuf_addi64(&sb, uid);
	if ((sc && sc->has_run_as_group) || (psc && psc->has_run_as_group)) {
		strbuf_addch(&sb, ':');
		strbuf_addi64(&sb, sc && sc->has_run_as_group ? sc->run_as_group : psc->run_as_group);
	}
	return strbuf_detach(&sb, NULL);
}

/* A NULL-terminated copy of argv with $(VAR) expanded against env; NULL when n is 0. */
static char **expand_argv(char **argv, size_t n, const struct env_list *env)
{
	if (!n)
		return NULL;
	char **out = xcalloc(n + 1, sizeof(char *));
	for (size_t i = 0; i < n; i++) {
		struct strbuf sb = STRBUF_INIT;
		env_expand(env, argv[i], &sb);
		out[i] = strbuf_detach(&sb, NULL);
	}
	return out;
}

/* What a container's create spec points at, owned here. */
struct create_parts {
	struct env_list env;
	struct volume_binds binds;
	char **command, **args;
	char *user;
	char *hostname;
	char *network, *ipc, *pid;
	struct container_labels labels;
	struct strbuf name;
};

static void create_parts_release(struct create_parts *p)
{
	env_list_release(&p->env);
	volume_binds_release(&p->binds);
	docker_strv_free(p->command);
	docker_strv_free(p->args);
	free(p->user);
	free(p->hostname);
	free(p->network);
	free(p->ipc);
	free(p->pid);
	strbuf_release(&p->name);
}

static char *join_mode(const char *sandbox_id)
{
	struct strbuf sb = STRBUF_INIT;
	strbuf_addf(&sb, "container:%s", sandbox_id);
	return strbuf_detach(&sb, NULL);
}

/* Environment and mounts: CreateContainerConfigError when they cannot be made. */
static int prepare(const struct container_request *req, struct create_parts *p,
		   struct start_failure *fail)
{
	const struct env_context ctx = {
		.api = req->api,
		.pod = req->pod,
		.pod_ip = req->pod_ip,
		.host_ip = req->k->node_ip,
		.node_name = req->k->node_name,
	};
	int r = env_build(&ctx, req->spec, &p->env, &fail->message);
	if (r == 0)
		r = volumes_binds(req->k->cfg->root_dir, req->pod, req->spec, &p->binds,
				  &fail->message);
	if (r < 0)
		fail->reason = "CreateContainerConfigError";
	return r;
}

static void fill_spec(const struct container_request *req, struct create_parts *p,
		      struct docker_create_spec *s)
{
	const struct k8c_container *c = req->spec;
	const struct k8c_pod_spec *ps = &req->pod->spec;
	struct container_identity id;
	identity_of(req, c->name, &id);
	labels_for(&id, &p->labels);
	labels_container_name(&id, &p->name);
	p->command = expand_argv(c->command, c->n_command, &p->env);
	p->args = expand_argv(c->args, c->n_args, &p->env);
	p->user = user_of(req->pod, c);
	p->network = join_mode(req->sandbox_id);
	p->ipc = join_mode(req->sandbox_id);
	if (ps->has_share_process_namespace && ps->share_process_namespace)
		p->pid = join_mode(req->sandbox_id);
	*s = (struct docker_create_spec){
		.name = p->name.buf,
		.image = c->image,
		.entrypoint = (const char *const *)p->command,
		.cmd = (const char *const *)p->args,
		.env = (const char *const *)p->env.items,
		.working_dir = c->working_dir,
		.user = p->user,
		.labels = p->labels.kv,
		.n_labels = p->labels.n,
		.binds = p->binds.items,
		.n_binds = p->binds.n,
		.network_mode = p->network,
		.ipc_mode = ps->has_host_ipc && ps->host_ipc ? "host" : p->ipc,
		.pid_mode = ps->has_host_pid && ps->host_pid ? "host" : p->pid,
		.tty = c->has_tty && c->tty,
		.open_stdin = c->has_stdin && c->stdin,
		.stdin_once = c->has_stdin_once && c->stdin_once,
		.log_max_size = "10m",
		.log_max_file = "5",
	};
	set_resources(c, s);
}

/* Creates and starts; a container that does not start is removed. */
static int create_and_start(struct docker_client *dc, const struct docker_create_spec *s,
			    char **ret_id, struct start_failure *fail)
{
	char *id = NULL;
	int r = docker_container_create(dc, s, &id);
	if (r == -EEXIST) { /* a leftover of an attempt that failed half-way */
		docker_container_remove(dc, s->name, DOCKER_REMOVE_FORCE);
		r = docker_container_create(dc, s, &id);
	}
	if (r < 0) {
		fail->reason = "CreateContainerError";
		strbuf_addstr(&fail->message, docker_client_last_error(dc));
		return r;
	}
	r = docker_container_start(dc, id);
	if (r < 0) {
		fail->reason = "RunContainerError";
		strbuf_addstr(&fail->message, docker_client_last_error(dc));
		docker_container_remove(dc, id, DOCKER_REMOVE_FORCE);
		free(id);
		return r;
	}
	*ret_id = id;
	return 0;
}

int containers_start(const struct container_request *req, char **ret_id,
		     struct start_failure *fail)
{
	struct image_check img = { .message = STRBUF_INIT };
	int r = images_ensure(req->dc, req->image_backoff, req->k->cfg->image_pull, req->spec,
			      time_now_ns(), &img);
	if (r < 0) {
		fail->reason = img.reason ? img.reason : "ErrImageInspect";
		fail->retry_ns = img.retry_ns;
		strbuf_add(&fail->message, img.message.buf, img.message.len);
		strbuf_release(&img.message);
		return r;
	}
	strbuf_release(&img.message);
	struct create_parts p = { .name = STRBUF_INIT };
	struct docker_create_spec s;
	r = prepare(req, &p, fail);
	if (r == 0) {
		fill_spec(req, &p, &s);
		r = create_and_start(req->dc, &s, ret_id, fail);
	}
	create_parts_release(&p);
	return r;
}

/* --- the sandbox --- */

/* Every hostPort of the pod's containers, published on the sandbox. */
static struct docker_port *sandbox_ports(const struct k8c_pod_spec *ps, size_t *n)
{
	size_t total = 0;
	for (size_t i = 0; i < ps->n_containers; i++)
		total += ps->containers[i].n_ports;
	struct docker_port *ports = xcalloc(total + 1, sizeof(*ports));
	*n = 0;
	for (size_t i = 0; i < ps->n_containers; i++) {
		for (size_t j = 0; j < ps->containers[i].n_ports; j++) {
			const struct k8c_container_port *cp = &ps->containers[i].ports[j];
			if (!cp->has_container_port || cp->container_port <= 0 ||
			    cp->container_port > 65535)
				continue;
			const char *proto = cp->protocol ? cp->protocol : "TCP";
			ports[*n] = (struct docker_port){
				.container_port = (uint16_t)cp->container_port,
				.protocol = !strcmp(proto, "UDP") ? "udp" : !strcmp(proto, "SCTP") ? "sctp" : "tcp",
				.host_port = cp->has_host_port && cp->host_port > 0 &&
						     cp->host_port <= 65535 ? (uint16_t)cp->host_port : 0,
				.host_ip = cp->host_ip && *cp->host_ip ? cp->host_ip : NULL,
			};
			(*n)++;
		}
	}
	return ports;
}

/* The pod's hostname: spec.hostname, else its name cut to a DNS label's 63 characters. */
static char *pod_hostname(const struct k8c_pod *pod)
{
	const char *h = pod->spec.hostname && *pod->spec.hostname ? pod->spec.hostname :
								    pod->metadata.name;
	char *out = xstrndup(h, 63);
	size_t n = strlen(out);
	while (n > 0 && (out[n - 1] == '-' || out[n - 1] == '.'))
		out[--n] = '\0';
	return out;
}

static void fill_sandbox_spec(struct kubelet *k, const struct k8c_pod *pod, int attempt,
			      struct create_parts *p, struct docker_create_spec *s)
{
	const struct k8c_pod_spec *ps = &pod->spec;
	bool host_net = ps->has_host_network && ps->host_network;
	struct container_request req = {
		.k = k, .pod = pod, .kind = KIND_SANDBOX, .attempt = attempt
	};
	struct container_identity id;
	identity_of(&req, SANDBOX_CONTAINER_NAME, &id);
	labels_for(&id, &p->labels);
	labels_container_name(&id, &p->name);
	*s = (struct docker_create_spec){
		.name = p->name.buf,
		.image = k->cfg->pause_image,
		.labels = p->labels.kv,
		.n_labels = p->labels.n,
		.hostname = host_net ? NULL : p->hostname,
		.network_mode = host_net ? "host" : "bridge",
		.ipc_mode = ps->has_host_ipc && ps->host_ipc ? "host" : "shareable",
		.pid_mode = ps->has_host_pid && ps->host_pid ? "host" : NULL,
		.cpu_shares = MIN_CPU_SHARES,
	};
	if (ps->dns_config) {
		s->dns_servers = (const char *const *)ps->dns_config->nameservers;
		s->dns_searches = (const char *const *)ps->dns_config->searches;
	}
}

/* The address Docker gave the started sandbox (NULL with hostNetwork). */
static int sandbox_ip(struct docker_client *dc, const char *id, char **ret_ip, struct strbuf *why)
{
	struct docker_container ctr;
	int r = docker_container_inspect(dc, id, &ctr);
	if (r < 0) {
		strbuf_addf(why, "cannot inspect the sandbox: %s", docker_client_last_error(dc));
		return r;
	}
	*ret_ip = TAKE_PTR(ctr.ip_address);
	docker_container_release(&ctr);
	return 0;
}

int containers_start_sandbox(struct kubelet *k, struct docker_client *dc, const struct k8c_pod *pod,
			     int attempt, char **ret_id, char **ret_ip, struct strbuf *why)
{
	int r = pause_image_ensure(dc, k->cfg->pause_image, k->cfg->pause_binary, why);
	if (r < 0)
		return r;
	struct create_parts p = { .name = STRBUF_INIT };
	struct docker_create_spec s;
	p.hostname = pod_hostname(pod);
	fill_sandbox_spec(k, pod, attempt, &p, &s);
	s.ports = sandbox_ports(&pod->spec, &s.n_ports);
	struct start_failure fail = { .message = STRBUF_INIT };
	char *id = NULL;
	r = create_and_start(dc, &s, &id, &fail);
	if (r < 0)
		strbuf_addf(why, "failed to start the pod sandbox: %s", fail.message.buf);
	if (r == 0 && (r = sandbox_ip(dc, id, ret_ip, why)) < 0)
		docker_container_remove(dc, id, DOCKER_REMOVE_FORCE);
	if (r == 0)
		*ret_id = TAKE_PTR(id);
	free(id);
	free((void *)s.ports);
	strbuf_release(&fail.message);
	create_parts_release(&p);
	return r;
}
