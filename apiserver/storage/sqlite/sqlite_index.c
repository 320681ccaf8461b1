/*
 * sqlite_index.c - the in-memory key index of the SQLite store: a skip list
 * of keys in bytewise order (see sqlite_index.h). Each node is one
 * allocation: the node, its forward pointers, then its key.
 */
#include "apiserver/storage/sqlite/sqlite_index.h"

/* With a 1/4 chance of each extra level, 16 levels index 4^16 keys well. */
#define MAX_LEVEL 16

struct node {
	const char *key;
	struct sqlite_index_entry e;
	struct node *next[]; /* level pointers, then the key bytes */
};

struct sqlite_index {
	struct node *head; /* sentinel with MAX_LEVEL pointers, no key */
	int level;	   /* levels in use */
	uint64_t rng;	   /* xorshift state for node levels */
};

struct sqlite_index *sqlite__index_new(void)
{
	struct sqlite_index *ix = xcalloc(1, sizeof(*ix));
	ix->head = xcalloc(1, sizeof(struct node) + MAX_LEVEL * sizeof(struct node *));
	ix->level = 1;
	ix->rng = 0x9e3779b97f4a7c15ull;
	return ix;
}

void sqlite__index_free(struct sqlite_index *ix)
{
	if (!ix)
		return;
	struct node *n = ix->head;
	while (n) {
		struct node *next = n->next[0];
		free(n);
		n = next;
	}
	free(ix);
}

static int random_level(struct sqlite_index *ix)
{
	uint64_t x = ix->rng;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	ix->rng = x;
	int level = 1;
	while (level < MAX_LEVEL && (x & 3) == 0) {
		level++;
		x >>= 2;
	}
	return level;
}

/*
 * The first node with key >= key (> key if exclusive), or NULL. If update is
 * non-NULL it receives, per level, the last node before that position.
 */
static struct node *seek(const struct sqlite_index *ix, const char *key, bool exclusive,
			 struct node **update)
{
	struct node *x = ix->head;
	for (int i = ix->level - 1; i >= 0; i--) {
		for (struct node *n = x->next[i]; n; n = x->next[i]) {
			int c = strcmp(n->key, key);
			if (c > 0 || (c == 0 && !exclusive))
				break;
			x = n;
		}
		if (update)
			update[i] = x;
	}
	return x->next[0];
}

static struct node *find(const struct sqlite_index *ix, const char *key)
{
	struct node *n = seek(ix, key, false, NULL);
	return n && strcmp(n->key, key) == 0 ? n : NULL;
}

bool sqlite__index_get(const struct sqlite_index *ix, const char *key,
		       struct sqlite_index_entry *ret_e)
{
	struct node *n = find(ix, key);
	if (!n)
		return false;
	*ret_e = n->e;
	return true;
}

void sqlite__index_put(struct sqlite_index *ix, const char *key, const struct sqlite_index_entry *e)
{
	struct node *update[MAX_LEVEL];
	struct node *n = seek(ix, key, false, update);
	if (n && strcmp(n->key, key) == 0) {
		n->e = *e;
		return;
	}
	int level = random_level(ix);
	for (int i = ix->level; i < level; i++)
		update[i] = ix->head;
	if (level > ix->level)
		ix->level = level;
	size_t len = strlen(key);
	size_t ptrs = (size_t)level * sizeof(struct node *);
	n = xmalloc(sizeof(*n) + ptrs + len + 1);
	char *copy = (char *)n->next + ptrs;
	memcpy(copy, key, len + 1);
	n->key = copy;
	n->e = *e;
	for (int i = 0; i < level; i++) {
		n->next[i] = update[i]->next[i];
		update[i]->next[i] = n;
	}
}

bool sqlite__index_remove(struct sqlite_index *ix, const char *key)
{
	struct node *update[MAX_LEVEL];
	struct node *n = seek(ix, key, false, update);
	if (!n || strcmp(n->key, key) != 0)
		return false;
	for (int i = 0; i < ix->level && update[i]->next[i] == n; i++)
		update[i]->next[i] = n->next[i];
	while (ix->level > 1 && !ix->head->next[ix->level - 1])
		ix->level--;
	free(n);
	return true;
}

size_t sqlite__index_range(const struct sqlite_index *ix, const char *from, bool exclusive,
			   const char *prefix, struct sqlite_index_item *out, size_t max)
{
	size_t n = 0;
	for (struct node *x = seek(ix, from, exclusive, NULL); x && n < max; x = x->next[0]) {
		if (!str_has_prefix(x->key, prefix))
			break;
		out[n].key = xstrdup(x->key);
		out[n].e = x->e;
		n++;
	}
	return n;
}

int64_t sqlite__index_count(const struct sqlite_index *ix, const char *prefix)
{
	int64_t count = 0;
	for (struct node *x = seek(ix, prefix, false, NULL); x; x = x->next[0]) {
		if (!str_has_prefix(x->key, prefix))
			break;
		count += !x->e.deleted;
	}
	return count;
}
