/*
 * endpoints.h - the Endpoints controller (Kubernetes' endpoints controller):
 * for every Service with a selector, an Endpoints object of the same name
 * listing the selected pods' IPs, ready ones in addresses and the others in
 * notReadyAddresses, with the Service's ports resolved against each pod
 * (subsets.h). Services without a selector (and ExternalName ones) are left
 * to their users; deleting a Service deletes its Endpoints. Handlers only
 * queue Service keys; the sync of one key reads the informers' caches and
 * writes only when the Endpoints would change.
 */
#ifndef K8C_CONTROLLERS_ENDPOINTS_ENDPOINTS_H
#define K8C_CONTROLLERS_ENDPOINTS_ENDPOINTS_H

#include "controllers/controller.h"

/* The controller's entry in controller_list ("endpoint", as kube-controller-manager). */
extern const struct controller_def endpoints_controller_def;

#endif
