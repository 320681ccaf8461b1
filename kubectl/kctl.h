/*
 * kctl.h - what every k8c command shares: the global flags (kubeconfig, context,
 * server, namespace...), the output streams, the REST client (made on first use, so
 * commands that need no server start instantly), and kubectl's error printing.
 *
 * Every command is a function `int cmd_xxx(struct kctl *k, int argc, char **argv)`
 * returning the process exit status (0, or 1 after printing an error as kubectl
 * does). argv holds the arguments after the command's own name. Not thread-safe.
 */
#ifndef K8C_KUBECTL_KCTL_H
#define K8C_KUBECTL_KCTL_H

#include <cjson/cJSON.h>

#include "api/kinds.h"
#include "base/strbuf.h"
#include "client/rest.h"
#include "kubectl/flags.h"

struct kctl_globals {
	const char *kubeconfig, *context, *cluster, *user, *server, *namespace;
	const char *token, *certificate_authority, *tls_server_name, *request_timeout;
	const char *verbosity, *cache_dir;
	bool insecure, match_server_version;
};

struct kctl {
	const char *cmd;  /* the command path for messages: "get", "rollout status" */
	struct kctl_globals g;
	struct kflag global_flags[16];
	FILE *out, *err;
	bool resolved;
	struct k8c_rest_config cfg;
	struct k8c_client *client;
};

/* Sets up k with the process's stdout/stderr and the global flag definitions. */
void kctl_init(struct kctl *k);

/* Frees the client and configuration. */
void kctl_release(struct kctl *k);

/*
 * Parses a command's arguments against its own flags and the global ones; non-flag
 * arguments go to args. Returns 0; 1 after printing usage for --help; or -1 after
 * printing pflag's error as kubectl does ("error: unknown flag: --foo").
 */
int kctl_parse(struct kctl *k, const struct kflag *local, int argc, char **argv,
	       struct kstrv *args);

/*
 * Resolves the kubeconfig and command-line overrides (once). Returns 0, or -1 after
 * printing the error.
 */
int kctl_config(struct kctl *k);

/* The client, made on first use (resolving the configuration). NULL after printing
 * an error. */
struct k8c_client *kctl_client(struct kctl *k);

/* The namespace to work in: --namespace, else the context's, else "default". */
const char *kctl_namespace(struct kctl *k);

/* True when --namespace was given on the command line. */
bool kctl_namespace_explicit(const struct kctl *k);

/*
 * Loads the kubeconfig files (--kubeconfig, else $KUBECONFIG, else ~/.kube/config) into
 * kc for the config commands. Returns 0, or a negative errno after printing the error.
 */
struct k8c_kubeconfig;
int kctl_load_kubeconfig(struct kctl *k, struct k8c_kubeconfig *kc);

/* Prints "error: <message>" to stderr. */
void kctl_errorf(struct kctl *k, const char *fmt, ...) K8C_PRINTF(2, 3);

/*
 * Appends kubectl's text for a failed API call (rc from the client, e with its
 * Status) to out, without a newline: "Error from server (NotFound): ...", "The
 * connection to the server HOST was refused - did you specify the right host or
 * port?", "Unable to connect to the server: ...".
 */
void kctl_format_api_error(struct kctl *k, int rc, const struct k8c_status_error *e,
			   struct strbuf *out);

/* Prints kctl_format_api_error()'s text and a newline to stderr. */
void kctl_api_error(struct kctl *k, int rc, const struct k8c_status_error *e);

/*
 * Prefixes the Status message of e with `error when <verb> "<source>": ` as kubectl's
 * AddSourceToErr does (nothing when source is NULL).
 */
void kctl_error_add_source(struct k8c_status_error *e, const char *verb, const char *source);

/* Writes buf to k->out. */
void kctl_write(struct kctl *k, const struct strbuf *buf);

#endif
