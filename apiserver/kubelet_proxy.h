/*
 * kubelet_proxy.h - the API server's client of kubelets, for pods/log: a
 * GET to a kubelet whose answer is streamed back piece by piece (libcurl's
 * multi interface, driven by the reading thread, so a slow reader slows the
 * kubelet down instead of filling memory). One stream per request thread.
 */
#ifndef K8C_APISERVER_KUBELET_PROXY_H
#define K8C_APISERVER_KUBELET_PROXY_H

#include "base/strbuf.h"

struct kubelet_stream;

/*
 * GETs url and waits (up to connect_timeout_ms for the connection, and as
 * long again for the answer's headers). Returns 0 with *ret and the HTTP
 * status in *ret_code; for a status other than 200 the whole body (up to
 * 64 KiB) is in err_body and the stream is finished. Returns a negative
 * errno with why set when the kubelet could not be reached (-ECONNREFUSED,
 * -ETIMEDOUT, -EIO).
 */
int kubelet_stream_open(const char *url, int64_t connect_timeout_ms, struct kubelet_stream **ret,
			int *ret_code, struct strbuf *err_body, struct strbuf *why);
/*
 * Takes up to max bytes of the body into buf, waiting up to wait_ms.
 * Returns how many (0: none yet), -1 at the end of the body, or -2 when the
 * transfer failed.
 */
long kubelet_stream_read(struct kubelet_stream *s, char *buf, size_t max, int64_t wait_ms);
/* Closes the connection and frees s. NULL-safe. */
void kubelet_stream_free(struct kubelet_stream *s);

#endif
