/*
 * rollout.h - what the rollout sub-commands share (rollout.c, rollout_history.c).
 * Internal to the rollout commands.
 */
#ifndef K8C_KUBECTL_ROLLOUT_H
#define K8C_KUBECTL_ROLLOUT_H

#include "kubectl/select.h"
#include "kubectl/workloads.h"

/* Changes a Deployment in place; returns NULL, or why it cannot ("is already paused"). */
typedef const char *(*rollout_change_fn)(cJSON *deployment);

/*
 * Parses a rollout sub-command's arguments (-f plus the extra flags, may be NULL) and
 * selects the Deployments named. verb ("status", "history", "undo", "pausing",
 * "resuming", "restarting") words the error for other kinds. Returns 0, or -1 after
 * printing an error (bad flags, unknown objects, a kind rollout does not handle).
 */
int rollout_select(struct kctl *k, const char *verb, int argc, char **argv,
		   const struct kflag *extra, struct kobjs *objs, struct kerrors *errs);

#endif
