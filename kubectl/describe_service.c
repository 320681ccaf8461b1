/*
 * describe_service.c - `k8c describe service`: kubectl 1.20's describeService, with
 * the endpoints of each port from the Service's Endpoints object (at most three, then
 * "+ N more...").
 */
#include "kubectl/describe.h"
#include "kubectl/jsonutil.h"
#include "kubectl/resources.h"
#include "kubectl/table.h"

#define MAX_ENDPOINTS 3

struct ep_list {
	struct strbuf text;
	int count;
};

static void ep_add(struct ep_list *l, const char *ip, int64_t port, bool with_port)
{
	if (l->count++ >= MAX_ENDPOINTS)
		return;
	if (l->text.len)
		strbuf_addch(&l->text, ',');
	if (!with_port)
		strbuf_addstr(&l->text, ip);
	else if (strchr(ip, ':'))
		strbuf_addf(&l->text, "[%s]:%lld", ip, (long long)port);
	else
		strbuf_addf(&l->text, "%s:%lld", ip, (long long)port);
}

/* kubectl's formatEndpoints for the ports named port_name. */
static void endpoints_text(const cJSON *ep, const char *port_name, struct strbuf *out)
{
	const cJSON *subsets = kj_get(ep, "subsets"), *ss, *p, *a;
	if (!cJSON_GetArraySize(subsets)) {
		strbuf_addstr(out, "<none>");
		return;
	}
	struct ep_list l = { STRBUF_INIT, 0 };
	cJSON_ArrayForEach(ss, subsets) {
		if (!cJSON_GetArraySize(kj_get(ss, "ports"))) {
			cJSON_ArrayForEach(a, kj_get(ss, "addresses"))
				ep_add(&l, kj_str_or(a, "ip", ""), 0, false);
			continue;
		}
		cJSON_ArrayForEach(p, kj_get(ss, "ports")) {
			if (strcmp(kj_str_or(p, "name", ""), port_name))
				continue;
			cJSON_ArrayForEach(a, kj_get(ss, "addresses"))
				ep_add(&l, kj_str_or(a, "ip", ""), kj_int(p, "port", 0), true);
		}
	}
	strbuf_addstr(out, l.text.buf);
	if (l.count > MAX_ENDPOINTS)
		strbuf_addf(out, " + %d more...", l.count - MAX_ENDPOINTS);
	strbuf_release(&l.text);
}

static void join_strings(const cJSON *list, struct strbuf *out)
{
	const cJSON *s;
	cJSON_ArrayForEach(s, list)
		strbuf_addf(out, "%s%s", out->len ? "," : "", cJSON_IsString(s) ? s->valuestring : "");
	if (!out->len)
		strbuf_addstr(out, "<none>");
}

static void port_lines(struct dwriter *w, const cJSON *sp, const cJSON *ep)
{
	const char *name = kj_str_or(sp, "name", ""), *proto = kj_str_or(sp, "protocol", "");
	const char *shown = *name ? name : "<unset>";
	const cJSON *tp = kj_get(sp, "targetPort");
	dw_printf(w, 0, "Port:\t%s\t%lld/%s\n", shown, (long long)kj_int(sp, "port", 0), proto);
	if (cJSON_IsString(tp))
		dw_printf(w, 0, "TargetPort:\t%s/%s\n", tp->valuestring, proto);
	else
		dw_printf(w, 0, "TargetPort:\t%lld/%s\n", (long long)kj_int(sp, "targetPort", 0), proto);
	if (kj_int(sp, "nodePort", 0))
		dw_printf(w, 0, "NodePort:\t%s\t%lld/%s\n", shown, (long long)kj_int(sp, "nodePort", 0),
			  proto);
	struct strbuf eps = STRBUF_INIT;
	endpoints_text(ep, name, &eps);
	dw_printf(w, 0, "Endpoints:\t%s\n", eps.buf);
	strbuf_release(&eps);
}

