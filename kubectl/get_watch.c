/*
 * get_watch.c - `k8c get -w`: the current state (unless --watch-only), then every
 * change as it happens, through one tabwriter whose column widths never shrink, so
 * rows stay aligned with the header (kubectl's RememberWidths). A single object is
 * watched from resourceVersion 0 and the watch's first event (the object already
 * printed) is dropped, as kubectl does; a collection from the list's version.
 */
#include "client/path.h"
#include "client/watch.h"
#include "kubectl/get.h"
#include "kubectl/jsonutil.h"
#include "kubectl/resources.h"

struct watch_state {
	struct kctl *k;
	const struct get_opts *o;
	const struct get_req *r;
	struct ktable_printer p;
	struct tabwriter tw;
	struct strbuf text;
	bool skip_first;
	size_t printed; /* objects printed (for the YAML "---" separators) */
};

/* Prints one object or table and hands the text to stdout at once. */
static int show(struct watch_state *s, const cJSON *obj)
{
	int r = 0;
	if (s->o->out.format == KOUT_DEFAULT || s->o->out.format == KOUT_WIDE) {
		ktable_print(&s->p, obj, &s->tw);
		tabwriter_flush(&s->tw);
	} else {
		if (s->o->out.format == KOUT_YAML && s->printed)
			strbuf_addstr(&s->text, "---\n");
		r = kout_print(s->k, &s->o->out, s->r->kind, obj, &s->text);
	}
	s->printed++;
	kctl_write(s->k, &s->text);
	fflush(s->k->out);
	strbuf_reset(&s->text);
	return r;
}

static int on_event(struct k8c_watch_event *ev, void *ud)
{
	struct watch_state *s = ud;
	if (ev->type == K8C_WATCH_BOOKMARK)
		return 0;
	if (s->skip_first) {
		s->skip_first = false;
		return 0;
	}
	return show(s, ev->object) < 0;
}

/* Prints the current state; returns the resourceVersion to watch from (owned). */
static int initial(struct watch_state *s, char **ret_rv)
{
	bool table = s->o->out.format == KOUT_DEFAULT || s->o->out.format == KOUT_WIDE;
	cJSON *obj = NULL;
	struct k8c_status_error e = K8C_STATUS_ERROR_INIT;
	int rc = get_fetch(s->k, s->o, s->r, table, NULL, &obj, &e);
	if (rc < 0) {
		kctl_api_error(s->k, rc, &e);
		k8c_status_error_release(&e);
		return -1;
	}
	k8c_status_error_release(&e);
	*ret_rv = xstrdup(s->r->name ? "0" : kj_str_or(obj, "metadata.resourceVersion", "0"));
	int r = 0;
	if (!s->o->watch_only && (table || s->r->name)) {
		r = show(s, obj);
	} else if (!s->o->watch_only) {
		const cJSON *it;
		cJSON_ArrayForEach(it, kj_get(obj, "items")) {
			cJSON *copy = cJSON_Duplicate(it, true);
			if (!kj_str(copy, "kind"))
				cJSON_AddStringToObject(copy, "kind", s->r->kind->kind);
			if (!kj_str(copy, "apiVersion"))
				cJSON_AddStringToObject(copy, "apiVersion", s->r->kind->group_version);
			r |= show(s, copy);
			cJSON_Delete(copy);
		}
	}
	cJSON_Delete(obj);
	return r;
}

static void watch_path(const struct watch_state *s, struct strbuf *path)
{
	kres_path(path, s->r->kind, s->r->ns, NULL, NULL);
	struct strbuf fs = STRBUF_INIT;
	if (s->r->name)
		strbuf_addf(&fs, "metadata.name=%s", s->r->name);
	if (s->o->field_selector && *s->o->field_selector)
		strbuf_addf(&fs, "%s%s", fs.len ? "," : "", s->o->field_selector);
	struct k8c_list_options lo = { .label_selector = s->o->selector, .field_selector = fs.buf };
	k8c_list_options_append(path, &lo);
	strbuf_release(&fs);
}

int get_watch(struct kctl *k, const struct get_opts *o, const struct get_req *r)
{
	struct watch_state s = { .k = k, .o = o, .r = r, .skip_first = r->name != NULL };
	strbuf_init(&s.text, 0);
	tabwriter_init_table(&s.tw, &s.text);
	get_table_printer(o, r, o->show_kind, &s.p);
	_cleanup_free_ char *rv = NULL;
	int status = initial(&s, &rv) < 0;
	struct k8c_client *c = kctl_client(k);
	if (!status && c) {
		struct strbuf path = STRBUF_INIT;
		watch_path(&s, &path);
		bool table = o->out.format == KOUT_DEFAULT || o->out.format == KOUT_WIDE;
		struct k8c_watch_options wo = {
			.path = path.buf,
			.resource_version = rv,
			.accept = table ? GET_TABLE_ACCEPT : NULL,
			.fn = on_event,
			.userdata = &s,
		};
		struct k8c_watch *w = k8c_watch_new(c);
		struct k8c_status_error e = K8C_STATUS_ERROR_INIT;
		int rc = k8c_watch_run(w, &wo, &e);
		if (rc < 0) {
			kctl_api_error(k, rc, &e);
			status = 1;
		}
		k8c_status_error_release(&e);
		k8c_watch_free(w);
		strbuf_release(&path);
	}
	tabwriter_release(&s.tw);
	ktable_printer_release(&s.p);
	strbuf_release(&s.text);
	return status;
}
