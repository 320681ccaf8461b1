/*
 * test_deployment_logic.c - unit tests of the Deployment controller's pure
 * parts: the pod-template-hash (SafeEncodeString, collision count), the
 * fenceposts of maxSurge / maxUnavailable, revision annotations and their
 * history, how far a new ReplicaSet may grow, proportions, conditions.
 */
#include "api/codec.h"
#include "api/values.h"
#include "controllers/deployment/deployment_internal.h"
#include "test/controllers/wl_fixture.h"
#include "test/ktest.h"

TEST(safe_encode_matches_kubernetes_alphabet)
{
	struct strbuf out = STRBUF_INIT;

	dep_safe_encode("1234567890", &out);
	CHECK_STR(out.buf, "56789bcdf4");
	strbuf_release(&out);
}

TEST(template_hash_is_stable_and_moves_with_template_and_collisions)
{
	struct k8c_deployment *a = wl_deployment(3, "busybox:1"), *b = wl_deployment(3, "busybox:2");
	struct strbuf h1 = STRBUF_INIT, h2 = STRBUF_INIT, h3 = STRBUF_INIT, h4 = STRBUF_INIT;
	int32_t one = 1;

	dep_template_hash(&a->spec.template, NULL, &h1);
	dep_template_hash(&a->spec.template, NULL, &h2);
	dep_template_hash(&b->spec.template, NULL, &h3);
	dep_template_hash(&a->spec.template, &one, &h4);
	CHECK_STR(h1.buf, h2.buf);
	CHECK(strcmp(h1.buf, h3.buf) != 0);
	CHECK(strcmp(h1.buf, h4.buf) != 0);
	CHECK(h1.len >= 1 && h1.len <= 10);
	CHECK(strspn(h1.buf, "bcdfghjklmnpqrstvwxz2456789") == h1.len);
	strbuf_release(&h1);
	strbuf_release(&h2);
	strbuf_release(&h3);
	strbuf_release(&h4);
	k8c_free(&k8c_type_deployment, a);
	k8c_free(&k8c_type_deployment, b);
}

TEST(template_equal_ignores_the_hash_label)
{
	struct k8c_deployment *a = wl_deployment(3, "busybox:1"), *b = wl_deployment(3, "busybox:1");

	k8c_strmap_set(&b->spec.template.metadata.labels, DEP_LABEL_HASH, "abc");
	CHECK(dep_template_equal(&a->spec.template, &b->spec.template));
	/* kubectl rollout undo sends "resources": {} (a Go struct); it is the same template. */
	b->spec.template.spec.containers[0].resources =
		xcalloc(1, sizeof(*b->spec.template.spec.containers[0].resources));
	b->spec.template.spec.security_context =
		xcalloc(1, sizeof(*b->spec.template.spec.security_context));
	CHECK(dep_template_equal(&a->spec.template, &b->spec.template));
	struct strbuf ha = STRBUF_INIT, hb = STRBUF_INIT;
	dep_template_hash(&a->spec.template, NULL, &ha);
	dep_template_hash(&b->spec.template, NULL, &hb);
	CHECK_STR(ha.buf, hb.buf);
	strbuf_release(&ha);
	strbuf_release(&hb);
	k8c_strmap_set(&b->spec.template.metadata.labels, "extra", "x");
	CHECK(!dep_template_equal(&a->spec.template, &b->spec.template));
	k8c_free(&k8c_type_deployment, a);
	k8c_free(&k8c_type_deployment, b);
}

static void fenceposts(int32_t replicas, const char *surge, const char *unavail, int32_t want_s,
		       int32_t want_u)
{
	struct k8c_deployment *d = wl_deployment(replicas, "x");
	int32_t s, u;

	wl_strategy(d, "RollingUpdate", surge, unavail);
	dep_fenceposts(d, &s, &u);
	CHECK_INT(s, want_s);
	CHECK_INT(u, want_u);
	k8c_free(&k8c_type_deployment, d);
}

TEST(fenceposts_round_surge_up_and_unavailable_down)
{
	fenceposts(10, NULL, NULL, 3, 2);  /* defaults 25% / 25% */
	fenceposts(1, "25%", "25%", 1, 0); /* 0.25 up and down */
	fenceposts(10, "0", "0", 0, 1);	   /* both 0: one may be unavailable */
	fenceposts(5, "2", "100%", 2, 5);
	fenceposts(4, "50%", "1", 2, 1);

	struct k8c_deployment *d = wl_deployment(5, "x");
	wl_strategy(d, "Recreate", NULL, NULL);
	CHECK_INT(dep_max_surge(d), 0);
	CHECK_INT(dep_max_unavailable(d), 0);
	wl_strategy(d, "RollingUpdate", "1", "9");
	CHECK_INT(dep_max_unavailable(d), 5); /* never more than replicas */
	k8c_free(&k8c_type_deployment, d);
}

