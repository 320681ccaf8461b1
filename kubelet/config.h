/*
 * config.h - the kubelet's settings: what the command line says, with
 * Kubernetes' defaults for everything it does not (10 s lease renewal, 40 s
 * lease duration, 10 s..5 min restart back-off, 110 pods...). The test suites
 * shorten the periods with flags. Parsed once at start; read-only afterwards
 * and shared by every thread.
 */
#ifndef K8C_KUBELET_CONFIG_H
#define K8C_KUBELET_CONFIG_H

#include "base/base.h"
#include "client/component.h"

#define KUBELET_VERSION "v1.28.0-k8c.0.1.0"
#define KUBELET_DEFAULT_PORT 10250
#define KUBELET_PAUSE_IMAGE "k8c.local/pause:latest"

struct kubelet_config {
	/*
	 * The flags every daemon shares (client/component.h): --kubeconfig,
	 * --server, --kube-api-qps (default 50 as Kubernetes' kubelet; unlimited
	 * for hollow nodes), --kube-api-burst (100), -v.
	 */
	struct k8c_component_options comp;

	/* this node */
	const char *node_name; /* default: the host name (lowercased) */
	const char *node_ip;   /* NULL: the address of the default route's interface */
	const char *docker_socket;
	const char *root_dir;	  /* pods' volumes live in ROOT/pods/<uid>/volumes */
	const char *bind_address; /* where the log server listens ("0.0.0.0") */
	int port;		  /* its port; 0 picks one (see port_file) */
	const char *port_file;	  /* written with the port once listening */
	int max_pods;

	/* images */
	bool image_pull;	  /* false (--image-pull=never): pulls are disabled */
	const char *pause_image;  /* the sandbox image */
	const char *pause_binary; /* imported as pause_image when it is missing; NULL: none */

	/* periods, ms */
	int64_t lease_renew_ms;	       /* 10 s */
	int32_t lease_duration_s;      /* 40 s */
	int64_t node_status_update_ms; /* how often the node status is computed (10 s) */
	int64_t node_status_report_ms; /* written unchanged at least this often (5 min) */
	int64_t sync_ms;	       /* every pod is synced at least this often (10 s) */
	int64_t relist_ms;	       /* the container relist that notices exits (1 s) */
	int64_t backoff_base_ms;       /* restart and image back-off: first delay (10 s) */
	int64_t backoff_max_ms;	       /* and the cap (5 min) */

	/* hollow mode */
	int hollow_nodes; /* > 0: simulate this many nodes instead of running pods */
	const char *node_name_prefix;
	int hollow_workers; /* threads that write the hollow pods' statuses */
};

/* Fills cfg with the defaults (no node name: kubelet_config_parse sets it). */
void kubelet_config_defaults(struct kubelet_config *cfg);

/*
 * Parses the command line into cfg (defaults first); durations as Go writes
 * them ("10s", "300ms", "1m30s"). Returns 0, 1 when --help was asked (usage
 * printed to stdout), or -EINVAL with one clear line on stderr for a bad
 * flag or value. argv is reordered; its strings are borrowed by cfg.
 */
int kubelet_config_parse(struct kubelet_config *cfg, int argc, char **argv);

#endif
