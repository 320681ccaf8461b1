/*
 * writes.c - helpers of the commands that change objects; see writes.h.
 */
#include "kubectl/writes.h"

#include <stdarg.h>

#include "client/verbs.h"
#include "kubectl/resources.h"

void kerrors_addf(struct kerrors *e, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	strbuf_addstr(&e->text, "error: ");
	strbuf_vaddf(&e->text, fmt, ap);
	strbuf_addch(&e->text, '\n');
	va_end(ap);
	e->n++;
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
	fputs(e->text.buf, k->err);
	strbuf_release(&e->text);
	int failed = e->n > 0;
	e->n = 0;
	return failed;
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

int kpatch(struct kctl *k, const char *path, enum k8c_patch_type type, const cJSON *patch, cJSON **ret,
	   struct k8c_status_error *err)
{
	struct k8c_client *c = kctl_client(k);
	if (!c) {
		k8c_status_error_set_transport(err, "no client");
		return -ENOTCONN;
	}
	return k8c_patch(c, path, type, patch, ret, err);
}
