/*
 * status.c - the pod status as Kubernetes' kubelet computes it
 * (generateAPIPodStatus, convertToAPIContainerStatuses, getPhase and the
 * condition generators); see status.h.
 */
#include "kubelet/status.h"


#include "api/codec.h"
#include "api/json_src.h"
#include "api/resource/quantity.h"
#include "base/hashmap.h"

#define DOCKER_ID_PREFIX "docker://"

const char *status_restart_policy(const struct k8c_pod_spec *spec)
{
	return spec->restart_policy && *spec->restart_policy ? spec->restart_policy : "Always";
}

void status_normalize_image(const char *ref, struct strbuf *out)
{
	strbuf_addstr(out, ref);
	const char *slash = strrchr(ref, '/');
	if (!strchr(slash ? slash : ref, ':') && !strchr(ref, '@'))
		strbuf_addstr(out, ":latest");
}

static char *docker_id(const char *id)
{
	struct strbuf sb = STRBUF_INIT;
	strbuf_addf(&sb, DOCKER_ID_PREFIX "%s", id);
	return strbuf_detach(&sb, NULL);
}

static const char *termination_reason(const struct observed_container *c)
{
	if (c->oom_killed)
		return "OOMKilled";
	if (c->error && *c->error)
		return "ContainerCannotRun";
	return c->exit_code == 0 ? "Completed" : "Error";
}

static void set_terminated(struct k8c_container_state *st, const struct observed_container *c)
{
	struct k8c_container_state_terminated *t = xcalloc(1, sizeof(*t));
	t->exit_code = c->exit_code;
	t->has_exit_code = true;
	t->reason = xstrdup(termination_reason(c));
	if (c->error && *c->error)
		t->message = xstrdup(c->error);
	t->started_at = c->started_ns;
	t->finished_at = c->finished_ns;
	t->container_id = docker_id(c->id);
	st->terminated = t;
}

static void set_waiting(struct k8c_container_state *st, const char *reason, const char *message)
{
	st->waiting = xcalloc(1, sizeof(*st->waiting));
	st->waiting->reason = xstrdup(reason);
	st->waiting->message = xstrdup(message);
}

/* The state and lastState of v; default_reason is the waiting reason when nothing ran yet. */
static void set_states(const struct container_view *v, struct k8c_container_status *cs,
		       const char *default_reason)
{
	const struct observed_container *cur = v->current;
	if (cur && cur->running) {
		cs->state.running = xcalloc(1, sizeof(*cs->state.running));
		cs->state.running->started_at = cur->started_ns;
		if (v->previous && observed_exited(v->previous))
			set_terminated(&cs->last_state, v->previous);
	} else if (cur && observed_exited(cur)) {
		if (v->waiting_reason) {
			set_waiting(&cs->state, v->waiting_reason, v->waiting_message);
			set_terminated(&cs->last_state, cur);
		} else {
			set_terminated(&cs->state, cur);
			if (v->previous && observed_exited(v->previous))
				set_terminated(&cs->last_state, v->previous);
		}
	} else {
		set_waiting(&cs->state, v->waiting_reason ? v->waiting_reason : default_reason,
			    v->waiting_reason ? v->waiting_message : NULL);
		if (v->previous && observed_exited(v->previous))
			set_terminated(&cs->last_state, v->previous);
	}
}

/* The status of one container; init containers are ready once they succeeded, as Kubernetes
 * reports them, and have no started field. */
static void container_status(const struct container_view *v, struct k8c_container_status *cs,
			     const char *default_reason, bool init)
{
	const struct observed_container *cur = v->current;
	struct strbuf image = STRBUF_INIT;
	status_normalize_image(cur && cur->image ? cur->image : v->spec->image ? v->spec->image : "",
			       &image);
	cs->name = xstrdup(v->spec->name);
	cs->image = strbuf_detach(&image, NULL);
	cs->image_id = cur && cur->image_id ? docker_id(cur->image_id) : xstrdup("");
	if (cur)
		cs->container_id = docker_id(cur->id);
	cs->restart_count = cur ? cur->attempt : 0;
	cs->has_restart_count = true;
	bool running = cur && cur->running;
	if (init) {
		cs->ready = cur && observed_exited(cur) && cur->exit_code == 0;
	} else {
		cs->started = running && v->started;
		cs->has_started = true;
		cs->ready = running && v->started && v->ready;
	}
	cs->has_ready = true;
	set_states(v, cs, default_reason);
}

static int by_name(const void *a, const void *b)
{
	const struct k8c_container_status *x = a, *y = b;
	return strcmp(x->name, y->name);
}

/* --- phase (getPhase) --- */

static const struct k8c_container_status *find_status(const struct k8c_container_status *s,
						       size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (s[i].name && !strcmp(s[i].name, name))
			return &s[i];
	return NULL;
}

