/*
 * rules.h - the iptables rules of k8c-proxy, as kube-proxy's iptables mode
 * writes them: for every port of every Service with a cluster IP, a DNAT
 * from clusterIP:port (and, for NodePort and LoadBalancer services, from any
 * local address:nodePort) to one of the ready addresses of the Service's
 * Endpoints, picked at random with equal probability (the `statistic`
 * match), and a REJECT in the filter table for a port with no ready
 * endpoint, so that clients see "connection refused" at once instead of a
 * timeout. Service traffic is masqueraded (kube-proxy's --masquerade-all):
 * pods share one Docker bridge, and a reply that went straight from the
 * backend to the client would bypass the de-NAT.
 *
 * Chains are named <prefix>-SERVICES, <prefix>-SVC-<hash>, <prefix>-SEP-<hash>...
 * so several proxies (one per test cluster) can share a host. Pure text
 * generation; thread-safe.
 */
#ifndef K8C_PROXY_RULES_H
#define K8C_PROXY_RULES_H

#include "api/types.gen.h"
#include "base/strbuf.h"

/* The longest prefix: chain names must stay under iptables' 29 bytes. */
#define RULES_PREFIX_MAX 10

/* The connection mark that asks the prefix's POSTROUTING chain to masquerade. */
#define RULES_MASQ_MARK "0x4000"

struct rules_input {
	const char *prefix; /* chain prefix, e.g. "K8C" (at most RULES_PREFIX_MAX) */
	/* every Service and every Endpoints object, each array sorted by namespace/name */
	const struct k8c_service *const *services;
	size_t n_services;
	const struct k8c_endpoints *const *endpoints;
	size_t n_endpoints;
	/* the chains of each table that exist now (any names; those with the prefix and
	 * not generated again are flushed and deleted) */
	char *const *nat_chains;
	size_t n_nat_chains;
	char *const *filter_chains;
	size_t n_filter_chains;
};

struct rules_stats {
	size_t service_ports;	/* ports with a cluster IP given rules */
	size_t endpoints;	/* DNAT targets written */
	size_t no_endpoints;	/* ports rejected for want of a ready endpoint */
	size_t stale_chains;	/* chains deleted */
};

/*
 * Appends to out the input of `iptables-restore --noflush` (a *nat and a
 * *filter section, each ending in COMMIT) that replaces the contents of
 * every chain of in->prefix with the rules for in's services and deletes
 * the prefix's chains that are no longer needed. Headless services,
 * ExternalName services and ports of other protocols than TCP, UDP and SCTP
 * get no rules. stats may be NULL. Never fails.
 */
void rules_build(const struct rules_input *in, struct strbuf *out, struct rules_stats *stats);

/*
 * Appends the name of a chain of prefix for one service port or endpoint:
 * "<prefix>-<kind>-" and 12 hex digits of a 64-bit FNV-1a hash of what
 * (e.g. "default/web:http/tcp"), like kube-proxy's hashed chain names.
 */
void rules_chain_name(struct strbuf *out, const char *prefix, const char *kind, const char *what);

#endif
