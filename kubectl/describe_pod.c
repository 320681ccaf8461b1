/*
 * describe_pod.c - `k8c describe pod`: kubectl 1.20's describePod (node, times,
 * labels, status, IPs, controller, containers, conditions, volumes, QoS class, node
 * selectors, tolerations, events).
 */
#include "api/resource/quantity.h"
#include "kubectl/describe.h"
#include "kubectl/jsonutil.h"

/* A positive cpu or memory quantity in the resource list field of a container. */
static bool positive(const cJSON *list, const char *name)
{
	const char *v = kj_map_str(list, NULL, name);
	struct quantity q;
	return v && quantity_parse(v, &q) == 0 && quantity_sign(&q) > 0;
}

/* Sums name over every container of a pod spec's lists; returns false when none has it. */
static bool total(const cJSON *spec, const char *field, const char *name, struct quantity *sum)
{
	static const char *const lists[] = { "containers", "initContainers" };
	bool any = false;
	quantity_set_scaled(sum, 0, 0, QUANTITY_DECIMAL_SI);
	for (size_t i = 0; i < ARRAY_SIZE(lists); i++) {
		const cJSON *c;
		cJSON_ArrayForEach(c, kj_get(spec, lists[i])) {
			const cJSON *l = kj_get(c, field);
			struct quantity q;
			if (!positive(l, name) || quantity_parse(kj_map_str(l, NULL, name), &q) < 0)
				continue;
			quantity_add(sum, &q);
			any = true;
		}
	}
	return any;
}

/* kubectl's qos.GetPodQOS over the spec (cpu and memory only). */
static const char *qos_class(const cJSON *spec)
{
	static const char *const res[] = { "cpu", "memory" };
	static const char *const lists[] = { "containers", "initContainers" };
	bool guaranteed = true;
	for (size_t i = 0; i < ARRAY_SIZE(lists); i++) {
		const cJSON *c;
		cJSON_ArrayForEach(c, kj_get(spec, lists[i]))
			if (!positive(kj_get(c, "resources.limits"), "cpu") ||
			    !positive(kj_get(c, "resources.limits"), "memory"))
				guaranteed = false;
	}
	int nreq = 0, nlim = 0;
	for (size_t i = 0; i < ARRAY_SIZE(res); i++) {
		struct quantity req, lim;
		bool has_req = total(spec, "resources.requests", res[i], &req);
		bool has_lim = total(spec, "resources.limits", res[i], &lim);
		nreq += has_req;
		nlim += has_lim;
		if (has_req && (!has_lim || quantity_cmp(&req, &lim) != 0))
			guaranteed = false;
	}
	if (!nreq && !nlim)
		return "BestEffort";
	return guaranteed && nreq == nlim ? "Guaranteed" : "Burstable";
}

static int cmp_toleration(const void *a, const void *b)
{
	return strcmp(kj_str_or(*(const cJSON *const *)a, "key", ""),
		      kj_str_or(*(const cJSON *const *)b, "key", ""));
}

static void tolerations(struct dwriter *w, const cJSON *list)
{
	size_t n;
	const cJSON **v = kj_sorted(list, cmp_toleration, &n);
	dw_printf(w, 0, "Tolerations:\t%s", n ? "" : "<none>\n");
	for (size_t i = 0; i < n; i++) {
		const char *key = kj_str_or(v[i], "key", ""), *val = kj_str_or(v[i], "value", "");
		const char *effect = kj_str_or(v[i], "effect", "");
		struct strbuf t = STRBUF_INIT;
		strbuf_addf(&t, "%s%s%s%s%s", key, *val ? "=" : "", val, *effect ? ":" : "", effect);
		if (!strcmp(kj_str_or(v[i], "operator", ""), "Exists") && !*val)
			strbuf_addstr(&t, *key || *effect ? " op=Exists" : "op=Exists");
		if (kj_get(v[i], "tolerationSeconds"))
			strbuf_addf(&t, " for %llds", (long long)kj_int(v[i], "tolerationSeconds", 0));
		dw_printf(w, 0, "%s%s\n", i ? "\t" : "", t.buf);
		strbuf_release(&t);
	}
	free(v);
}

