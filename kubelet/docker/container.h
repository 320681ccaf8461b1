/*
 * container.h - containers: create from a spec, start, stop, kill, remove,
 * inspect, and list by label. The kubelet runs a pod as a sandbox container
 * (k8c.local/pause, holding the network namespace) and app containers that
 * join it with network_mode "container:<sandbox id>".
 *
 * Containers are named by id or name. Same thread rule and errors as
 * client.h; every out-parameter is untouched on failure.
 */
#ifndef K8C_KUBELET_DOCKER_CONTAINER_H
#define K8C_KUBELET_DOCKER_CONTAINER_H

#include "kubelet/docker/client.h"
#include "kubelet/docker/values.h"

enum docker_state {
	DOCKER_STATE_UNKNOWN = 0,
	DOCKER_STATE_CREATED,
	DOCKER_STATE_RUNNING,
	DOCKER_STATE_PAUSED,
	DOCKER_STATE_RESTARTING,
	DOCKER_STATE_REMOVING,
	DOCKER_STATE_EXITED,
	DOCKER_STATE_DEAD,
};

/* The state Docker names s ("running"...), DOCKER_STATE_UNKNOWN for others and NULL. */
enum docker_state docker_state_from_string(const char *s);
/* The name of state ("running"...; "unknown"), a static string. */
const char *docker_state_name(enum docker_state state);

/* A port to expose, published on the host when host_port is set (hostPort on hostIP). */
struct docker_port {
	uint16_t container_port;
	const char *protocol; /* "tcp" (NULL), "udp" or "sctp" */
	uint16_t host_port;   /* 0: exposed only, not published */
	const char *host_ip;  /* NULL: every address of the host */
};

/* A bind mount of a host path (created as a directory if missing); neither path may hold ':'. */
struct docker_bind {
	const char *host_path;
	const char *container_path;
	bool read_only;
};

/*
 * What to create. Everything is borrowed for the call; NULL, 0 and false
 * mean "not set" (Docker's or the image's default). String vectors are
 * NULL-terminated. The restart policy is always "no" (the kubelet restarts),
 * the log driver always json-file.
 */
struct docker_create_spec {
	const char *name;	       /* NULL: Docker makes one up */
	const char *image;	       /* required */
	const char *const *entrypoint; /* NULL: the image's; {NULL}: none */
	const char *const *cmd;	       /* NULL: the image's */
	const char *const *env;	       /* "KEY=value" */
	const char *working_dir;
	const char *user;	 /* "uid", "uid:gid" or a name */
	const char *hostname;	 /* not with network_mode "container:..." */
	const char *stop_signal; /* "SIGTERM" (Docker's default) */
	const struct docker_kv *labels;
	size_t n_labels;
	const struct docker_port *ports; /* not with network_mode "container:..." */
	size_t n_ports;
	const struct docker_bind *binds;
	size_t n_binds;
	const char *network_mode; /* "bridge" (NULL), "none", "host", "container:<id>" */
	const char *ipc_mode;	  /* "private" (NULL), "shareable", "container:<id>", "host" */
	const char *pid_mode;	  /* private (NULL), "container:<id>", "host" */
	const char *const *dns_servers;
	const char *const *dns_searches;
	const char *const *dns_options;
	int64_t memory_bytes; /* limit; 0: none */
	int64_t nano_cpus;    /* CPU limit in 1e-9 CPUs; excludes cpu_period */
	int64_t cpu_quota_us; /* CFS quota per period */
	int64_t cpu_period_us;
	int64_t cpu_shares; /* relative weight (requests) */
	int oom_score_adj;
	bool tty;
	bool open_stdin;
	bool stdin_once;
	const char *log_max_size; /* json-file "max-size", e.g. "10m" */
	const char *log_max_file; /* json-file "max-file", e.g. "5" */
};

/*
 * Creates a container (not started). Returns 0 and *ret_id (the full id,
 * caller frees), -EEXIST when the name is taken, -ENOENT when the image is
 * missing, -EINVAL for a spec the daemon (or this function: a ':' in a bind
 * path) rejects, or another negative errno (client.h).
 */
