/*
 * describe_util.c - the building blocks every describer uses, written the way
 * kubectl's describe package writes them (PrefixWriter levels, printLabelsMultiline,
 * printAnnotationsMultiline, DescribeEvents); see describe.h.
 */
#include "kubectl/describe.h"

#include <stdarg.h>
#include <time.h>

#include "api/printers/duration.h"
#include "base/timeutil.h"
#include "client/path.h"
#include "client/verbs.h"
#include "kubectl/jsonutil.h"

#define LAST_APPLIED	   "kubectl.kubernetes.io/last-applied-configuration"
#define MAX_ANNOTATION_LEN 140

void dw_init(struct dwriter *w, struct kctl *k)
{
	strbuf_init(&w->out, 0);
	tabwriter_init_describe(&w->tw, &w->out);
	w->k = k;
	w->now_ns = time_now_ns();
	w->show_events = true;
	w->raw = false;
}

void dw_release(struct dwriter *w)
{
	tabwriter_release(&w->tw);
	strbuf_release(&w->out);
}

void dw_printf(struct dwriter *w, int level, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	for (int i = 0; i < level; i++)
		strbuf_addstr(&sb, "  ");
	va_list ap;
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	if (w->raw)
		strbuf_add(&w->out, sb.buf, sb.len);
	else
		tabwriter_write(&w->tw, sb.buf, sb.len);
	strbuf_release(&sb);
}

