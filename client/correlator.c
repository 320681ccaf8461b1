/*
 * correlator.c - aggregation, repeat counting and the spam filter of client-go's
 * tools/record/events_cache.go; see correlator.h. Keys join the fields client-go joins,
 * with a separator so that different field splits never collide.
 */
#include "client/correlator.h"

#include "base/timeutil.h"

#define CACHE_ENTRIES	 4096 /* maxLruCacheEntries */
#define WINDOW_NS	 (600 * K8C_NSEC_PER_SEC) /* defaultAggregateIntervalInSeconds */
#define AGGREGATE_MAX	 10			  /* defaultAggregateMaxEvents */
#define SPAM_BURST	 25.0			  /* defaultSpamBurst */
#define SPAM_QPS	 (1.0 / 300.0)		  /* defaultSpamQPS */
#define COMBINED_PREFIX "(combined from similar events): "

struct aggregate {
	char *messages[AGGREGATE_MAX]; /* distinct messages seen in the window */
	size_t n;
	int64_t last_ns; /* when a similar event was last seen */
};

struct observation {
	int32_t count;
	int64_t first_ns, last_ns;
	char *name;
	char *resource_version;
};

struct spam_bucket {
	double tokens;
	int64_t last_mono_ns;
};

static void aggregate_free(void *p)
{
	struct aggregate *a = p;
	for (size_t i = 0; i < a->n; i++)
		free(a->messages[i]);
	free(a);
}

static void observation_free(void *p)
{
	struct observation *o = p;
	free(o->name);
	free(o->resource_version);
	free(o);
}

void correlator_init(struct correlator *c)
{
	lru_init(&c->aggregates, CACHE_ENTRIES, aggregate_free);
	lru_init(&c->observations, CACHE_ENTRIES, observation_free);
	lru_init(&c->spam, CACHE_ENTRIES, free);
}

void correlator_release(struct correlator *c)
{
	lru_release(&c->aggregates);
	lru_release(&c->observations);
	lru_release(&c->spam);
}

static void key_add(struct strbuf *sb, const char *s)
{
	if (s)
		strbuf_addstr(sb, s);
	strbuf_addch(sb, '\x1f');
}

/* getSpamKey: source and involved object. */
static void spam_key(const struct k8c_event *e, struct strbuf *sb)
{
	const struct k8c_object_reference *o = &e->involved_object;
	key_add(sb, e->source.component);
	key_add(sb, e->source.host);
	key_add(sb, o->kind);
	key_add(sb, o->namespace);
	key_add(sb, o->name);
	key_add(sb, o->uid);
	key_add(sb, o->api_version);
}

/* EventAggregatorByReasonFunc: the spam key plus type, reason and reporting source. */
static void aggregate_key(const struct k8c_event *e, struct strbuf *sb)
{
	spam_key(e, sb);
	key_add(sb, e->type);
	key_add(sb, e->reason);
	key_add(sb, e->reporting_component);
	key_add(sb, e->reporting_instance);
}

/* getEventKey: the spam key plus fieldPath, type, reason and message. */
static void event_key(const struct k8c_event *e, struct strbuf *sb)
{
	spam_key(e, sb);
	key_add(sb, e->involved_object.field_path);
	key_add(sb, e->type);
	key_add(sb, e->reason);
	key_add(sb, e->message);
}

static bool aggregate_has(const struct aggregate *a, const char *message)
{
	for (size_t i = 0; i < a->n; i++)
		if (!strcmp(a->messages[i], message))
			return true;
	return false;
}

/*
 * EventAggregate: counts distinct messages of similar events; from the tenth on, ev
 * becomes the combined event and the similar-events key is returned instead of ev's own.
 */
