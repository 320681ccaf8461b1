/*
 * core.c - the smaller core/v1 kinds and Leases: ValidateEndpoints,
 * ValidateNode(+Update), ValidateNamespace, ValidateConfigMap(+Update),
 * ValidateSecret(+Update), the legacy Event rules core/v1 applies, and
 * coordination ValidateLease.
 */
#include <cjson/cJSON.h>

#include "api/codec.h"
#include "api/validation/field_err.h"
#include "api/validation/formats.h"
#include "api/validation/govalue.h"
#include "api/validation/object_meta.h"
#include "api/validation/pod_internal.h"
#include "api/validation/validation.h"
#include "base/base64.h"

#define MAX_DATA_BYTES (1024 * 1024)

static void endpoint_address(struct vctx *v, const struct k8c_endpoint_address *a)
{
	vctx_ip(v, "ip", a->ip);
	if (!vempty(a->hostname))
		vctx_dns1123_label(v, "hostname", a->hostname);
	if (a->node_name)
		vctx_dns1123_subdomain(v, "nodeName", a->node_name);
	vctx_non_special_ip(v, "ip", a->ip);
}

static void endpoint_addresses(struct vctx *v, const char *child,
			       const struct k8c_endpoint_address *a, size_t n)
{
	size_t m = vctx_child(v, child);
	for (size_t i = 0; i < n; i++) {
		size_t mi = vctx_index(v, i);
		endpoint_address(v, &a[i]);
		vctx_pop(v, mi);
	}
	vctx_pop(v, m);
}

static void endpoint_port(struct vctx *v, const struct k8c_endpoint_port *p, bool name_needed)
{
	static const char *const protocols[] = { "SCTP", "TCP", "UDP" };
	struct k8c_name_msgs msgs;
	if (name_needed && vempty(p->name))
		vctx_required(v, "name", "");
	else if (!vempty(p->name))
		vctx_dns1123_label(v, "name", p->name);
	if (!k8c_is_port_num(p->port, &msgs))
		vctx_invalid_int(v, "port", p->port, msgs.msg[0]);
	vctx_enum(v, "protocol", p->protocol, protocols, ARRAY_SIZE(protocols), true);
	if (p->app_protocol)
		vctx_qualified_name(v, "appProtocol", p->app_protocol);
}

void k8c_validate_endpoints(const void *obj, struct field_errors *errs)
{
	const struct k8c_endpoints *ep = obj;
	struct vctx v;
	vctx_init(&v, errs, "subsets");
	for (size_t i = 0; i < ep->n_subsets; i++) {
		const struct k8c_endpoint_subset *ss = &ep->subsets[i];
		size_t mi = vctx_index(&v, i);
		if (!ss->n_addresses && !ss->n_not_ready_addresses)
			vctx_required(&v, NULL, "must specify `addresses` or `notReadyAddresses`");
		endpoint_addresses(&v, "addresses", ss->addresses, ss->n_addresses);
		endpoint_addresses(&v, "notReadyAddresses", ss->not_ready_addresses,
				   ss->n_not_ready_addresses);
		size_t mp = vctx_child(&v, "ports");
		for (size_t j = 0; j < ss->n_ports; j++) {
			size_t mj = vctx_index(&v, j);
			endpoint_port(&v, &ss->ports[j], ss->n_ports > 1);
			vctx_pop(&v, mj);
		}
		vctx_pop(&v, mp);
		vctx_pop(&v, mi);
	}
	vctx_release(&v);
}

/* validateNodeTaints; upstream reports them under "metadata.taints". */
static void node_taints(struct vctx *v, const struct k8c_taint *t, size_t n)
{
	struct k8c_name_msgs msgs;
	size_t m = vctx_child(v, "taints");
	for (size_t i = 0; i < n; i++) {
		size_t mi = vctx_index(v, i);
		vctx_qualified_name(v, "key", vstr(t[i].key));
		if (!k8c_is_label_value(vstr(t[i].value), &msgs)) {
			struct strbuf joined = STRBUF_INIT;
			for (size_t k = 0; k < msgs.n; k++)
				strbuf_addf(&joined, "%s%s", k ? ";" : "", msgs.msg[k]);
			vctx_invalid(v, "value", t[i].value, joined.buf);
			strbuf_release(&joined);
		}
		vctx_taint_effect(v, "effect", t[i].effect, false);
		for (size_t j = 0; j < i; j++) {
			if (strcmp(vstr(t[j].key), vstr(t[i].key)) ||
			    strcmp(vstr(t[j].effect), vstr(t[i].effect)))
				continue;
			struct strbuf r = STRBUF_INIT;
			strbuf_addstr(&r, "core.Taint{Key:");
			field_err_quote(&r, vstr(t[i].key));
			strbuf_addstr(&r, ", Value:");
			field_err_quote(&r, vstr(t[i].value));
			strbuf_addstr(&r, ", Effect:");
			field_err_quote(&r, vstr(t[i].effect));
			strbuf_addstr(&r, ", TimeAdded:<nil>}");
			vctx_duplicate_go(v, NULL, r.buf, "taints must be unique by key and effect pair");
			strbuf_release(&r);
			break;
		}
		vctx_pop(v, mi);
	}
	vctx_pop(v, m);
}

