/*
 * describe_containers.c - the pod spec blocks of `k8c describe` (containers with their
 * state, resources, probes, environment and mounts; volumes; the pod template block),
 * line for line as kubectl 1.20 prints them.
 */
#include "api/resource/quantity.h"
#include "kubectl/describe.h"
#include "kubectl/jsonutil.h"

static const char *str_or_none(const char *s)
{
	return s && *s ? s : "<none>";
}

/* "80/TCP, 443/TCP" of field ("containerPort" or "hostPort") of a port list. */
static void ports_text(const cJSON *ports, const char *field, struct strbuf *out)
{
	const cJSON *p;
	cJSON_ArrayForEach(p, ports)
		strbuf_addf(out, "%s%lld/%s", out->len ? ", " : "", (long long)kj_int(p, field, 0),
			    kj_str_or(p, "protocol", ""));
}

static void container_basics(struct dwriter *w, const cJSON *c, const cJSON *st,
			     const char *space)
{
	dw_printf(w, 1, "%s%s:\n", *space ? " " : "", kj_str_or(c, "name", ""));
	if (st)
		dw_printf(w, 2, "Container ID:\t%s\n", kj_str_or(st, "containerID", ""));
	dw_printf(w, 2, "Image:\t%s\n", kj_str_or(c, "image", ""));
	if (st)
		dw_printf(w, 2, "Image ID:\t%s\n", kj_str_or(st, "imageID", ""));
	struct strbuf ports = STRBUF_INIT, host = STRBUF_INIT;
	ports_text(kj_get(c, "ports"), "containerPort", &ports);
	ports_text(kj_get(c, "ports"), "hostPort", &host);
	dw_printf(w, 2, "%s:\t%s\n", strchr(ports.buf, ',') ? "Ports" : "Port",
		  str_or_none(ports.buf));
	dw_printf(w, 2, "%s:\t%s\n", strchr(host.buf, ',') ? "Host Ports" : "Host Port",
		  str_or_none(host.buf));
	strbuf_release(&ports);
	strbuf_release(&host);
}

static void string_list(struct dwriter *w, const char *title, const cJSON *list)
{
	if (!cJSON_GetArraySize(list))
		return;
	dw_printf(w, 2, "%s:\n", title);
	const cJSON *s;
	cJSON_ArrayForEach(s, list) {
		_cleanup_free_ char *copy = xstrdup(cJSON_IsString(s) ? s->valuestring : "");
		char *line = copy;
		for (char *nl; (nl = strchr(line, '\n')); line = nl + 1) {
			*nl = '\0';
			dw_printf(w, 3, "%s\n", line);
		}
		dw_printf(w, 3, "%s\n", line);
	}
}

static void state(struct dwriter *w, const char *title, const cJSON *s)
{
	struct strbuf t = STRBUF_INIT;
	const cJSON *run = kj_get(s, "running"), *wait = kj_get(s, "waiting");
	const cJSON *term = kj_get(s, "terminated");
	if (run) {
		dw_printf(w, 2, "%s:\tRunning\n", title);
		dw_time(&t, kj_str(run, "startedAt"));
		dw_printf(w, 3, "Started:\t%s\n", t.buf);
	} else if (term) {
		dw_printf(w, 2, "%s:\tTerminated\n", title);
		if (*kj_str_or(term, "reason", ""))
			dw_printf(w, 3, "Reason:\t%s\n", kj_str(term, "reason"));
		if (*kj_str_or(term, "message", ""))
			dw_printf(w, 3, "Message:\t%s\n", kj_str(term, "message"));
		dw_printf(w, 3, "Exit Code:\t%lld\n", (long long)kj_int(term, "exitCode", 0));
		if (kj_int(term, "signal", 0) > 0)
			dw_printf(w, 3, "Signal:\t%lld\n", (long long)kj_int(term, "signal", 0));
		dw_time(&t, kj_str(term, "startedAt"));
		dw_printf(w, 3, "Started:\t%s\n", t.buf);
		strbuf_reset(&t);
		dw_time(&t, kj_str(term, "finishedAt"));
		dw_printf(w, 3, "Finished:\t%s\n", t.buf);
	} else {
		dw_printf(w, 2, "%s:\tWaiting\n", title);
		if (*kj_str_or(wait, "reason", ""))
			dw_printf(w, 3, "Reason:\t%s\n", kj_str(wait, "reason"));
	}
	strbuf_release(&t);
}

