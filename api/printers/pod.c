/*
 * pod.c - the pod row: the READY count, the STATUS that kubectl users read
 * ("Init:1/2", "CrashLoopBackOff", "Completed", "Terminating", ...), the
 * restart count with the age of the last restart, and the wide columns.
 * Follows printPod in Kubernetes' printers.go step by step, sidecar
 * (restartable init) containers included; see printers.h.
 */
#include "api/printers/printers.h"

#include "api/printers/duration.h"
#include "api/printers/printers_internal.h"

/* What printPod accumulates while it walks the container statuses. */
struct pod_summary {
	struct strbuf reason;
	int64_t restarts, sidecar_restarts;
	int64_t last_restart, sidecar_last_restart; /* ns, 0 = never */
	int64_t ready, total;
};

static bool cond_true(const struct k8c_pod_status *st, const char *type)
{
	for (size_t i = 0; i < st->n_conditions; i++)
		if (streq_null(st->conditions[i].type, type))
			return streq_null(st->conditions[i].status, "True");
	return false;
}

/* hasPodReadyCondition: any Ready condition that is True. */
static bool any_ready_cond(const struct k8c_pod_status *st)
{
	for (size_t i = 0; i < st->n_conditions; i++)
		if (streq_null(st->conditions[i].type, "Ready") &&
		    streq_null(st->conditions[i].status, "True"))
			return true;
	return false;
}

/* podutil.IsRestartableInitContainer for the init container named name. */
static bool is_sidecar(const struct k8c_pod_spec *spec, const char *name)
{
	for (size_t i = 0; i < spec->n_init_containers; i++)
		if (streq_null(spec->init_containers[i].name, name))
			return streq_null(spec->init_containers[i].restart_policy, "Always");
	return false;
}

static void set_reason(struct pod_summary *s, const char *prefix, const char *reason)
{
	strbuf_reset(&s->reason);
	strbuf_addstr(&s->reason, prefix);
	strbuf_addstr(&s->reason, reason);
}

/* Sets "<prefix>Signal:N" or "<prefix>ExitCode:N" for a termination without a reason. */
static void set_exit_reason(struct pod_summary *s, const char *prefix,
			    const struct k8c_container_state_terminated *t)
{
	strbuf_reset(&s->reason);
	if (t->signal != 0)
		strbuf_addf(&s->reason, "%sSignal:%d", prefix, (int)t->signal);
	else
		strbuf_addf(&s->reason, "%sExitCode:%d", prefix, (int)t->exit_code);
}

/* Counts the restarts of cs and remembers when it last terminated. */
static void count_restarts(const struct k8c_container_status *cs, int64_t *restarts, int64_t *last)
{
	*restarts += cs->restart_count;
	const struct k8c_container_state_terminated *t = cs->last_state.terminated;
	if (t && t->finished_at > *last)
		*last = t->finished_at;
}

/*
 * Looks at one init container status (index i); returns true when the walk
 * must go on to the next one (this one is done, or a started sidecar).
 */
static bool init_container_done(struct pod_summary *s, const struct k8c_pod *pod, size_t i)
{
	const struct k8c_container_status *cs = &pod->status.init_container_statuses[i];
	const struct k8c_container_state_terminated *t = cs->state.terminated;
	const struct k8c_container_state_waiting *w = cs->state.waiting;
	bool sidecar = is_sidecar(&pod->spec, cs->name);

	count_restarts(cs, &s->restarts, &s->last_restart);
	if (sidecar)
		count_restarts(cs, &s->sidecar_restarts, &s->sidecar_last_restart);
	if (t && t->exit_code == 0)
		return true;
	if (sidecar && cs->started) {
		s->ready += cs->ready;
		return true;
	}
	if (t && t->reason && *t->reason)
		set_reason(s, "Init:", t->reason);
	else if (t)
		set_exit_reason(s, "Init:", t);
	else if (w && w->reason && *w->reason && strcmp(w->reason, "PodInitializing"))
		set_reason(s, "Init:", w->reason);
	else {
		strbuf_reset(&s->reason);
		strbuf_addf(&s->reason, "Init:%zu/%zu", i, pod->spec.n_init_containers);
	}
	return false;
}

/* Walks the init containers; true while the pod is still initializing. */
static bool walk_init_containers(struct pod_summary *s, const struct k8c_pod *pod)
{
	for (size_t i = 0; i < pod->status.n_init_container_statuses; i++)
		if (!init_container_done(s, pod, i))
			return true;
	return false;
}

