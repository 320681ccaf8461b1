/*
 * annotations.c - the bookkeeping a Deployment keeps in annotations: the
 * revision of each ReplicaSet (and of the Deployment: its new one's), the
 * revisions a ReplicaSet had before a rollback brought it back
 * (revision-history), and the desired / max replicas each ReplicaSet was
 * last sized for, which proportional scaling reads.
 */
#include "controllers/deployment/deployment_internal.h"

#include "api/values.h"

/* Deployment annotations never copied to its ReplicaSets (annotationsToSkip). */
static const char *const SKIP_COPY[] = {
	"kubectl.kubernetes.io/last-applied-configuration",
	DEP_ANN_REVISION,
	DEP_ANN_REVISION_HISTORY,
	DEP_ANN_DESIRED_REPLICAS,
	DEP_ANN_MAX_REPLICAS,
	"deprecated.deployment.rollback.to",
};

/* strconv.ParseInt(s, 10, 64): false for anything but an optionally signed decimal. */
static bool parse_i64(const char *s, int64_t *ret)
{
	char *end;

	if (!s || !*s || (*s != '-' && *s != '+' && (*s < '0' || *s > '9')))
		return false;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (*end || errno)
		return false;
	*ret = v;
	return true;
}

int64_t drs_revision(const struct k8c_object_meta *m)
{
	const char *v = k8c_strmap_get(&m->annotations, DEP_ANN_REVISION);
	int64_t r;

	if (!v)
		return 0;
	return parse_i64(v, &r) ? r : -1;
}

int64_t rslist_max_revision(const struct rslist *l)
{
	int64_t max = 0;

	for (size_t i = 0; i < l->n; i++) {
		int64_t r = l->v[i] ? drs_revision(&l->v[i]->metadata) : 0;
		if (r > max)
			max = r;
	}
	return max;
}

bool dep_set_revision(struct k8c_deployment *d, const char *revision)
{
	if (streq_null(k8c_strmap_get(&d->metadata.annotations, DEP_ANN_REVISION), revision))
		return false;
	k8c_strmap_set(&d->metadata.annotations, DEP_ANN_REVISION, revision);
	return true;
}

static bool skip_copy(const char *key)
{
	for (size_t i = 0; i < ARRAY_SIZE(SKIP_COPY); i++)
		if (!strcmp(SKIP_COPY[i], key))
			return true;
	return false;
}

static bool copy_annotations(const struct k8c_deployment *d, struct k8c_replica_set *rs)
{
	const struct k8c_strmap *from = &d->metadata.annotations;
	bool changed = false;

	for (size_t i = 0; i < from->n; i++) {
		const char *k = from->items[i].key, *v = from->items[i].value;
		if (skip_copy(k) || streq_null(k8c_strmap_get(&rs->metadata.annotations, k), v))
			continue;
		k8c_strmap_set(&rs->metadata.annotations, k, v);
		changed = true;
	}
	return changed;
}

/* Appends old_revision to rs's revision-history, oldest first, within the length limit. */
static void append_history(struct k8c_replica_set *rs, const char *old_revision)
{
	const char *hist = k8c_strmap_get(&rs->metadata.annotations, DEP_ANN_REVISION_HISTORY);
	struct strbuf out = STRBUF_INIT;

	if (!hist || !*hist) {
		k8c_strmap_set(&rs->metadata.annotations, DEP_ANN_REVISION_HISTORY, old_revision);
		return;
	}
	/* Drop the oldest entries until the new one fits. */
	size_t total = strlen(hist) + strlen(old_revision) + 1;
	const char *start = hist;
	while (total > DEP_REV_HISTORY_MAX_CHARS && *start) {
		const char *comma = strchr(start, ',');
		size_t len = comma ? (size_t)(comma - start) : strlen(start);
		total -= len + 1;
		start = comma ? comma + 1 : start + len;
	}
	if (total > DEP_REV_HISTORY_MAX_CHARS)
		return; /* a single revision longer than the limit: keep what is there */
	if (*start)
		strbuf_addf(&out, "%s,", start);
	strbuf_addstr(&out, old_revision);
	k8c_strmap_set(&rs->metadata.annotations, DEP_ANN_REVISION_HISTORY, out.buf);
	strbuf_release(&out);
}

bool dep_set_new_rs_annotations(const struct k8c_deployment *d, struct k8c_replica_set *rs,
				const char *new_revision, bool exists)
{
	bool changed = copy_annotations(d, rs);
	const char *old = k8c_strmap_get(&rs->metadata.annotations, DEP_ANN_REVISION);
	char *old_copy = xstrdup(old);
	int64_t old_rev = 0, new_rev;

	if (old && !parse_i64(old, &old_rev) && *old) {
		free(old_copy);
		return false;
	}
	if (!parse_i64(new_revision, &new_rev)) {
		free(old_copy);
		return false;
	}
	if (old_rev < new_rev) {
		k8c_strmap_set(&rs->metadata.annotations, DEP_ANN_REVISION, new_revision);
		changed = true;
		/* Brought back by a rollback: remember the revision it had. */
		if (old_copy)
			append_history(rs, old_copy);
	}
	free(old_copy);
	if (!exists && drs_set_replicas_annotations(rs, dep_replicas(d),
						    dep_replicas(d) + dep_max_surge(d)))
		changed = true;
	return changed;
}

static bool int_annotation(const struct k8c_replica_set *rs, const char *key, int32_t *ret)
{
	int64_t v;

	if (!parse_i64(k8c_strmap_get(&rs->metadata.annotations, key), &v) || v < INT32_MIN ||
	    v > INT32_MAX)
		return false;
	*ret = (int32_t)v;
	return true;
}

bool drs_desired_replicas(const struct k8c_replica_set *rs, int32_t *ret)
{
	return int_annotation(rs, DEP_ANN_DESIRED_REPLICAS, ret);
}

bool drs_max_replicas(const struct k8c_replica_set *rs, int32_t *ret)
{
	return int_annotation(rs, DEP_ANN_MAX_REPLICAS, ret);
}

/* Sets key to the decimal value; true when it changed. */
static bool set_int_annotation(struct k8c_replica_set *rs, const char *key, int32_t value,
			       bool dry_run)
{
	char text[16];

	snprintf(text, sizeof(text), "%d", value);
	if (streq_null(k8c_strmap_get(&rs->metadata.annotations, key), text))
		return false;
	if (!dry_run)
		k8c_strmap_set(&rs->metadata.annotations, key, text);
	return true;
}

bool drs_set_replicas_annotations(struct k8c_replica_set *rs, int32_t desired, int32_t max)
{
	bool a = set_int_annotation(rs, DEP_ANN_DESIRED_REPLICAS, desired, false);
	bool b = set_int_annotation(rs, DEP_ANN_MAX_REPLICAS, max, false);

	return a || b;
}

bool drs_replicas_annotations_need_update(const struct k8c_replica_set *rs, int32_t desired,
					  int32_t max)
{
	struct k8c_replica_set *mut = (struct k8c_replica_set *)rs; /* dry run: not written */

	return set_int_annotation(mut, DEP_ANN_DESIRED_REPLICAS, desired, true) ||
	       set_int_annotation(mut, DEP_ANN_MAX_REPLICAS, max, true);
}
