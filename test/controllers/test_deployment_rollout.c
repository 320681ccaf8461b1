/*
 * test_deployment_rollout.c - whole rollouts of the Deployment sync against
 * an in-memory world: the Deployment and its ReplicaSets as an API server
 * would hold them, a stand-in ReplicaSet controller that lags (it acts on
 * one ReplicaSet at a time, in a fixed pseudo-random order, so statuses are
 * stale as in a real cluster) and a stand-in kubelet that makes one pod of
 * each ReplicaSet ready per step. The bounds of RollingUpdate are checked
 * after every single step, on the pods, not on what the statuses claim.
 */
#include "api/codec.h"
#include "api/values.h"
#include "controllers/deployment/deployment_internal.h"
#include "test/controllers/wl_fixture.h"
#include "test/ktest.h"

#define MAX_RS 32

struct sim_rs {
	struct k8c_replica_set *rs;
	int pods, ready;
};

struct world {
	struct k8c_deployment *d;
	struct sim_rs rs[MAX_RS];
	size_t n;
	int64_t now;
	int rv;
	unsigned seed;
	int writes, creates, deletes, requeues;
	bool kubelet_frozen;
	bool cache_blind; /* get_rs sees nothing, as a lagging informer */
	/* bounds checked on every step of a rolling update (-1: not checked) */
	int max_pods, min_ready;
	int violations;
	/* Recreate: a new-template pod was seen while old ones still existed */
	bool overlap;
	const char *new_image;
};

static struct world *w_of(struct dsync *s)
{
	return s->ud;
}

static struct sim_rs *find(struct world *w, const char *name)
{
	for (size_t i = 0; i < w->n; i++)
		if (!strcmp(w->rs[i].rs->metadata.name, name))
			return &w->rs[i];
	return NULL;
}

static void bump_rv(struct world *w, struct k8c_object_meta *m)
{
	char rv[16];

	snprintf(rv, sizeof(rv), "%d", ++w->rv);
	free(m->resource_version);
	m->resource_version = xstrdup(rv);
}

static int op_update_rs(struct dsync *s, struct k8c_replica_set *rs)
{
	struct world *w = w_of(s);
	struct sim_rs *x = find(w, rs->metadata.name);

	if (!x)
		return -ENOENT;
	bool spec_changed = !k8c_equal(&k8c_type_replica_set_spec, &x->rs->spec, &rs->spec);
	struct k8c_replica_set_status st;
	k8c_copy(&k8c_type_replica_set_status, &st, &x->rs->status);
	int64_t gen = x->rs->metadata.generation + spec_changed;
	k8c_free(&k8c_type_replica_set, x->rs);
	x->rs = k8c_dup(&k8c_type_replica_set, rs);
	k8c_release(&k8c_type_replica_set_status, &x->rs->status);
	x->rs->status = st; /* an update of the object never changes its status */
	x->rs->metadata.generation = gen;
	bump_rv(w, &x->rs->metadata);
	bump_rv(w, &rs->metadata);
	w->writes++;
	return 0;
}

static int op_create_rs(struct dsync *s, const struct k8c_replica_set *rs,
			struct k8c_replica_set **ret, struct strbuf *err_msg)
{
	struct world *w = w_of(s);

	if (find(w, rs->metadata.name)) {
		strbuf_addstr(err_msg, "already exists");
		return -EEXIST;
	}
	if (w->n >= MAX_RS)
		return -ENOSPC;
	struct sim_rs *x = &w->rs[w->n++];
	memset(x, 0, sizeof(*x));
	x->rs = k8c_dup(&k8c_type_replica_set, rs);
	x->rs->metadata.uid = xstrdup(rs->metadata.name);
	x->rs->metadata.creation_timestamp = w->now + (int64_t)w->n; /* distinct, ordered */
	x->rs->metadata.generation = 1;
	bump_rv(w, &x->rs->metadata);
	*ret = k8c_dup(&k8c_type_replica_set, x->rs);
	w->writes++;
	w->creates++;
	return 0;
}