/* Walks the app containers, last to first, so the first one's reason wins. */
static void walk_containers(struct pod_summary *s, const struct k8c_pod *pod)
{
	bool has_running = false;
	s->restarts = s->sidecar_restarts;
	s->last_restart = s->sidecar_last_restart;
	for (size_t i = pod->status.n_container_statuses; i-- > 0;) {
		const struct k8c_container_status *cs = &pod->status.container_statuses[i];
		const struct k8c_container_state_terminated *t = cs->state.terminated;
		const struct k8c_container_state_waiting *w = cs->state.waiting;

		count_restarts(cs, &s->restarts, &s->last_restart);
		if (w && w->reason && *w->reason) {
			set_reason(s, "", w->reason);
		} else if (t && t->reason && *t->reason) {
			set_reason(s, "", t->reason);
		} else if (t) {
			set_exit_reason(s, "", t);
		} else if (cs->ready && cs->state.running) {
			has_running = true;
			s->ready++;
		}
	}
	if (!strcmp(s->reason.buf, "Completed") && has_running)
		set_reason(s, "", any_ready_cond(&pod->status) ? "Running" : "NotReady");
}

/* The Status cell's text into s->reason, the counts into s. */
static void summarize(struct pod_summary *s, const struct k8c_pod *pod)
{
	const struct k8c_pod_status *st = &pod->status;
	const char *phase = st->phase ? st->phase : "";

	set_reason(s, "", st->reason && *st->reason ? st->reason : phase);
	for (size_t i = 0; i < st->n_conditions; i++)
		if (streq_null(st->conditions[i].type, "PodScheduled") &&
		    streq_null(st->conditions[i].reason, "SchedulingGated"))
			set_reason(s, "", "SchedulingGated");
	s->total = (int64_t)pod->spec.n_containers;
	for (size_t i = 0; i < pod->spec.n_init_containers; i++)
		s->total += streq_null(pod->spec.init_containers[i].restart_policy, "Always");

	if (!walk_init_containers(s, pod) || cond_true(st, "Initialized"))
		walk_containers(s, pod);

	if (!pod->metadata.deletion_timestamp)
		return;
	if (streq_null(st->reason, "NodeLost"))
		set_reason(s, "", "Unknown");
	else if (strcmp(phase, "Failed") && strcmp(phase, "Succeeded"))
		set_reason(s, "", "Terminating");
}

/* The Readiness Gates cell: "<none>", or how many gates' conditions are True. */
static void cell_readiness_gates(struct printers__row *r, const struct k8c_pod *pod)
{
	const struct k8c_pod_spec *spec = &pod->spec;
	const struct k8c_pod_status *st = &pod->status;
	struct strbuf gates = STRBUF_INIT;
	int64_t true_gates = 0;

	if (spec->n_readiness_gates == 0) {
		printers__cell_str(r, "<none>");
		return;
	}
	for (size_t g = 0; g < spec->n_readiness_gates; g++)
		true_gates += cond_true(st, spec->readiness_gates[g].condition_type);
	strbuf_addf(&gates, "%lld/%zu", (long long)true_gates, spec->n_readiness_gates);
	printers__cell_str(r, gates.buf);
	strbuf_release(&gates);
}

/* The IP cell. The server reads podIPs[0] of its internal object, which
 * conversion fills from podIP when they differ or podIPs is empty. */
static const char *pod_ip(const struct k8c_pod_status *st)
{
	if (st->pod_ip && *st->pod_ip)
		return st->pod_ip;
	return st->n_pod_ips > 0 ? st->pod_ips[0].ip : NULL;
}

void k8c_pod_row(const void *obj, int64_t now_ns, struct strbuf *cells)
{
	const struct k8c_pod *pod = obj;
	struct printers__row r = PRINTERS__ROW(cells, now_ns);
	struct pod_summary s = { .reason = STRBUF_INIT };
	struct strbuf text = STRBUF_INIT;

	summarize(&s, pod);
	printers__cell_str(&r, pod->metadata.name);
	strbuf_addf(&text, "%lld/%lld", (long long)s.ready, (long long)s.total);
	printers__cell_str(&r, text.buf);
	printers__cell_str(&r, s.reason.buf);
	strbuf_reset(&text);
	strbuf_addi64(&text, s.restarts);
	if (s.restarts != 0 && s.last_restart != 0) {
		strbuf_addstr(&text, " (");
		k8c_duration_since(&text, s.last_restart, now_ns);
		strbuf_addstr(&text, " ago)");
	}
	printers__cell_str(&r, text.buf);
	printers__cell_age(&r, pod->metadata.creation_timestamp);
	printers__cell_or_none(&r, pod_ip(&pod->status));
	printers__cell_or_none(&r, pod->spec.node_name);
	printers__cell_or_none(&r, pod->status.nominated_node_name);
	cell_readiness_gates(&r, pod);
	strbuf_release(&text);
	strbuf_release(&s.reason);
}
