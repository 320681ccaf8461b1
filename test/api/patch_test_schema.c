/*
 * patch_test_schema.c - the hand-written schema of the strategic patch
 * tests; see patch_test_schema.h. Merge keys and strategies as upstream's
 * patchStrategy / patchMergeKey tags: containers and env by name, ports by
 * containerPort, volumes by name with retainKeys, ownerReferences by uid,
 * conditions by type, finalizers a set, args atomic, affinity replaced.
 */
#include "test/api/patch_test_schema.h"

#include "base/base.h"

#define OBJ(name, sub_type)                                                                        \
	{                                                                                          \
		.json = name, .type = K8C_FT_OBJECT, .sub = sub_type                               \
	}
#define STR(name)                                                                                  \
	{                                                                                          \
		.json = name, .type = K8C_FT_STRING                                                \
	}
#define INT(name)                                                                                  \
	{                                                                                          \
		.json = name, .type = K8C_FT_INT32                                                 \
	}
#define MERGE_LIST(name, sub_type, key)                                                            \
	{                                                                                          \
		.json = name, .type = K8C_FT_OBJECT, .shape = K8C_FS_LIST,                         \
		.flags = K8C_FF_PATCH_MERGE, .sub = sub_type, .merge_key = key                     \
	}
#define TYPE(var, fields_array)                                                                    \
	const struct k8c_type var = { .name = #var,                                                \
				      .fields = fields_array,                                      \
				      .n_fields = ARRAY_SIZE(fields_array) }

static const struct k8c_field env_fields[] = { STR("name"), STR("value") };
TYPE(t_env, env_fields);
static const struct k8c_field port_fields[] = { INT("containerPort"), STR("name"),
						STR("protocol") };
TYPE(t_port, port_fields);
static const struct k8c_field container_fields[] = {
	STR("name"),
	STR("image"),
	MERGE_LIST("env", &t_env, "name"),
	MERGE_LIST("ports", &t_port, "containerPort"),
	{ .json = "args", .type = K8C_FT_STRING, .shape = K8C_FS_LIST },
};
TYPE(t_container, container_fields);
static const struct k8c_field source_fields[] = { STR("name"), STR("path") };
TYPE(t_source, source_fields);
static const struct k8c_field volume_fields[] = { STR("name"), OBJ("configMap", &t_source),
						  OBJ("emptyDir", &t_source),
						  OBJ("hostPath", &t_source) };
TYPE(t_volume, volume_fields);
static const struct k8c_field pod_spec_fields[] = {
	MERGE_LIST("containers", &t_container, "name"),
	{ .json = "volumes",
	  .type = K8C_FT_OBJECT,
	  .shape = K8C_FS_LIST,
	  .flags = K8C_FF_PATCH_MERGE | K8C_FF_PATCH_RETAIN_KEYS,
	  .sub = &t_volume,
	  .merge_key = "name" },
	{ .json = "nodeSelector", .type = K8C_FT_STRING, .shape = K8C_FS_MAP },
	{ .json = "affinity", .type = K8C_FT_OBJECT, .flags = K8C_FF_PATCH_REPLACE },
};
TYPE(t_pod_spec, pod_spec_fields);
static const struct k8c_field owner_fields[] = {
	STR("uid"), STR("name"), STR("kind"), { .json = "controller", .type = K8C_FT_BOOL }
};
TYPE(t_owner, owner_fields);
static const struct k8c_field meta_fields[] = {
	STR("name"),
	{ .json = "labels", .type = K8C_FT_STRING, .shape = K8C_FS_MAP },
	{ .json = "finalizers",
	  .type = K8C_FT_STRING,
	  .shape = K8C_FS_LIST,
	  .flags = K8C_FF_PATCH_MERGE },
	MERGE_LIST("ownerReferences", &t_owner, "uid"),
};
TYPE(t_meta, meta_fields);
static const struct k8c_field template_fields[] = { OBJ("metadata", &t_meta),
						    OBJ("spec", &t_pod_spec) };
TYPE(t_template, template_fields);
static const struct k8c_field rolling_fields[] = { STR("maxSurge"), STR("maxUnavailable") };
TYPE(t_rolling, rolling_fields);
static const struct k8c_field strategy_fields[] = { STR("type"), OBJ("rollingUpdate", &t_rolling) };
TYPE(t_strategy, strategy_fields);
static const struct k8c_field dspec_fields[] = {
	INT("replicas"),
	OBJ("template", &t_template),
	{ .json = "strategy",
	  .type = K8C_FT_OBJECT,
	  .flags = K8C_FF_PATCH_RETAIN_KEYS,
	  .sub = &t_strategy },
};
TYPE(t_dspec, dspec_fields);
static const struct k8c_field cond_fields[] = { STR("type"), STR("status"), STR("reason") };
TYPE(t_cond, cond_fields);
static const struct k8c_field dstatus_fields[] = { MERGE_LIST("conditions", &t_cond, "type") };
TYPE(t_dstatus, dstatus_fields);
static const struct k8c_field deploy_fields[] = { OBJ("metadata", &t_meta), OBJ("spec", &t_dspec),
						  OBJ("status", &t_dstatus) };
TYPE(t_deploy, deploy_fields);
