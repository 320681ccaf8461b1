/*
 * kubeconfig_internal.h - what kubeconfig.c shares with kubeconfig_edit.c. Internal.
 */
#ifndef K8C_CLIENT_KUBECONFIG_INTERNAL_H
#define K8C_CLIENT_KUBECONFIG_INTERNAL_H

#include "client/kubeconfig.h"

/* The entry {name, <inner>} named name in one file's section (borrowed), or NULL. */
cJSON *kubeconfig__entry(const cJSON *doc, enum k8c_kubeconfig_section s, const char *name);

/* "clusters", "users", "contexts". */
const char *kubeconfig__section_name(enum k8c_kubeconfig_section s);

/* "cluster", "user", "context". */
const char *kubeconfig__inner_name(enum k8c_kubeconfig_section s);

#endif