static void status_lines(struct dwriter *w, const cJSON *pod)
{
	const char *phase = kj_str_or(pod, "status.phase", "");
	if (kj_str(pod, "metadata.deletionTimestamp") && strcmp(phase, "Failed") &&
	    strcmp(phase, "Succeeded")) {
		struct strbuf age = STRBUF_INIT;
		dw_age(w, &age, kj_str(pod, "metadata.deletionTimestamp"));
		dw_printf(w, 0, "Status:\tTerminating (lasts %s)\n", age.buf);
		dw_printf(w, 0, "Termination Grace Period:\t%llds\n",
			  (long long)kj_int(pod, "metadata.deletionGracePeriodSeconds", 0));
		strbuf_release(&age);
	} else {
		dw_printf(w, 0, "Status:\t%s\n", phase);
	}
	if (*kj_str_or(pod, "status.reason", ""))
		dw_printf(w, 0, "Reason:\t%s\n", kj_str(pod, "status.reason"));
	if (*kj_str_or(pod, "status.message", ""))
		dw_printf(w, 0, "Message:\t%s\n", kj_str(pod, "status.message"));
	dw_printf(w, 0, "IP:\t%s\n", kj_str_or(pod, "status.podIP", ""));
	const cJSON *ips = kj_get(pod, "status.podIPs"), *ip;
	dw_printf(w, 0, "IPs:%s\n", cJSON_GetArraySize(ips) ? "" : "\t<none>");
	cJSON_ArrayForEach(ip, ips)
		dw_printf(w, 1, "IP:\t%s\n", kj_str_or(ip, "ip", ""));
	const cJSON *ctl = dw_controller(pod);
	if (ctl)
		dw_printf(w, 0, "Controlled By:\t%s/%s\n", kj_str_or(ctl, "kind", ""),
			  kj_str_or(ctl, "name", ""));
	if (*kj_str_or(pod, "status.nominatedNodeName", ""))
		dw_printf(w, 0, "NominatedNodeName:\t%s\n", kj_str(pod, "status.nominatedNodeName"));
}

static void conditions(struct dwriter *w, const cJSON *pod)
{
	const cJSON *spec = kj_get(pod, "spec"), *st = kj_get(pod, "status"), *c;
	if (cJSON_GetArraySize(kj_get(spec, "readinessGates"))) {
		dw_printf(w, 0, "Readiness Gates:\n  Type\tStatus\n");
		cJSON_ArrayForEach(c, kj_get(spec, "readinessGates")) {
			const char *type = kj_str_or(c, "conditionType", ""), *status = "<none>";
			const cJSON *pc;
			cJSON_ArrayForEach(pc, kj_get(st, "conditions"))
				if (!strcmp(kj_str_or(pc, "type", ""), type))
					status = kj_str_or(pc, "status", "");
			dw_printf(w, 1, "%s \t%s \n", type, status);
		}
	}
	if (cJSON_GetArraySize(kj_get(st, "conditions"))) {
		dw_printf(w, 0, "Conditions:\n  Type\tStatus\n");
		cJSON_ArrayForEach(c, kj_get(st, "conditions"))
			dw_printf(w, 1, "%s \t%s \n", kj_str_or(c, "type", ""),
				  kj_str_or(c, "status", ""));
	}
}

void describe_pod(struct dwriter *w, const cJSON *pod)
{
	const cJSON *spec = kj_get(pod, "spec");
	dw_printf(w, 0, "Name:\t%s\n", kj_str_or(pod, "metadata.name", ""));
	dw_printf(w, 0, "Namespace:\t%s\n", kj_str_or(pod, "metadata.namespace", ""));
	if (kj_get(spec, "priority"))
		dw_printf(w, 0, "Priority:\t%lld\n", (long long)kj_int(spec, "priority", 0));
	if (*kj_str_or(spec, "priorityClassName", ""))
		dw_printf(w, 0, "Priority Class Name:\t%s\n", kj_str(spec, "priorityClassName"));
	if (!*kj_str_or(spec, "nodeName", ""))
		dw_printf(w, 0, "Node:\t<none>\n");
	else
		dw_printf(w, 0, "Node:\t%s/%s\n", kj_str(spec, "nodeName"),
			  kj_str_or(pod, "status.hostIP", ""));
	if (kj_str(pod, "status.startTime")) {
		struct strbuf t = STRBUF_INIT;
		dw_time(&t, kj_str(pod, "status.startTime"));
		dw_printf(w, 0, "Start Time:\t%s\n", t.buf);
		strbuf_release(&t);
	}
	dw_labels(w, "Labels", kj_get(pod, "metadata.labels"));
	dw_annotations(w, "Annotations", kj_get(pod, "metadata.annotations"));
	status_lines(w, pod);
	if (cJSON_GetArraySize(kj_get(spec, "initContainers")))
		dw_containers(w, "Init Containers", kj_get(spec, "initContainers"), pod, "");
	dw_containers(w, "Containers", kj_get(spec, "containers"), pod, "");
	conditions(w, pod);
	dw_volumes(w, kj_get(spec, "volumes"), "");
	dw_printf(w, 0, "QoS Class:\t%s\n", qos_class(spec));
	dw_labels(w, "Node-Selectors", kj_get(spec, "nodeSelector"));
	tolerations(w, kj_get(spec, "tolerations"));
	dw_events(w, pod, NULL, NULL, NULL);
}
