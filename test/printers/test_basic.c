/*
 * test_basic.c - the rows of namespaces, config maps, secrets and leases,
 * and that every served kind has a row function with one cell per column.
 */
#include "test/printers/rowtest.h"

#include "api/kinds.h"

#define META(name) "'metadata':{'name':'" name "','creationTimestamp':'2022-05-02T12:00:00Z'}"

TEST(namespace_row)
{
	CHECK_ROW("namespaces", "{" META("default") ",'status':{'phase':'Active'}}",
		  "'default','Active','2y'");
	CHECK_ROW("namespaces",
		  "{'metadata':{'name':'old','creationTimestamp':'2024-05-01T11:59:00Z',"
		  "'deletionTimestamp':'2024-05-01T11:59:30Z'},'status':{'phase':'Terminating'}}",
		  "'old','Terminating','60s'");
}

TEST(configmap_row)
{
	CHECK_ROW("configmaps",
		  "{" META("cfg") ",'data':{'a':'1','b':'2'},'binaryData':{'c':'AAE='}}",
		  "'cfg',3,'2y'");
	CHECK_ROW("configmaps", "{" META("empty") "}", "'empty',0,'2y'");
}

TEST(secret_row)
{
	CHECK_ROW("secrets", "{" META("tls") ",'type':'kubernetes.io/tls','data':{'tls.crt':'eA==',"
		  "'tls.key':'eQ=='}}",
		  "'tls','kubernetes.io/tls',2,'2y'");
	CHECK_ROW("secrets", "{" META("s") ",'type':'Opaque'}", "'s','Opaque',0,'2y'");
}

TEST(lease_row)
{
	CHECK_ROW("leases",
		  "{" META("kube-scheduler") ",'spec':{'holderIdentity':'host_1234',"
		  "'leaseDurationSeconds':15}}",
		  "'kube-scheduler','host_1234','2y'");
	CHECK_ROW("leases", "{" META("free") ",'spec':{}}", "'free','','2y'");
}

TEST(every_kind_has_a_row)
{
	for (const struct k8c_kind *k = k8c_kinds; k->kind; k++) {
		_cleanup_free_ char *row = rowtest_row(__FILE__, __LINE__, k->resource, "{}");
		CHECK(row != NULL);
	}
}