TEST(revisions_and_history)
{
	struct k8c_deployment *d = wl_deployment(3, "x");
	struct k8c_replica_set *rs = wl_rs("web-a", 0, 1, 1);

	k8c_strmap_set(&d->metadata.annotations, "team", "blue");
	k8c_strmap_set(&d->metadata.annotations, DEP_ANN_REVISION, "7");
	k8c_strmap_set(&d->metadata.annotations,
		       "kubectl.kubernetes.io/last-applied-configuration", "{}");
	CHECK(dep_set_new_rs_annotations(d, rs, "3", true));
	CHECK_STR(k8c_strmap_get(&rs->metadata.annotations, DEP_ANN_REVISION), "3");
	CHECK_STR(k8c_strmap_get(&rs->metadata.annotations, DEP_ANN_REVISION_HISTORY), "1");
	CHECK_STR(k8c_strmap_get(&rs->metadata.annotations, "team"), "blue");
	CHECK(!k8c_strmap_get(&rs->metadata.annotations,
			      "kubectl.kubernetes.io/last-applied-configuration"));
	CHECK(!k8c_strmap_get(&rs->metadata.annotations, DEP_ANN_DESIRED_REPLICAS));
	CHECK(!dep_set_new_rs_annotations(d, rs, "3", true)); /* nothing new */
	CHECK(dep_set_new_rs_annotations(d, rs, "5", true));
	CHECK_STR(k8c_strmap_get(&rs->metadata.annotations, DEP_ANN_REVISION_HISTORY), "1,3");

	struct k8c_replica_set *fresh = wl_rs("web-b", 0, 2, 0);
	wl_strategy(d, "RollingUpdate", "1", "0");
	CHECK(dep_set_new_rs_annotations(d, fresh, "6", false));
	CHECK_STR(k8c_strmap_get(&fresh->metadata.annotations, DEP_ANN_REVISION), "6");
	CHECK(!k8c_strmap_get(&fresh->metadata.annotations, DEP_ANN_REVISION_HISTORY));
	CHECK_STR(k8c_strmap_get(&fresh->metadata.annotations, DEP_ANN_DESIRED_REPLICAS), "3");
	CHECK_STR(k8c_strmap_get(&fresh->metadata.annotations, DEP_ANN_MAX_REPLICAS), "4");

	struct rslist l = { 0 };
	rslist_push(&l, rs);
	rslist_push(&l, fresh);
	CHECK_INT(rslist_max_revision(&l), 6);
	CHECK(dep_set_revision(d, "6"));
	CHECK(!dep_set_revision(d, "6"));
	rslist_release(&l);
	k8c_free(&k8c_type_replica_set, rs);
	k8c_free(&k8c_type_replica_set, fresh);
	k8c_free(&k8c_type_deployment, d);
}

TEST(history_is_bounded)
{
	struct k8c_deployment *d = wl_deployment(3, "x");
	struct k8c_replica_set *rs = wl_rs("web-a", 0, 1, 1);
	char rev[16];

	for (int i = 2; i < 600; i++) {
		snprintf(rev, sizeof(rev), "%d", i);
		dep_set_new_rs_annotations(d, rs, rev, true);
	}
	const char *h = k8c_strmap_get(&rs->metadata.annotations, DEP_ANN_REVISION_HISTORY);
	REQUIRE(h);
	CHECK(strlen(h) <= DEP_REV_HISTORY_MAX_CHARS);
	CHECK(strlen(h) > DEP_REV_HISTORY_MAX_CHARS - 5);
	CHECK(!strcmp(h + strlen(h) - 4, ",598")); /* newest last, oldest dropped */
	k8c_free(&k8c_type_replica_set, rs);
	k8c_free(&k8c_type_deployment, d);
}

