/*
 * expose.c - `k8c expose TYPE NAME`: makes a Service for a Deployment, ReplicaSet,
 * Pod or Service as kubectl's service generator does: the selector from the object
 * (matchLabels, the pod's labels, the service's selector), its labels, the port from
 * --port or the containers' ports ("port-1", "port-2"... when several), then POSTs it
 * with fieldManager=kubectl-expose and prints "service/web exposed".
 */
#include "client/verbs.h"
#include "kubectl/commands.h"
#include "kubectl/jsonutil.h"
#include "kubectl/resources.h"
#include "kubectl/select.h"

struct expose_opts {
	const char *name, *port, *target_port, *protocol, *type, *selector, *output;
	const char *cluster_ip, *labels;
	struct kstrv files;
	struct kout out;
};

/* The selector the service gets, from the exposed object (owned), or NULL. */
static cJSON *selector_of(const struct kobj *ob, struct kerrors *errs)
{
	const char *kind = ob->kind->kind;
	if (!strcmp(kind, "Pod"))
		return cJSON_Duplicate(kj_get(ob->obj, "metadata.labels"), true);
	if (!strcmp(kind, "Service"))
		return cJSON_Duplicate(kj_get(ob->obj, "spec.selector"), true);
	if (!strcmp(kind, "Deployment") || !strcmp(kind, "ReplicaSet")) {
		if (kj_get(ob->obj, "spec.selector.matchExpressions")) {
			kerrors_addf(errs, "couldn't convert expressions - \"%s\" to map-based "
					   "selector format", ob->name);
			return NULL;
		}
		return cJSON_Duplicate(kj_get(ob->obj, "spec.selector.matchLabels"), true);
	}
	kerrors_addf(errs, "cannot expose a %s", kind);
	return NULL;
}

/* "k=v,k2=v2" into an object. */
static cJSON *parse_map(const char *text)
{
	cJSON *m = cJSON_CreateObject();
	_cleanup_free_ char *copy = xstrdup(text);
	char *save = NULL;
	for (char *kv = strtok_r(copy, ",", &save); kv; kv = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(kv, '=');
		if (eq) {
			*eq = '\0';
			kj_set(m, kv, cJSON_CreateString(eq + 1));
		}
	}
	return m;
}

static cJSON *port_value(const char *text)
{
	char *end;
	long v = strtol(text, &end, 10);
	return *end ? cJSON_CreateString(text) : cJSON_CreateNumber((double)v);
}

/* The container ports of the object's pod template (or pod, or the service's ports). */
static const cJSON *object_ports(const struct kobj *ob, cJSON *all)
{
	if (!strcmp(ob->kind->kind, "Service"))
		return kj_get(ob->obj, "spec.ports");
	const cJSON *spec = kj_get(ob->obj, strcmp(ob->kind->kind, "Pod") ? "spec.template.spec"
									    : "spec");
	const cJSON *c, *p;
	cJSON_ArrayForEach(c, kj_get(spec, "containers"))
		cJSON_ArrayForEach(p, kj_get(c, "ports"))
			cJSON_AddItemToArray(all, cJSON_Duplicate(p, true));
	return all;
}

/* One ServicePort: "port-N" names only when there are several, as kubectl's generator. */
static void add_port(const struct expose_opts *o, cJSON *ports, double port, const char *proto,
		     int index, int count)
{
	cJSON *sp = cJSON_CreateObject();
	if (count > 1) {
		struct strbuf nm = STRBUF_INIT;
		strbuf_addf(&nm, "port-%d", index + 1);
		cJSON_AddStringToObject(sp, "name", nm.buf);
		strbuf_release(&nm);
	}
	cJSON_AddNumberToObject(sp, "port", port);
	cJSON_AddStringToObject(sp, "protocol", o->protocol ? o->protocol : proto);
	cJSON_AddItemToObject(sp, "targetPort", o->target_port ? port_value(o->target_port)
							       : cJSON_CreateNumber(port));
	cJSON_AddItemToArray(ports, sp);
}

static int add_ports(const struct expose_opts *o, const struct kobj *ob, cJSON *spec,
		     struct kerrors *errs)
{
	cJSON *ports = cJSON_AddArrayToObject(spec, "ports"), *found = cJSON_CreateArray();
	if (o->port) {
		add_port(o, ports, atof(o->port), "TCP", 0, 1);
	} else {
		const cJSON *src = object_ports(ob, found), *p;
		int n = cJSON_GetArraySize(src), i = 0;
		cJSON_ArrayForEach(p, src) {
			const char *key = kj_get(p, "containerPort") ? "containerPort" : "port";
			add_port(o, ports, (double)kj_int(p, key, 0), kj_str_or(p, "protocol", "TCP"),
				 i++, n);
		}
	}
	cJSON_Delete(found);
	if (!cJSON_GetArraySize(ports)) {
		kerrors_addf(errs, "couldn't find port via --port flag or introspection");
		return -1;
	}
	return 0;
}