static void addresses(struct dwriter *w, const cJSON *spec, const cJSON *svc)
{
	struct strbuf fam = STRBUF_INIT, ips = STRBUF_INIT;
	if (kj_str(spec, "ipFamilyPolicy"))
		dw_printf(w, 0, "IP Family Policy:\t%s\n", kj_str(spec, "ipFamilyPolicy"));
	join_strings(kj_get(spec, "ipFamilies"), &fam);
	dw_printf(w, 0, "IP Families:\t%s\n", fam.buf);
	dw_printf(w, 0, "IP:\t%s\n", kj_str_or(spec, "clusterIP", ""));
	join_strings(kj_get(spec, "clusterIPs"), &ips);
	dw_printf(w, 0, "IPs:\t%s\n", ips.buf);
	strbuf_reset(&ips);
	if (cJSON_GetArraySize(kj_get(spec, "externalIPs"))) {
		join_strings(kj_get(spec, "externalIPs"), &ips);
		dw_printf(w, 0, "External IPs:\t%s\n", ips.buf);
	}
	if (*kj_str_or(spec, "loadBalancerIP", ""))
		dw_printf(w, 0, "IP:\t%s\n", kj_str(spec, "loadBalancerIP"));
	if (*kj_str_or(spec, "externalName", ""))
		dw_printf(w, 0, "External Name:\t%s\n", kj_str(spec, "externalName"));
	const cJSON *ing = kj_get(svc, "status.loadBalancer.ingress"), *i;
	if (cJSON_GetArraySize(ing)) {
		struct strbuf l = STRBUF_INIT;
		cJSON_ArrayForEach(i, ing)
			strbuf_addf(&l, "%s%s", l.len ? ", " : "",
				    kj_str(i, "ip") ? kj_str(i, "ip") : kj_str_or(i, "hostname", ""));
		dw_printf(w, 0, "LoadBalancer Ingress:\t%s\n", l.buf);
		strbuf_release(&l);
	}
	strbuf_release(&fam);
	strbuf_release(&ips);
}

void describe_service(struct dwriter *w, const cJSON *svc)
{
	const cJSON *spec = kj_get(svc, "spec"), *sp;
	struct strbuf sel = STRBUF_INIT, path = STRBUF_INIT;
	dw_printf(w, 0, "Name:\t%s\n", kj_str_or(svc, "metadata.name", ""));
	dw_printf(w, 0, "Namespace:\t%s\n", kj_str_or(svc, "metadata.namespace", ""));
	dw_labels(w, "Labels", kj_get(svc, "metadata.labels"));
	dw_annotations(w, "Annotations", kj_get(svc, "metadata.annotations"));
	ktable_format_labels(kj_get(spec, "selector"), &sel);
	dw_printf(w, 0, "Selector:\t%s\n", sel.buf);
	dw_printf(w, 0, "Type:\t%s\n", kj_str_or(spec, "type", ""));
	addresses(w, spec, svc);
	kres_path(&path, k8c_kind_lookup("endpoints"), kj_str(svc, "metadata.namespace"),
		  kj_str_or(svc, "metadata.name", ""), NULL);
	cJSON *ep = dw_get(w, path.buf, NULL);
	cJSON_ArrayForEach(sp, kj_get(spec, "ports"))
		port_lines(w, sp, ep);
	dw_printf(w, 0, "Session Affinity:\t%s\n", kj_str_or(spec, "sessionAffinity", ""));
	if (*kj_str_or(spec, "externalTrafficPolicy", ""))
		dw_printf(w, 0, "External Traffic Policy:\t%s\n", kj_str(spec, "externalTrafficPolicy"));
	if (kj_int(spec, "healthCheckNodePort", 0))
		dw_printf(w, 0, "HealthCheck NodePort:\t%lld\n",
			  (long long)kj_int(spec, "healthCheckNodePort", 0));
	if (cJSON_GetArraySize(kj_get(spec, "loadBalancerSourceRanges"))) {
		struct strbuf r = STRBUF_INIT;
		join_strings(kj_get(spec, "loadBalancerSourceRanges"), &r);
		dw_printf(w, 0, "LoadBalancer Source Ranges:\t%s\n", r.buf);
		strbuf_release(&r);
	}
	dw_events(w, svc, "Service", NULL, NULL);
	cJSON_Delete(ep);
	strbuf_release(&sel);
	strbuf_release(&path);
}
