/*
 * deployment.h - the Deployment controller (Kubernetes'
 * pkg/controller/deployment): a ReplicaSet per pod template, rolled out with
 * the RollingUpdate or Recreate strategy, revisions and rollback, pause,
 * progress deadline, proportional scaling, revision history clean-up.
 */
#ifndef K8C_CONTROLLERS_DEPLOYMENT_H
#define K8C_CONTROLLERS_DEPLOYMENT_H

#include "controllers/controller.h"

/* "deployment" in --controllers. */
extern const struct controller_def deployment_controller;

#endif
