/*
 * probes.c - liveness/readiness/startup probes and lifecycle hooks of a
 * container (core/v1 validateProbe, validateHandler, validateLifecycle),
 * and ValidatePortNumOrName which they share with services.
 */
#include "api/validation/formats.h"
#include "api/validation/pod_internal.h"

void vctx_port_num_or_name(struct vctx *v, const char *child, const struct k8c_intstr *port)
{
	struct k8c_name_msgs msgs;
	if (port->type == K8C_INTSTR_STRING) {
		if (!k8c_is_port_name(vstr(port->sval), &msgs))
			vctx_msgs(v, child, port->sval, &msgs);
		return;
	}
	/* an absent IntOrString is Go's zero value: the integer 0 */
	int64_t n = port->type == K8C_INTSTR_INT ? port->ival : 0;
	if (!k8c_is_port_num(n, &msgs))
		for (size_t i = 0; i < msgs.n; i++)
			vctx_invalid_int(v, child, n, msgs.msg[i]);
}

static void http_get(struct vctx *v, const struct k8c_http_get_action *h)
{
	static const char *const schemes[] = { "HTTP", "HTTPS" };
	if (vempty(h->path))
		vctx_required(v, "path", "");
	vctx_port_num_or_name(v, "port", &h->port);
	if (!vctx_one_of(h->scheme, schemes, ARRAY_SIZE(schemes)))
		vctx_not_supported(v, "scheme", h->scheme, schemes, ARRAY_SIZE(schemes));
	for (size_t i = 0; i < h->n_http_headers; i++)
		vctx_http_header_name(v, "httpHeaders", h->http_headers[i].name);
}

/* The handler members of a probe or lifecycle hook, in upstream's order. */
struct handler {
	const struct k8c_exec_action *exec;
	const struct k8c_http_get_action *http_get;
	const struct k8c_tcp_socket_action *tcp_socket;
	const struct k8c_grpc_action *grpc;
};

/* Descends into child when this is the first handler; else reports a second one. */
static bool handler_begin(struct vctx *v, const char *child, int *n, size_t *mark)
{
	if ((*n)++ > 0) {
		vctx_forbidden(v, child, "may not specify more than 1 handler type");
		return false;
	}
	*mark = vctx_child(v, child);
	return true;
}

/* validateHandler at the current path. */
static void handler(struct vctx *v, const struct handler *h)
{
	int n = 0;
	size_t m;
	if (h->exec && handler_begin(v, "exec", &n, &m)) {
		if (!h->exec->n_command)
			vctx_required(v, "command", "");
		vctx_pop(v, m);
	}
	if (h->http_get && handler_begin(v, "httpGet", &n, &m)) {
		http_get(v, h->http_get);
		vctx_pop(v, m);
	}
	if (h->tcp_socket && handler_begin(v, "tcpSocket", &n, &m)) {
		vctx_port_num_or_name(v, "port", &h->tcp_socket->port);
		vctx_pop(v, m);
	}
	if (h->grpc && handler_begin(v, "grpc", &n, &m)) {
		struct k8c_intstr port = { .type = K8C_INTSTR_INT, .ival = h->grpc->port };
		vctx_port_num_or_name(v, "port", &port);
		vctx_pop(v, m);
	}
	if (n == 0)
		vctx_required(v, NULL, "must specify a handler type");
}

void vctx_probe(struct vctx *v, const char *kind, const struct k8c_probe *p)
{
	if (!p)
		return;
	size_t m = vctx_child(v, kind);
	struct handler h = { p->exec, p->http_get, p->tcp_socket, p->grpc };
	handler(v, &h);
	vctx_nonnegative(v, "initialDelaySeconds", p->initial_delay_seconds);
	vctx_nonnegative(v, "timeoutSeconds", p->timeout_seconds);
	vctx_nonnegative(v, "periodSeconds", p->period_seconds);
	vctx_nonnegative(v, "successThreshold", p->success_threshold);
	vctx_nonnegative(v, "failureThreshold", p->failure_threshold);
	bool has_grace = p->has_termination_grace_period_seconds;
	if (has_grace && p->termination_grace_period_seconds <= 0)
		vctx_invalid_int(v, "terminationGracePeriodSeconds",
				 p->termination_grace_period_seconds, "must be greater than 0");
	if (!strcmp(kind, "readinessProbe")) {
		if (has_grace)
			vctx_invalid_int(v, "terminationGracePeriodSeconds",
					 p->termination_grace_period_seconds,
					 "must not be set for readinessProbes");
	} else if (p->success_threshold != 1) {
		vctx_invalid_int(v, "successThreshold", p->success_threshold, "must be 1");
	}
	vctx_pop(v, m);
}

void vctx_lifecycle(struct vctx *v, const struct k8c_lifecycle *lc)
{
	if (!lc)
		return;
	size_t m = vctx_child(v, "lifecycle");
	const struct k8c_handler *hooks[] = { lc->post_start, lc->pre_stop };
	const char *names[] = { "postStart", "preStop" };
	for (size_t i = 0; i < ARRAY_SIZE(hooks); i++) {
		if (!hooks[i])
			continue;
		size_t mh = vctx_child(v, names[i]);
		struct handler h = { hooks[i]->exec, hooks[i]->http_get, hooks[i]->tcp_socket, NULL };
		handler(v, &h);
		vctx_pop(v, mh);
	}
	vctx_pop(v, m);
}
