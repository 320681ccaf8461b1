/*
 * worker_internal.h - the pod worker's state, shared by worker.c (thread
 * and wake-ups), sync.c (running the pod), terminate.c (killing it) and
 * status_write.c. Not for other parts of the kubelet: they see worker.h.
 */
#ifndef K8C_KUBELET_WORKER_INTERNAL_H
#define K8C_KUBELET_WORKER_INTERNAL_H

#include <pthread.h>

#include "kubelet/backoff.h"
#include "kubelet/docker/docker.h"
#include "kubelet/kubelet.h"
#include "kubelet/observed.h"
#include "kubelet/worker.h"

/* Why a container waits, remembered between syncs until it starts. */
struct container_memo {
	char *name;
	const char *reason; /* static */
	char *message;
};

struct pod_worker {
	struct kubelet *k;
	char *uid;
	pthread_t thread;
	bool thread_started;
	pthread_mutex_t lock;
	pthread_cond_t cond;

	/* under lock */
	const struct k8c_pod *pod; /* the newest version (a reference to the informer's
				    * read-only object), NULL for an orphan */
	bool removed;	     /* the pod object is gone from the API */
	bool dirty;	     /* sync again as soon as possible */
	bool stop;	     /* kubelet shutdown */
	bool done;	     /* everything removed; the thread ended */
	struct k8c_pod_status published; /* the newest computed status, for the log server */
	bool have_published;

	/* the worker thread's own */
	struct docker_client *dc;
	struct backoff_table restarts; /* keyed by container name */
	struct backoff_table images;   /* keyed by image */
	struct container_memo *memos;
	size_t n_memos;
	struct prober *prober;
	int64_t wake_ns; /* wall clock: sync again then (0: only at the resync) */
	struct k8c_pod_status written; /* what this worker last wrote */
	bool have_written;
	long long written_rv; /* the resourceVersion that write made (-1: unknown) */
};

/*
 * One sync of pod (the worker's private copy; NULL for an orphan) as
 * Kubernetes' syncPod: kill and clean up when it is deleted or removed,
 * else sandbox, init containers in order, app containers with restart
 * policy and back-off, then the status. Returns true when the worker has
 * nothing left to do (everything of a removed pod is gone).
 */
bool sync_pod(struct pod_worker *w, const struct k8c_pod *pod, bool removed);

/*
 * Kills what runs of the pod (SIGTERM, SIGKILL after grace_s), removes its
 * containers and volumes. Returns 0, or a negative errno when Docker failed
 * (the worker retries).
 */
int terminate_containers(struct pod_worker *w, const struct observed_pod *obs, int64_t grace_s);

/* Stops one container: its stop signal, SIGKILL after grace_s seconds. */
void terminate_one(struct pod_worker *w, const struct observed_container *c, int64_t grace_s,
		   const char *why);

/*
 * Writes status to the API as the pod's status (a JSON merge patch of
 * /status that replaces it whole) unless it equals what the API or this
 * worker last had. Returns 0 or a negative errno (-ENOENT: the pod is gone).
 */
int status_write(struct pod_worker *w, const struct k8c_pod *pod,
		 const struct k8c_pod_status *status);

/* Records a Kubernetes event about pod (also logged). */
void worker_event(struct pod_worker *w, const struct k8c_pod *pod, const char *type,
		  const char *reason, const char *fmt, ...) K8C_PRINTF(5, 6);

/* The probes' notify function: wakes the worker ud. */
void worker_notify(void *ud);

/* Sync again no later than at ns (wall clock). */
void worker_wake_at(struct pod_worker *w, int64_t ns);

#endif