/* Counts pending and failed init containers as getPhase does. */
static void init_counts(const struct k8c_pod_spec *spec, const struct k8c_container_status *init,
			size_t n_init, int *pending, int *failed)
{
	for (size_t i = 0; i < spec->n_init_containers; i++) {
		const struct k8c_container_status *cs =
			find_status(init, n_init, spec->init_containers[i].name);
		const struct k8c_container_state_terminated *t = cs ? cs->state.terminated : NULL;
		const struct k8c_container_state_terminated *last =
			cs ? cs->last_state.terminated : NULL;
		if (!cs || cs->state.running)
			(*pending)++;
		else if (t)
			*failed += t->exit_code != 0;
		else if (cs->state.waiting && last)
			*failed += last->exit_code != 0;
		else
			(*pending)++;
	}
}

struct app_counts {
	int unknown, running, waiting, stopped, succeeded;
};

static struct app_counts app_counts(const struct k8c_pod_spec *spec,
				    const struct k8c_container_status *app, size_t n_app)
{
	struct app_counts c = { 0 };
	for (size_t i = 0; i < spec->n_containers; i++) {
		const struct k8c_container_status *cs =
			find_status(app, n_app, spec->containers[i].name);
		if (!cs) {
			c.unknown++;
		} else if (cs->state.running) {
			c.running++;
		} else if (cs->state.terminated) {
			c.stopped++;
			c.succeeded += cs->state.terminated->exit_code == 0;
		} else if (cs->state.waiting) {
			if (cs->last_state.terminated)
				c.stopped++;
			else
				c.waiting++;
		} else {
			c.unknown++;
		}
	}
	return c;
}

const char *status_phase(const struct k8c_pod_spec *spec, const struct k8c_container_status *init,
			 size_t n_init, const struct k8c_container_status *app, size_t n_app)
{
	int pending = 0, failed = 0;
	init_counts(spec, init, n_init, &pending, &failed);
	struct app_counts c = app_counts(spec, app, n_app);
	const char *policy = status_restart_policy(spec);
	if (failed > 0 && !strcmp(policy, "Never"))
		return "Failed";
	if (pending > 0 || c.waiting > 0)
		return "Pending";
	if (c.running > 0 && c.unknown == 0)
		return "Running";
	if (c.running == 0 && c.stopped > 0 && c.unknown == 0) {
		if (!strcmp(policy, "Always"))
			return "Running";
		if (c.stopped == c.succeeded)
			return "Succeeded";
		if (!strcmp(policy, "Never"))
			return "Failed";
		return "Running";
	}
	return "Pending";
}

/* --- QoS class (GetPodQOS) --- */

static bool positive(const char *text)
{
	struct quantity q;
	return text && quantity_parse(text, &q) == 0 && quantity_sign(&q) > 0;
}

/* Classifies one container: sets *any when it requests or limits cpu/memory, clears *guaranteed
 * unless both have limits equal to the requests. */
static void qos_container(const struct k8c_container *c, bool *any, bool *guaranteed)
{
	static const char *const res[] = { "cpu", "memory" };
	const struct k8c_resource_requirements *r = c->resources;
	for (size_t i = 0; i < ARRAY_SIZE(res); i++) {
		const char *req = r ? k8c_strmap_get(&r->requests, res[i]) : NULL;
		const char *lim = r ? k8c_strmap_get(&r->limits, res[i]) : NULL;
		if (positive(req) || positive(lim))
			*any = true;
		if (!positive(lim)) {
			*guaranteed = false;
			continue;
		}
		struct quantity a, b;
		if (req && quantity_parse(req, &a) == 0 && quantity_parse(lim, &b) == 0 &&
		    quantity_cmp(&a, &b) != 0)
			*guaranteed = false;
	}
}

const char *status_qos_class(const struct k8c_pod_spec *spec)
{
	bool any = false, guaranteed = true;
	for (size_t i = 0; i < spec->n_containers; i++)
		qos_container(&spec->containers[i], &any, &guaranteed);
	for (size_t i = 0; i < spec->n_init_containers; i++)
		qos_container(&spec->init_containers[i], &any, &guaranteed);
	if (!any)
		return "BestEffort";
	return guaranteed ? "Guaranteed" : "Burstable";
}

/* --- conditions --- */

static bool kubelet_condition(const char *type)
{
	return !strcmp(type, "PodScheduled") || !strcmp(type, "Ready") ||
	       !strcmp(type, "Initialized") || !strcmp(type, "ContainersReady");
}

static const struct k8c_pod_condition *old_condition(const struct k8c_pod_status *old,
						     const char *type)
{
	for (size_t i = 0; i < old->n_conditions; i++)
		if (old->conditions[i].type && !strcmp(old->conditions[i].type, type))
			return &old->conditions[i];
	return NULL;
}

