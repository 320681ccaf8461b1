/*
 * http_load.h - a closed-loop HTTP load driver: N concurrent clients, each
 * with its own kept-alive HTTP/1.1 connection, each sending its next request
 * as soon as its previous answer is in. One thread drives them all (the
 * machine's other cores are left to the server).
 */
#ifndef K8C_BENCH_HTTP_LOAD_H
#define K8C_BENCH_HTTP_LOAD_H

#include "bench/latency.h"

/* One request, filled by a phase's next(). */
struct load_req {
	const char *method; /* "GET", "POST" or "PUT" (static string) */
	struct strbuf path; /* "/api/v1/..." with its query */
	struct strbuf body; /* the JSON body; empty for GET */
	size_t tag;         /* the phase's own: which object this is about */
};

/* What a phase sends and how it judges the answers. */
struct load_phase {
	/* Fills req (path and body arrive empty) for the next request; false when none is left. */
	bool (*next)(void *ctx, struct load_req *req);
	/* A request ended: status is the HTTP code, 0 on a transport error. True = success. */
	bool (*done)(void *ctx, const struct load_req *req, long status, const struct strbuf *resp);
	void *ctx;
};

/*
 * Runs phase p with `clients` concurrent clients against base
 * ("http://127.0.0.1:6443": an IPv4 address and port) until next() has nothing left and every answer is
 * in. Each successful request's latency (from its start to its whole answer)
 * goes to lat, each failure counts as an error there; *ret_seconds is the
 * phase's wall time. Returns 0, or -EINVAL for a base it cannot parse.
 * Single-threaded; callbacks run on the calling thread.
 */
int http_load_run(const char *base, size_t clients, const struct load_phase *p,
		  struct lat_rec *lat, double *ret_seconds);

#endif
