/*
 * patch_test_schema.h - a small hand-written schema (type descriptors with
 * only the members strategic merge patch uses: json, type, shape, flags,
 * sub, merge_key) shaped like the Kubernetes types, for the strategic patch
 * tests.
 */
#ifndef K8C_TEST_API_PATCH_TEST_SCHEMA_H
#define K8C_TEST_API_PATCH_TEST_SCHEMA_H

#include "api/schema.h"

/* EnvVar, ContainerPort, Container, Volume, PodSpec, ObjectMeta, DeploymentSpec... */
extern const struct k8c_type t_env, t_port, t_container, t_source, t_volume, t_pod_spec, t_owner,
	t_meta, t_template, t_rolling, t_strategy, t_dspec, t_cond, t_dstatus, t_deploy;

#endif