static struct k8c_pod_condition *new_condition(struct k8c_pod_status *out)
{
	out->conditions = xrealloc(out->conditions, (out->n_conditions + 1) * sizeof(*out->conditions));
	struct k8c_pod_condition *c = &out->conditions[out->n_conditions++];
	memset(c, 0, sizeof(*c));
	return c;
}

/* Adds condition type; its lastTransitionTime stays the old one while its status is unchanged. */
static void add_condition(struct k8c_pod_status *out, const struct status_input *in,
			  const char *type, bool ok, const char *reason, const char *message)
{
	const struct k8c_pod_condition *old = old_condition(&in->pod->status, type);
	struct k8c_pod_condition *c = new_condition(out);
	c->type = xstrdup(type);
	c->status = xstrdup(ok ? "True" : "False");
	c->reason = xstrdup(reason);
	c->message = xstrdup(message && *message ? message : NULL);
	if (old && old->status && !strcmp(old->status, c->status) && old->last_transition_time)
		c->last_transition_time = old->last_transition_time;
	else
		c->last_transition_time = in->now_ns;
}

/* Appends Go's %s of a []string: "[a b]". */
static void add_go_list(struct strbuf *sb, const char *prefix, char **names, size_t n)
{
	if (!n)
		return;
	if (sb->len)
		strbuf_addstr(sb, ", ");
	strbuf_addf(sb, "%s [", prefix);
	for (size_t i = 0; i < n; i++)
		strbuf_addf(sb, "%s%s", i ? " " : "", names[i]);
	strbuf_addch(sb, ']');
}

static void add_initialized(struct k8c_pod_status *out, const struct status_input *in)
{
	const struct k8c_pod_spec *spec = &in->pod->spec;
	char **incomplete = xcalloc(spec->n_init_containers + 1, sizeof(char *));
	size_t n = 0;
	for (size_t i = 0; i < spec->n_init_containers; i++) {
		const struct k8c_container_status *cs = find_status(
			out->init_container_statuses, out->n_init_container_statuses,
			spec->init_containers[i].name);
		if (!cs || !cs->state.terminated || cs->state.terminated->exit_code != 0)
			incomplete[n++] = spec->init_containers[i].name;
	}
	if (!strcmp(out->phase, "Succeeded")) {
		add_condition(out, in, "Initialized", true, "PodCompleted", NULL);
	} else {
		struct strbuf msg = STRBUF_INIT;
		add_go_list(&msg, "containers with incomplete status:", incomplete, n);
		add_condition(out, in, "Initialized", n == 0, n ? "ContainersNotInitialized" : NULL,
			      msg.buf);
		strbuf_release(&msg);
	}
	free(incomplete);
}

/* Ready and ContainersReady, which say the same without readiness gates. */
static void add_ready(struct k8c_pod_status *out, const struct status_input *in)
{
	const struct k8c_pod_spec *spec = &in->pod->spec;
	static const char *const types[] = { "Ready", "ContainersReady" };
	if (!strcmp(out->phase, "Succeeded")) {
		for (size_t t = 0; t < ARRAY_SIZE(types); t++)
			add_condition(out, in, types[t], false, "PodCompleted", NULL);
		return;
	}
	char **unready = xcalloc(spec->n_containers + 1, sizeof(char *));
	size_t n = 0;
	for (size_t i = 0; i < spec->n_containers; i++) {
		const struct k8c_container_status *cs = find_status(
			out->container_statuses, out->n_container_statuses, spec->containers[i].name);
		if (!cs || !cs->ready)
			unready[n++] = spec->containers[i].name;
	}
	struct strbuf msg = STRBUF_INIT;
	add_go_list(&msg, "containers with unready status:", unready, n);
	for (size_t t = 0; t < ARRAY_SIZE(types); t++)
		add_condition(out, in, types[t], n == 0, n ? "ContainersNotReady" : NULL, msg.buf);
	strbuf_release(&msg);
	free(unready);
}

static void add_conditions(struct k8c_pod_status *out, const struct status_input *in)
{
	const struct k8c_pod_status *old = &in->pod->status;
	for (size_t i = 0; i < old->n_conditions; i++) {
		if (!old->conditions[i].type || kubelet_condition(old->conditions[i].type))
			continue;
		k8c_copy(&k8c_type_pod_condition, new_condition(out), &old->conditions[i]);
	}
	add_initialized(out, in);
	add_ready(out, in);
	const struct k8c_pod_condition *sched = old_condition(old, "PodScheduled");
	if (sched && sched->status && !strcmp(sched->status, "True"))
		k8c_copy(&k8c_type_pod_condition, new_condition(out), sched);
	else
		add_condition(out, in, "PodScheduled", true, NULL, NULL);
}

/* --- the whole status --- */

