/*
 * manager_list.c - every controller k8c-controller-manager knows, one line
 * each, in start order (as kube-controller-manager's NewControllerInitializers).
 * --controllers names them ("*", "foo", "-foo"); all are on by default.
 */
#include "controllers/manager.h"

#include "controllers/deployment/deployment.h"
#include "controllers/endpoints/endpoints.h"
#include "controllers/gc/gc.h"
#include "controllers/namespace/namespace.h"
#include "controllers/nodelifecycle/nodelifecycle.h"
#include "controllers/replicaset/replicaset.h"

const struct controller_def *const controller_list[] = {
	&replicaset_controller,
	&deployment_controller,
	&endpoints_controller_def,
	&gc_controller_def,
	&namespace_controller_def,
	&nodelifecycle_controller_def,
	NULL,
};
