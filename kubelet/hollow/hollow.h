/*
 * hollow.h - hollow nodes, like Kubernetes' kubemark: one process
 * simulating --hollow-nodes N nodes named <prefix>0 ... <prefix>N-1. Each
 * has its own Node (registered with fixed, generous capacity), its own Lease
 * renewed every --lease-renew-interval, and its own pod informer
 * (spec.nodeName=<it>); pods bound to it are reported Running and Ready,
 * with a fake pod IP from the node's own /24, through the real API — and a
 * deleted one gets the kubelet's final delete at once. No containers run.
 * Writes are made by --hollow-workers threads (32) sharing one API client.
 */
#ifndef K8C_KUBELET_HOLLOW_HOLLOW_H
#define K8C_KUBELET_HOLLOW_HOLLOW_H

#include "kubelet/config.h"

/* Runs the hollow nodes of cfg until *stop becomes non-zero. Returns 0 or a negative errno. */
int hollow_run(const struct kubelet_config *cfg, volatile int *stop);

#endif