TEST(new_rs_grows_within_surge_counting_pods_not_yet_deleted)
{
	struct k8c_deployment *d = wl_deployment(10, "x"); /* surge 3 */
	struct k8c_replica_set *old = wl_rs("old", 10, 1, 1), *nrs = wl_rs("new", 0, 2, 2);
	struct rslist all = { 0 };

	old->status.replicas = 10;
	rslist_push(&all, old);
	rslist_push(&all, nrs);
	CHECK_INT(dep_new_rs_replicas(d, &all, nrs), 3);
	nrs->spec.replicas = 3;
	old->spec.replicas = 8; /* scaled down, but its pods are still there */
	CHECK_INT(dep_new_rs_replicas(d, &all, nrs), 3);
	old->status.replicas = 8;
	CHECK_INT(dep_new_rs_replicas(d, &all, nrs), 5);
	wl_strategy(d, "Recreate", NULL, NULL);
	CHECK_INT(dep_new_rs_replicas(d, &all, nrs), 10);
	rslist_release(&all);
	k8c_free(&k8c_type_replica_set, old);
	k8c_free(&k8c_type_replica_set, nrs);
	k8c_free(&k8c_type_deployment, d);
}

TEST(proportions)
{
	struct k8c_deployment *d = wl_deployment(15, "x"); /* surge 25% of 15 = 4 */
	struct k8c_replica_set *rs = wl_rs("a", 5, 1, 1);

	k8c_strmap_set(&rs->metadata.annotations, DEP_ANN_MAX_REPLICAS, "13");
	/* 5 * 19 / 13 = 7.3 -> 7: two more, within what may be added. */
	CHECK_INT(dep_proportion(rs, d, 6, 0), 2);
	CHECK_INT(dep_proportion(rs, d, 6, 5), 1);
	CHECK_INT(dep_proportion(rs, d, 6, 6), 0);
	d->spec.replicas = 5; /* 5 * 7 / 13 = 2.7 -> 3: two fewer */
	CHECK_INT(dep_proportion(rs, d, -8, 0), -2);
	CHECK_INT(dep_proportion(rs, d, -8, -7), -1);
	d->spec.replicas = 0;
	CHECK_INT(dep_proportion(rs, d, -5, 0), -5);
	k8c_free(&k8c_type_replica_set, rs);
	k8c_free(&k8c_type_deployment, d);
}

TEST(conditions_keep_transition_time_while_status_holds)
{
	struct k8c_deployment_status st = { 0 };

	dep_condition_set(&st, "Available", "True", "MinimumReplicasAvailable", "m", 100 * WL_SEC);
	dep_condition_set(&st, "Available", "True", "MinimumReplicasAvailable", "m", 200 * WL_SEC);
	REQUIRE(st.n_conditions == 1);
	CHECK_INT(st.conditions[0].last_update_time, 100 * WL_SEC);
	dep_condition_set(&st, "Available", "True", "Other", "m2", 300 * WL_SEC + 5);
	CHECK_INT(st.conditions[0].last_transition_time, 100 * WL_SEC);
	CHECK_INT(st.conditions[0].last_update_time, 300 * WL_SEC); /* whole seconds */
	dep_condition_set(&st, "Available", "False", "MinimumReplicasUnavailable", "m3",
			  400 * WL_SEC);
	CHECK_INT(st.conditions[0].last_transition_time, 400 * WL_SEC);
	dep_condition_set(&st, "Progressing", "True", "NewReplicaSetCreated", "c", 400 * WL_SEC);
	CHECK_INT(st.n_conditions, 2);
	dep_condition_remove(&st, "Available");
	REQUIRE(st.n_conditions == 1);
	CHECK_STR(st.conditions[0].type, "Progressing");
	k8c_release(&k8c_type_deployment_status, &st);
}

TEST(complete_progressing_timed_out)
{
	struct k8c_deployment *d = wl_deployment(3, "x");
	struct k8c_deployment_status st = { 0 };

	st.replicas = st.updated_replicas = st.available_replicas = 3;
	st.observed_generation = 1;
	CHECK(dep_complete(d, &st));
	st.available_replicas = 2;
	CHECK(!dep_complete(d, &st));
	d->status.replicas = d->status.updated_replicas = 3;
	d->status.available_replicas = 1;
	CHECK(dep_progressing(d, &st));
	d->status.available_replicas = 2;
	CHECK(!dep_progressing(d, &st));
	d->spec.progress_deadline_seconds = 10;
	d->spec.has_progress_deadline_seconds = true;
	CHECK(!dep_timed_out(d, &st, 1000 * WL_SEC)); /* no condition: no base */
	dep_condition_set(&st, "Progressing", "True", "ReplicaSetUpdated", "p", 100 * WL_SEC);
	CHECK(!dep_timed_out(d, &st, 110 * WL_SEC));
	CHECK(dep_timed_out(d, &st, 111 * WL_SEC));
	d->spec.progress_deadline_seconds = INT32_MAX;
	CHECK(!dep_timed_out(d, &st, 1000 * WL_SEC));
	k8c_release(&k8c_type_deployment_status, &st);
	k8c_free(&k8c_type_deployment, d);
}
