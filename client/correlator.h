/*
 * correlator.h - client-go's EventCorrelator for the event recorder: decides, for each
 * event about to be written, whether it is
 *   - new: CREATE it;
 *   - a repeat (same source, involved object, type, reason and message) of an Event
 *     written within the last ten minutes: PATCH that Event's count, lastTimestamp and
 *     message instead;
 *   - the tenth distinct message of similar events (same source, object, type, reason)
 *     within ten minutes: then it and later ones become one "(combined from similar
 *     events): ..." Event, counted like a repeat;
 *   - spam: more than 25 events from this source about one object, refilled at one per
 *     five minutes (the EventSourceObjectSpamFilter): SKIP it.
 * Each cache holds at most 4096 keys (least recently used evicted). Internal to client/;
 * not thread-safe (the recorder's writer thread owns it).
 */
#ifndef K8C_CLIENT_CORRELATOR_H
#define K8C_CLIENT_CORRELATOR_H

#include "api/types.gen.h"
#include "client/lru.h"

struct correlator {
	struct lru aggregates;	 /* similar-events key -> struct aggregate */
	struct lru observations; /* event key -> struct observation */
	struct lru spam;	 /* source+object key -> struct spam_bucket */
};

enum correlator_action {
	CORRELATOR_CREATE,
	CORRELATOR_PATCH,
	CORRELATOR_SKIP,
};

void correlator_init(struct correlator *c);
void correlator_release(struct correlator *c);

/*
 * Correlates ev (a new Event as the recorder made it: count 1, firstTimestamp =
 * lastTimestamp = when it was recorded, a fresh name). For a repeat, rewrites ev's name,
 * resourceVersion, firstTimestamp and count to those of the Event to patch; for combined
 * events, its message. mono_ns is the monotonic time (for the spam filter). Unless the
 * answer is CORRELATOR_SKIP, *ret_key gets the key (owned) to pass to correlator_written().
 */
enum correlator_action correlator_observe(struct correlator *c, struct k8c_event *ev,
					  int64_t mono_ns, char **ret_key);

/* Notes what the server answered for the event correlated under key (its name, rv, count). */
void correlator_written(struct correlator *c, const char *key, const struct k8c_event *written);

#endif
