/*
 * patch_test_util.c - helpers for the patch unit tests; see patch_test_util.h.
 */
#include "test/api/patch_test_util.h"

#include "base/strbuf.h"
#include "test/ktest.h"

cJSON *pt_json(const char *text)
{
	cJSON *v = cJSON_Parse(text);
	if (!v) {
		fprintf(stderr, "test bug: malformed JSON: %s\n", text);
		abort();
	}
	return v;
}

static void print_sorted(const cJSON *v, struct strbuf *out)
{
	if (!cJSON_IsObject(v)) {
		if (!cJSON_IsArray(v)) {
			char *s = cJSON_PrintUnformatted(v);
			strbuf_addstr(out, s);
			cJSON_free(s);
			return;
		}
		strbuf_addch(out, '[');
		for (const cJSON *c = v->child; c; c = c->next) {
			print_sorted(c, out);
			strbuf_addstr(out, c->next ? "," : "");
		}
		strbuf_addch(out, ']');
		return;
	}
	/* members in key order: repeatedly pick the smallest key above the last one */
	const char *last = NULL;
	strbuf_addch(out, '{');
	for (int printed = 0; printed < cJSON_GetArraySize(v); printed++) {
		const cJSON *best = NULL;
		for (const cJSON *c = v->child; c; c = c->next)
			if ((!last || strcmp(c->string, last) > 0) &&
			    (!best || strcmp(c->string, best->string) < 0))
				best = c;
		strbuf_addstr(out, printed ? "," : "");
		strbuf_add_json_str(out, best->string);
		strbuf_addch(out, ':');
		print_sorted(best, out);
		last = best->string;
	}
	strbuf_addch(out, '}');
}

const char *pt_text(const cJSON *v, int slot)
{
	static struct strbuf bufs[4] = { STRBUF_INIT, STRBUF_INIT, STRBUF_INIT, STRBUF_INIT };
	struct strbuf *sb = &bufs[slot & 3];
	strbuf_reset(sb);
	if (!v)
		strbuf_addstr(sb, "(null)");
	else
		print_sorted(v, sb);
	return sb->buf;
}

const char *pt_canon(const char *text, int slot)
{
	cJSON *v = pt_json(text);
	const char *s = pt_text(v, slot);
	cJSON_Delete(v);
	return s;
}

const char *pt_outcome(int rc, const cJSON *doc, const char *doc_text, const char *err)
{
	static struct strbuf sb = STRBUF_INIT;
	strbuf_reset(&sb);
	if (rc == 0) {
		strbuf_addstr(&sb, pt_text(doc, 0));
		return sb.buf;
	}
	/* a failed patch leaves the document as it was */
	CHECK_STR(pt_text(doc, 0), pt_canon(doc_text, 1));
	strbuf_addf(&sb, "ERR %d: %s", rc == -EBADMSG ? 400 : 422, err);
	return sb.buf;
}