/* ValidateNodeResources: capacity and allocatable quantities, at status.<list>.<name>. */
static void node_resources(struct vctx *v, const struct k8c_node_status *st)
{
	const struct k8c_strmap *lists[] = { &st->capacity, &st->allocatable };
	const char *names[] = { "status.capacity", "status.allocatable" };
	for (size_t l = 0; l < ARRAY_SIZE(lists); l++)
		for (size_t i = 0; i < lists[l]->n; i++) {
			size_t m = vctx_child(v, names[l]);
			vctx_child(v, lists[l]->items[i].key);
			vctx_quantity_value(v, lists[l]->items[i].key, lists[l]->items[i].value);
			vctx_pop(v, m);
		}
}

void k8c_validate_node(const void *obj, struct field_errors *errs)
{
	const struct k8c_node *node = obj;
	struct vctx v;
	vctx_init(&v, errs, "metadata");
	node_taints(&v, node->spec.taints, node->spec.n_taints);
	vctx_pop(&v, 0);
	node_resources(&v, &node->status);
	size_t m = vctx_child(&v, "spec.podCIDRs");
	for (size_t i = 0; i < node->spec.n_pod_cidrs; i++) {
		size_t mi = vctx_index(&v, i);
		vctx_cidr(&v, NULL, node->spec.pod_cidrs[i]);
		for (size_t j = 0; j < i; j++)
			if (!strcmp(vstr(node->spec.pod_cidrs[j]), vstr(node->spec.pod_cidrs[i]))) {
				vctx_duplicate(&v, NULL, node->spec.pod_cidrs[i]);
				break;
			}
		vctx_pop(&v, mi);
	}
	vctx_pop(&v, m);
	vctx_release(&v);
}

void k8c_validate_node_update(const void *obj, const void *old_obj, struct field_errors *errs)
{
	const struct k8c_node *node = obj, *old = old_obj;
	static const char cidr_msg[] = "node updates may not change podCIDR except from \"\" to valid";
	k8c_validate_node(obj, errs);
	bool cidrs_changed = old->spec.n_pod_cidrs && old->spec.n_pod_cidrs != node->spec.n_pod_cidrs;
	for (size_t i = 0; !cidrs_changed && i < old->spec.n_pod_cidrs; i++)
		cidrs_changed = strcmp(vstr(old->spec.pod_cidrs[i]), vstr(node->spec.pod_cidrs[i]));
	if (cidrs_changed)
		field_err_forbidden(errs, "spec.podCIDRs", cidr_msg);
	if (!vempty(old->spec.provider_id) &&
	    strcmp(old->spec.provider_id, vstr(node->spec.provider_id)))
		field_err_forbidden(errs, "spec.providerID", "node updates may not change providerID "
				    "except from \"\" to valid");
	if (strcmp(vstr(old->spec.external_id), vstr(node->spec.external_id)))
		field_err_forbidden(errs, "spec.externalID", "may not be updated");
}

void k8c_validate_namespace_object(const void *obj, struct field_errors *errs)
{
	const struct k8c_namespace *ns = obj;
	struct vctx v;
	vctx_init(&v, errs, "spec.finalizers");
	for (size_t i = 0; i < ns->spec.n_finalizers; i++) {
		const char *f = vstr(ns->spec.finalizers[i]);
		vctx_qualified_name(&v, NULL, f);
		if (!strchr(f, '/') && strcmp(f, "kubernetes"))
			vctx_invalid(&v, NULL, f, "name is neither a standard finalizer name nor is it "
				     "fully qualified");
	}
	vctx_release(&v);
}

/* The number of bytes a base64 text decodes to. */
static size_t decoded_len(const char *b64)
{
	size_t n = strlen(vstr(b64)), pad = 0;
	while (n > pad && b64[n - 1 - pad] == '=')
		pad++;
	return n / 4 * 3 + (n % 4 ? n % 4 - 1 : 0) - (n % 4 ? 0 : pad);
}

