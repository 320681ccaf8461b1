/*
 * test_correlator.c - unit tests of the event recorder's correlator and its LRU cache,
 * with made-up clocks: the ten-minute windows of repeat counting and aggregation, the
 * spam filter's refill, what a write's answer changes, and least-recently-used eviction.
 * (test_recorder covers the same paths against the real API server, in real time.)
 */
#include "api/codec.h"
#include "base/timeutil.h"
#include "client/correlator.h"
#include "test/ktest.h"

#define MIN (60 * K8C_NSEC_PER_SEC)

static const int64_t t0 = 1700000000LL * K8C_NSEC_PER_SEC;

/* An Event as the recorder makes it, recorded at `at`. */
static struct k8c_event *event_at(const char *object, const char *message, int64_t at)
{
	struct k8c_event *ev = xcalloc(1, sizeof(*ev));
	struct strbuf name = STRBUF_INIT;
	strbuf_addf(&name, "%s.%llx", object, (unsigned long long)at);
	ev->metadata.name = strbuf_detach(&name, NULL);
	ev->metadata.namespace = xstrdup("default");
	ev->involved_object.kind = xstrdup("Pod");
	ev->involved_object.name = xstrdup(object);
	ev->type = xstrdup("Warning");
	ev->reason = xstrdup("BackOff");
	ev->message = xstrdup(message);
	ev->source.component = xstrdup("kubelet");
	ev->first_timestamp = ev->last_timestamp = at;
	ev->count = 1;
	ev->has_count = true;
	return ev;
}

/* Correlates a fresh event; returns the action and leaves the event in *ret (caller frees). */
static enum correlator_action observe(struct correlator *c, const char *object,
				      const char *message, int64_t at, int64_t mono,
				      struct k8c_event **ret)
{
	struct k8c_event *ev = event_at(object, message, at);
	char *key = NULL;
	enum correlator_action a = correlator_observe(c, ev, mono, &key);
	if (a != CORRELATOR_SKIP) {
		/* The server answers with the object and a new resourceVersion. */
		struct k8c_event *written = k8c_dup(&k8c_type_event, ev);
		free(written->metadata.resource_version);
		written->metadata.resource_version = xstrdup(a == CORRELATOR_PATCH ? "20" : "10");
		correlator_written(c, key, written);
		k8c_free(&k8c_type_event, written);
	}
	free(key);
	*ret = ev;
	return a;
}

TEST(repeats_patch_within_ten_minutes_only)
{
	struct correlator c;
	correlator_init(&c);
	struct k8c_event *first, *ev;
	CHECK_INT(observe(&c, "web", "m", t0, 0, &first), CORRELATOR_CREATE);
	CHECK_INT(observe(&c, "web", "m", t0 + 5 * MIN, 1, &ev), CORRELATOR_PATCH);
	CHECK_STR(ev->metadata.name, first->metadata.name);
	CHECK_STR(ev->metadata.resource_version, "10"); /* from the create's answer */
	CHECK_INT(ev->count, 2);
	CHECK_INT(ev->first_timestamp, t0);
	CHECK_INT(ev->last_timestamp, t0 + 5 * MIN);
	k8c_free(&k8c_type_event, ev);
	/* Ten minutes after the last one, it is a new Event again. */
	CHECK_INT(observe(&c, "web", "m", t0 + 16 * MIN, 2, &ev), CORRELATOR_CREATE);
	CHECK_INT(ev->count, 1);
	CHECK(strcmp(ev->metadata.name, first->metadata.name) != 0);
	k8c_free(&k8c_type_event, ev);
	/* Another object or message is another Event. */
	CHECK_INT(observe(&c, "db", "m", t0 + 16 * MIN, 3, &ev), CORRELATOR_CREATE);
	k8c_free(&k8c_type_event, ev);
	CHECK_INT(observe(&c, "web", "other", t0 + 16 * MIN, 4, &ev), CORRELATOR_CREATE);
	k8c_free(&k8c_type_event, ev);
	k8c_free(&k8c_type_event, first);
	correlator_release(&c);
}