int docker_container_create(struct docker_client *c, const struct docker_create_spec *spec,
			    char **ret_id);
/* Starts container id. Returns 0 (also when it is running already) or a negative errno. */
int docker_container_start(struct docker_client *c, const char *id);
/*
 * Stops container id: its stop signal, then SIGKILL after timeout_s seconds
 * (0: at once). Waits until it has exited. Returns 0 (also when it was not
 * running) or a negative errno.
 */
int docker_container_stop(struct docker_client *c, const char *id, int timeout_s);
/*
 * Sends signal ("SIGKILL", "SIGHUP", "9"...; NULL: SIGKILL) to container
 * id. Returns 0, -EBUSY when it is not running, or a negative errno.
 */
int docker_container_kill(struct docker_client *c, const char *id, const char *signal);

#define DOCKER_REMOVE_FORCE   (1u << 0) /* kill it first if it runs */
#define DOCKER_REMOVE_VOLUMES (1u << 1) /* remove its anonymous volumes too */

/*
 * Removes container id (flags: DOCKER_REMOVE_*). Returns 0, -ENOENT when
 * there is no such container, -EBUSY when it runs and FORCE is not given or
 * it is being removed already, or a negative errno.
 */
int docker_container_remove(struct docker_client *c, const char *id, unsigned flags);

/* A mount as the daemon reports it. */
struct docker_mount {
	char *type;	   /* "bind", "volume", "tmpfs" */
	char *source;	   /* host path */
	char *destination; /* container path */
	bool read_only;
};

/* What inspect says. Strings are owned and NULL when Docker says nothing. */
struct docker_container {
	char *id;
	char *name;	/* without Docker's leading '/' */
	char *image;	/* the reference it was created from (Config.Image) */
	char *image_id; /* "sha256:<hex>" */
	enum docker_state state;
	bool running;
	bool oom_killed;
	int exit_code;
	int pid; /* 0 when not running */
	int64_t created_ns;
	int64_t started_ns;  /* 0: never started */
	int64_t finished_ns; /* 0: not finished */
	char *error;	     /* State.Error: why it could not start */
	int restart_count;
	char *ip_address;   /* on the "bridge" network, else its first network; NULL: none */
	char *network_mode; /* HostConfig.NetworkMode */
	char *hostname;
	char *log_path; /* the json-file log on the host */
	char **env;	/* "KEY=value", the image's included; never NULL */
	struct docker_labels labels;
	struct docker_mount *mounts;
	size_t n_mounts;
	int64_t memory_bytes; /* HostConfig.Memory; 0: no limit */
	int64_t nano_cpus;
	int64_t cpu_quota_us;
	int64_t cpu_period_us;
	int64_t cpu_shares;
	bool tty;
};

/*
 * Inspects container id. Returns 0 and fills *ret (release with
 * docker_container_release), -ENOENT when there is no such container, or a
 * negative errno.
 */
int docker_container_inspect(struct docker_client *c, const char *id, struct docker_container *ret);
/* Frees everything ctr owns and zeroes it. */
void docker_container_release(struct docker_container *ctr);

/* One container of a list (GET /containers/json). Strings owned. */
struct docker_container_summary {
	char *id;
	char *name; /* the first of its names, without the leading '/' */
	char *image;
	char *image_id;
	enum docker_state state;
	char *status;	    /* Docker's words: "Up 3 seconds", "Exited (0) 1 second ago" */
	int64_t created_ns; /* seconds precision */
	struct docker_labels labels;
};

struct docker_container_list {
	struct docker_container_summary *items;
	size_t n;
};

/*
 * Lists the containers that carry every label of label_filters ("key" for
 * any value or "key=value"; NULL-terminated; NULL: every container), stopped
 * ones too when all. Returns 0 and fills *ret (release with
 * docker_container_list_release) or a negative errno.
 */
int docker_container_list(struct docker_client *c, const char *const *label_filters, bool all,
			  struct docker_container_list *ret);
/* Frees every item of list and zeroes it. */
void docker_container_list_release(struct docker_container_list *list);

#endif
