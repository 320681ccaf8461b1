/*
 * binder.h - a pool of threads that write the scheduler's decisions to the
 * API server concurrently over the shared keep-alive client: bindings
 * (POST pods/NAME/binding) and the PodScheduled=False condition of pods
 * that fit nowhere. The scheduling loop never waits for the network; each
 * finished job calls back (on a pool thread). Thread-safe.
 */
#ifndef K8C_SCHEDULER_BINDER_H
#define K8C_SCHEDULER_BINDER_H

#include "client/rest.h"

struct sched_binder;

enum sched_job_type {
	SCHED_JOB_BIND,          /* bind namespace/name (uid) to node */
	SCHED_JOB_UNSCHEDULABLE, /* set PodScheduled=False, reason Unschedulable, message */
};

struct sched_job {
	enum sched_job_type type;
	char *key;       /* "namespace/name" */
	char *namespace;
	char *name;
	char *uid;
	char *node;    /* SCHED_JOB_BIND */
	char *message; /* SCHED_JOB_UNSCHEDULABLE */
};

/*
 * Called on a pool thread when job is done: rc 0 or the negative errno of
 * rest.h (-ENOENT the pod is gone, -EBUSY conflict: already bound...). The
 * job is freed after the call.
 */
typedef void (*sched_job_done_fn)(void *userdata, const struct sched_job *job, int rc);

/* Starts workers threads writing through client (borrowed). */
struct sched_binder *sched_binder_new(struct k8c_client *client, int workers,
				      sched_job_done_fn done, void *userdata);
/* Queues a job; takes ownership of job (allocated with sched_job_new). */
void sched_binder_submit(struct sched_binder *b, struct sched_job *job);
/* A job with copies of the strings (node and message may be NULL). */
struct sched_job *sched_job_new(enum sched_job_type type, const char *ns, const char *name,
				const char *uid, const char *node, const char *message);
void sched_job_free(struct sched_job *job);
/* Jobs queued or running. */
size_t sched_binder_pending(struct sched_binder *b);
/* Finishes the queued jobs, stops the threads and frees b. NULL-safe. */
void sched_binder_free(struct sched_binder *b);

#endif