TEST(similar_events_combine_and_the_window_resets)
{
	struct correlator c;
	correlator_init(&c);
	struct k8c_event *ev;
	char msg[16];
	for (int i = 1; i <= 9; i++) {
		snprintf(msg, sizeof(msg), "m%d", i);
		CHECK_INT(observe(&c, "web", msg, t0 + i, i, &ev), CORRELATOR_CREATE);
		CHECK_STR(ev->message, msg);
		k8c_free(&k8c_type_event, ev);
	}
	CHECK_INT(observe(&c, "web", "m10", t0 + 10, 10, &ev), CORRELATOR_CREATE);
	CHECK_STR(ev->message, "(combined from similar events): m10");
	k8c_free(&k8c_type_event, ev);
	CHECK_INT(observe(&c, "web", "m11", t0 + 11, 11, &ev), CORRELATOR_PATCH);
	CHECK_STR(ev->message, "(combined from similar events): m11");
	CHECK_INT(ev->count, 2);
	k8c_free(&k8c_type_event, ev);
	/* A message seen before repeats its own Event. */
	CHECK_INT(observe(&c, "web", "m3", t0 + 12, 12, &ev), CORRELATOR_PATCH);
	CHECK_STR(ev->message, "m3");
	k8c_free(&k8c_type_event, ev);
	/* Eleven minutes of quiet: similar events start over. */
	CHECK_INT(observe(&c, "web", "m12", t0 + 11 * MIN, 13, &ev), CORRELATOR_CREATE);
	CHECK_STR(ev->message, "m12");
	k8c_free(&k8c_type_event, ev);
	correlator_release(&c);
}

TEST(spam_filter_refills_one_event_per_five_minutes)
{
	struct correlator c;
	correlator_init(&c);
	struct k8c_event *ev;
	char msg[16];
	int skipped = 0;
	for (int i = 0; i < 30; i++) {
		snprintf(msg, sizeof(msg), "m%d", i % 5); /* five messages: no combining */
		skipped += observe(&c, "web", msg, t0 + i, 0, &ev) == CORRELATOR_SKIP;
		k8c_free(&k8c_type_event, ev);
	}
	CHECK_INT(skipped, 5);
	int64_t five_min = 300 * K8C_NSEC_PER_SEC;
	CHECK(observe(&c, "web", "m0", t0 + 40, five_min / 2, &ev) == CORRELATOR_SKIP);
	k8c_free(&k8c_type_event, ev);
	CHECK(observe(&c, "web", "m0", t0 + 50, five_min + K8C_NSEC_PER_SEC, &ev) != CORRELATOR_SKIP);
	/* Skipped repeats still counted: 6 of m0 before, this is the 8th. */
	CHECK_INT(ev->count, 8);
	k8c_free(&k8c_type_event, ev);
	CHECK(observe(&c, "web", "m0", t0 + 60, five_min + 2 * K8C_NSEC_PER_SEC, &ev) == CORRELATOR_SKIP);
	k8c_free(&k8c_type_event, ev);
	CHECK(observe(&c, "db", "m0", t0 + 60, five_min + 2 * K8C_NSEC_PER_SEC, &ev) == CORRELATOR_CREATE);
	k8c_free(&k8c_type_event, ev);
	correlator_release(&c);
}

static int freed;

static void count_free(void *p)
{
	freed++;
	free(p);
}

TEST(lru_evicts_the_least_recently_used)
{
	struct lru c;
	lru_init(&c, 3, count_free);
	lru_put(&c, "a", xstrdup("1"));
	lru_put(&c, "b", xstrdup("2"));
	lru_put(&c, "c", xstrdup("3"));
	CHECK_STR(lru_get(&c, "a"), "1"); /* a is now the most recent */
	lru_put(&c, "d", xstrdup("4"));	  /* evicts b */
	CHECK_INT(freed, 1);
	CHECK(lru_get(&c, "b") == NULL);
	CHECK_STR(lru_get(&c, "a"), "1");
	CHECK_STR(lru_get(&c, "c"), "3");
	lru_put(&c, "c", xstrdup("33")); /* replacing frees the old value */
	CHECK_INT(freed, 2);
	CHECK_STR(lru_get(&c, "c"), "33");
	CHECK_INT(lru_len(&c), 3);
	lru_release(&c);
	CHECK_INT(freed, 5);
}