static cJSON *build_service(const struct expose_opts *o, const struct kobj *ob,
			    struct kerrors *errs)
{
	cJSON *sel = o->selector ? parse_map(o->selector) : selector_of(ob, errs);
	if (!sel)
		return NULL;
	cJSON *svc = cJSON_CreateObject();
	cJSON_AddStringToObject(svc, "apiVersion", "v1");
	cJSON_AddStringToObject(svc, "kind", "Service");
	cJSON *meta = cJSON_AddObjectToObject(svc, "metadata");
	cJSON_AddNullToObject(meta, "creationTimestamp");
	const cJSON *labels = kj_get(ob->obj, "metadata.labels");
	if (o->labels)
		cJSON_AddItemToObject(meta, "labels", parse_map(o->labels));
	else if (labels)
		cJSON_AddItemToObject(meta, "labels", cJSON_Duplicate(labels, true));
	cJSON_AddStringToObject(meta, "name", o->name ? o->name : ob->name);
	cJSON *spec = cJSON_AddObjectToObject(svc, "spec");
	if (add_ports(o, ob, spec, errs) < 0) {
		cJSON_Delete(sel);
		cJSON_Delete(svc);
		return NULL;
	}
	cJSON_AddItemToObject(spec, "selector", sel);
	if (o->type)
		cJSON_AddStringToObject(spec, "type", o->type);
	if (o->cluster_ip)
		cJSON_AddStringToObject(spec, "clusterIP", o->cluster_ip);
	cJSON_AddObjectToObject(cJSON_AddObjectToObject(svc, "status"), "loadBalancer");
	return svc;
}

static void expose_one(struct kctl *k, struct kobj *ob, void *ud, struct kerrors *errs)
{
	const struct expose_opts *o = ud;
	if (kobj_fetch(k, ob, errs) < 0)
		return;
	cJSON *svc = build_service(o, ob, errs), *created = NULL;
	if (!svc)
		return;
	struct strbuf path = STRBUF_INIT;
	kres_path(&path, k8c_kind_lookup("services"), ob->ns ? ob->ns : kctl_namespace(k), NULL,
		  NULL);
	strbuf_addstr(&path, "?fieldManager=kubectl-expose");
	struct k8c_status_error e = K8C_STATUS_ERROR_INIT;
	int rc = k8c_create(kctl_client(k), path.buf, svc, &created, &e);
	if (rc < 0)
		kerrors_add_api(k, errs, rc, &e);
	else
		kprint_op(k, &o->out, k8c_kind_lookup("services"),
			  kj_str_or(created, "metadata.name", ""), created, "exposed");
	k8c_status_error_release(&e);
	cJSON_Delete(created);
	cJSON_Delete(svc);
	strbuf_release(&path);
}

int cmd_expose(struct kctl *k, int argc, char **argv)
{
	struct expose_opts o = { 0 };
	const struct kflag flags[] = {
		{ "port", 0, KFLAG_STRING, &o.port, NULL, "The port the service serves on" },
		{ "target-port", 0, KFLAG_STRING, &o.target_port, NULL, "The container port" },
		{ "protocol", 0, KFLAG_STRING, &o.protocol, NULL, "TCP, UDP or SCTP" },
		{ "name", 0, KFLAG_STRING, &o.name, NULL, "The name of the service" },
		{ "type", 0, KFLAG_STRING, &o.type, NULL, "ClusterIP, NodePort, LoadBalancer..." },
		{ "selector", 0, KFLAG_STRING, &o.selector, NULL, "The service's selector" },
		{ "labels", 'l', KFLAG_STRING, &o.labels, NULL, "The service's labels" },
		{ "cluster-ip", 0, KFLAG_STRING, &o.cluster_ip, NULL, "The cluster IP" },
		{ "filename", 'f', KFLAG_STRINGS, &o.files, NULL, "Files naming the objects" },
		{ "output", 'o', KFLAG_STRING, &o.output, NULL, "json|yaml|name" },
		{ 0 },
	};
	struct kstrv args = KSTRV_INIT;
	int r = kctl_parse(k, flags, argc, argv, &args);
	struct kselect_opts so = { .files = &o.files };
	if (r == 0 && (r = kout_parse(k, o.output, false, &o.out)) == 0)
		r = kselect_each(k, &args, &so, expose_one, &o);
	kstrv_release(&args);
	kstrv_release(&o.files);
	return r != 0;
}
