/*
 * tlog.c - the write log of the storage conformance suite (see tstore.h):
 * writes that record what was acknowledged, and the check that a watch
 * delivered exactly those writes, in revision order, with the right types,
 * values and create revisions.
 */
#include "test/storage/tstore.h"

#include "base/hashmap.h"
#include "test/ktest.h"

void tlog_init(struct tlog *l)
{
	memset(l, 0, sizeof(*l));
	pthread_mutex_init(&l->lock, NULL);
}

void tlog_release(struct tlog *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->w[i].key);
		free(l->w[i].value);
	}
	free(l->w);
	pthread_mutex_destroy(&l->lock);
}

void tlog_add(struct tlog *l, enum storage_event_type type, const char *key, const char *value,
	      int64_t create_rev, int64_t rev)
{
	pthread_mutex_lock(&l->lock);
	ALLOC_GROW(l->w, l->n + 1, l->alloc);
	struct twrite *w = &l->w[l->n++];
	w->type = type;
	w->key = xstrdup(key);
	w->value = xstrdup(value);
	w->value_len = value ? strlen(value) : 0;
	w->create_rev = create_rev;
	w->rev = rev;
	pthread_mutex_unlock(&l->lock);
}

static int cmp_rev(const void *a, const void *b)
{
	const struct twrite *x = a, *y = b;
	return (x->rev > y->rev) - (x->rev < y->rev);
}

void tlog_sort(struct tlog *l)
{
	pthread_mutex_lock(&l->lock);
	qsort(l->w, l->n, sizeof(*l->w), cmp_rev);
	pthread_mutex_unlock(&l->lock);
}

/* What the log says about a key so far, while walking it in revision order. */
struct key_state {
	int64_t create_rev; /* 0 when the create is not in the log */
	const char *value;
	size_t value_len;
};

/* Advances the state of w's key; returns the event w should have produced. */
static struct trec_event expect_event(struct hashmap *keys, const struct twrite *w)
{
	struct key_state *ks = hashmap_get(keys, w->key);
	if (!ks) {
		ks = xcalloc(1, sizeof(*ks));
		hashmap_put(keys, w->key, ks);
	}
	struct trec_event e = { .type = w->type, .key = w->key, .mod_rev = w->rev };
	if (w->type == STORAGE_EVENT_CREATE)
		ks->create_rev = w->rev;
	e.create_rev = ks->create_rev;
	if (w->type == STORAGE_EVENT_DELETE) {
		e.value = (char *)ks->value;
		e.value_len = ks->value_len;
		free(hashmap_remove(keys, w->key));
		return e;
	}
	ks->value = e.value = w->value;
	ks->value_len = e.value_len = w->value_len;
	return e;
}

static bool same_event(const struct trec_event *want, const struct trec_event *got)
{
	bool value_known = want->type != STORAGE_EVENT_DELETE || want->value;
	return want->type == got->type && strcmp(want->key, got->key) == 0 &&
	       want->mod_rev == got->mod_rev &&
	       (!want->create_rev || want->create_rev == got->create_rev) &&
	       (!value_known || (want->value_len == got->value_len &&
				 memcmp(want->value, got->value, got->value_len) == 0));
}

static bool compare(struct tlog *l, struct trec *r, const char *prefix, int64_t after,
		    const char *file, int line)
{
	struct hashmap keys = HASHMAP_INIT;
	size_t j = 0;
	bool ok = true;
	for (size_t i = 0; ok && i < l->n; i++) {
		struct trec_event want = expect_event(&keys, &l->w[i]);
		if (want.mod_rev <= after || !str_has_prefix(want.key, prefix))
			continue;
		if (j >= r->n) {
			ktest_fail(file, line,
				   "watch missed the write at rev %lld of '%s' (got %zu events)",
				   (long long)want.mod_rev, want.key, r->n);
			ok = false;
		} else if (!same_event(&want, &r->ev[j])) {
			ktest_fail(file, line,
				   "watch event %zu: want type %d '%s' rev %lld create %lld, got "
				   "type %d "
				   "'%s' rev %lld create %lld (value %zu bytes)",
				   j, want.type, want.key, (long long)want.mod_rev,
				   (long long)want.create_rev, r->ev[j].type, r->ev[j].key,
				   (long long)r->ev[j].mod_rev, (long long)r->ev[j].create_rev,
				   r->ev[j].value_len);
			ok = false;
		}
		j++;
	}
	if (ok && j != r->n) {
		ktest_fail(file, line,
			   "watch delivered %zu events, the writes explain %zu (extra rev %lld)",
			   r->n, j, (long long)r->ev[j].mod_rev);
		ok = false;
	}
	hashmap_release(&keys, free);
	return ok;
}

bool tlog_matches(struct tlog *l, struct trec *r, const char *prefix, int64_t after,
		  const char *file, int line)
{
	tlog_sort(l);
	pthread_mutex_lock(&l->lock);
	pthread_mutex_lock(&r->lock);
	bool ok = compare(l, r, prefix, after, file, line);
	if (ok && r->misuse) {
		ktest_fail(file, line, "watch callbacks overlapped or broke the callback contract");
		ok = false;
	}
	pthread_mutex_unlock(&r->lock);
	pthread_mutex_unlock(&l->lock);
	return ok;
}

int tcreate(struct tstore *t, struct tlog *log, const char *key, const char *value,
	    int64_t *ret_rev)
{
	int64_t rev = 0;
	int r = storage_create(t->s, key, value, strlen(value), &rev);
	if (r == 0 && log)
		tlog_add(log, STORAGE_EVENT_CREATE, key, value, rev, rev);
	if (r == 0 && ret_rev)
		*ret_rev = rev;
	return r;
}

int tupdate(struct tstore *t, struct tlog *log, const char *key, const char *value,
	    int64_t expected, int64_t *ret_rev)
{
	int64_t rev = 0;
	int r = storage_update(t->s, key, value, strlen(value), expected, &rev, NULL);
	if (r == 0 && log)
		tlog_add(log, STORAGE_EVENT_UPDATE, key, value, 0, rev);
	if (r == 0 && ret_rev)
		*ret_rev = rev;
	return r;
}

int tdelete(struct tstore *t, struct tlog *log, const char *key, int64_t expected, int64_t *ret_rev)
{
	int64_t rev = 0;
	int r = storage_delete(t->s, key, expected, &rev, NULL);
	if (r == 0 && log)
		tlog_add(log, STORAGE_EVENT_DELETE, key, NULL, 0, rev);
	if (r == 0 && ret_rev)
		*ret_rev = rev;
	return r;
}
