/*
 * component.h - the command line every k8c daemon shares (controller manager, scheduler,
 * kubelet), with Kubernetes' flag names, and the client and leader election they set up:
 *
 *   --kubeconfig FILE         kubeconfig to use (else $KUBECONFIG, else ~/.kube/config,
 *                             else http://localhost:8080, resolved as kubectl does)
 *   --server URL, --master URL  the API server, overriding the kubeconfig's
 *   --kube-api-qps N          client rate limit (< 0: none); --kube-api-burst N
 *   --leader-elect[=BOOL]     campaign on a Lease before doing any work (default true)
 *   --leader-elect-lease-duration D   (default 15s)
 *   --leader-elect-renew-deadline D   (default 10s)
 *   --leader-elect-retry-period D     (default 2s)
 *   --leader-elect-resource-namespace NS (default kube-system)
 *   --leader-elect-resource-name NAME    (default: the component's name)
 *   -v N, --v N               log verbosity as klog's: 0 = info (default), >= 4 = debug
 *
 * As with Go's pflag: "--flag value" and "--flag=value"; booleans only as "--flag" or
 * "--flag=false" (1 t T TRUE true True / 0 f F FALSE false False); durations as Go
 * writes them ("15s", "1.5s", "500ms", "1m30s"); "-v3" and "-v=3" too; "--" ends the
 * flags. Not thread-safe; call from main() before starting threads.
 */
#ifndef K8C_CLIENT_COMPONENT_H
#define K8C_CLIENT_COMPONENT_H

#include "client/leader.h"
#include "client/rest.h"

struct k8c_component_options {
	const char *name;	/* "kube-scheduler"...: default lease name, user agent */
	const char *kubeconfig; /* NULL: $KUBECONFIG / ~/.kube/config; borrowed from argv */
	const char *server;	/* NULL: the kubeconfig's */
	double qps;		/* 0: client-go's 5 */
	int burst;		/* 0: 10 */
	bool leader_elect;
	int64_t lease_duration_ms;
	int64_t renew_deadline_ms;
	int64_t retry_period_ms;
	const char *lease_namespace;
	const char *lease_name;
	int verbosity;
};

/*
 * Sets o to the defaults of a component called name (borrowed; must outlive o) whose own
 * client defaults are qps/burst (kube-scheduler: 50/100, kube-controller-manager: 20/30).
 */
void k8c_component_options_init(struct k8c_component_options *o, const char *name, double qps,
				int burst);

/*
 * Takes the shared flags out of argv (argc entries; argv[0] kept), compacting the rest
 * in order, and stores them in o; values are borrowed from argv. *argc becomes the count
 * left. Applies -v at once (log_set_level) so that start-up lines honour it.
 * Returns 0, or -EINVAL with one line in err (may be NULL) for a bad value or a flag
 * without its value; argv is then partly compacted and should not be used.
 */
int k8c_component_parse(struct k8c_component_options *o, int *argc, char **argv,
			struct strbuf *err);

/*
 * Go's time.ParseDuration ("40s", "1m30s", "500ms"; no sign, no exponent), truncated to
 * milliseconds, for a component's own duration flags. Returns 0 and *ret, or -EINVAL.
 */
int k8c_component_parse_duration(const char *s, int64_t *ret);

/* Writes the shared flags' help, one line each, for a component's --help. */
void k8c_component_usage(FILE *out);

/*
 * Resolves the rest config from o (kubeconfig + --server, then --kube-api-qps/-burst)
 * and creates a client whose user agent is "<name>/<version>", plus "/<agent_suffix>"
 * when it is not NULL (Kubernetes gives leader election a client of its own,
 * "leader-election", so that controllers' requests never delay renewals).
 * Returns 0 and *ret, or a negative errno with a kubectl-like message in err.
 */
int k8c_component_client(const struct k8c_component_options *o, const char *agent_suffix,
			 struct k8c_client **ret, struct strbuf *err);

/*
 * Fills *ret from o for campaigning as identity (borrowed; see k8c_component_identity):
 * Lease, durations; callbacks and userdata NULL for the caller to set.
 */
void k8c_component_leader_config(const struct k8c_component_options *o, const char *identity,
				 struct k8c_leader_config *ret);

/*
 * Tunes glibc's malloc for a daemon that caches many objects (informers):
 * less memory for a little more CPU per allocation (component.c says what
 * each costs and saves). Call from main() before starting threads. Cannot
 * fail.
 */
enum {
	K8C_MALLOC_NO_FASTBINS = 1 << 0, /* M_MXFAST 0 */
	K8C_MALLOC_FEW_ARENAS = 1 << 1,	 /* M_ARENA_MAX 2 */
};
void k8c_component_tune_malloc(unsigned what);

/* A new unique candidate identity, "<hostname>_<uuid>" as Kubernetes' components use. */
char *k8c_component_identity(void);

#endif
