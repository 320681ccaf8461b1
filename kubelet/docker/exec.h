/*
 * exec.h - running a command in a running container and collecting its
 * output and exit code, as exec probes need (Kubernetes' ExecSync). Same
 * thread rule and errors as client.h.
 */
#ifndef K8C_KUBELET_DOCKER_EXEC_H
#define K8C_KUBELET_DOCKER_EXEC_H

#include "kubelet/docker/client.h"

/* The output kept when the caller does not say (like the kubelet's probe limit). */
#define DOCKER_EXEC_DEFAULT_MAX_OUTPUT (10 * 1024)

struct docker_exec_result {
	int exit_code;
	char *output;	   /* stdout and stderr interleaved as they came; NUL-terminated, owned */
	size_t output_len; /* at most the max_output asked for */
	bool truncated;	   /* the command wrote more than that */
};

/*
 * Runs cmd (NULL-terminated argv, no shell) in container id without a TTY
 * and waits until it exits, keeping the first max_output bytes of its output
 * (0: DOCKER_EXEC_DEFAULT_MAX_OUTPUT) and reading the rest away. Returns 0
 * and fills *ret (release with docker_exec_result_release); -ENOENT when
 * there is no such container, -EBUSY when it is not running, -ETIMEDOUT when
 * the command did not end within timeout_ms (> 0) — the command may then
 * still run: Docker cannot kill an exec'd process — or another negative
 * errno (client.h).
 */
int docker_exec(struct docker_client *c, const char *id, const char *const *cmd, int64_t timeout_ms,
		size_t max_output, struct docker_exec_result *ret);
/* Frees the output of result and zeroes it. */
void docker_exec_result_release(struct docker_exec_result *result);

#endif