static int op_delete_rs(struct dsync *s, const struct k8c_replica_set *rs)
{
	struct world *w = w_of(s);
	struct sim_rs *x = find(w, rs->metadata.name);

	if (!x)
		return -ENOENT;
	CHECK_INT(x->pods, 0);
	k8c_free(&k8c_type_replica_set, x->rs);
	*x = w->rs[--w->n];
	w->writes++;
	w->deletes++;
	return 0;
}

static int op_update_status(struct dsync *s, struct k8c_deployment *d)
{
	struct world *w = w_of(s);

	k8c_release(&k8c_type_deployment_status, &w->d->status);
	k8c_copy(&k8c_type_deployment_status, &w->d->status, &d->status);
	k8c_strmap_release(&w->d->metadata.annotations);
	k8c_strmap_copy(&w->d->metadata.annotations, &d->metadata.annotations);
	bump_rv(w, &w->d->metadata);
	w->writes++;
	return 0;
}

static struct k8c_replica_set *op_get_rs(struct dsync *s, const char *ns, const char *name)
{
	struct sim_rs *x = w_of(s)->cache_blind ? NULL : find(w_of(s), name);

	return x ? k8c_dup(&k8c_type_replica_set, x->rs) : NULL;
}

static void op_requeue(struct dsync *s, int64_t delay_ms)
{
	w_of(s)->requeues++;
}

static const struct dsync_ops sim_ops = {
	.update_rs = op_update_rs,
	.create_rs = op_create_rs,
	.delete_rs = op_delete_rs,
	.update_status = op_update_status,
	.get_rs = op_get_rs,
	.requeue = op_requeue,
};

/* One sync of the Deployment over the world's current state. */
static int sync_once(struct world *w)
{
	struct dsync s;

	dsync_init(&s, &sim_ops, w, w->d, w->now);
	for (size_t i = 0; i < w->n; i++) {
		dsync_add_rs(&s, w->rs[i].rs);
		dsync_add_pods(&s, w->rs[i].rs->metadata.uid, w->rs[i].pods);
	}
	int r = dsync_run(&s);
	dsync_release(&s);
	return r;
}

static bool is_new_image(struct world *w, const struct sim_rs *x)
{
	return w->new_image &&
	       !strcmp(x->rs->spec.template.spec.containers[0].image, w->new_image);
}

static void check_bounds(struct world *w)
{
	int pods = 0, ready = 0, old_pods = 0, new_pods = 0;

	for (size_t i = 0; i < w->n; i++) {
		pods += w->rs[i].pods;
		ready += w->rs[i].ready;
		if (is_new_image(w, &w->rs[i]))
			new_pods += w->rs[i].pods;
		else
			old_pods += w->rs[i].pods;
	}
	if ((w->max_pods >= 0 && pods > w->max_pods) || (w->min_ready >= 0 && ready < w->min_ready))
		w->violations++;
	if (new_pods && old_pods)
		w->overlap = true;
}

/* The lagging ReplicaSet controller: one ReplicaSet catches up with its spec. */
static void rs_controller_step(struct world *w)
{
	if (!w->n)
		return;
	w->seed = w->seed * 1103515245u + 12345u;
	struct sim_rs *x = &w->rs[(w->seed >> 16) % w->n];
	int excess = x->pods - drs_replicas(x->rs);

	if (excess > 0) { /* not-ready pods go first */
		int unready = x->pods - x->ready, k = excess < unready ? excess : unready;
		x->pods -= excess;
		x->ready -= excess - k;
	} else if (excess < 0) {
		x->pods = drs_replicas(x->rs);
	}
	x->rs->status.replicas = x->pods;
	x->rs->status.ready_replicas = x->ready;
	x->rs->status.available_replicas = x->ready;
	x->rs->status.observed_generation = x->rs->metadata.generation;
}

static void kubelet_step(struct world *w)
{
	if (w->kubelet_frozen)
		return;
	for (size_t i = 0; i < w->n; i++)
		if (w->rs[i].ready < w->rs[i].pods)
			w->rs[i].ready++; /* status shows it at its controller's next step */
}

