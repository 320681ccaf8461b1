/*
 * replicaset.h - the ReplicaSet controller (Kubernetes'
 * pkg/controller/replicaset): keeps spec.replicas active pods for every
 * ReplicaSet, adopting orphans its selector matches and releasing pods that
 * stop matching, and writes the ReplicaSet's status.
 */
#ifndef K8C_CONTROLLERS_REPLICASET_H
#define K8C_CONTROLLERS_REPLICASET_H

#include "controllers/controller.h"

/* "replicaset" in --controllers. */
extern const struct controller_def replicaset_controller;

#endif
