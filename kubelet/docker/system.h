/*
 * system.h - what the Docker daemon says about itself and its machine: a
 * liveness ping, and the version and facts the kubelet puts in its Node's
 * status.nodeInfo and capacity. Same thread rule as client.h.
 */
#ifndef K8C_KUBELET_DOCKER_SYSTEM_H
#define K8C_KUBELET_DOCKER_SYSTEM_H

#include "kubelet/docker/client.h"

/* All strings owned, NULL when the daemon did not say. */
struct docker_info {
	char *server_version;	/* "20.10.24+dfsg1" (nodeInfo: "docker://" + this) */
	char *api_version;	/* "1.41" */
	char *os;		/* "linux" (GOOS, like nodeInfo.operatingSystem) */
	char *arch;		/* "amd64" (GOARCH, like nodeInfo.architecture) */
	char *kernel_version;	/* "6.1.0-13-amd64" */
	char *operating_system; /* "Debian GNU/Linux 12 (bookworm)" (nodeInfo.osImage) */
	char *cgroup_driver;	/* "cgroupfs" or "systemd" */
	char *cgroup_version;	/* "1" or "2" */
	char *root_dir;		/* "/var/lib/docker" */
	int ncpu;
	int64_t mem_total; /* bytes */
};

/* Returns 0 when the daemon answers GET /_ping, else a negative errno (client.h). */
int docker_ping(struct docker_client *c);
/*
 * Asks the daemon for its version and system facts (GET /version and
 * /info). Returns 0 and fills *ret (release with docker_info_release), or a
 * negative errno (client.h) leaving *ret untouched.
 */
int docker_system_info(struct docker_client *c, struct docker_info *ret);
/* Frees the strings of info and zeroes it. */
void docker_info_release(struct docker_info *info);

#endif
