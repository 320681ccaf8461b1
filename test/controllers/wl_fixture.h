/*
 * wl_fixture.h - typed workload objects built in code for the unit tests of
 * the ReplicaSet and Deployment controllers: pods in a given state,
 * ReplicaSets and Deployments with the fields those tests vary.
 */
#ifndef K8C_TEST_CONTROLLERS_WL_FIXTURE_H
#define K8C_TEST_CONTROLLERS_WL_FIXTURE_H

#include "api/types.gen.h"

#define WL_SEC 1000000000LL

/* A pod: node "" = unscheduled, phase NULL = unset; ready_at 0 = not ready. */
struct k8c_pod *wl_pod(const char *name, const char *node, const char *phase, int64_t ready_at,
		       int32_t restarts, int64_t created);

/* A Deployment "web" (uid "d-uid", generation 1) of replicas with image and app=web. */
struct k8c_deployment *wl_deployment(int32_t replicas, const char *image);

/* Sets d's strategy: "Recreate", or RollingUpdate with surge / unavailable ("25%", "1"; NULL unset). */
void wl_strategy(struct k8c_deployment *d, const char *type, const char *surge,
		 const char *unavailable);

/* A ReplicaSet named name with replicas, created at created (seconds), revision (0: none). */
struct k8c_replica_set *wl_rs(const char *name, int32_t replicas, int64_t created, int revision);

#endif