/* The keys of one data map at <child>[key]; adds the bytes of the values to *total. */
static void data_keys(struct vctx *v, const char *child, const struct k8c_strmap *data,
		      bool base64, size_t *total)
{
	struct k8c_name_msgs msgs;
	size_t m = vctx_child(v, child);
	for (size_t i = 0; i < data->n; i++) {
		const struct k8c_strpair *p = &data->items[i];
		size_t mk = vctx_key(v, p->key);
		if (!k8c_is_config_map_key(p->key, &msgs))
			vctx_msgs(v, NULL, p->key, &msgs);
		vctx_pop(v, mk);
		*total += base64 ? decoded_len(p->value) : strlen(vstr(p->value));
	}
	vctx_pop(v, m);
}

void k8c_validate_config_map(const void *obj, struct field_errors *errs)
{
	const struct k8c_config_map *cm = obj;
	struct vctx v;
	size_t total = 0;
	vctx_init(&v, errs, "");
	data_keys(&v, "data", &cm->data, false, &total);
	for (size_t i = 0; i < cm->data.n; i++)
		if (k8c_strmap_get(&cm->binary_data, cm->data.items[i].key)) {
			size_t m = vctx_child(&v, "data");
			vctx_key(&v, cm->data.items[i].key);
			vctx_invalid(&v, NULL, cm->data.items[i].key,
				     "duplicate of key present in binaryData");
			vctx_pop(&v, m);
		}
	data_keys(&v, "binaryData", &cm->binary_data, true, &total);
	if (total > MAX_DATA_BYTES)
		field_err_too_long(errs, "", MAX_DATA_BYTES);
	vctx_release(&v);
}

/* An immutable object's data may not change, nor may it become mutable again. */
static void immutable_update(bool was, bool is, const char *const *fields,
			     const struct k8c_strmap *const *now, const struct k8c_strmap *const *then,
			     size_t n, struct field_errors *errs)
{
	static const char msg[] = "field is immutable when `immutable` is set";
	if (!was)
		return;
	if (!is)
		field_err_forbidden(errs, "immutable", msg);
	for (size_t i = 0; i < n; i++)
		if (!k8c_strmap_equal(now[i], then[i]))
			field_err_forbidden(errs, fields[i], msg);
}

void k8c_validate_config_map_update(const void *obj, const void *old_obj,
				    struct field_errors *errs)
{
	const struct k8c_config_map *cm = obj, *old = old_obj;
	const char *const fields[] = { "data", "binaryData" };
	const struct k8c_strmap *const now[] = { &cm->data, &cm->binary_data };
	const struct k8c_strmap *const then[] = { &old->data, &old->binary_data };
	immutable_update(old->has_immutable && old->immutable, cm->has_immutable && cm->immutable,
			 fields, now, then, ARRAY_SIZE(fields), errs);
	k8c_validate_config_map(obj, errs);
}

/* data[key] must exist (decoded JSON when json is true). */
static void secret_key(struct vctx *v, const struct k8c_secret *s, const char *key, bool json)
{
	const char *value = k8c_strmap_get(&s->data, key);
	size_t m = vctx_child(v, "data");
	vctx_key(v, key);
	if (!value) {
		vctx_required(v, NULL, "");
	} else if (json) {
		struct strbuf raw = STRBUF_INIT;
		cJSON *doc = base64_decode(&raw, value) < 0 ? NULL : cJSON_Parse(raw.buf);
		if (!cJSON_IsObject(doc))
			vctx_invalid(v, NULL, "<secret contents redacted>",
				     "invalid character looking for beginning of value");
		cJSON_Delete(doc);
		strbuf_release(&raw);
	}
	vctx_pop(v, m);
}

