/*
 * test_namespace_conditions.c - unit tests of a Terminating namespace's
 * status conditions: all five False with upstream's reasons when the
 * content is gone, True with upstream's messages (sorted) while content,
 * finalizers or failures remain, transition times only on status changes,
 * and no change reported when nothing changed.
 */
#include "api/codec.h"
#include "controllers/namespace/conditions.h"
#include "test/controllers/gc_fixture.h"

static const struct k8c_namespace_condition *cond(const struct k8c_namespace_status *st,
						  const char *type)
{
	for (size_t i = 0; i < st->n_conditions; i++)
		if (!strcmp(st->conditions[i].type, type))
			return &st->conditions[i];
	return NULL;
}

TEST(all_clear)
{
	struct k8c_namespace_status st = { 0 };
	struct ns_tally t = NS_TALLY_INIT;
	CHECK(ns_conditions_update(&st, &t, 100));
	CHECK_INT(st.n_conditions, 5);
	const struct k8c_namespace_condition *c = cond(&st, "NamespaceContentRemaining");
	REQUIRE(c);
	CHECK_STR(c->status, "False");
	CHECK_STR(c->reason, "ContentRemoved");
	CHECK_STR(c->message, "All content successfully removed");
	CHECK_INT(c->last_transition_time, 100);
	c = cond(&st, "NamespaceDeletionDiscoveryFailure");
	REQUIRE(c);
	CHECK_STR(c->reason, "ResourcesDiscovered");
	/* the same tally again: nothing to write */
	CHECK(!ns_conditions_update(&st, &t, 200));
	ns_tally_release(&t);
	k8c_release(&k8c_type_namespace_status, &st);
}

TEST(content_and_finalizers_remaining)
{
	struct k8c_namespace_status st = { 0 };
	struct ns_tally t = NS_TALLY_INIT;
	ns_tally_remaining(&t, "replicasets", "apps", 1);
	ns_tally_remaining(&t, "pods", "", 2);
	ns_tally_finalizer(&t, "example.com/keep", 1);
	ns_tally_finalizer(&t, "a/b", 2);
	ns_tally_finalizer(&t, "example.com/keep", 1);
	CHECK(ns_conditions_update(&st, &t, 100));
	const struct k8c_namespace_condition *c = cond(&st, "NamespaceContentRemaining");
	REQUIRE(c);
	CHECK_STR(c->status, "True");
	CHECK_STR(c->reason, "SomeResourcesRemain");
	CHECK_STR(c->message, "Some resources are remaining: pods. has 2 resource instances, "
			      "replicasets.apps has 1 resource instances");
	c = cond(&st, "NamespaceFinalizersRemaining");
	REQUIRE(c);
	CHECK_STR(c->reason, "SomeFinalizersRemain");
	CHECK_STR(c->message, "Some content in the namespace has finalizers remaining: a/b in 2 "
			      "resource instances, example.com/keep in 2 resource instances");
	CHECK_STR(cond(&st, "NamespaceDeletionContentFailure")->status, "False");
	/* content gone: back to False, with a new transition time */
	ns_tally_release(&t);
	CHECK(ns_conditions_update(&st, &t, 300));
	c = cond(&st, "NamespaceContentRemaining");
	CHECK_STR(c->status, "False");
	CHECK_INT(c->last_transition_time, 300);
	CHECK_INT(cond(&st, "NamespaceDeletionDiscoveryFailure")->last_transition_time, 100);
	ns_tally_release(&t);
	k8c_release(&k8c_type_namespace_status, &st);
}

TEST(failures_and_other_conditions_kept)
{
	struct k8c_namespace_status *st = FIXTURE(&k8c_type_namespace_status,
		"{'phase':'Terminating','conditions':[{'type':'Custom','status':'True'}]}");
	REQUIRE(st);
	struct ns_tally t = NS_TALLY_INIT;
	ns_tally_failure(&t, "pods", "boom");
	CHECK(ns_conditions_update(st, &t, 100));
	CHECK_STR(cond(st, "NamespaceDeletionContentFailure")->message,
		  "Failed to delete all resource types, 1 remaining: pods: boom");
	ns_tally_failure(&t, "secrets", "bang");
	CHECK(ns_conditions_update(st, &t, 100));
	CHECK_STR(cond(st, "NamespaceDeletionContentFailure")->message,
		  "Failed to delete all resource types, 2 remaining: [pods: boom, secrets: bang]");
	CHECK_STR(cond(st, "NamespaceDeletionContentFailure")->reason, "ContentDeletionFailed");
	CHECK(cond(st, "Custom") != NULL);
	CHECK_INT(st->n_conditions, 6);
	ns_tally_release(&t);
	k8c_free(&k8c_type_namespace_status, st);
}