/* "Limits:" / "Requests:" with one sorted "name:\tquantity" line each. */
static void resource_list(struct dwriter *w, const char *title, const cJSON *list, int level)
{
	size_t n;
	const cJSON **v = kj_sorted(cJSON_IsObject(list) ? list : NULL, NULL, &n);
	if (n)
		dw_printf(w, level, "%s:\n", title);
	for (size_t i = 0; i < n; i++) {
		struct strbuf q = STRBUF_INIT;
		if (!cJSON_IsString(v[i]) || quantity_canonicalize(v[i]->valuestring, &q) < 0)
			strbuf_addstr(&q, cJSON_IsString(v[i]) ? v[i]->valuestring : "");
		dw_printf(w, level + 1, "%s:\t%s\n", v[i]->string, q.buf);
		strbuf_release(&q);
	}
	free(v);
}

static void probe(struct dwriter *w, const char *title, const cJSON *p)
{
	if (!p)
		return;
	struct strbuf what = STRBUF_INIT;
	const cJSON *http = kj_get(p, "httpGet"), *tcp = kj_get(p, "tcpSocket");
	const cJSON *ex = kj_get(p, "exec");
	struct strbuf port = STRBUF_INIT;
	const cJSON *pv = http ? kj_get(http, "port") : kj_get(tcp, "port");
	if (cJSON_IsNumber(pv))
		strbuf_addi64(&port, (int64_t)pv->valuedouble);
	else if (cJSON_IsString(pv))
		strbuf_addstr(&port, pv->valuestring);
	if (ex) {
		strbuf_addstr(&what, "exec [");
		const cJSON *c;
		cJSON_ArrayForEach(c, kj_get(ex, "command"))
			strbuf_addf(&what, "%s%s", c == kj_get(ex, "command")->child ? "" : " ",
				    cJSON_IsString(c) ? c->valuestring : "");
		strbuf_addch(&what, ']');
	} else if (http) {
		const char *scheme = kj_str_or(http, "scheme", "");
		strbuf_addstr(&what, "http-get ");
		for (const char *s = scheme; *s; s++)
			strbuf_addch(&what, *s >= 'A' && *s <= 'Z' ? *s + 32 : *s);
		strbuf_addf(&what, "%s//%s:%s%s", *scheme ? ":" : "", kj_str_or(http, "host", ""),
			    port.buf, kj_str_or(http, "path", ""));
	} else if (tcp) {
		strbuf_addf(&what, "tcp-socket %s:%s", kj_str_or(tcp, "host", ""), port.buf);
	} else {
		strbuf_addstr(&what, "unknown");
	}
	dw_printf(w, 2, "%s:\t%s delay=%llds timeout=%llds period=%llds #success=%lld #failure=%lld\n",
		  title, what.buf, (long long)kj_int(p, "initialDelaySeconds", 0),
		  (long long)kj_int(p, "timeoutSeconds", 0), (long long)kj_int(p, "periodSeconds", 0),
		  (long long)kj_int(p, "successThreshold", 0),
		  (long long)kj_int(p, "failureThreshold", 0));
	strbuf_release(&what);
	strbuf_release(&port);
}

/* fieldpath.ExtractFieldPathAsString for what kubectl resolves: metadata fields. */
static const char *field_value(const cJSON *pod, const char *path)
{
	static const char *const plain[] = { "metadata.name", "metadata.namespace", "metadata.uid" };
	for (size_t i = 0; pod && i < ARRAY_SIZE(plain); i++)
		if (!strcmp(path, plain[i]))
			return kj_str_or(pod, path, "");
	static const char *const maps[] = { "metadata.labels", "metadata.annotations" };
	for (size_t i = 0; pod && i < ARRAY_SIZE(maps); i++) {
		size_t len = strlen(maps[i]);
		if (strncmp(path, maps[i], len) || strncmp(path + len, "['", 2))
			continue;
		_cleanup_free_ char *key = xstrndup(path + len + 2, strcspn(path + len + 2, "'"));
		return kj_map_str(pod, maps[i], key) ?: "";
	}
	return "";
}