/* Runs steps until a sync of a settled world writes nothing (at most max_steps). */
static int run_until_settled(struct world *w, int max_steps)
{
	for (int step = 0; step < max_steps; step++) {
		int before = w->writes;
		CHECK_INT(sync_once(w), 0);
		check_bounds(w);
		bool quiet = w->writes == before;
		bool settled = quiet;
		for (size_t i = 0; i < w->n; i++)
			settled &= w->rs[i].pods == drs_replicas(w->rs[i].rs) &&
				   w->rs[i].ready == w->rs[i].pods &&
				   w->rs[i].rs->status.replicas == w->rs[i].pods &&
				   w->rs[i].rs->status.available_replicas == w->rs[i].ready;
		if (settled)
			return step;
		for (size_t k = 0; k < 3; k++) {
			rs_controller_step(w);
			check_bounds(w);
		}
		kubelet_step(w);
		check_bounds(w);
		w->now += WL_SEC;
	}
	ktest_fail(__FILE__, __LINE__, "the rollout did not settle in %d steps", max_steps);
	return -1;
}

static struct world *world_new(int32_t replicas, const char *image)
{
	struct world *w = xcalloc(1, sizeof(*w));

	w->d = wl_deployment(replicas, image);
	w->now = 1700000000 * WL_SEC;
	w->seed = 42;
	w->max_pods = w->min_ready = -1;
	return w;
}

static void world_free(struct world *w)
{
	for (size_t i = 0; i < w->n; i++)
		k8c_free(&k8c_type_replica_set, w->rs[i].rs);
	k8c_free(&k8c_type_deployment, w->d);
	free(w);
}

/* A user's edit of the template (a new generation). */
static void set_image(struct world *w, const char *image)
{
	free(w->d->spec.template.spec.containers[0].image);
	w->d->spec.template.spec.containers[0].image = xstrdup(image);
	w->d->metadata.generation++;
}

static const char *ann(const struct k8c_object_meta *m, const char *key)
{
	return k8c_strmap_get(&m->annotations, key);
}

static struct sim_rs *rs_with_image(struct world *w, const char *image)
{
	for (size_t i = 0; i < w->n; i++)
		if (!strcmp(w->rs[i].rs->spec.template.spec.containers[0].image, image))
			return &w->rs[i];
	return NULL;
}

static void rolling(int32_t replicas, const char *surge, const char *unavail)
{
	struct world *w = world_new(replicas, "img:a");
	int32_t s, u;

	wl_strategy(w->d, "RollingUpdate", surge, unavail);
	dep_fenceposts(w->d, &s, &u);
	run_until_settled(w, 200);
	w->max_pods = replicas + s;
	w->min_ready = replicas - u;
	w->new_image = "img:b";
	set_image(w, "img:b");
	run_until_settled(w, 400);
	CHECK_INT(w->violations, 0);
	REQUIRE(w->n == 2);
	struct sim_rs *a = rs_with_image(w, "img:a"), *b = rs_with_image(w, "img:b");
	REQUIRE(a && b);
	CHECK_INT(b->pods, replicas);
	CHECK_INT(a->pods, 0);
	CHECK_STR(ann(&a->rs->metadata, DEP_ANN_REVISION), "1");
	CHECK_STR(ann(&b->rs->metadata, DEP_ANN_REVISION), "2");
	CHECK_STR(ann(&w->d->metadata, DEP_ANN_REVISION), "2");
	CHECK_STR(k8c_strmap_get(&b->rs->spec.template.metadata.labels, DEP_LABEL_HASH),
		  strrchr(b->rs->metadata.name, '-') + 1);
	const struct k8c_deployment_status *st = &w->d->status;
	CHECK_INT(st->updated_replicas, replicas);
	CHECK_INT(st->available_replicas, replicas);
	CHECK_INT(st->observed_generation, 2);
	const struct k8c_deployment_condition *p = dep_condition(st, "Progressing");
	const struct k8c_deployment_condition *av = dep_condition(st, "Available");
	REQUIRE(p && av);
	CHECK_STR(p->reason, "NewReplicaSetAvailable");
	CHECK_STR(av->status, "True");
	CHECK_STR(av->reason, "MinimumReplicasAvailable");
	/* Idle: syncing again writes nothing. */
	int before = w->writes;
	for (int i = 0; i < 5; i++)
		sync_once(w);
	CHECK_INT(w->writes, before);
	world_free(w);
}

