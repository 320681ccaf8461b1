/*
 * podinfo.h - what the scheduler needs to know about one pod, computed once
 * from the typed object: its resource requests as Kubernetes counts them
 * (the sum over app containers, or the largest init container if that is
 * larger, plus the pod overhead), the same with the scheduler's non-zero
 * defaults for scoring (100m CPU, 200 MiB memory per container that asks for
 * nothing), the host ports it wants, and the uid of its controller. Pure;
 * thread-safe on distinct values.
 */
#ifndef K8C_SCHEDULER_PODINFO_H
#define K8C_SCHEDULER_PODINFO_H

#include "api/types.gen.h"

/* Resource amounts in the units the scheduler compares. */
struct sched_resources {
	int64_t cpu_milli;
	int64_t memory;    /* bytes */
	int64_t ephemeral; /* bytes of ephemeral-storage */
	int64_t pods;      /* pod slots */
};

/* One wanted host port: protocol, host IP ("" = every address) and port. */
struct sched_port {
	char protocol[8]; /* "TCP", "UDP", "SCTP" */
	char ip[48];
	int32_t port;
};

struct sched_podinfo {
	struct sched_resources req;     /* what the NodeResourcesFit filter checks */
	struct sched_resources nonzero; /* what scoring counts */
	struct sched_port *ports;       /* owned */
	size_t n_ports;
	char *owner_uid; /* controller ownerReference uid, or NULL; owned */
	uint32_t owner_hash; /* hashmap_hash(owner_uid), so scoring hashes it once per pod */
};

/* Default requests used for scoring only (schedutil.DefaultMilliCPURequest / MemoryRequest). */
#define SCHED_DEFAULT_MILLI_CPU 100
#define SCHED_DEFAULT_MEMORY (200LL * 1024 * 1024)

/* Fills *ret (uninitialized) from pod. Never fails: unparsable quantities count as 0. */
void sched_podinfo_init(struct sched_podinfo *ret, const struct k8c_pod *pod);
/* Frees what info owns. */
void sched_podinfo_release(struct sched_podinfo *info);

/*
 * Reads a ResourceList (allocatable, capacity, requests or limits) into *ret:
 * cpu in millicores, memory and ephemeral-storage in bytes, pods as a count.
 * Absent entries are 0.
 */
void sched_resources_from_list(const struct k8c_strmap *list, struct sched_resources *ret);

/* a += b, a -= b. */
void sched_resources_add(struct sched_resources *a, const struct sched_resources *b);
void sched_resources_sub(struct sched_resources *a, const struct sched_resources *b);

/* True when pod is Succeeded or Failed: it no longer holds node resources. */
bool sched_pod_is_terminal(const struct k8c_pod *pod);

#endif
