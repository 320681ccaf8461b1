/*
 * gc_fixture.c - decoding and encoding fixtures; see gc_fixture.h.
 */
#include "test/controllers/gc_fixture.h"

#include "api/codec.h"

static void swap_quotes(char *s, char from, char to)
{
	for (; *s; s++)
		if (*s == from)
			*s = to;
}

void *gc_fixture_decode(const char *file, int line, const struct k8c_type *t, const char *json)
{
	_cleanup_free_ char *text = xstrdup(json);
	swap_quotes(text, '\'', '"');
	struct field_errors errs = FIELD_ERRORS_INIT;
	void *obj = xcalloc(1, t->size);
	if (k8c_decode_text(t, text, strlen(text), obj, K8C_DECODE_STRICT, &errs) < 0) {
		ktest_fail(file, line, "cannot decode %s: %s", t->name,
			   errs.n ? errs.items[0].detail : "?");
		k8c_free(t, obj);
		obj = NULL;
	}
	field_errors_release(&errs);
	return obj;
}

char *gc_fixture_encode(const struct k8c_type *t, const void *obj)
{
	struct strbuf out = STRBUF_INIT;
	k8c_encode(t, obj, &out);
	swap_quotes(out.buf, '"', '\'');
	return strbuf_detach(&out, NULL);
}
