/*
 * logs_server.h - the kubelet's HTTP server on --port (Kubernetes' kubelet
 * API, the part `kubectl logs` needs, without TLS): GET /healthz, and
 * GET /containerLogs/<namespace>/<pod>/<container> with follow, previous,
 * timestamps, tailLines, sinceSeconds, sinceTime and limitBytes, answering
 * the container's log as text/plain (chunked, flushed as lines come), or a
 * plain-text error with Kubernetes' code and words (404 unknown pod or
 * container, 400 waiting to start, 422 bad options). The API server's
 * pods/log subresource proxies to it. One thread per connection.
 */
#ifndef K8C_KUBELET_LOGS_SERVER_H
#define K8C_KUBELET_LOGS_SERVER_H

struct kubelet;
struct logs_server;

/*
 * Starts serving k's logs on address:port (port 0: any free one). Returns 0
 * and *ret (the port in logs_server_port), or -EADDRINUSE / -EINVAL.
 */
int logs_server_start(struct kubelet *k, const char *address, int port, struct logs_server **ret);
int logs_server_port(const struct logs_server *s);
/* Stops accepting, ends every stream, frees s. NULL-safe. */
void logs_server_stop(struct logs_server *s);

#endif