static char *aggregate(struct correlator *c, struct k8c_event *ev)
{
	int64_t now = ev->last_timestamp;
	struct strbuf key = STRBUF_INIT;
	aggregate_key(ev, &key);
	struct aggregate *a = lru_get(&c->aggregates, key.buf);
	if (!a || now - a->last_ns > WINDOW_NS) {
		a = xcalloc(1, sizeof(*a));
		lru_put(&c->aggregates, key.buf, a);
	}
	const char *message = ev->message ? ev->message : "";
	if (!aggregate_has(a, message))
		a->messages[a->n++] = xstrdup(message);
	a->last_ns = now;
	if (a->n < AGGREGATE_MAX) {
		strbuf_reset(&key);
		event_key(ev, &key);
		return strbuf_detach(&key, NULL);
	}
	free(a->messages[--a->n]); /* keep the set below the threshold, as PopAny does */
	struct strbuf combined = STRBUF_INIT;
	strbuf_addstr(&combined, COMBINED_PREFIX);
	strbuf_addstr(&combined, message);
	free(ev->message);
	ev->message = strbuf_detach(&combined, NULL);
	return strbuf_detach(&key, NULL);
}

/* eventObserve: a repeat within the window takes over the identity of the Event to patch. */
static bool observe_repeat(struct correlator *c, struct k8c_event *ev, const char *key)
{
	int64_t now = ev->last_timestamp;
	struct observation *o = lru_get(&c->observations, key);
	bool repeat = o && o->count > 0 && now - o->last_ns <= WINDOW_NS;
	if (repeat) {
		free(ev->metadata.name);
		ev->metadata.name = xstrdup(o->name);
		free(ev->metadata.resource_version);
		ev->metadata.resource_version = xstrdup(o->resource_version);
		ev->first_timestamp = o->first_ns;
		ev->count = o->count + 1;
		ev->has_count = true;
	}
	struct observation *next = xcalloc(1, sizeof(*next));
	next->count = ev->count;
	next->first_ns = ev->first_timestamp;
	next->last_ns = now;
	next->name = xstrdup(ev->metadata.name);
	next->resource_version = xstrdup(ev->metadata.resource_version);
	lru_put(&c->observations, key, next);
	return repeat;
}

/* EventSourceObjectSpamFilter: a token bucket per source and object; false = drop. */
static bool spam_allow(struct correlator *c, const struct k8c_event *ev, int64_t mono)
{
	struct strbuf key = STRBUF_INIT;
	spam_key(ev, &key);
	struct spam_bucket *b = lru_get(&c->spam, key.buf);
	if (!b) {
		b = xcalloc(1, sizeof(*b));
		b->tokens = SPAM_BURST;
		b->last_mono_ns = mono;
		lru_put(&c->spam, key.buf, b);
	}
	strbuf_release(&key);
	b->tokens += (double)(mono - b->last_mono_ns) / (double)K8C_NSEC_PER_SEC * SPAM_QPS;
	if (b->tokens > SPAM_BURST)
		b->tokens = SPAM_BURST;
	b->last_mono_ns = mono;
	if (b->tokens < 1.0)
		return false;
	b->tokens -= 1.0;
	return true;
}

enum correlator_action correlator_observe(struct correlator *c, struct k8c_event *ev,
					  int64_t mono_ns, char **ret_key)
{
	char *key = aggregate(c, ev);
	bool repeat = observe_repeat(c, ev, key);
	/* As in client-go the filter comes last: a dropped repeat still counts. */
	if (!spam_allow(c, ev, mono_ns)) {
		free(key);
		return CORRELATOR_SKIP;
	}
	*ret_key = key;
	return repeat ? CORRELATOR_PATCH : CORRELATOR_CREATE;
}

void correlator_written(struct correlator *c, const char *key, const struct k8c_event *written)
{
	struct observation *o = lru_get(&c->observations, key);
	if (!o || !written->metadata.name)
		return;
	free(o->name);
	o->name = xstrdup(written->metadata.name);
	free(o->resource_version);
	o->resource_version = xstrdup(written->metadata.resource_version);
	if (written->has_count)
		o->count = written->count;
	if (written->first_timestamp)
		o->first_ns = written->first_timestamp;
}
