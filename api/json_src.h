/*
 * json_src.h - a pull cursor over one JSON value, for decoders that walk
 * JSON once into their own structures: either straight from text (no tree is
 * built; the text is read in one pass) or over a cJSON tree already parsed.
 * Both give the same answers for the same JSON, so one decoder serves both.
 *
 * The cursor stands before a value. kind() looks at it; string(), number(),
 * skip() and dup() consume it; enter() consumes the opening of an object or
 * array, after which next() moves to each member (its key in *key) or
 * element in turn and returns false, having consumed the closing, at the end.
 * Each value next() stands before must be consumed before next() is called
 * again. JSON null, true and false are consumed with skip().
 *
 * The text cursor accepts exactly what cJSON_ParseWithLengthOpts() accepts
 * (whitespace is any byte <= 32, a UTF-8 BOM may open the text, strings are
 * not checked for UTF-8 or control characters, numbers are what strtod()
 * makes of their characters, 1000 levels of nesting at most, anything after
 * the value is ignored). On malformed text it fails: from then on kind() is
 * JSON_KIND_BAD, next() false, string() "" and number() 0, and
 * json_text_src_failed() tells where. A cursor is not thread-safe.
 */
#ifndef K8C_API_JSON_SRC_H
#define K8C_API_JSON_SRC_H

#include <cjson/cJSON.h>

#include "base/strbuf.h"

enum json_kind {
	JSON_KIND_BAD, /* malformed text (text cursor only) */
	JSON_KIND_NULL,
	JSON_KIND_FALSE,
	JSON_KIND_TRUE,
	JSON_KIND_NUMBER,
	JSON_KIND_STRING,
	JSON_KIND_ARRAY,
	JSON_KIND_OBJECT,
};

struct json_src;

struct json_src_ops {
	enum json_kind (*kind)(struct json_src *s);
	/* A string value (NUL-terminated, valid until the cursor moves on). */
	const char *(*string)(struct json_src *s);
	double (*number)(struct json_src *s);
	void (*skip)(struct json_src *s);
	/* The value as a new cJSON tree (caller frees); NULL after a failure. */
	cJSON *(*dup)(struct json_src *s);
	void (*enter)(struct json_src *s);
	bool (*next)(struct json_src *s, const char **key);
};

struct json_src {
	const struct json_src_ops *ops;
};

/* The text cursor. Its fields are private. */
struct json_text_src {
	struct json_src src;
	const char *text, *p, *end;
	unsigned depth;
	bool first;  /* just entered: no comma before the next member */
	bool failed;
	size_t fail_at;
	struct strbuf str, key;
};

/*
 * Puts s before the value text (len bytes, need not be NUL-terminated) holds.
 * Empty text fails at once. Release with json_text_src_release().
 */
void json_text_src_init(struct json_text_src *s, const char *text, size_t len);
void json_text_src_release(struct json_text_src *s);
/* True (and the byte offset where reading stopped in *at) once the text proved malformed. */
bool json_text_src_failed(const struct json_text_src *s, size_t *at);

/* The tree cursor. Its fields are private. */
struct json_tree_frame {
	const cJSON *next;
};

struct json_tree_src {
	struct json_src src;
	const cJSON *cur; /* the value the cursor stands before; NULL once consumed */
	struct json_tree_frame *frames;
	size_t n_frames, alloc;
};

/* Puts s before root (borrowed; must outlive s). Release with json_tree_src_release(). */
void json_tree_src_init(struct json_tree_src *s, const cJSON *root);
void json_tree_src_release(struct json_tree_src *s);

static inline enum json_kind json_src_kind(struct json_src *s)
{
	return s->ops->kind(s);
}

static inline const char *json_src_string(struct json_src *s)
{
	return s->ops->string(s);
}

static inline double json_src_number(struct json_src *s)
{
	return s->ops->number(s);
}

static inline void json_src_skip(struct json_src *s)
{
	s->ops->skip(s);
}

static inline cJSON *json_src_dup(struct json_src *s)
{
	return s->ops->dup(s);
}

static inline void json_src_enter(struct json_src *s)
{
	s->ops->enter(s);
}

static inline bool json_src_next(struct json_src *s, const char **key)
{
	return s->ops->next(s, key);
}

#endif
