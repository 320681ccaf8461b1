/*
 * rest_read.c - GET of one object and LIST of a collection, served from the
 * watch cache with Kubernetes' resourceVersion semantics (unset: the latest
 * state; "0": whatever is cached; N: not older than N; Exact: exactly N),
 * limit/continue paging, and Table answers.
 */
#include "apiserver/filter.h"
#include "apiserver/objects.h"
#include "apiserver/table.h"
#include "base/base64.h"

/* Waits as ?resourceVersion= asks. Answers and returns -1 on failure; *exact gets RV for Exact. */
static int read_at(struct api_request *r, int64_t *exact)
{
	const char *rv = http_query(r->http, "resourceVersion");
	const char *match = http_query(r->http, "resourceVersionMatch");
	*exact = 0;
	if (!rv || !*rv)
		return api_consistent_read(r);
	int64_t want;
	if (api_parse_rv(rv, &want) < 0) {
		status_bad_request(r->http, "invalid resource version: %s", rv);
		return -1;
	}
	if (match && !strcmp(match, "Exact")) {
		*exact = want;
		return 0;
	}
	if (want > 0 && watch_cache_wait_rev(r->s->cache, want, 3000) < 0) {
		status_respond(r->http, 504, "Timeout", NULL,
			       "Too large resource version: %lld, current: %lld", (long long)want,
			       (long long)watch_cache_rev(r->s->cache));
		return -1;
	}
	return 0;
}

void rest_get(struct api_request *r)
{
	int64_t exact;
	if (read_at(r, &exact) < 0)
		return;
	struct strbuf key = STRBUF_INIT;
	api_object_key(r->kind, r->route.ns, r->route.name, &key);
	struct cache_obj *o = watch_cache_get(r->s->cache, r->kind, key.buf);
	strbuf_release(&key);
	if (!o) {
		status_not_found(r->http, r->kind, r->route.name);
		return;
	}
	api_respond_cached(r, 200, o);
	cache_obj_unref(o);
}

struct continue_token {
	int64_t rev;
	char *start; /* first key of the next page */
};

static void encode_continue(struct strbuf *out, int64_t rev, const char *start)
{
	struct strbuf raw = STRBUF_INIT;
	strbuf_addf(&raw, "{\"v\":\"meta.k8s.io/v1\",\"rv\":%lld,\"start\":", (long long)rev);
	strbuf_add_json_str(&raw, start);
	strbuf_addch(&raw, '}');
	base64_encode(out, raw.buf, raw.len);
	strbuf_release(&raw);
}

static int decode_continue(const char *token, struct continue_token *out)
{
	struct strbuf raw = STRBUF_INIT;
	int r = base64_decode(&raw, token);
	cJSON *j = r == 0 ? cJSON_Parse(raw.buf) : NULL;
	strbuf_release(&raw);
	const cJSON *rev = cJSON_GetObjectItemCaseSensitive(j, "rv");
	const cJSON *start = cJSON_GetObjectItemCaseSensitive(j, "start");
	r = cJSON_IsNumber(rev) && cJSON_IsString(start) ? 0 : -EINVAL;
	if (r == 0) {
		out->rev = (int64_t)rev->valuedouble;
		out->start = xstrdup(start->valuestring);
	}
	cJSON_Delete(j);
	return r;
}

/* Lists from the store as of rev (for pages of an older snapshot, or Exact reads). */
static int list_from_store(struct api_request *r, const struct api_filter *f, int64_t rev,
			   const char *start, size_t limit, struct cache_list *out)
{
	struct strbuf prefix = STRBUF_INIT;
	strbuf_addf(&prefix, "/registry/%s/", r->kind->resource);
	if (f->cf.ns)
		strbuf_addf(&prefix, "%s/", f->cf.ns);
	struct storage_list_opts opts = { .prefix = prefix.buf, .start_key = start, .rev = rev };
	struct storage_list l;
	int err = storage_list(r->s->storage, &opts, &l);
	strbuf_release(&prefix);
	if (err < 0)
		return err;
	size_t alloc = 0;
	memset(out, 0, sizeof(*out));
	out->rev = out->kind_rev = l.rev;
	for (size_t i = 0; i < l.n; i++) {
		struct storage_kv *kv = &l.items[i];
		struct cache_obj *o = cache_obj_new(r->kind, kv->key, kv->value, kv->value_len,
						    kv->create_rev, kv->mod_rev);
		if (!o)
			continue;
		bool keep = (!f->cf.name || !strcmp(f->cf.name, o->name)) &&
			    (!f->cf.index_value || streq_null(f->cf.index_value, o->index_value)) &&
			    (!f->cf.match || f->cf.match(f->cf.ctx, o));
		if (keep && limit && out->n == limit) {
			out->more = true;
			out->remaining++;
		} else if (keep) {
			ALLOC_GROW(out->items, out->n + 1, alloc);
			out->items[out->n++] = o;
			continue;
		}
		cache_obj_unref(o);
	}
	storage_list_release(&l);
	return 0;
}

