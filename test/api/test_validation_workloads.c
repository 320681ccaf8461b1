/*
 * test_validation_workloads.c - apps/v1 Deployment and ReplicaSet
 * validation, create and update, with upstream's paths and messages.
 */
#include "test/api/validation_util.h"
#include "test/ktest.h"

#define DEPLOY(errs, patch) vt_run("Deployment", vt_deployment, (patch), NULL, (errs))

TEST(deployment_valid_base)
{
	struct field_errors e = FIELD_ERRORS_INIT;
	DEPLOY(&e, NULL);
	CHECK_NO_ERRS(&e);
	field_errors_release(&e);
}

TEST(deployment_counts)
{
	struct field_errors e = FIELD_ERRORS_INIT;
	DEPLOY(&e, "{'spec':{'replicas':-1,'minReadySeconds':-2,'revisionHistoryLimit':-3,"
		   "'progressDeadlineSeconds':5}}");
	CHECK_ERR(&e, "spec.replicas", "Invalid value: -1: must be greater than or equal to 0");
	CHECK_ERR(&e, "spec.minReadySeconds", "Invalid value: -2: must be greater than or equal to 0");
	CHECK_ERR(&e, "spec.revisionHistoryLimit",
		  "Invalid value: -3: must be greater than or equal to 0");
	field_errors_release(&e);

	DEPLOY(&e, "{'spec':{'minReadySeconds':10,'progressDeadlineSeconds':10}}");
	CHECK_ERR(&e, "spec.progressDeadlineSeconds",
		  "Invalid value: 10: must be greater than minReadySeconds");
	field_errors_release(&e);
}

TEST(deployment_selector)
{
	struct field_errors e = FIELD_ERRORS_INIT;
	DEPLOY(&e, "{'spec':{'selector':{'matchLabels':{'app':'other'}}}}");
	CHECK_ERR(&e, "spec.template.metadata.labels",
		  "Invalid value: map[string]string{\"app\":\"web\"}: `selector` does not match "
		  "template `labels`");
	field_errors_release(&e);

	DEPLOY(&e, "{'spec':{'selector':null}}");
	CHECK_ERR(&e, "spec.selector", "Required value");
	CHECK_ERR(&e, "spec.template.metadata.labels",
		  "Invalid value: map[string]string{\"app\":\"web\"}: `selector` does not match "
		  "template `labels`");
	field_errors_release(&e);

	DEPLOY(&e, "{'spec':{'selector':{'matchLabels':null}}}");
	CHECK_ERR(&e, "spec.selector",
		  "Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), "
		  "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for "
		  "deployment");
	field_errors_release(&e);

	DEPLOY(&e, "{'spec':{'selector':{'matchExpressions':[{'key':'app','operator':'In'}]}}}");
	CHECK_ERR(&e, "spec.selector.matchExpressions[0].values",
		  "Required value: must be specified when `operator` is 'In' or 'NotIn'");
	field_errors_release(&e);
}

TEST(deployment_template)
{
	struct field_errors e = FIELD_ERRORS_INIT;
	DEPLOY(&e, "{'spec':{'template':{'spec':{'restartPolicy':'OnFailure',"
		   "'activeDeadlineSeconds':5,'containers':[{'name':'c'}]}}}}");
	CHECK_ERR(&e, "spec.template.spec.restartPolicy",
		  "Unsupported value: \"OnFailure\": supported values: \"Always\"");
	CHECK_ERR(&e, "spec.template.spec.activeDeadlineSeconds",
		  "Forbidden: activeDeadlineSeconds in ReplicaSet is not Supported");
	CHECK_ERR(&e, "spec.template.spec.containers[0].image", "Required value");
	field_errors_release(&e);
}

