/*
 * test_rules.c - k8c-proxy's rule generator on its own: portals and DNAT
 * targets with equal shares, named ports, not-ready and malformed addresses
 * left out, REJECT for ports without endpoints, node ports, headless and
 * ExternalName services skipped, stale chains deleted, prefixes kept apart.
 * The rules are also applied for real by test/proxy/proxy_test.py.
 */
#include <cjson/cJSON.h>

#include "api/kinds.h"
#include "client/informer.h"
#include "proxy/rules.h"
#include "test/ktest.h"

static void *decode(const char *kind, const char *json)
{
	cJSON *j = cJSON_Parse(json);
	if (!j) {
		ktest_fail(__FILE__, __LINE__, "bad test JSON: %s", json);
		abort();
	}
	void *obj = k8c_obj_decode(k8c_kind_lookup(kind), j, NULL);
	cJSON_Delete(j);
	return obj;
}

struct world {
	void *svcs[8], *eps[8];
	size_t n_svcs, n_eps;
	char *nat[8], *filter[8];
	size_t n_nat, n_filter;
	struct strbuf out;
	struct rules_stats st;
};

static void add_svc(struct world *w, const char *json)
{
	w->svcs[w->n_svcs++] = decode("services", json);
}

static void add_eps(struct world *w, const char *json)
{
	w->eps[w->n_eps++] = decode("endpoints", json);
}

static const char *build(struct world *w, const char *prefix)
{
	struct rules_input in = {
		.prefix = prefix,
		.services = (const struct k8c_service *const *)w->svcs,
		.n_services = w->n_svcs,
		.endpoints = (const struct k8c_endpoints *const *)w->eps,
		.n_endpoints = w->n_eps,
		.nat_chains = w->nat,
		.n_nat_chains = w->n_nat,
		.filter_chains = w->filter,
		.n_filter_chains = w->n_filter,
	};
	strbuf_reset(&w->out);
	rules_build(&in, &w->out, &w->st);
	return w->out.buf;
}

