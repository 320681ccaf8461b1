/*
 * create_once.c - creates with client-chosen generated names; see create_once.h.
 */
#include "controllers/create_once.h"

#include "api/codec.h"
#include "api/object.h"
#include "base/random.h"
#include "base/timeutil.h"
#include "client/backoff.h"
#include "client/path.h"
#include "controllers/apiwrite.h"
#include "controllers/ownerref.h"

#define NAME_TRIES 5         /* names taken by other objects, in a row */
#define LOST_RETRY_BASE_NS (100 * K8C_NSEC_PER_MSEC)
#define LOST_RETRY_CAP_NS (2 * K8C_NSEC_PER_SEC)
#define LOST_RETRIES 8       /* ~10 s in all: an API server restarting */

/* json with "name":"<generate_name><5 random>", after its metadata's opening brace. */
static bool with_new_name(const struct strbuf *json, const char *generate_name,
			  struct strbuf *out, struct strbuf *name)
{
	static const char meta[] = "\"metadata\":{";
	const char *at = strstr(json->buf, meta);
	char suffix[6];

	if (!at)
		return false;
	random_name_suffix(suffix, 5);
	strbuf_reset(name);
	strbuf_addf(name, "%s%s", generate_name, suffix);
	size_t head = (size_t)(at - json->buf) + sizeof(meta) - 1;
	strbuf_reset(out);
	strbuf_add(out, json->buf, head);
	strbuf_addstr(out, "\"name\":");
	strbuf_add_json_str(out, name->buf);
	strbuf_addch(out, ',');
	strbuf_add(out, json->buf + head, json->len - head);
	return true;
}

/* True when r (with err) says nothing about whether the create happened. */
static bool answer_lost(int r, const struct k8c_status_error *err)
{
	return (r == -EIO && !err->code) || r == -ETIMEDOUT;
}

/* True when ns/name of kind k exists and owner_uid is its controller. */
static bool created_by(struct k8c_client *c, const struct k8c_kind *k, const char *ns,
		       const char *name, const char *owner_uid)
{
	struct k8c_resource_path p = { .group = k->group, .version = k->version, .namespace = ns,
				       .resource = k->resource, .name = name };
	struct strbuf path = STRBUF_INIT;
	struct k8c_response resp = K8C_RESPONSE_INIT;
	struct k8c_request req = { .method = "GET" };
	void *obj = xcalloc(1, k->type->size);
	bool ours = false;

	k8c_path_append(&path, &p);
	req.path = path.buf;
	if (k8c_client_do(c, &req, &resp, NULL) == 0) {
		struct field_errors errs = FIELD_ERRORS_INIT;
		if (k8c_decode_text(k->type, resp.body.buf, resp.body.len, obj, 0, &errs) == 0)
			ours = ownerref_is_controlled_by(&k8c_object_of(obj)->metadata, owner_uid);
		field_errors_release(&errs);
	}
	k8c_free(k->type, obj);
	k8c_response_release(&resp);
	strbuf_release(&path);
	return ours;
}

int create_once(struct k8c_client *c, const struct k8c_kind *k, const char *ns,
		const struct strbuf *json, const char *generate_name, const char *owner_uid,
		struct strbuf *ret_name, struct k8c_status_error *err)
{
	struct k8c_status_error own = K8C_STATUS_ERROR_INIT;
	struct strbuf body = STRBUF_INIT, name = STRBUF_INIT;
	struct k8c_status_error *e = err ? err : &own;
	unsigned names = 0, lost = 0;
	int r;

	if (!with_new_name(json, generate_name, &body, &name)) {
		r = apiwrite_create_json(c, k, ns, json, ret_name, err);
		goto out;
	}
	for (;;) {
		r = apiwrite_create_json(c, k, ns, &body, NULL, e);
		if (r == 0)
			break;
		/* after a lost answer, a refused connection is the API server restarting */
		bool again = answer_lost(r, e) || (lost && r == -ECONNREFUSED);
		if (again && lost < LOST_RETRIES) {
			time_sleep_ms(k8c_backoff_jitter_ns(k8c_backoff_exp_ns(
				LOST_RETRY_BASE_NS, LOST_RETRY_CAP_NS, lost)) / K8C_NSEC_PER_MSEC);
			lost++;
			continue;
		}
		if (r != -EEXIST)
			break;
		if (lost && created_by(c, k, ns, name.buf, owner_uid)) {
			r = 0; /* an earlier try whose answer was lost */
			break;
		}
		if (++names == NAME_TRIES)
			break;
		lost = 0;
		with_new_name(json, generate_name, &body, &name);
	}
	if (r == 0 && ret_name)
		strbuf_addstr(ret_name, name.buf);
out:
	k8c_status_error_release(&own);
	strbuf_release(&body);
	strbuf_release(&name);
	return r;
}
