/*
 * backoff.c - the restart and image-pull back-off; see backoff.h.
 */
#include "kubelet/backoff.h"

#include "base/timeutil.h"

struct backoff_entry {
	int64_t delay_ns;
	int64_t last_update_ns;
};

void backoff_init(struct backoff_table *t, int64_t base_ns, int64_t max_ns)
{
	*t = (struct backoff_table){ .base_ns = base_ns, .max_ns = max_ns < base_ns ? base_ns : max_ns };
}

void backoff_release(struct backoff_table *t)
{
	hashmap_release(&t->entries, free);
}

static bool expired(const struct backoff_table *t, const struct backoff_entry *e, int64_t event_ns)
{
	return event_ns - e->last_update_ns > 2 * t->max_ns;
}

bool backoff_in_since(struct backoff_table *t, const char *key, int64_t event_ns, int64_t now_ns,
		      int64_t *ret_until)
{
	struct backoff_entry *e = hashmap_get(&t->entries, key);
	if (!e || expired(t, e, event_ns))
		return false;
	if (ret_until)
		*ret_until = event_ns + e->delay_ns;
	return now_ns - event_ns < e->delay_ns;
}

bool backoff_in_since_update(struct backoff_table *t, const char *key, int64_t now_ns,
			     int64_t *ret_until)
{
	struct backoff_entry *e = hashmap_get(&t->entries, key);
	if (!e || expired(t, e, now_ns))
		return false;
	return backoff_in_since(t, key, e->last_update_ns, now_ns, ret_until);
}

void backoff_next(struct backoff_table *t, const char *key, int64_t event_ns, int64_t now_ns)
{
	struct backoff_entry *e = hashmap_get(&t->entries, key);
	if (!e) {
		e = xcalloc(1, sizeof(*e));
		hashmap_put(&t->entries, key, e);
		e->delay_ns = t->base_ns;
	} else if (expired(t, e, event_ns)) {
		e->delay_ns = t->base_ns;
	} else {
		e->delay_ns = e->delay_ns > t->max_ns / 2 ? t->max_ns : e->delay_ns * 2;
	}
	e->last_update_ns = now_ns;
}

int64_t backoff_delay(struct backoff_table *t, const char *key)
{
	struct backoff_entry *e = hashmap_get(&t->entries, key);
	return e ? e->delay_ns : 0;
}

void backoff_reset(struct backoff_table *t, const char *key)
{
	free(hashmap_remove(&t->entries, key));
}

/* Appends the fraction of v / unit without trailing zeros (".5"), if any. */
static void add_fraction(struct strbuf *out, int64_t v, int64_t unit, int digits)
{
	int64_t frac = v % unit;
	if (!frac)
		return;
	char buf[16];
	snprintf(buf, sizeof(buf), "%0*lld", digits, (long long)frac);
	size_t n = strlen(buf);
	while (n > 0 && buf[n - 1] == '0')
		buf[--n] = '\0';
	strbuf_addf(out, ".%s", buf);
}

void backoff_format_duration(struct strbuf *out, int64_t d)
{
	if (d < K8C_NSEC_PER_SEC) {
		if (d % K8C_NSEC_PER_MSEC == 0 && d) {
			strbuf_addf(out, "%lldms", (long long)(d / K8C_NSEC_PER_MSEC));
		} else {
			strbuf_addf(out, "%lld", (long long)(d / K8C_NSEC_PER_MSEC));
			add_fraction(out, d / 1000, 1000, 3);
			strbuf_addstr(out, d ? "ms" : "s");
		}
		return;
	}
	int64_t s = d / K8C_NSEC_PER_SEC;
	if (s >= 3600)
		strbuf_addf(out, "%lldh", (long long)(s / 3600));
	if (s >= 60)
		strbuf_addf(out, "%lldm", (long long)(s / 60 % 60));
	strbuf_addf(out, "%lld", (long long)(s % 60));
	add_fraction(out, d, K8C_NSEC_PER_SEC, 9);
	strbuf_addch(out, 's');
}