/* The keys each well-known Secret type requires. */
static void secret_type(struct vctx *v, const struct k8c_secret *s)
{
	const char *t = vstr(s->type);
	if (!strcmp(t, "kubernetes.io/service-account-token")) {
		if (vempty(k8c_strmap_get(&s->metadata.annotations, "kubernetes.io/service-account.name")))
			field_err_required(v->errs,
					   "metadata.annotations[kubernetes.io/service-account.name]", "");
	} else if (!strcmp(t, "kubernetes.io/dockercfg")) {
		secret_key(v, s, ".dockercfg", true);
	} else if (!strcmp(t, "kubernetes.io/dockerconfigjson")) {
		secret_key(v, s, ".dockerconfigjson", true);
	} else if (!strcmp(t, "kubernetes.io/basic-auth")) {
		if (!k8c_strmap_get(&s->data, "username") && !k8c_strmap_get(&s->data, "password")) {
			secret_key(v, s, "username", false);
			secret_key(v, s, "password", false);
		}
	} else if (!strcmp(t, "kubernetes.io/ssh-auth")) {
		if (vempty(k8c_strmap_get(&s->data, "ssh-privatekey"))) {
			size_t m = vctx_child(v, "data");
			vctx_key(v, "ssh-privatekey");
			vctx_required(v, NULL, "");
			vctx_pop(v, m);
		}
	} else if (!strcmp(t, "kubernetes.io/tls")) {
		secret_key(v, s, "tls.crt", false);
		secret_key(v, s, "tls.key", false);
	}
}

void k8c_validate_secret(const void *obj, struct field_errors *errs)
{
	const struct k8c_secret *s = obj;
	struct vctx v;
	size_t total = 0;
	vctx_init(&v, errs, "");
	data_keys(&v, "data", &s->data, true, &total);
	if (total > MAX_DATA_BYTES)
		field_err_too_long(errs, "data", MAX_DATA_BYTES);
	secret_type(&v, s);
	vctx_release(&v);
}

void k8c_validate_secret_update(const void *obj, const void *old_obj, struct field_errors *errs)
{
	const struct k8c_secret *s = obj, *old = old_obj;
	if (strcmp(vstr(s->type), vstr(old->type))) {
		struct strbuf q = STRBUF_INIT;
		field_err_quote(&q, vstr(s->type));
		field_err_invalid_json(errs, "type", q.buf, "field is immutable");
		strbuf_release(&q);
	}
	const char *const fields[] = { "data" };
	const struct k8c_strmap *const now[] = { &s->data };
	const struct k8c_strmap *const then[] = { &old->data };
	immutable_update(old->has_immutable && old->immutable, s->has_immutable && s->immutable,
			 fields, now, then, 1, errs);
	k8c_validate_secret(obj, errs);
}

/* A required, length-limited string of a new-style event; the value is never shown. */
static void event_text(struct field_errors *errs, const char *path, const char *s, size_t max,
		       bool required)
{
	struct strbuf d = STRBUF_INIT;
	if (required && vempty(s))
		field_err_required(errs, path, "");
	if (strlen(vstr(s)) > max) {
		strbuf_addf(&d, "can have at most %zu characters", max);
		field_err_invalid(errs, path, "", d.buf);
	}
	strbuf_release(&d);
}

void k8c_validate_event(const void *obj, struct field_errors *errs)
{
	const struct k8c_event *ev = obj;
	const char *ns = vstr(ev->metadata.namespace), *ins = vstr(ev->involved_object.namespace);
	bool mismatch;
	if (!ev->event_time) {
		mismatch = *ins ? strcmp(ns, ins) != 0 : (*ns && strcmp(ns, "default"));
	} else {
		mismatch = !*ins && strcmp(ns, "default") && strcmp(ns, "kube-system");
		struct vctx v;
		vctx_init(&v, errs, "");
		if (vempty(ev->reporting_component))
			field_err_required(errs, "reportingController", "");
		vctx_qualified_name(&v, "reportingController", vstr(ev->reporting_component));
		vctx_release(&v);
		event_text(errs, "reportingInstance", ev->reporting_instance, 128, true);
		event_text(errs, "action", ev->action, 128, true);
		event_text(errs, "reason", ev->reason, 128, true);
		event_text(errs, "message", ev->message, 1024, false);
	}
	if (mismatch)
		field_err_invalid(errs, "involvedObject.namespace", ins, "does not match event.namespace");
	struct k8c_name_msgs msgs;
	if (!k8c_is_dns1123_subdomain(ns, &msgs))
		for (size_t i = 0; i < msgs.n; i++)
			field_err_invalid(errs, "namespace", ns, msgs.msg[i]);
}

void k8c_validate_lease(const void *obj, struct field_errors *errs)
{
	const struct k8c_lease_spec *s = &((const struct k8c_lease *)obj)->spec;
	if (s->has_lease_duration_seconds && s->lease_duration_seconds <= 0)
		field_err_invalid_int(errs, "spec.leaseDurationSeconds", s->lease_duration_seconds,
				      "must be greater than 0");
	if (s->has_lease_transitions && s->lease_transitions < 0)
		field_err_invalid_int(errs, "spec.leaseTransitions", s->lease_transitions,
				      "must be greater than or equal to 0");
}
