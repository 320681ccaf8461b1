/*
 * backoff.h - Kubernetes' per-item exponential back-off (client-go's
 * flowcontrol.Backoff) as the kubelet uses it for container restarts
 * (CrashLoopBackOff) and image pulls (ImagePullBackOff): the first failure
 * is retried at once and arms the base delay, each further failure inside
 * the back-off doubles it up to the cap, and an item quiet for twice the cap
 * starts over. Times are wall-clock ns. Not thread-safe: one table per pod
 * worker.
 */
#ifndef K8C_KUBELET_BACKOFF_H
#define K8C_KUBELET_BACKOFF_H

#include "base/hashmap.h"
#include "base/strbuf.h"

struct backoff_table {
	struct hashmap entries; /* key -> struct backoff_entry */
	int64_t base_ns, max_ns;
};

/* Sets t up with the base and cap delays (ns). */
void backoff_init(struct backoff_table *t, int64_t base_ns, int64_t max_ns);
/* Frees every entry. */
void backoff_release(struct backoff_table *t);

/*
 * True when key is backing off for an event (a container's exit) at
 * event_ns: now is less than its delay after the event. *ret_until (may be
 * NULL) gets when the back-off ends.
 */
bool backoff_in_since(struct backoff_table *t, const char *key, int64_t event_ns, int64_t now_ns,
		      int64_t *ret_until);
/* True when key is backing off since its last failure (image pulls); *ret_until as above. */
bool backoff_in_since_update(struct backoff_table *t, const char *key, int64_t now_ns,
			     int64_t *ret_until);
/* Records a failure of key at event_ns: arms or doubles its delay. */
void backoff_next(struct backoff_table *t, const char *key, int64_t event_ns, int64_t now_ns);
/* The current delay of key in ns (0 when it has none). */
int64_t backoff_delay(struct backoff_table *t, const char *key);
/* Forgets key. */
void backoff_reset(struct backoff_table *t, const char *key);

/* Appends d (ns) as Go prints a time.Duration: "10s", "1m20s", "5m0s", "500ms". */
void backoff_format_duration(struct strbuf *out, int64_t d_ns);

#endif