void dw_flush(struct dwriter *w)
{
	tabwriter_flush(&w->tw);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The keys of a JSON object, sorted, without skip (may be NULL); *n gets the count. */
static const char **sorted_keys(const cJSON *m, const char *skip, size_t *n)
{
	size_t cap = (size_t)cJSON_GetArraySize(m) + 1, i = 0;
	const char **keys = xmalloc(cap * sizeof(*keys));
	for (const cJSON *c = cJSON_IsObject(m) ? m->child : NULL; c; c = c->next)
		if (!skip || strcmp(c->string, skip))
			keys[i++] = c->string;
	qsort(keys, i, sizeof(*keys), cmp_str);
	*n = i;
	return keys;
}

void dw_labels(struct dwriter *w, const char *title, const cJSON *labels)
{
	size_t n;
	const char **keys = sorted_keys(labels, NULL, &n);
	dw_printf(w, 0, "%s:\t", title);
	if (!n)
		dw_printf(w, 0, "<none>\n");
	for (size_t i = 0; i < n; i++)
		dw_printf(w, 0, "%s%s=%s\n", i ? "\t" : "", keys[i],
			  kj_map_str(labels, NULL, keys[i]) ?: "");
	free(keys);
}

static void annotation(struct dwriter *w, const char *key, const char *raw, bool first)
{
	size_t len = strlen(raw);
	if (len && raw[len - 1] == '\n')
		len--;
	_cleanup_free_ char *value = xstrndup(raw, len);
	if (!first)
		dw_printf(w, 0, "\t");
	if (len + strlen(key) + 2 <= MAX_ANNOTATION_LEN && !strchr(value, '\n')) {
		dw_printf(w, 0, "%s: %s\n", key, value);
		return;
	}
	dw_printf(w, 0, "%s:\n", key);
	char *save = NULL;
	for (char *line = strtok_r(value, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (strlen(line) > MAX_ANNOTATION_LEN - 2)
			dw_printf(w, 0, "\t  %.*s...\n", MAX_ANNOTATION_LEN - 2, line);
		else
			dw_printf(w, 0, "\t  %s\n", line);
	}
}

void dw_annotations(struct dwriter *w, const char *title, const cJSON *annotations)
{
	size_t n;
	const char **keys = sorted_keys(annotations, LAST_APPLIED, &n);
	dw_printf(w, 0, "%s:\t", title);
	if (!n)
		dw_printf(w, 0, "<none>\n");
	for (size_t i = 0; i < n; i++)
		annotation(w, keys[i], kj_map_str(annotations, NULL, keys[i]) ?: "", i == 0);
	free(keys);
}

void dw_time(struct strbuf *out, const char *rfc3339)
{
	int64_t ns;
	if (!rfc3339 || time_parse_rfc3339(rfc3339, &ns) < 0)
		return;
	time_t t = (time_t)(ns / K8C_NSEC_PER_SEC);
	struct tm tm;
	char buf[64];
	localtime_r(&t, &tm);
	strftime(buf, sizeof(buf), "%a, %d %b %Y %H:%M:%S %z", &tm);
	strbuf_addstr(out, buf);
}

void dw_age(struct dwriter *w, struct strbuf *out, const char *rfc3339)
{
	int64_t ns = 0;
	if (rfc3339)
		time_parse_rfc3339(rfc3339, &ns);
	k8c_duration_since(out, ns, w->now_ns);
}

const cJSON *dw_controller(const cJSON *obj)
{
	const cJSON *ref;
	cJSON_ArrayForEach(ref, kj_get(obj, "metadata.ownerReferences"))
		if (kj_true(ref, "controller"))
			return ref;
	return NULL;
}

cJSON *dw_get(struct dwriter *w, const char *path, struct k8c_status_error *err)
{
	cJSON *obj = NULL;
	if (k8c_get(kctl_client(w->k), path, &obj, err) < 0)
		return NULL;
	return obj;
}

cJSON *dw_list(struct dwriter *w, const char *path, const char *labels, const char *fields)
{
	struct k8c_list_options lo = { .label_selector = labels, .field_selector = fields };
	cJSON *list = NULL;
	if (k8c_list(kctl_client(w->k), path, &lo, &list, NULL) < 0)
		return NULL;
	return list;
}

static int event_cmp(const void *a, const void *b)
{
	int64_t x = 0, y = 0;
	const char *ta = kj_str(*(const cJSON *const *)a, "lastTimestamp");
	const char *tb = kj_str(*(const cJSON *const *)b, "lastTimestamp");
	if (ta)
		time_parse_rfc3339(ta, &x);
	if (tb)
		time_parse_rfc3339(tb, &y);
	return x < y ? -1 : x > y;
}

static void event_row(struct dwriter *w, const cJSON *e)
{
	struct strbuf when = STRBUF_INIT, msg = STRBUF_INIT;
	int64_t count = kj_int(e, "count", 0);
	if (count > 1) {
		dw_age(w, &when, kj_str(e, "lastTimestamp"));
		strbuf_addf(&when, " (x%lld over ", (long long)count);
		dw_age(w, &when, kj_str(e, "firstTimestamp"));
		strbuf_addch(&when, ')');
	} else {
		dw_age(w, &when, kj_str(e, "firstTimestamp") ?: kj_str(e, "eventTime"));
	}
	const char *source = kj_str_or(e, "source.component", "");
	if (!*source)
		source = kj_str_or(e, "reportingComponent", "");
	strbuf_addstr(&msg, kj_str_or(e, "message", ""));
	strbuf_rtrim(&msg);
	const char *m = msg.buf;
	while (*m == ' ' || *m == '\t' || *m == '\n')
		m++;
	dw_printf(w, 1, "%s\t%s\t%s\t%s\t%s\n", kj_str_or(e, "type", ""), kj_str_or(e, "reason", ""),
		  when.buf, source, m);
	strbuf_release(&when);
	strbuf_release(&msg);
}

void dw_events(struct dwriter *w, const cJSON *obj, const char *kind, const char *uid,
	       const char *ns)
{
	if (!w->show_events)
		return;
	const char *name = kj_str_or(obj, "metadata.name", "");
	const char *obj_ns = ns ? ns : kj_str_or(obj, "metadata.namespace", "");
	struct strbuf fs = STRBUF_INIT, path = STRBUF_INIT;
	strbuf_addf(&fs, "involvedObject.name=%s,involvedObject.namespace=%s", name, obj_ns);
	if (kind)
		strbuf_addf(&fs, ",involvedObject.kind=%s", kind);
	strbuf_addf(&fs, ",involvedObject.uid=%s", uid ? uid : kj_str_or(obj, "metadata.uid", ""));
	struct k8c_resource_path p = { .namespace = *obj_ns ? obj_ns : NULL, .resource = "events" };
	k8c_path_append(&path, &p);
	cJSON *list = dw_list(w, path.buf, NULL, fs.buf);
	size_t n = (size_t)cJSON_GetArraySize(kj_get(list, "items")), i = 0;
	if (!n) {
		dw_printf(w, 0, "Events:\t<none>\n");
	} else {
		const cJSON **ev = xmalloc(n * sizeof(*ev));
		for (const cJSON *e = kj_get(list, "items")->child; e; e = e->next)
			ev[i++] = e;
		qsort(ev, n, sizeof(*ev), event_cmp);
		dw_flush(w);
		dw_printf(w, 0, "Events:\n  Type\tReason\tAge\tFrom\tMessage\n");
		dw_printf(w, 1, "----\t------\t----\t----\t-------\n");
		for (i = 0; i < n; i++)
			event_row(w, ev[i]);
		free(ev);
	}
	cJSON_Delete(list);
	strbuf_release(&fs);
	strbuf_release(&path);
}
