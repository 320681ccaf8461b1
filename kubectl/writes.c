/*
 * writes.c - helpers of the commands that change objects; see writes.h.
 */
#include "kubectl/writes.h"

#include <stdarg.h>

#include "client/verbs.h"
#include "kubectl/resources.h"

/* Lines of local errors start with this byte until kerrors_finish() decides their prefix. */
#define LOCAL_MARK '\001'

void kerrors_addf(struct kerrors *e, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	strbuf_addch(&e->text, LOCAL_MARK);
	strbuf_vaddf(&e->text, fmt, ap);
	strbuf_addch(&e->text, '\n');
	va_end(ap);
	e->n++;
}

void kerrors_timed_out(struct kerrors *e, const struct k8c_kind *kind, const char *name)
{
	kerrors_addf(e, "timed out waiting for the condition on %s/%s", kind->resource, name);
}

void kerrors_add_api(struct kctl *k, struct kerrors *e, int rc, const struct k8c_status_error *s)
{
	kctl_format_api_error(k, rc, s, &e->text);
	strbuf_addch(&e->text, '\n');
	e->n++;
}

int kerrors_finish(struct kctl *k, struct kerrors *e)
{
	fflush(k->out);
	/* kubectl prints one error as "error: ..." and several as their bare messages */
	for (char *line = e->text.buf, *nl; *line; line = nl + 1) {
		nl = strchr(line, '\n');
		if (*line == LOCAL_MARK)
			fprintf(k->err, "%s%.*s\n", e->n == 1 ? "error: " : "", (int)(nl - line - 1),
				line + 1);
		else
			fprintf(k->err, "%.*s\n", (int)(nl - line), line);
	}
	strbuf_release(&e->text);
	int failed = e->n > 0;
	e->n = 0;
	return failed;
}

int kinfos_each(struct kctl *k, const struct kstrv *files, bool recursive, const char *verb,
		kinfo_fn fn, void *userdata)
{
	struct kinfos infos = { 0 };
	if (kinfos_read(k, files, recursive, &infos) < 0 || !kctl_client(k)) {
		kinfos_release(&infos);
		return 1;
	}
	struct kerrors errs = KERRORS_INIT;
	if (!infos.n)
		kerrors_addf(&errs, "no objects passed to %s", verb);
	for (size_t i = 0; i < infos.n; i++)
		fn(k, &infos.v[i], userdata, &errs);
	kinfos_release(&infos);
	return kerrors_finish(k, &errs);
}

void kinfo_path(const struct kinfo *info, const char *subresource, struct strbuf *out)
{
	kres_path(out, info->kind, kinfo_namespace(info), kinfo_name(info), subresource);
}

void kprint_op(struct kctl *k, const struct kout *o, const struct k8c_kind *kind,
	       const char *name, const cJSON *obj, const char *op)
{
	struct strbuf sb = STRBUF_INIT;
	if (o && o->format != KOUT_DEFAULT && o->format != KOUT_WIDE && obj) {
		kout_print(k, o, kind, obj, &sb);
	} else {
		kres_ref(&sb, kind, name);
		if (op)
			strbuf_addf(&sb, " %s", op);
		strbuf_addch(&sb, '\n');
	}
	kctl_write(k, &sb);
	strbuf_release(&sb);
}

int kpatch(struct kctl *k, const char *path, enum k8c_patch_type type, const cJSON *patch,
	   cJSON **ret, struct k8c_status_error *err)
{
	struct k8c_client *c = kctl_client(k);
	if (!c) {
		k8c_status_error_set_transport(err, "no client");
		return -ENOTCONN;
	}
	return k8c_patch(c, path, type, patch, ret, err);
}