static void env_var(struct dwriter *w, const cJSON *e, const cJSON *pod)
{
	const char *name = kj_str_or(e, "name", "");
	const cJSON *from = kj_get(e, "valueFrom");
	if (!from) {
		_cleanup_free_ char *v = xstrdup(kj_str_or(e, "value", ""));
		char *line = v, *nl;
		dw_printf(w, 3, "%s:\t", name);
		for (; (nl = strchr(line, '\n')); line = nl + 1) {
			*nl = '\0';
			dw_printf(w, 0, "%s\n", line);
			dw_printf(w, 3, "\t");
		}
		dw_printf(w, 0, "%s\n", line);
	} else if (kj_get(from, "fieldRef")) {
		const char *fp = kj_str_or(from, "fieldRef.fieldPath", "");
		dw_printf(w, 3, "%s:\t%s (%s:%s)\n", name, field_value(pod, fp),
			  kj_str_or(from, "fieldRef.apiVersion", ""), fp);
	} else if (kj_get(from, "resourceFieldRef")) {
		dw_printf(w, 3, "%s:\t (%s)\n", name, kj_str_or(from, "resourceFieldRef.resource", ""));
	} else if (kj_get(from, "secretKeyRef")) {
		dw_printf(w, 3, "%s:\t<set to the key '%s' in secret '%s'>\tOptional: %s\n", name,
			  kj_str_or(from, "secretKeyRef.key", ""),
			  kj_str_or(from, "secretKeyRef.name", ""),
			  kj_true(from, "secretKeyRef.optional") ? "true" : "false");
	} else if (kj_get(from, "configMapKeyRef")) {
		dw_printf(w, 3, "%s:\t<set to the key '%s' of config map '%s'>\tOptional: %s\n", name,
			  kj_str_or(from, "configMapKeyRef.key", ""),
			  kj_str_or(from, "configMapKeyRef.name", ""),
			  kj_true(from, "configMapKeyRef.optional") ? "true" : "false");
	}
}

static void env_from(struct dwriter *w, const cJSON *list)
{
	if (!cJSON_GetArraySize(list))
		return;
	dw_printf(w, 2, "Environment Variables from:\n");
	const cJSON *e;
	cJSON_ArrayForEach(e, list) {
		bool cm = kj_get(e, "configMapRef") != NULL;
		const cJSON *ref = kj_get(e, cm ? "configMapRef" : "secretRef");
		const char *prefix = kj_str_or(e, "prefix", "");
		dw_printf(w, 3, "%s\t%s%s%s%s\tOptional: %s\n", kj_str_or(ref, "name", ""),
			  cm ? "ConfigMap" : "Secret", *prefix ? " with prefix '" : "", prefix,
			  *prefix ? "'" : "", kj_true(ref, "optional") ? "true" : "false");
	}
}

static int cmp_mount(const void *a, const void *b)
{
	return strcmp(kj_str_or(*(const cJSON *const *)a, "mountPath", ""),
		      kj_str_or(*(const cJSON *const *)b, "mountPath", ""));
}

static void mounts(struct dwriter *w, const cJSON *list)
{
	size_t n;
	const cJSON **v = kj_sorted(list, cmp_mount, &n);
	dw_printf(w, 2, "Mounts:%s\n", n ? "" : "\t<none>");
	for (size_t i = 0; i < n; i++) {
		const char *sub = kj_str_or(v[i], "subPath", "");
		dw_printf(w, 3, "%s from %s (%s%s%s%s)\n", kj_str_or(v[i], "mountPath", ""),
			  kj_str_or(v[i], "name", ""), kj_true(v[i], "readOnly") ? "ro" : "rw",
			  *sub ? ",path=\"" : "", sub, *sub ? "\"" : "");
	}
	free(v);
}

void dw_containers(struct dwriter *w, const char *label, const cJSON *containers,
		   const cJSON *pod, const char *space)
{
	const cJSON *statuses = kj_get(pod, !strcmp(label, "Init Containers")
						    ? "status.initContainerStatuses"
						    : "status.containerStatuses");
	dw_printf(w, 0, "%s%s:%s\n", space, label, cJSON_GetArraySize(containers) ? "" : " <none>");
	const cJSON *c;
	cJSON_ArrayForEach(c, containers) {
		const cJSON *st = NULL, *s;
		cJSON_ArrayForEach(s, statuses)
			if (!strcmp(kj_str_or(s, "name", ""), kj_str_or(c, "name", "")))
				st = s;
		container_basics(w, c, st, space);
		string_list(w, "Command", kj_get(c, "command"));
		string_list(w, "Args", kj_get(c, "args"));
		if (st) {
			state(w, "State", kj_get(st, "state"));
			if (kj_get(st, "lastState.terminated"))
				state(w, "Last State", kj_get(st, "lastState"));
			dw_printf(w, 2, "Ready:\t%s\n", kj_true(st, "ready") ? "True" : "False");
			dw_printf(w, 2, "Restart Count:\t%lld\n", (long long)kj_int(st, "restartCount", 0));
		}
		resource_list(w, "Limits", kj_get(c, "resources.limits"), 2);
		resource_list(w, "Requests", kj_get(c, "resources.requests"), 2);
		probe(w, "Liveness", kj_get(c, "livenessProbe"));
		probe(w, "Readiness", kj_get(c, "readinessProbe"));
		probe(w, "Startup", kj_get(c, "startupProbe"));
		env_from(w, kj_get(c, "envFrom"));
		const cJSON *env = kj_get(c, "env"), *e;
		dw_printf(w, 2, "Environment:%s\n", cJSON_GetArraySize(env) ? "" : "\t<none>");
		cJSON_ArrayForEach(e, env)
			env_var(w, e, pod);
		mounts(w, kj_get(c, "volumeMounts"));
	}
}

