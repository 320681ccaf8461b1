/*
 * event.c - the event row: when it was last and first seen (from
 * lastTimestamp/firstTimestamp, eventTime or the series), the object it is
 * about as "pod/web-1", the source as "kubelet, node1", the trimmed message
 * and the count; see printers.h.
 */
#include "api/printers/printers.h"

#include "api/printers/duration.h"
#include "api/printers/printers_internal.h"

/* The involved object: lowercase kind, then "/name" when there is a name. */
static void add_target(struct strbuf *out, const struct k8c_object_reference *ref)
{
	for (const char *k = ref->kind ? ref->kind : ""; *k; k++)
		strbuf_addch(out, *k >= 'A' && *k <= 'Z' ? *k - 'A' + 'a' : *k);
	if (ref->name && *ref->name)
		strbuf_addf(out, "/%s", ref->name);
}

static const char *first_non_empty(const char *a, const char *b)
{
	if (a && *a)
		return a;
	return b ? b : "";
}

/* formatEventSource: component (or reportingComponent), then ", host" (or instance). */
static void add_source(struct strbuf *out, const struct k8c_event *ev)
{
	const char *host = first_non_empty(ev->source.host, ev->reporting_instance);
	strbuf_addstr(out, first_non_empty(ev->source.component, ev->reporting_component));
	if (*host)
		strbuf_addf(out, ", %s", host);
}

/* Appends a cell of the text built by add(out, ev). */
static void cell_of(struct printers__row *r, const struct k8c_event *ev,
		    void (*add)(struct strbuf *, const struct k8c_event *))
{
	struct strbuf text = STRBUF_INIT;
	add(&text, ev);
	printers__cell_str(r, text.buf);
	strbuf_release(&text);
}

static void add_message(struct strbuf *out, const struct k8c_event *ev)
{
	size_t len;
	const char *msg = printers__trim_space(ev->message, &len);
	strbuf_add(out, msg, len);
}

static void add_involved(struct strbuf *out, const struct k8c_event *ev)
{
	add_target(out, &ev->involved_object);
}

void k8c_event_row(const void *obj, int64_t now_ns, struct strbuf *cells)
{
	const struct k8c_event *ev = obj;
	struct printers__row r = PRINTERS__ROW(cells, now_ns);
	int64_t first = ev->first_timestamp ? ev->first_timestamp : ev->event_time;
	int64_t last = ev->last_timestamp ? ev->last_timestamp : first;
	int64_t count = ev->count;

	if (ev->series) {
		last = ev->series->last_observed_time;
		count = ev->series->count;
	} else if (count == 0) {
		count = 1; /* singleton events of the events.k8s.io API carry no count */
	}
	printers__cell_age(&r, last);
	printers__cell_str(&r, ev->type);
	printers__cell_str(&r, ev->reason);
	cell_of(&r, ev, add_involved);
	printers__cell_str(&r, ev->involved_object.field_path);
	cell_of(&r, ev, add_source);
	cell_of(&r, ev, add_message);
	printers__cell_age(&r, first);
	printers__cell_int(&r, count);
	printers__cell_str(&r, ev->metadata.name);
}
