/*
 * conditions.c - a Terminating namespace's status conditions; see
 * conditions.h. Messages and reasons are Kubernetes' (namespace deletion's
 * status_condition_utils.go).
 */
#include "controllers/namespace/conditions.h"

enum { DISCOVERY, PARSING, CONTENT_FAILURE, CONTENT_REMAINING, FINALIZERS_REMAINING, N_TYPES };

static const struct {
	const char *type, *ok_reason, *ok_message;
} types[N_TYPES] = {
	{ "NamespaceDeletionDiscoveryFailure", "ResourcesDiscovered",
	  "All resources successfully discovered" },
	{ "NamespaceDeletionGroupVersionParsingFailure", "ParsedGroupVersions",
	  "All legacy kube types successfully parsed" },
	{ "NamespaceDeletionContentFailure", "ContentDeleted",
	  "All content successfully deleted, may be waiting on finalization" },
	{ "NamespaceContentRemaining", "ContentRemoved", "All content successfully removed" },
	{ "NamespaceFinalizersRemaining", "ContentHasNoFinalizers",
	  "All content-preserving finalizers finished" },
};

void ns_tally_release(struct ns_tally *t)
{
	for (size_t i = 0; i < t->n_remaining; i++)
		free(t->remaining[i]);
	free(t->remaining);
	for (size_t i = 0; i < t->n_finalizers; i++)
		free(t->finalizers[i].name);
	free(t->finalizers);
	strbuf_release(&t->failures);
	memset(t, 0, sizeof(*t));
	strbuf_init(&t->failures, 0);
}

void ns_tally_remaining(struct ns_tally *t, const char *resource, const char *group, long n)
{
	struct strbuf sb = STRBUF_INIT;
	strbuf_addf(&sb, "%s.%s has %ld resource instances", resource, group, n);
	ALLOC_GROW(t->remaining, t->n_remaining + 1, t->alloc_remaining);
	t->remaining[t->n_remaining++] = strbuf_detach(&sb, NULL);
}

void ns_tally_finalizer(struct ns_tally *t, const char *finalizer, long n)
{
	for (size_t i = 0; i < t->n_finalizers; i++) {
		if (!strcmp(t->finalizers[i].name, finalizer)) {
			t->finalizers[i].n += n;
			return;
		}
	}
	ALLOC_GROW(t->finalizers, t->n_finalizers + 1, t->alloc_finalizers);
	t->finalizers[t->n_finalizers++] = (struct ns_finalizer_count){ xstrdup(finalizer), n };
}

void ns_tally_failure(struct ns_tally *t, const char *resource, const char *message)
{
	strbuf_addf(&t->failures, "%s%s: %s", t->failures.len ? ", " : "", resource, message);
	t->failed_kinds++;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Appends the sorted, ", "-joined strs to out. */
static void add_sorted(struct strbuf *out, char **strs, size_t n)
{
	if (n)
		qsort(strs, n, sizeof(*strs), cmp_str);
	for (size_t i = 0; i < n; i++)
		strbuf_addf(out, "%s%s", i ? ", " : "", strs[i]);
}

/* The message of a failed condition i into msg, or false when condition i is fine. */
static bool failure(int i, const struct ns_tally *t, struct strbuf *msg)
{
	if (i == CONTENT_FAILURE && t->failed_kinds) {
		strbuf_addf(msg, "Failed to delete all resource types, %d remaining: %s%s%s",
			    t->failed_kinds, t->failed_kinds > 1 ? "[" : "", t->failures.buf,
			    t->failed_kinds > 1 ? "]" : "");
	} else if (i == CONTENT_REMAINING && t->n_remaining) {
		strbuf_addstr(msg, "Some resources are remaining: ");
		add_sorted(msg, t->remaining, t->n_remaining);
	} else if (i == FINALIZERS_REMAINING && t->n_finalizers) {
		char **f = xcalloc(t->n_finalizers, sizeof(*f));
		for (size_t j = 0; j < t->n_finalizers; j++) {
			struct strbuf one = STRBUF_INIT;
			strbuf_addf(&one, "%s in %ld resource instances", t->finalizers[j].name,
				    t->finalizers[j].n);
			f[j] = strbuf_detach(&one, NULL);
		}
		strbuf_addstr(msg, "Some content in the namespace has finalizers remaining: ");
		add_sorted(msg, f, t->n_finalizers);
		for (size_t j = 0; j < t->n_finalizers; j++)
			free(f[j]);
		free(f);
	}
	return msg->len > 0;
}

static const char *failure_reason(int i)
{
	return i == CONTENT_FAILURE ? "ContentDeletionFailed" :
	       i == CONTENT_REMAINING ? "SomeResourcesRemain" : "SomeFinalizersRemain";
}

static struct k8c_namespace_condition *find(struct k8c_namespace_status *st, const char *type)
{
	for (size_t i = 0; i < st->n_conditions; i++)
		if (streq_null(st->conditions[i].type, type))
			return &st->conditions[i];
	st->conditions = xrealloc(st->conditions, (st->n_conditions + 1) * sizeof(*st->conditions));
	struct k8c_namespace_condition *c = &st->conditions[st->n_conditions++];
	memset(c, 0, sizeof(*c));
	c->type = xstrdup(type);
	return c;
}

/* Sets c to status/reason/message; returns true when it changed. */
static bool set(struct k8c_namespace_condition *c, const char *status, const char *reason,
		const char *message, int64_t now)
{
	if (streq_null(c->status, status) && streq_null(c->reason, reason) &&
	    streq_null(c->message, message))
		return false;
	if (!streq_null(c->status, status))
		c->last_transition_time = now;
	free(c->status);
	free(c->reason);
	free(c->message);
	c->status = xstrdup(status);
	c->reason = xstrdup(reason);
	c->message = xstrdup(message);
	return true;
}

bool ns_conditions_update(struct k8c_namespace_status *st, const struct ns_tally *t, int64_t now)
{
	bool changed = false;
	for (int i = 0; i < N_TYPES; i++) {
		struct strbuf msg = STRBUF_INIT;
		struct k8c_namespace_condition *c = find(st, types[i].type);
		if (failure(i, t, &msg))
			changed |= set(c, "True", failure_reason(i), msg.buf, now);
		else
			changed |= set(c, "False", types[i].ok_reason, types[i].ok_message, now);
		strbuf_release(&msg);
	}
	return changed;
}