static void write_list(struct api_request *r, struct cache_list *l, const char *cont)
{
	struct strbuf out = STRBUF_INIT;
	if (r->as_table) {
		struct table_writer tw;
		table_begin(&tw, r, &out, l->rev, cont, l->remaining);
		for (size_t i = 0; i < l->n; i++)
			table_add(&tw, l->items[i]);
		table_end(&tw);
	} else {
		size_t total = 256;
		for (size_t i = 0; i < l->n; i++)
			total += l->items[i]->len + 1;
		strbuf_grow(&out, total);
		strbuf_addf(&out, "{\"kind\":\"%s\",\"apiVersion\":\"%s\",\"metadata\":"
			    "{\"resourceVersion\":\"%lld\"", r->kind->list_kind,
			    r->kind->group_version, (long long)l->rev);
		if (cont) {
			strbuf_addstr(&out, ",\"continue\":");
			strbuf_add_json_str(&out, cont);
			if (l->remaining > 0)
				strbuf_addf(&out, ",\"remainingItemCount\":%lld",
					    (long long)l->remaining);
		}
		strbuf_addstr(&out, "},\"items\":[");
		for (size_t i = 0; i < l->n; i++) {
			if (i)
				strbuf_addch(&out, ',');
			strbuf_add(&out, l->items[i]->json, l->items[i]->len);
		}
		strbuf_addstr(&out, "]}");
	}
	http_respond_buf(r->http, 200, "application/json", &out);
}

/* Reads one page (limit + 1 items to learn the next page's first key). */
static int read_page(struct api_request *r, struct api_filter *f, const struct continue_token *ct,
		     int64_t exact, size_t limit, struct cache_list *l)
{
	size_t want = limit ? limit + 1 : 0;
	const char *start = ct ? ct->start : NULL;
	int64_t snapshot = ct ? ct->rev : exact;
	watch_cache_list(r->s->cache, r->kind, &f->cf, start, want, l);
	if (!snapshot)
		return 0;
	if (l->kind_rev <= snapshot) { /* nothing of this kind changed since: the cache is exact */
		l->rev = snapshot;
		return 0;
	}
	cache_list_release(l);
	return list_from_store(r, f, snapshot, start, want, l);
}

static void list_error(struct api_request *r, int err)
{
	if (err == STORAGE_ECOMPACTED)
		status_respond(r->http, 410, "Expired", NULL,
			       "The provided continue parameter is too old to display a consistent "
			       "list result. You can start a new list without the continue "
			       "parameter.");
	else
		status_storage_error(r->http, r->kind, NULL, err);
}

void rest_list(struct api_request *r)
{
	const char *limit_s = http_query(r->http, "limit");
	const char *cont_s = http_query(r->http, "continue");
	size_t limit = limit_s ? strtoull(limit_s, NULL, 10) : 0;
	struct continue_token ct = { 0 };
	int64_t exact = 0;
	if (cont_s && *cont_s && decode_continue(cont_s, &ct) < 0) {
		status_bad_request(r->http, "continue key is not valid: incorrect encoded start "
				   "resourceVersion (version meta.k8s.io/v1)");
		return;
	}
	struct api_filter f;
	if ((!ct.start && read_at(r, &exact) < 0) || api_filter_init(r, &f) < 0) {
		free(ct.start);
		return;
	}
	struct cache_list l;
	int err = read_page(r, &f, ct.start ? &ct : NULL, exact, limit, &l);
	if (err < 0) {
		list_error(r, err);
	} else {
		struct strbuf next = STRBUF_INIT;
		if (limit && l.n > limit) { /* the extra item starts the next page */
			encode_continue(&next, l.rev, l.items[limit]->key);
			l.remaining += (int64_t)(l.n - limit);
			for (size_t i = limit; i < l.n; i++)
				cache_obj_unref(l.items[i]);
			l.n = limit;
		}
		write_list(r, &l, next.len ? next.buf : NULL);
		strbuf_release(&next);
		cache_list_release(&l);
	}
	api_filter_release(&f);
	free(ct.start);
}