TEST(rolling_update_stays_within_surge_and_unavailable)
{
	rolling(10, NULL, NULL); /* 25% / 25% */
	rolling(10, "0", "1");
	rolling(10, "1", "0");
	rolling(5, "100%", "0");
	rolling(7, "3", "2");
	rolling(1, NULL, NULL);
}

TEST(rollback_reuses_the_old_replicaset)
{
	struct world *w = world_new(4, "img:a");

	run_until_settled(w, 200);
	set_image(w, "img:b");
	run_until_settled(w, 300);
	char *a_name = xstrdup(rs_with_image(w, "img:a")->rs->metadata.name);
	int creates = w->creates;
	set_image(w, "img:a"); /* what `kubectl rollout undo` does */
	run_until_settled(w, 300);
	CHECK_INT(w->creates, creates);
	CHECK_INT(w->n, 2);
	struct sim_rs *a = rs_with_image(w, "img:a");
	REQUIRE(a);
	CHECK_STR(a->rs->metadata.name, a_name);
	CHECK_INT(a->pods, 4);
	CHECK_STR(ann(&a->rs->metadata, DEP_ANN_REVISION), "3");
	CHECK_STR(ann(&a->rs->metadata, DEP_ANN_REVISION_HISTORY), "1");
	CHECK_STR(ann(&w->d->metadata, DEP_ANN_REVISION), "3");
	free(a_name);
	world_free(w);
}

TEST(recreate_removes_old_pods_before_creating_new_ones)
{
	struct world *w = world_new(5, "img:a");

	wl_strategy(w->d, "Recreate", NULL, NULL);
	run_until_settled(w, 200);
	w->new_image = "img:b";
	set_image(w, "img:b");
	run_until_settled(w, 300);
	CHECK(!w->overlap);
	CHECK_INT(rs_with_image(w, "img:b")->pods, 5);
	CHECK_INT(rs_with_image(w, "img:a")->pods, 0);
	world_free(w);
}

TEST(revision_history_limit_keeps_that_many_old_replicasets)
{
	struct world *w = world_new(2, "img:0");
	char image[16];

	w->d->spec.revision_history_limit = 2;
	w->d->spec.has_revision_history_limit = true;
	run_until_settled(w, 200);
	for (int i = 1; i <= 5; i++) {
		snprintf(image, sizeof(image), "img:%d", i);
		set_image(w, image);
		run_until_settled(w, 300);
	}
	CHECK_INT(w->n, 3);
	CHECK(rs_with_image(w, "img:5") && rs_with_image(w, "img:4") && rs_with_image(w, "img:3"));
	CHECK_INT(w->deletes, 3);
	world_free(w);
}

TEST(scaling_mid_rollout_is_proportional)
{
	struct world *w = world_new(10, "img:a"); /* surge 3, unavailable 2 */

	run_until_settled(w, 200);
	w->kubelet_frozen = true; /* new pods never get ready: the rollout stalls */
	set_image(w, "img:b");
	for (int i = 0; i < 30; i++) {
		sync_once(w);
		rs_controller_step(w);
		rs_controller_step(w);
	}
	struct sim_rs *a = rs_with_image(w, "img:a"), *b = rs_with_image(w, "img:b");
	REQUIRE(a && b);
	CHECK_INT(drs_replicas(a->rs), 8);
	CHECK_INT(drs_replicas(b->rs), 5);
	w->d->spec.replicas = 20; /* allowed: 20 + 5 surge = 25 */
	w->d->metadata.generation++;
	sync_once(w);
	CHECK_INT(drs_replicas(a->rs) + drs_replicas(b->rs), 25);
	/* 8 * 25 / 13 = 15.4 -> 15; 5 * 25 / 13 = 9.6 -> 10 */
	CHECK_INT(drs_replicas(a->rs), 15);
	CHECK_INT(drs_replicas(b->rs), 10);
	CHECK_STR(ann(&a->rs->metadata, DEP_ANN_DESIRED_REPLICAS), "20");
	world_free(w);
}

