/*
 * pod_manifest.h - the pod the API benchmarks write: what a Deployment's pod
 * looks like in a real cluster (labels, annotations, an owner reference, an
 * app container and a sidecar with env, ports, resources, probes and volume
 * mounts, tolerations, security context), about 2.5 KiB of JSON.
 */
#ifndef K8C_BENCH_POD_MANIFEST_H
#define K8C_BENCH_POD_MANIFEST_H

#include "base/strbuf.h"

/*
 * Appends the manifest of pod `name` in namespace ns to out. rv (NULL =
 * none) becomes metadata.resourceVersion, for an update with a
 * precondition; generation changes an annotation and an env value, so each
 * update really changes the pod. Never fails.
 */
void pod_manifest(struct strbuf *out, const char *ns, const char *name, const char *rv,
		  int generation);

#endif
