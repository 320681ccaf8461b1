/*
 * subsets.h - what the Endpoints of a Service should say, computed from the
 * Service and the pods its selector picks, as Kubernetes' endpoints
 * controller does: which pods count (an IP, not terminal, not being deleted
 * unless the Service publishes not-ready addresses), ready pods in
 * addresses and the others in notReadyAddresses, each Service port resolved
 * against the pod (a number, or a named container port of the same
 * protocol), and the result packed into the fewest subsets as
 * RepackSubsets does (one subset per distinct set of addresses, with every
 * port those addresses share). The output is sorted so that equal inputs
 * give equal (k8c_equal) subsets: the controller writes only on change.
 * Pure functions; thread-safe on distinct objects.
 */
#ifndef K8C_CONTROLLERS_ENDPOINTS_SUBSETS_H
#define K8C_CONTROLLERS_ENDPOINTS_SUBSETS_H

#include "api/object.h"

/*
 * True when svc's selector selects pod: same namespace, and every selector
 * label present on the pod with the same value. A Service without a
 * selector selects nothing.
 */
bool endpoints_service_selects(const struct k8c_service *svc, const struct k8c_pod *pod);

/*
 * Resolves the Service port sp against pod (podutil.FindPort): an integer
 * targetPort as is (unset: the Service port), a named one the containerPort
 * of the pod's container port with that name and sp's protocol (TCP when
 * unset). Returns 0 and *ret, or -ENOENT when the pod has no such port.
 */
int endpoints_find_port(const struct k8c_pod *pod, const struct k8c_service_port *sp,
			int32_t *ret);

/*
 * Computes the subsets of svc's Endpoints from pods (n of them, borrowed;
 * pods the selector does not pick are skipped). *ret receives a new array
 * of *ret_n subsets (NULL and 0 when empty), owned by the caller: free with
 * endpoints_subsets_free().
 */
void endpoints_compute(const struct k8c_service *svc, const struct k8c_pod *const *pods, size_t n,
		       struct k8c_endpoint_subset **ret, size_t *ret_n);

/*
 * RepackSubsets: merges subs (n of them, borrowed) into the canonical form
 * described above; an address is identified by IP and targetRef uid, and one
 * that is not ready for some port is not ready for it in the result.
 * Output as endpoints_compute().
 */
void endpoints_repack(const struct k8c_endpoint_subset *subs, size_t n,
		      struct k8c_endpoint_subset **ret, size_t *ret_n);

/* Frees an array of n subsets. NULL-safe. */
void endpoints_subsets_free(struct k8c_endpoint_subset *subs, size_t n);

#endif
