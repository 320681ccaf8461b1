/*
 * leader_lease.c - reading and writing the Lease of an election as client-go's LeaseLock
 * and LeaderElector.tryAcquireOrRenew/release do: every round reads the Lease, decides
 * from what it holds and from how long it has looked unchanged HERE (never from the
 * renewTime a remote clock wrote), and writes with the resourceVersion it read, so that
 * of two candidates writing at once one gets 409 Conflict and loses the round.
 */
#include "client/leader_internal.h"

#include "api/codec.h"
#include "base/timeutil.h"
#include "client/typed.h"

/* spec.leaseDurationSeconds: whole seconds, as client-go writes int(LeaseDuration/time.Second). */
static int32_t lease_seconds(const struct k8c_leader *l)
{
	int64_t s = l->lease_ns / K8C_NSEC_PER_SEC;
	return s < 1 ? 1 : (int32_t)s;
}

/* Sends body (a Lease, or nothing) with method to path; the answer becomes l->lease. */
static int lease_send(struct k8c_leader *l, const char *method, const char *path,
		      const struct k8c_lease *body, int64_t timeout_ms)
{
	struct strbuf text = STRBUF_INIT;
	if (body)
		k8c_encode(&k8c_type_lease, body, &text);
	struct k8c_request req = {
		.method = method,
		.path = path,
		.body = body ? text.buf : NULL,
		.body_len = text.len,
		.timeout_ms = timeout_ms > 0 ? timeout_ms : 1,
	};
	struct k8c_lease got = { 0 };
	int r = k8c_typed_do(l->client, &req, &k8c_type_lease, &got, NULL);
	strbuf_release(&text);
	if (r < 0)
		return r;
	k8c_release(&k8c_type_lease, &l->lease);
	l->lease = got;
	return 0;
}

/* Fills a LeaseSpec the way client-go's LeaderElectionRecordToLeaseSpec does: every field set. */
static void spec_set(struct k8c_lease_spec *s, const char *holder, int32_t duration_s,
		     int64_t acquire_ns, int64_t renew_ns, int32_t transitions)
{
	free(s->holder_identity);
	s->holder_identity = xstrdup(holder);
	s->lease_duration_seconds = duration_s;
	s->has_lease_duration_seconds = true;
	s->acquire_time = acquire_ns;
	s->renew_time = renew_ns;
	s->lease_transitions = transitions;
	s->has_lease_transitions = true;
}

/*
 * Notes the spec of l->lease as observed at monotonic time mono; the expiry clock restarts
 * only when the spec changed (client-go compares the raw record), so a holder that stops
 * renewing expires lease_ns after we first saw its last write.
 */
static void observe(struct k8c_leader *l, int64_t mono)
{
	struct strbuf sb = STRBUF_INIT;
	k8c_encode(&k8c_type_lease_spec, &l->lease.spec, &sb);
	if (!l->observed || strcmp(l->observed, sb.buf)) {
		free(l->observed);
		l->observed = strbuf_detach(&sb, NULL);
		l->observed_at = mono;
	}
	strbuf_release(&sb);
}

static bool lease_create(struct k8c_leader *l, int64_t now, int64_t timeout_ms)
{
	struct k8c_lease fresh = { 0 };
	fresh.kind = xstrdup("Lease");
	fresh.api_version = xstrdup("coordination.k8s.io/v1");
	fresh.metadata.name = xstrdup(l->name);
	fresh.metadata.namespace = xstrdup(l->namespace);
	spec_set(&fresh.spec, l->identity, lease_seconds(l), now, now, 0);
	int r = lease_send(l, "POST", l->collection_path, &fresh, timeout_ms);
	k8c_release(&k8c_type_lease, &fresh);
	if (r < 0)
		return false; /* AlreadyExists: another candidate was first */
	observe(l, time_mono_ns());
	return true;
}

bool leader__try_acquire_or_renew(struct k8c_leader *l, int64_t timeout_ms)
{
	int64_t now = time_now_ns();
	int r = lease_send(l, "GET", l->path, NULL, timeout_ms);
	if (r == -ENOENT) {
		k8c_release(&k8c_type_lease, &l->lease);
		return lease_create(l, now, timeout_ms);
	}
	if (r < 0)
		return false;
	observe(l, time_mono_ns());

	const struct k8c_lease_spec *s = &l->lease.spec;
	bool held = streq_null(s->holder_identity, l->identity);
	bool taken = s->holder_identity && *s->holder_identity;
	if (taken && !held && time_mono_ns() < l->observed_at + l->lease_ns)
		return false; /* held by another and not expired */

	struct k8c_lease next;
	k8c_copy(&k8c_type_lease, &next, &l->lease);
	if (held)
		spec_set(&next.spec, l->identity, lease_seconds(l), s->acquire_time ? s->acquire_time : now,
			 now, s->lease_transitions);
	else
		spec_set(&next.spec, l->identity, lease_seconds(l), now, now,
			 s->lease_transitions + 1);
	r = lease_send(l, "PUT", l->path, &next, timeout_ms);
	k8c_release(&k8c_type_lease, &next);
	if (r < 0)
		return false; /* 409 Conflict: someone else wrote first */
	observe(l, time_mono_ns());
	return true;
}

void leader__release(struct k8c_leader *l)
{
	if (!l->lease.metadata.resource_version ||
	    !streq_null(l->lease.spec.holder_identity, l->identity))
		return;
	struct k8c_lease next;
	k8c_copy(&k8c_type_lease, &next, &l->lease);
	int64_t now = time_now_ns();
	spec_set(&next.spec, "", 1, now, now, l->lease.spec.lease_transitions);
	lease_send(l, "PUT", l->path, &next, l->renew_ns / K8C_NSEC_PER_MSEC);
	k8c_release(&k8c_type_lease, &next);
}
