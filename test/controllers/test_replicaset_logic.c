/*
 * test_replicaset_logic.c - unit tests of the ReplicaSet controller's pure
 * parts: which pods go first on a scale-down (ActivePodsWithRanks), the
 * status counts and the ReplicaFailure condition, expectations (including
 * deletions seen twice and the timeout), and slow-start batches.
 */
#include "api/codec.h"
#include "api/values.h"
#include "controllers/batch.h"
#include "controllers/expectations.h"
#include "controllers/podutil.h"
#include "controllers/replicaset/replicaset_internal.h"
#include "test/controllers/wl_fixture.h"
#include "test/ktest.h"

#include <pthread.h>

#define T0 (1700000000 * WL_SEC)

/* Sorts pods and checks the order of names. */
static void check_order(struct k8c_pod **pods, size_t n, const char *const *want)
{
	struct rank_pod *r = xcalloc(n, sizeof(*r));

	for (size_t i = 0; i < n; i++)
		r[n - 1 - i].pod = pods[i]; /* reversed input: the sort must do the work */
	replicaset_rank_fill(r, n, pods, n);
	replicaset_rank_sort(r, n);
	for (size_t i = 0; i < n; i++)
		CHECK_STR(r[i].pod->metadata.name, want[i]);
	free(r);
	for (size_t i = 0; i < n; i++)
		k8c_free(&k8c_type_pod, pods[i]);
}

TEST(unscheduled_pending_unready_go_first)
{
	struct k8c_pod *pods[] = {
		wl_pod("running-ready", "n1", "Running", T0, 0, T0),
		wl_pod("running-unready", "n2", "Running", 0, 0, T0),
		wl_pod("pending", "n3", "Pending", 0, 0, T0),
		wl_pod("unknown", "n4", "Unknown", 0, 0, T0),
		wl_pod("unscheduled", "", "Pending", 0, 0, T0),
	};
	const char *want[] = { "unscheduled", "pending", "unknown", "running-unready",
			       "running-ready" };
	check_order(pods, ARRAY_SIZE(pods), want);
}

TEST(doubled_up_then_ready_recently_then_restarts_then_newer)
{
	struct k8c_pod *pods[] = {
		wl_pod("alone-old", "n1", "Running", T0, 0, T0),
		wl_pod("shared-a", "n2", "Running", T0, 0, T0),
		wl_pod("shared-b", "n2", "Running", T0 + 5 * WL_SEC, 0, T0),
		wl_pod("n3-restarts", "n3", "Running", T0 - 9 * WL_SEC, 7, T0),
		wl_pod("n4-calm", "n4", "Running", T0 - 9 * WL_SEC, 0, T0),
		wl_pod("n5-newer", "n5", "Running", T0 - 9 * WL_SEC, 0, T0 + WL_SEC),
	};
	/* Two pods on n2 rank first, the more recently ready one before; then the
	 * most recently ready single pod; then restarts; then the newer pod. */
	const char *want[] = { "shared-b", "shared-a", "alone-old", "n3-restarts", "n5-newer",
			       "n4-calm" };
	check_order(pods, ARRAY_SIZE(pods), want);
}

TEST(deletion_cost_overrides_rank)
{
	struct k8c_pod *pods[] = {
		wl_pod("cheap", "n1", "Running", T0, 0, T0),
		wl_pod("dear", "n1", "Running", T0 + WL_SEC, 0, T0),
	};
	k8c_strmap_set(&pods[0]->metadata.annotations, "controller.kubernetes.io/pod-deletion-cost",
		       "-5");
	k8c_strmap_set(&pods[1]->metadata.annotations, "controller.kubernetes.io/pod-deletion-cost",
		       "100");
	const char *want[] = { "cheap", "dear" };
	check_order(pods, ARRAY_SIZE(pods), want);
}

TEST(availability_honours_min_ready_seconds)
{
	struct k8c_pod *p = wl_pod("p", "n1", "Running", T0, 0, T0);

	CHECK(podutil_is_available(p, 0, T0));
	CHECK(!podutil_is_available(p, 10, T0 + 10 * WL_SEC));
	CHECK(podutil_is_available(p, 10, T0 + 10 * WL_SEC + 1));
	CHECK(podutil_is_active(p));
	p->metadata.deletion_timestamp = T0;
	CHECK(!podutil_is_active(p));
	k8c_free(&k8c_type_pod, p);
}

static struct k8c_replica_set *status_rs(void)
{
	struct k8c_replica_set *rs = wl_rs("web-1", 3, 0, 0);

	k8c_strmap_set(&rs->spec.template.metadata.labels, "app", "web");
	k8c_strmap_set(&rs->spec.template.metadata.labels, "tier", "fe");
	rs->spec.min_ready_seconds = 30;
	rs->metadata.generation = 2;
	rs->status.observed_generation = 2;
	return rs;
}

