/*
 * watch_decoder.h - the watch wire format, without any I/O: a byte stream of
 * newline-delimited JSON events ({"type":"ADDED","object":{...}}\n) cut into lines however
 * the chunks fall (a line may span many chunks, a chunk may hold many lines), and each
 * line turned into an event. Not thread-safe; one decoder per stream.
 */
#ifndef K8C_CLIENT_WATCH_DECODER_H
#define K8C_CLIENT_WATCH_DECODER_H

#include <cjson/cJSON.h>

#include "base/strbuf.h"

enum k8c_watch_event_type {
	K8C_WATCH_ADDED,
	K8C_WATCH_MODIFIED,
	K8C_WATCH_DELETED,
	K8C_WATCH_BOOKMARK,
	K8C_WATCH_ERROR, /* object is a Status */
};

struct k8c_watch_event {
	enum k8c_watch_event_type type;
	/*
	 * The object; owned by whoever delivers the event, who frees it afterwards unless the
	 * receiver took it (TAKE_PTR(ev->object)).
	 */
	cJSON *object;
	/*
	 * With k8c_watch_options.kind: the object decoded into a new shared object of that
	 * kind (k8c_obj_decode), owned like object, and object NULL unless the line had to be
	 * parsed as a tree (an unusual layout); partial as k8c_obj_decode's *ret_partial.
	 */
	void *typed;
	bool partial;
};

/* "ADDED", "MODIFIED", "DELETED", "BOOKMARK", "ERROR". */
const char *k8c_watch_event_type_name(enum k8c_watch_event_type type);

/*
 * Parses one event line (len bytes, no newline needed). Returns 0 and fills *ret (the
 * object owned by the caller), or -EPROTO when the line is not an event with a known type
 * and an object; *ret is untouched then.
 */
int k8c_watch_event_parse(const char *line, size_t len, struct k8c_watch_event *ret);

/*
 * Finds the object of an event line laid out as API servers write it,
 * {"type":"T","object":OBJECT} (whitespace after the closing brace allowed), without
 * parsing it: 0 with *type and the object's text (*obj, pointing into line, and *obj_len,
 * which stops before the line's closing brace), or -ENOENT for any other layout, an
 * unknown type or an ERROR event (parse those with k8c_watch_event_parse()). The object's
 * text is not checked.
 */
int k8c_watch_event_split(const char *line, size_t len, enum k8c_watch_event_type *type,
			  const char **obj, size_t *obj_len);

/* Called for each complete line; a non-zero return stops feed() and is returned by it. */
typedef int (*k8c_watch_line_fn)(const char *line, size_t len, void *userdata);

struct k8c_watch_decoder {
	struct strbuf pending; /* bytes of the line not complete yet */
	size_t scanned;	       /* bytes of pending known to hold no newline */
	size_t max_line;       /* longest line accepted */
};

/* Sets d up; max_line 0 means 128 MiB. */
void k8c_watch_decoder_init(struct k8c_watch_decoder *d, size_t max_line);

/* Frees what d holds; d may be initialized again. */
void k8c_watch_decoder_release(struct k8c_watch_decoder *d);

/*
 * Feeds len bytes; calls fn for every line they complete (empty lines skipped). Returns 0,
 * fn's non-zero result, or -EMSGSIZE when a line grows beyond max_line. Work is linear
 * in the bytes fed, however long the lines.
 */
int k8c_watch_decoder_feed(struct k8c_watch_decoder *d, const char *data, size_t len,
			   k8c_watch_line_fn fn, void *userdata);

/* True when bytes of an unfinished line are pending (other than whitespace). */
bool k8c_watch_decoder_has_partial(const struct k8c_watch_decoder *d);

#endif
