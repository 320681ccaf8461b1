/*
 * create_once.h - creating an object whose name the API server would
 * generate, so that a create whose answer was lost makes one object, not two.
 *
 * A POST with metadata.generateName that reaches the server, commits, and
 * loses its answer (the API server killed, the connection cut, a timeout)
 * looks failed to the client, which then creates another: Kubernetes'
 * ReplicaSet controller has that window (it only trusts a Timeout to have
 * maybe created the pod). Here the name is chosen by the client, as the
 * server would choose it (generateName + 5 characters of the same
 * alphabet, and generateName is still sent, as in Kubernetes), so the
 * create can be sent again: AlreadyExists for an object controlled by the
 * same owner means the lost one was created.
 */
#ifndef K8C_CONTROLLERS_CREATE_ONCE_H
#define K8C_CONTROLLERS_CREATE_ONCE_H

#include "api/kinds.h"
#include "client/rest.h"

/*
 * POSTs json (k8c_encode's output for kind k, with metadata.generateName
 * generate_name and a controller reference to owner_uid) into namespace ns
 * under a name chosen here. An answer lost in transport, or a Timeout, is
 * retried with the same name for a few seconds (the API server restarting);
 * AlreadyExists then counts as created when the object there is controlled by
 * owner_uid, and a name taken by any other object is replaced by a new one.
 * Appends the created name to ret_name (may be NULL). Returns 0 or a negative
 * errno as apiwrite.h, with the Status in err (may be NULL). Thread-safe.
 */
int create_once(struct k8c_client *c, const struct k8c_kind *k, const char *ns,
		const struct strbuf *json, const char *generate_name, const char *owner_uid,
		struct strbuf *ret_name, struct k8c_status_error *err);

#endif