TEST(deployment_strategy)
{
	struct field_errors e = FIELD_ERRORS_INIT;
	DEPLOY(&e, "{'spec':{'strategy':{'rollingUpdate':{'maxSurge':0,'maxUnavailable':'0%'}}}}");
	CHECK_ERR(&e, "spec.strategy.rollingUpdate.maxUnavailable",
		  "Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"0%\"}: may not be 0 "
		  "when `maxSurge` is 0");
	field_errors_release(&e);

	DEPLOY(&e, "{'spec':{'strategy':{'rollingUpdate':{'maxSurge':-1,'maxUnavailable':'110%'}}}}");
	CHECK_ERR(&e, "spec.strategy.rollingUpdate.maxSurge",
		  "Invalid value: -1: must be greater than or equal to 0");
	CHECK_ERR(&e, "spec.strategy.rollingUpdate.maxUnavailable",
		  "Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"110%\"}: must not be "
		  "greater than 100%");
	field_errors_release(&e);

	DEPLOY(&e, "{'spec':{'strategy':{'rollingUpdate':{'maxSurge':'lots'}}}}");
	CHECK_ERR(&e, "spec.strategy.rollingUpdate.maxSurge",
		  "Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"lots\"}: a valid "
		  "percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or "
		  "'93%', regex used for validation is '[0-9]+%')");
	field_errors_release(&e);

	DEPLOY(&e, "{'spec':{'strategy':{'type':'Recreate','rollingUpdate':{'maxSurge':1}}}}");
	CHECK_ERR(&e, "spec.strategy.rollingUpdate",
		  "Forbidden: may not be specified when strategy `type` is 'Recreate'");
	field_errors_release(&e);

	DEPLOY(&e, "{'spec':{'strategy':{'type':'BlueGreen'}}}");
	CHECK_ERR(&e, "spec.strategy",
		  "Unsupported value: apps.DeploymentStrategy{Type:\"BlueGreen\", "
		  "RollingUpdate:(*apps.RollingUpdateDeployment)(nil)}: supported values: "
		  "\"Recreate\", \"RollingUpdate\"");
	field_errors_release(&e);
}

TEST(deployment_update)
{
	struct field_errors e = FIELD_ERRORS_INIT;
	vt_run("Deployment", vt_deployment, NULL, "{'spec':{'replicas':5,'template':{'spec':"
	       "{'containers':[{'name':'c','image':'busybox:2'}]}}}}", &e);
	CHECK_NO_ERRS(&e);
	field_errors_release(&e);

	vt_run("Deployment", vt_deployment, NULL, "{'spec':{'selector':{'matchLabels':{'app':'web',"
	       "'tier':'a'}},'template':{'metadata':{'labels':{'app':'web','tier':'a'}}}}}", &e);
	REQUIRE(e.n == 1);
	CHECK_ERR(&e, "spec.selector",
		  "Invalid value: v1.LabelSelector{MatchLabels:map[string]string{\"app\":\"web\", "
		  "\"tier\":\"a\"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is "
		  "immutable");
	field_errors_release(&e);
}

TEST(replica_set)
{
	static const char rs[] =
		"{'apiVersion':'apps/v1','kind':'ReplicaSet','metadata':{'name':'web','namespace':"
		"'default'},'spec':{'selector':{'matchLabels':{'app':'web'}},'template':{'metadata':"
		"{'labels':{'app':'web'}},'spec':{'containers':[{'name':'c','image':'busybox'}]}}}}";
	struct field_errors e = FIELD_ERRORS_INIT;
	vt_run("ReplicaSet", rs, NULL, NULL, &e);
	CHECK_NO_ERRS(&e);
	field_errors_release(&e);
	vt_run("ReplicaSet", rs, "{'spec':{'replicas':-2,'selector':{'matchLabels':null}}}", NULL,
	       &e);
	CHECK_ERR(&e, "spec.replicas", "Invalid value: -2: must be greater than or equal to 0");
	CHECK_ERR(&e, "spec.selector",
		  "Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), "
		  "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for "
		  "deployment");
	field_errors_release(&e);
	vt_run("ReplicaSet", rs, NULL, "{'spec':{'selector':{'matchLabels':{'app':'x'}},"
	       "'template':{'metadata':{'labels':{'app':'x'}}}}}", &e);
	CHECK(vt_reason(&e, "spec.selector") != NULL);
	field_errors_release(&e);
}