static void world_release(struct world *w)
{
	for (size_t i = 0; i < w->n_svcs; i++)
		k8c_obj_unref(w->svcs[i]);
	for (size_t i = 0; i < w->n_eps; i++)
		k8c_obj_unref(w->eps[i]);
	strbuf_release(&w->out);
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;
	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

#define CHECK_HAS(hay, needle)                                                                     \
	do {                                                                                       \
		if (!strstr((hay), (needle)))                                                      \
			ktest_fail(__FILE__, __LINE__, "missing [%s] in:\n%s", (needle),          \
				   str_or_empty(hay));                                             \
	} while (0)
#define CHECK_HASNT(hay, needle)                                                                   \
	do {                                                                                       \
		if (strstr((hay), (needle)))                                                       \
			ktest_fail(__FILE__, __LINE__, "unexpected [%s] in:\n%s", (needle),       \
				   str_or_empty(hay));                                             \
	} while (0)

static const char web_svc[] =
	"{\"metadata\":{\"name\":\"web\",\"namespace\":\"default\"},\"spec\":{\"clusterIP\":"
	"\"10.96.0.10\",\"ports\":[{\"name\":\"http\",\"port\":80,\"targetPort\":\"http\"}]}}";
static const char web_eps[] =
	"{\"metadata\":{\"name\":\"web\",\"namespace\":\"default\"},\"subsets\":[{\"addresses\":["
	"{\"ip\":\"172.17.0.4\"},{\"ip\":\"172.17.0.2\"},{\"ip\":\"172.17.0.3\"},"
	"{\"ip\":\"not-an-ip\"}],\"notReadyAddresses\":[{\"ip\":\"172.17.0.9\"}],"
	"\"ports\":[{\"name\":\"http\",\"port\":8080},{\"name\":\"other\",\"port\":9}]}]}";

TEST(equal_shares_to_ready_endpoints)
{
	struct world w = { .out = STRBUF_INIT };
	add_svc(&w, web_svc);
	add_eps(&w, web_eps);
	const char *r = build(&w, "K8C");
	CHECK_HAS(r, "*nat\n");
	CHECK_HAS(r, "-A K8C-SERVICES -d 10.96.0.10/32 -p tcp -m tcp --dport 80 -m comment "
		     "--comment \"default/web:http cluster IP\" -j K8C-SVC-");
	CHECK_HAS(r, "-m statistic --mode random --probability 0.3333333333 -j K8C-SEP-");
	CHECK_HAS(r, "-m statistic --mode random --probability 0.5000000000 -j K8C-SEP-");
	CHECK_INT(count(r, "--probability"), 2); /* the last endpoint takes what is left */
	CHECK_HAS(r, "-j DNAT --to-destination 172.17.0.2:8080\n");
	CHECK_HAS(r, "-j DNAT --to-destination 172.17.0.3:8080\n");
	CHECK_HAS(r, "-j DNAT --to-destination 172.17.0.4:8080\n");
	CHECK_HASNT(r, "172.17.0.9");  /* not ready */
	CHECK_HASNT(r, "not-an-ip");   /* would break the whole transaction */
	CHECK_HASNT(r, ":9\n");	       /* another port's number */
	CHECK_HAS(r, "-j K8C-MARK-MASQ\n");
	CHECK_HASNT(r, "REJECT");
	CHECK_INT(w.st.service_ports, 1);
	CHECK_INT(w.st.endpoints, 3);
	/* sorted: 0.2 first, and the chains appear once each */
	CHECK(strstr(r, "172.17.0.2:8080") < strstr(r, "172.17.0.4:8080"));
	CHECK_INT(count(r, ":K8C-SVC-"), 1);
	CHECK_INT(count(r, ":K8C-SEP-"), 3);
	CHECK(strstr(r, "COMMIT\n*filter\n") != NULL);
	world_release(&w);
}

TEST(no_endpoints_rejects_and_nodeport)
{
	struct world w = { .out = STRBUF_INIT };
	add_svc(&w, "{\"metadata\":{\"name\":\"np\",\"namespace\":\"ns1\"},\"spec\":{\"type\":"
		    "\"NodePort\",\"clusterIP\":\"10.96.0.11\",\"ports\":[{\"port\":53,"
		    "\"protocol\":\"UDP\",\"nodePort\":30053}]}}");
	const char *r = build(&w, "K8C");
	CHECK_HAS(r, "-A K8C-SERVICES -d 10.96.0.11/32 -p udp -m udp --dport 53 -m comment "
		     "--comment \"ns1/np has no endpoints\" -j REJECT");
	CHECK_HAS(r, "--dst-type LOCAL -p udp -m udp --dport 30053");
	CHECK_INT(w.st.no_endpoints, 1);
	CHECK_INT(count(r, ":K8C-SVC-"), 0);

	add_eps(&w, "{\"metadata\":{\"name\":\"np\",\"namespace\":\"ns1\"},\"subsets\":[{"
		    "\"addresses\":[{\"ip\":\"172.17.0.5\"}],\"ports\":[{\"port\":5353,"
		    "\"protocol\":\"UDP\"}]}]}");
	r = build(&w, "K8C");
	CHECK_HASNT(r, "REJECT");
	CHECK_HAS(r, "-A K8C-NODEPORTS -p udp -m udp --dport 30053 -m comment --comment "
		     "\"ns1/np\" -j K8C-SVC-");
	CHECK_HAS(r, "-p udp -m udp -j DNAT --to-destination 172.17.0.5:5353\n");
	world_release(&w);
}

TEST(headless_external_and_unallocated_get_nothing)
{
	struct world w = { .out = STRBUF_INIT };
	add_svc(&w, "{\"metadata\":{\"name\":\"a\",\"namespace\":\"d\"},\"spec\":{\"clusterIP\":"
		    "\"None\",\"ports\":[{\"port\":80}]}}");
	add_svc(&w, "{\"metadata\":{\"name\":\"b\",\"namespace\":\"d\"},\"spec\":{\"type\":"
		    "\"ExternalName\",\"externalName\":\"example.org\"}}");
	add_svc(&w, "{\"metadata\":{\"name\":\"c\",\"namespace\":\"d\"},\"spec\":{\"ports\":[{"
		    "\"port\":80}]}}");
	add_svc(&w, "{\"metadata\":{\"name\":\"e\",\"namespace\":\"d\"},\"spec\":{\"clusterIP\":"
		    "\"10.96.0.12\",\"ports\":[{\"port\":80,\"protocol\":\"ICMP\"},{\"port\":0}]}}");
	const char *r = build(&w, "K8C");
	CHECK_INT(w.st.service_ports, 0);
	CHECK_HASNT(r, "-d 10.96");
	world_release(&w);
}

TEST(stale_chains_of_the_prefix_only)
{
	struct world w = { .out = STRBUF_INIT };
	add_svc(&w, web_svc);
	add_eps(&w, web_eps);
	w.nat[w.n_nat++] = "K8C-SVC-000000000000";	/* gone */
	w.nat[w.n_nat++] = "K8C-SERVICES";		/* still needed */
	w.nat[w.n_nat++] = "K8CX-SVC-000000000000"; /* another proxy's */
	w.nat[w.n_nat++] = "DOCKER";
	w.filter[w.n_filter++] = "K8C-OLD";
	const char *r = build(&w, "K8C");
	CHECK_HAS(r, ":K8C-SVC-000000000000 - [0:0]\n");
	CHECK_HAS(r, "-X K8C-SVC-000000000000\n");
	CHECK_HAS(r, "-X K8C-OLD\n");
	CHECK_HASNT(r, "K8CX");
	CHECK_HASNT(r, "-X DOCKER");
	CHECK_HASNT(r, "-X K8C-SERVICES");
	CHECK_INT(count(r, ":K8C-SERVICES - [0:0]"), 2); /* nat and filter, once each */
	CHECK_INT(w.st.stale_chains, 2);
	world_release(&w);
}

TEST(chain_names_fit_and_differ)
{
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
	rules_chain_name(&a, "ABCDEFGHIJ", "SEP", "default/web:http/tcp/172.17.0.2:8080");
	rules_chain_name(&b, "ABCDEFGHIJ", "SEP", "default/web:http/tcp/172.17.0.3:8080");
	CHECK(a.len <= 28); /* iptables' limit */
	CHECK(strcmp(a.buf, b.buf) != 0);
	strbuf_reset(&b);
	rules_chain_name(&b, "ABCDEFGHIJ", "SEP", "default/web:http/tcp/172.17.0.2:8080");
	CHECK_STR(a.buf, b.buf); /* stable across syncs and restarts */
	strbuf_release(&a);
	strbuf_release(&b);
}
