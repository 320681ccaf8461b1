/*
 * heartbeat.h - the real kubelet's node heartbeat: registers the Node (with
 * the machine's facts and the Docker version), then renews its Lease every
 * --lease-renew-interval and recomputes its status every
 * --node-status-update-frequency (Ready follows whether Docker answers),
 * writing it when it changed or every --node-status-report-frequency. One
 * thread.
 */
#ifndef K8C_KUBELET_HEARTBEAT_H
#define K8C_KUBELET_HEARTBEAT_H

struct kubelet;
struct heartbeat;

/*
 * Gathers the node's facts and registers the Node, retrying until the API
 * server answers or *stop becomes non-zero; then starts the thread.
 * Returns the heartbeat, or NULL when stopped before the registration.
 */
struct heartbeat *heartbeat_start(struct kubelet *k, volatile int *stop);
/* Stops and joins the thread, frees h. NULL-safe. */
void heartbeat_stop(struct heartbeat *h);

#endif