static void volume(struct dwriter *w, const cJSON *v)
{
	const cJSON *s;
	if ((s = kj_get(v, "hostPath"))) {
		dw_printf(w, 2, "Type:\tHostPath (bare host directory volume)\n    Path:\t%s\n    "
				"HostPathType:\t%s\n",
			  kj_str_or(s, "path", ""), kj_str_or(s, "type", ""));
	} else if ((s = kj_get(v, "emptyDir"))) {
		dw_printf(w, 2, "Type:\tEmptyDir (a temporary directory that shares a pod's "
				"lifetime)\n    Medium:\t%s\n    SizeLimit:\t%s\n",
			  kj_str_or(s, "medium", ""), kj_str_or(s, "sizeLimit", "<unset>"));
	} else if ((s = kj_get(v, "secret"))) {
		dw_printf(w, 2, "Type:\tSecret (a volume populated by a Secret)\n    SecretName:\t%s\n"
				"    Optional:\t%s\n",
			  kj_str_or(s, "secretName", ""), kj_true(s, "optional") ? "true" : "false");
	} else if ((s = kj_get(v, "configMap"))) {
		dw_printf(w, 2, "Type:\tConfigMap (a volume populated by a ConfigMap)\n    Name:\t%s\n"
				"    Optional:\t%s\n",
			  kj_str_or(s, "name", ""), kj_true(s, "optional") ? "true" : "false");
	} else if ((s = kj_get(v, "persistentVolumeClaim"))) {
		dw_printf(w, 2, "Type:\tPersistentVolumeClaim (a reference to a PersistentVolumeClaim "
				"in the same namespace)\n    ClaimName:\t%s\n    ReadOnly:\t%s\n",
			  kj_str_or(s, "claimName", ""), kj_true(s, "readOnly") ? "true" : "false");
	} else {
		dw_printf(w, 1, "<unknown>\n");
	}
}

void dw_volumes(struct dwriter *w, const cJSON *volumes, const char *space)
{
	if (!cJSON_GetArraySize(volumes)) {
		dw_printf(w, 0, "%sVolumes:\t<none>\n", space);
		return;
	}
	dw_printf(w, 0, "%sVolumes:\n", space);
	const cJSON *v;
	cJSON_ArrayForEach(v, volumes) {
		dw_printf(w, 1, "%s%s:\n", *space ? " " : "", kj_str_or(v, "name", ""));
		volume(w, v);
	}
}

void dw_pod_template(struct dwriter *w, const cJSON *t)
{
	dw_printf(w, 0, "Pod Template:\n");
	dw_labels(w, "  Labels", kj_get(t, "metadata.labels"));
	if (cJSON_GetArraySize(kj_get(t, "metadata.annotations")))
		dw_annotations(w, "  Annotations", kj_get(t, "metadata.annotations"));
	if (*kj_str_or(t, "spec.serviceAccountName", ""))
		dw_printf(w, 1, "Service Account:\t%s\n", kj_str(t, "spec.serviceAccountName"));
	if (cJSON_GetArraySize(kj_get(t, "spec.initContainers")))
		dw_containers(w, "Init Containers", kj_get(t, "spec.initContainers"), NULL, "  ");
	dw_containers(w, "Containers", kj_get(t, "spec.containers"), NULL, "  ");
	dw_volumes(w, kj_get(t, "spec.volumes"), "  ");
	if (*kj_str_or(t, "spec.priorityClassName", ""))
		dw_printf(w, 1, "Priority Class Name:\t%s\n", kj_str(t, "spec.priorityClassName"));
}
