/*
 * config.h - the "rest config": everything needed to reach and authenticate to an API
 * server (URL, TLS, credentials, namespace) plus client behaviour (rate limit, timeout,
 * retries), and how it is resolved from kubeconfig files and command-line overrides
 * exactly as kubectl resolves it:
 *   --kubeconfig FILE, else $KUBECONFIG (colon-separated, merged: the first file to set a
 *   value wins), else ~/.kube/config; then --context (else current-context), its cluster
 *   and user; --server, --namespace, --token... override what the files say. Relative
 *   paths in a file are relative to that file's folder. With no file and no --server the
 *   server is http://localhost:8080, as with kubectl.
 * Not thread-safe; a resolved config is read-only afterwards and may be shared.
 */
#ifndef K8C_CLIENT_CONFIG_H
#define K8C_CLIENT_CONFIG_H

#include "base/strbuf.h"

struct k8c_rest_config {
	char *server;	 /* "https://127.0.0.1:6443", no trailing slash */
	char *namespace; /* the context's namespace, else "default" */
	char *context;	 /* the context used, or NULL */
	char *cluster;	 /* its cluster's name, or NULL */
	char *user;	 /* its user's name, or NULL */

	bool insecure;	       /* insecure-skip-tls-verify: no server certificate check */
	char *tls_server_name; /* name checked in the server certificate, or NULL */
	char *ca_file;	       /* PEM file of CAs to trust, or NULL */
	char *ca_data;	 /* PEM text of CAs (decoded from certificate-authority-data), or NULL */
	char *cert_file; /* client certificate (PEM) file, or NULL */
	char *cert_data; /* client certificate PEM text, or NULL */
	char *key_file;	 /* client key (PEM) file, or NULL */
	char *key_data;	 /* client key PEM text, or NULL */

	char *bearer_token; /* token, or the contents of tokenFile; NULL = none */
	char *username;	    /* basic auth, or NULL */
	char *password;

	double qps;	    /* requests a second; 0 = 5 (client-go's default), < 0 = unlimited */
	int burst;	    /* 0 = 10 */
	int64_t timeout_ms; /* whole-call deadline for one request incl. retries; 0 = none */
	int max_retries;    /* retries after the first try; 0 = 5, < 0 = none */
	char *user_agent;   /* NULL = "k8c/<version>" */
};

/* Frees every member and zeroes cfg. */
void k8c_rest_config_release(struct k8c_rest_config *cfg);

/* Makes dst (uninitialized) a deep copy of src. */
void k8c_rest_config_copy(struct k8c_rest_config *dst, const struct k8c_rest_config *src);

/* What the command line may override; NULL / 0 = not given. */
struct k8c_config_overrides {
	const char *kubeconfig;		   /* --kubeconfig: this one file instead of $KUBECONFIG */
	const char *context;		   /* --context */
	const char *cluster;		   /* --cluster */
	const char *user;		   /* --user */
	const char *server;		   /* --server / -s */
	const char *namespace;		   /* --namespace / -n */
	const char *token;		   /* --token */
	const char *certificate_authority; /* --certificate-authority */
	bool insecure;			   /* --insecure-skip-tls-verify */
	const char *tls_server_name;	   /* --tls-server-name */
	int64_t timeout_ms;		   /* --request-timeout */
};

/*
 * Loads the kubeconfig files o names (or $KUBECONFIG, or ~/.kube/config) and resolves the
 * rest config into *ret (released first by nothing: pass an uninitialized or zeroed
 * struct). Returns 0, or a negative errno with a kubectl-like message in err (may be
 * NULL): -ENOENT for a file named by --kubeconfig that does not exist or a --context that
 * is not defined, -EINVAL for a file that does not parse or an unreadable token or
 * certificate file. *ret is untouched on failure.
 */
int k8c_config_resolve(const struct k8c_config_overrides *o, struct k8c_rest_config *ret,
		       struct strbuf *err);

#endif
