/*
 * test_gc_decide.c - unit tests of the garbage collector's decisions: keep,
 * cut dangling references, delete (background, or the policy a finalizer
 * already asks for), foreground deletion of dependents that own objects,
 * the cycle guard; and the patch bodies.
 */
#include "api/codec.h"
#include "controllers/gc/gc_internal.h"
#include "test/controllers/gc_fixture.h"

#define REF(uid, block) \
	"{'apiVersion':'apps/v1','kind':'ReplicaSet','name':'rs-" uid "','uid':'" uid "'" block "}"

static struct k8c_object_meta *meta(const char *json)
{
	return FIXTURE(&k8c_type_object_meta, json);
}

static void decide(const char *json, const enum gc_owner_state *st, bool deps, bool cycle,
		   struct gc_decision *d)
{
	struct k8c_object_meta *m = meta(json);
	memset(d, 0xff, sizeof(*d));
	if (m)
		gc_decide(m, st, deps, cycle, d);
	k8c_free(&k8c_type_object_meta, m);
}

TEST(no_owners_or_a_solid_owner_keeps)
{
	struct gc_decision d;
	decide("{'name':'p'}", NULL, false, false, &d);
	CHECK_INT(d.action, GC_KEEP);
	enum gc_owner_state solid[] = { GC_OWNER_SOLID };
	decide("{'name':'p','ownerReferences':[" REF("a", "") "]}", solid, false, false, &d);
	CHECK_INT(d.action, GC_KEEP);
}

TEST(solid_owner_with_dangling_ones_cuts_references)
{
	struct gc_decision d;
	enum gc_owner_state st[] = { GC_OWNER_DANGLING, GC_OWNER_SOLID, GC_OWNER_WAITING };
	decide("{'name':'p','ownerReferences':[" REF("a", "") "," REF("b", "") "," REF("c", "")
	       "]}", st, true, false, &d);
	CHECK_INT(d.action, GC_REMOVE_REFS);
}

TEST(all_owners_gone_deletes_in_background)
{
	struct gc_decision d;
	enum gc_owner_state st[] = { GC_OWNER_DANGLING, GC_OWNER_DANGLING };
	decide("{'name':'p','ownerReferences':[" REF("a", "") "," REF("b", "") "]}", st, true,
	       false, &d);
	CHECK_INT(d.action, GC_DELETE);
	CHECK_STR(d.policy, "Background");
	CHECK(!d.unblock);
}

TEST(existing_finalizers_choose_the_policy)
{
	struct gc_decision d;
	enum gc_owner_state st[] = { GC_OWNER_DANGLING };
	decide("{'name':'p','finalizers':['orphan'],'ownerReferences':[" REF("a", "") "]}", st,
	       false, false, &d);
	CHECK_STR(d.policy, "Orphan");
	decide("{'name':'p','finalizers':['foregroundDeletion'],'ownerReferences':[" REF("a", "")
	       "]}", st, false, false, &d);
	CHECK_STR(d.policy, "Foreground");
}

TEST(waiting_owner)
{
	struct gc_decision d;
	enum gc_owner_state st[] = { GC_OWNER_WAITING, GC_OWNER_DANGLING };
	const char *m = "{'name':'rs','ownerReferences':[" REF("a", ",'blockOwnerDeletion':true")
			"," REF("b", "") "]}";
	/* without dependents of its own: a plain (background) delete */
	decide(m, st, false, false, &d);
	CHECK_INT(d.action, GC_DELETE);
	CHECK_STR(d.policy, "Background");
	/* with dependents: foreground, so that the owner waits for the grandchildren */
	decide(m, st, true, false, &d);
	CHECK_INT(d.action, GC_DELETE);
	CHECK_STR(d.policy, "Foreground");
	CHECK(!d.unblock);
	decide(m, st, true, true, &d);
	CHECK(d.unblock);
}

TEST(blocks_owner)
{
	struct k8c_object_meta *m = meta("{'ownerReferences':[" REF("a", ",'blockOwnerDeletion':true")
					 "," REF("b", ",'blockOwnerDeletion':false") "," REF("c", "")
					 "]}");
	REQUIRE(m);
	CHECK(gc_blocks_owner(m, "a"));
	CHECK(!gc_blocks_owner(m, "b"));
	CHECK(!gc_blocks_owner(m, "c"));
	CHECK(!gc_blocks_owner(m, "zzz"));
	CHECK(gc_deleting_with(m, GC_FINALIZER_ORPHAN) == false);
	k8c_free(&k8c_type_object_meta, m);
}

static void check_json(const char *file, int line, cJSON *j, const char *want)
{
	char *text = j ? cJSON_PrintUnformatted(j) : NULL;
	if (!streq_null(text, want))
		ktest_fail(file, line, "patch: %s != %s", text ? text : "(null)", want);
	free(text);
	cJSON_Delete(j);
}
#define CHECK_JSON(j, want) check_json(__FILE__, __LINE__, (j), (want))

TEST(patches)
{
	const char *uids[] = { "a", "b" };
	CHECK_JSON(gc_patch_remove_refs("dep", uids, 2),
		   "{\"metadata\":{\"ownerReferences\":[{\"$patch\":\"delete\",\"uid\":\"a\"},"
		   "{\"$patch\":\"delete\",\"uid\":\"b\"}],\"uid\":\"dep\"}}");
	struct k8c_object_meta *m = meta(
		"{'uid':'dep','resourceVersion':'7','finalizers':['x','orphan','y'],"
		"'ownerReferences':[" REF("a", ",'blockOwnerDeletion':true") "," REF("b", "") "]}");
	REQUIRE(m);
	CHECK_JSON(gc_patch_unblock(m),
		   "{\"metadata\":{\"ownerReferences\":[{\"kind\":\"ReplicaSet\","
		   "\"apiVersion\":\"apps/v1\",\"blockOwnerDeletion\":false,\"name\":\"rs-a\","
		   "\"uid\":\"a\"}],\"uid\":\"dep\"}}");
	CHECK_JSON(gc_patch_remove_finalizer(m, "orphan"),
		   "{\"metadata\":{\"resourceVersion\":\"7\",\"finalizers\":[\"x\",\"y\"]}}");
	CHECK(gc_patch_remove_finalizer(m, "foregroundDeletion") == NULL);
	k8c_free(&k8c_type_object_meta, m);
	struct k8c_object_meta *free_refs = meta("{'ownerReferences':[" REF("a", "") "]}");
	REQUIRE(free_refs);
	CHECK(gc_patch_unblock(free_refs) == NULL);
	k8c_free(&k8c_type_object_meta, free_refs);
}

TEST(queue_items)
{
	struct gc_item it;
	REQUIRE(gc_item_parse("d 0 default web-1 uid-1", &it) == 0);
	CHECK_INT(it.op, GC_OP_DELETE);
	CHECK_STR(it.kind->resource, k8c_kinds[0].resource);
	CHECK_STR(it.ns, "default");
	CHECK_STR(it.name, "web-1");
	CHECK_STR(it.uid, "uid-1");
	gc_item_release(&it);
	REQUIRE(gc_item_parse("o 3 - n1 uid-2", &it) == 0);
	CHECK_INT(it.op, GC_OP_ORPHAN);
	CHECK_STR(it.ns, ""); /* cluster-scoped */
	gc_item_release(&it);
	CHECK_INT(gc_item_parse("d 999 a b c", &it), -EINVAL);
	CHECK_INT(gc_item_parse("d -1 a b c", &it), -EINVAL);
	CHECK_INT(gc_item_parse("d 0 a b", &it), -EINVAL);
}