/* The waiting reason of containers that have not run: PodInitializing until init is done. */
static bool init_done(const struct status_input *in)
{
	for (size_t i = 0; i < in->n_init; i++) {
		const struct observed_container *c = in->init[i].current;
		if (!c || !observed_exited(c) || c->exit_code != 0)
			return false;
	}
	return true;
}

static void container_statuses(struct k8c_pod_status *out, const struct status_input *in)
{
	out->init_container_statuses = xcalloc(in->n_init + 1, sizeof(struct k8c_container_status));
	for (size_t i = 0; i < in->n_init; i++)
		container_status(&in->init[i], &out->init_container_statuses[i], "PodInitializing",
				 true);
	out->n_init_container_statuses = in->n_init;
	const char *waiting = init_done(in) ? "ContainerCreating" : "PodInitializing";
	out->container_statuses = xcalloc(in->n_app + 1, sizeof(struct k8c_container_status));
	for (size_t i = 0; i < in->n_app; i++)
		container_status(&in->app[i], &out->container_statuses[i], waiting, false);
	out->n_container_statuses = in->n_app;
	qsort(out->container_statuses, in->n_app, sizeof(*out->container_statuses), by_name);
}

static bool terminal(const char *phase)
{
	return phase && (!strcmp(phase, "Succeeded") || !strcmp(phase, "Failed"));
}

void status_compute(const struct status_input *in, struct k8c_pod_status *out)
{
	const struct k8c_pod_status *old = &in->pod->status;
	container_statuses(out, in);
	const char *phase = status_phase(&in->pod->spec, out->init_container_statuses,
					 out->n_init_container_statuses, out->container_statuses,
					 out->n_container_statuses);
	out->phase = xstrdup(terminal(old->phase) ? old->phase : phase);
	add_conditions(out, in);
	out->host_ip = xstrdup(in->host_ip);
	if (in->host_ip) {
		out->host_ips = xcalloc(1, sizeof(*out->host_ips));
		out->host_ips[0].ip = xstrdup(in->host_ip);
		out->n_host_ips = 1;
	}
	const char *ip = in->pod_ip ? in->pod_ip : old->pod_ip;
	if (ip && *ip) {
		out->pod_ip = xstrdup(ip);
		out->pod_ips = xcalloc(1, sizeof(*out->pod_ips));
		out->pod_ips[0].ip = xstrdup(ip);
		out->n_pod_ips = 1;
	}
	out->start_time = old->start_time ? old->start_time : in->now_ns;
	out->qos_class = xstrdup(status_qos_class(&in->pod->spec));
	out->reason = xstrdup(old->reason);
	out->message = xstrdup(old->message);
	out->nominated_node_name = xstrdup(old->nominated_node_name);
}

/* Calls fn for each top-level member name of the JSON object text (our encoder's output). */
static void top_keys(const char *text, size_t len, void (*fn)(const char *key, void *ud),
		     void *ud)
{
	struct json_text_src t;
	struct json_src *s = &t.src;
	const char *key;

	json_text_src_init(&t, text, len);
	if (json_src_kind(s) == JSON_KIND_OBJECT) {
		json_src_enter(s);
		while (json_src_next(s, &key)) {
			fn(key, ud);
			json_src_skip(s);
		}
	}
	json_text_src_release(&t);
}

static void key_put(const char *key, void *ud)
{
	hashmap_put(ud, key, NULL);
}

struct nulls {
	const struct hashmap *now;
	struct strbuf *out;
};

/* A member the old status had and the new one lacks: null removes it (RFC 7386). */
static void key_null(const char *key, void *ud)
{
	struct nulls *n = ud;
	if (hashmap_contains(n->now, key))
		return;
	if (n->out->buf[n->out->len - 1] != '{')
		strbuf_addch(n->out, ',');
	strbuf_add_json_str(n->out, key);
	strbuf_addstr(n->out, ":null");
}

/*
 * Written as text, no cJSON trees: the new status as the encoder writes it (compact, in
 * declaration order), then a null for each member only the old one has, in its order.
 */
char *status_merge_patch(const struct k8c_pod_status *old, const struct k8c_pod_status *st)
{
	struct strbuf was = STRBUF_INIT, out = STRBUF_INIT;
	struct hashmap now = HASHMAP_INIT;

	k8c_encode(&k8c_type_pod_status, old, &was);
	strbuf_addstr(&out, "{\"status\":");
	size_t at = out.len;
	k8c_encode(&k8c_type_pod_status, st, &out);
	top_keys(out.buf + at, out.len - at, key_put, &now);
	strbuf_setlen(&out, out.len - 1); /* the new status's closing brace */
	struct nulls n = { &now, &out };
	top_keys(was.buf, was.len, key_null, &n);
	strbuf_addstr(&out, "}}");
	hashmap_release(&now, NULL);
	strbuf_release(&was);
	return strbuf_detach(&out, NULL);
}