TEST(paused_deployment_scales_but_does_not_roll)
{
	struct world *w = world_new(3, "img:a");

	run_until_settled(w, 200);
	w->d->spec.paused = true;
	set_image(w, "img:b");
	sync_once(w);
	CHECK_INT(w->n, 1);
	const struct k8c_deployment_condition *p = dep_condition(&w->d->status, "Progressing");
	REQUIRE(p);
	CHECK_STR(p->status, "Unknown");
	CHECK_STR(p->reason, "DeploymentPaused");
	w->d->spec.replicas = 5;
	run_until_settled(w, 100);
	CHECK_INT(w->n, 1);
	CHECK_INT(w->rs[0].pods, 5);
	w->d->spec.paused = false;
	run_until_settled(w, 300);
	REQUIRE(rs_with_image(w, "img:b"));
	CHECK_INT(rs_with_image(w, "img:b")->pods, 5);
	world_free(w);
}

TEST(progress_deadline_exceeded_when_nothing_moves)
{
	struct world *w = world_new(3, "img:a");

	w->d->spec.progress_deadline_seconds = 10;
	w->d->spec.has_progress_deadline_seconds = true;
	run_until_settled(w, 200);
	w->kubelet_frozen = true;
	set_image(w, "img:b");
	for (int i = 0; i < 10; i++) {
		sync_once(w);
		rs_controller_step(w);
		rs_controller_step(w);
	}
	const struct k8c_deployment_condition *p = dep_condition(&w->d->status, "Progressing");
	REQUIRE(p);
	CHECK_STR(p->status, "True");
	CHECK(w->requeues > 0); /* a stuck rollout is looked at again at its deadline */
	w->now += 11 * WL_SEC;
	sync_once(w);
	p = dep_condition(&w->d->status, "Progressing");
	REQUIRE(p);
	CHECK_STR(p->status, "False");
	CHECK_STR(p->reason, "ProgressDeadlineExceeded");
	CHECK(strstr(p->message, "has timed out progressing") != NULL);
	world_free(w);
}

TEST(hash_collision_bumps_collision_count)
{
	struct world *w = world_new(2, "img:a");
	struct k8c_replica_set *probe = NULL;
	struct strbuf hash = STRBUF_INIT, name = STRBUF_INIT;

	/* Someone else's ReplicaSet already has the name our template hashes to. */
	dep_template_hash(&w->d->spec.template, NULL, &hash);
	strbuf_addf(&name, "web-%s", hash.buf);
	probe = wl_rs(name.buf, 0, 1, 0);
	k8c_strmap_set(&probe->spec.template.metadata.labels, "app", "other");
	w->rs[w->n].rs = probe;
	w->rs[w->n++].pods = 0;
	CHECK(sync_once(w) < 0);
	CHECK_INT(w->d->status.collision_count, 1);
	CHECK(w->d->status.has_collision_count);
	/* The impostor is not ours: the next syncs pick another name (left out of the claim). */
	k8c_free(&k8c_type_replica_set, w->rs[--w->n].rs);
	run_until_settled(w, 200);
	REQUIRE(w->n == 1);
	CHECK(strcmp(w->rs[0].rs->metadata.name, name.buf) != 0);
	strbuf_release(&hash);
	strbuf_release(&name);
	world_free(w);
}

TEST(already_exists_before_the_cache_saw_it_is_not_a_collision)
{
	struct world *w = world_new(2, "img:a");

	run_until_settled(w, 200);
	/* A sync that missed our own ReplicaSet (the informer lags): the create
	 * fails with AlreadyExists and the lister does not know it yet. */
	struct dsync s;
	dsync_init(&s, &sim_ops, w, w->d, w->now); /* no ReplicaSet claimed */
	w->cache_blind = true;
	CHECK_INT(dsync_run(&s), -EEXIST);
	dsync_release(&s);
	CHECK(!w->d->status.has_collision_count);
	CHECK_INT(w->n, 1);
	world_free(w);
}