TEST(status_counts_and_failure_condition)
{
	struct k8c_replica_set *rs = status_rs();
	struct k8c_pod *pods[] = {
		wl_pod("a", "n1", "Running", T0 - 60 * WL_SEC, 0, T0),
		wl_pod("b", "n1", "Running", T0 - 5 * WL_SEC, 0, T0),
		wl_pod("c", "n1", "Pending", 0, 0, T0),
	};
	for (size_t i = 0; i < 3; i++)
		k8c_strmap_set(&pods[i]->metadata.labels, "app", "web");
	k8c_strmap_set(&pods[0]->metadata.labels, "tier", "fe");
	struct k8c_replica_set_status st;

	replicaset_status_compute(rs, pods, 2, "quota exceeded", T0, &st);
	CHECK_INT(st.replicas, 2);
	CHECK_INT(st.fully_labeled_replicas, 1);
	CHECK_INT(st.ready_replicas, 2);
	CHECK_INT(st.available_replicas, 1);
	REQUIRE(st.n_conditions == 1);
	CHECK_STR(st.conditions[0].type, "ReplicaFailure");
	CHECK_STR(st.conditions[0].reason, "FailedCreate");
	CHECK_STR(st.conditions[0].message, "quota exceeded");
	CHECK(replicaset_status_changed(rs, &st));

	/* Stored, then recomputed with nothing new: no write is due. */
	k8c_release(&k8c_type_replica_set_status, &rs->status);
	rs->status = st;
	replicaset_status_compute(rs, pods, 2, "quota exceeded", T0 + WL_SEC, &st);
	CHECK(!replicaset_status_changed(rs, &st));
	k8c_release(&k8c_type_replica_set_status, &st);

	/* Managing works again: the failure goes. */
	replicaset_status_compute(rs, pods, 3, NULL, T0, &st);
	CHECK_INT(st.n_conditions, 0);
	CHECK_INT(st.replicas, 3);
	CHECK(replicaset_status_changed(rs, &st));
	k8c_release(&k8c_type_replica_set_status, &st);

	/* A new generation alone makes a write due (observedGeneration). */
	rs->metadata.generation = 3;
	replicaset_status_compute(rs, pods, 2, "quota exceeded", T0, &st);
	CHECK(replicaset_status_changed(rs, &st));
	k8c_release(&k8c_type_replica_set_status, &st);
	for (size_t i = 0; i < 3; i++)
		k8c_free(&k8c_type_pod, pods[i]);
	k8c_free(&k8c_type_replica_set, rs);
}

TEST(expectations_creations_deletions_timeout)
{
	struct expectations *e = expectations_new();
	const char *victims[] = { "default/p1", "default/p2" };
	int add, del;

	CHECK(expectations_satisfied(e, "default/rs", 0));
	expectations_expect_creations(e, "default/rs", 2, 100);
	CHECK(!expectations_satisfied(e, "default/rs", 100));
	expectations_creation_observed(e, "default/rs");
	CHECK(!expectations_satisfied(e, "default/rs", 100));
	expectations_creation_observed(e, "default/rs");
	CHECK(expectations_satisfied(e, "default/rs", 100));

	expectations_expect_deletions(e, "default/rs", victims, 2, 200);
	expectations_get(e, "default/rs", &add, &del);
	CHECK_INT(add, 0);
	CHECK_INT(del, 2);
	/* The same deletion seen twice (update with deletionTimestamp, then delete) counts once. */
	expectations_deletion_observed(e, "default/rs", "default/p1");
	expectations_deletion_observed(e, "default/rs", "default/p1");
	expectations_deletion_observed(e, "default/rs", "default/other");
	CHECK(!expectations_satisfied(e, "default/rs", 200));
	/* A lost event: after five minutes the controller acts again. */
	CHECK(expectations_satisfied(e, "default/rs", 200 + EXPECTATIONS_TIMEOUT_NS + 1));
	expectations_deletion_observed(e, "default/rs", "default/p2");
	CHECK(expectations_satisfied(e, "default/rs", 200));
	expectations_expect_creations(e, "default/rs", 1, 300);
	expectations_delete(e, "default/rs");
	CHECK(expectations_satisfied(e, "default/rs", 300));
	expectations_free(e);
}

struct calls {
	pthread_mutex_t lock;
	int n;
	int fail_from; /* calls with index >= fail_from fail */
};

static int count_call(void *arg, size_t i)
{
	struct calls *c = arg;

	pthread_mutex_lock(&c->lock);
	c->n++;
	pthread_mutex_unlock(&c->lock);
	return (int)i >= c->fail_from ? -EDQUOT : 0;
}

TEST(slow_start_batches_stop_at_first_failing_round)
{
	struct calls c = { PTHREAD_MUTEX_INITIALIZER, 0, 1000 };
	int err = 1;

	CHECK_INT(batch_slow_start(100, 1, count_call, &c, &err), 100);
	CHECK_INT(c.n, 100);
	CHECK_INT(err, 0);
	/* Rounds 1, 2, 4, 8 cover indexes 0..14; index 5 fails in the round 3..6. */
	c.n = 0;
	c.fail_from = 5;
	CHECK_INT(batch_slow_start(100, 1, count_call, &c, &err), 5);
	CHECK_INT(c.n, 7);
	CHECK_INT(err, -EDQUOT);
}
