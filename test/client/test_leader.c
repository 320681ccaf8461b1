/*
 * test_leader.c - leader election against the real k8c-apiserver: candidates in this
 * process (and one in a child process) on one Lease, with short durations (1 s lease,
 * 0.5 s renew deadline, 0.1 s retry period). A sampler thread checks every millisecond
 * that at most one candidate reports leading, both by k8c_leader_is_leader() and by
 * the on_started/on_stopped callbacks. Hand-over times are measured against what the
 * durations allow: release hands over well before the lease could expire; a killed
 * leader is replaced no earlier than the lease duration allows and not much later.
 */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/wait.h>

#include "base/timeutil.h"
#include "client/leader.h"
#include "client/verbs.h"
#include "test/client/apiserver_proc.h"
#include "test/ktest.h"

#define LEASE_MS 1000
#define RENEW_MS 500
#define RETRY_MS 100
#define MAX_CANDIDATES 3

static struct test_apiserver server;

struct candidate {
	struct k8c_client *client;
	struct k8c_leader *leader; /* NULL when not running */
	char identity[32];
	atomic_int leading; /* 1 between on_started and on_stopped */
	atomic_int started, stopped;
};

static struct candidate cands[MAX_CANDIDATES];

static void on_started(void *userdata)
{
	struct candidate *c = userdata;
	atomic_fetch_add(&c->started, 1);
	atomic_store(&c->leading, 1);
}

static void on_stopped(void *userdata)
{
	struct candidate *c = userdata;
	atomic_store(&c->leading, 0);
	atomic_fetch_add(&c->stopped, 1);
}

/* ---- the sampler -------------------------------------------------------------------- */

static pthread_mutex_t sample_lock = PTHREAD_MUTEX_INITIALIZER; /* guards cands[].leader */
static atomic_bool sampling;
static long samples, overlaps, callback_overlaps;

static void *sampler_main(void *arg)
{
	while (atomic_load(&sampling)) {
		int by_call = 0, by_callback = 0;
		pthread_mutex_lock(&sample_lock);
		for (int i = 0; i < MAX_CANDIDATES; i++) {
			by_call += cands[i].leader && k8c_leader_is_leader(cands[i].leader);
			by_callback += atomic_load(&cands[i].leading);
		}
		pthread_mutex_unlock(&sample_lock);
		samples++;
		overlaps += by_call > 1;
		callback_overlaps += by_callback > 1;
		time_sleep_ms(1);
	}
	return NULL;
}

static pthread_t sampler;

static void sampler_start(void)
{
	samples = overlaps = callback_overlaps = 0;
	atomic_store(&sampling, true);
	pthread_create(&sampler, NULL, sampler_main, NULL);
}

static void sampler_stop(void)
{
	atomic_store(&sampling, false);
	pthread_join(sampler, NULL);
}

/* ---- candidates ------------------------------------------------------------------- */

static void candidate_start(int i, const char *lease, const char *identity)
{
	struct candidate *c = &cands[i];
	c->client = c->client ? c->client : test_apiserver_client(&server, -1, 0);
	snprintf(c->identity, sizeof(c->identity), "%s", identity);
	atomic_store(&c->leading, 0);
	atomic_store(&c->started, 0);
	atomic_store(&c->stopped, 0);
	struct k8c_leader_config cfg = {
		.namespace = "kube-system", .name = lease, .identity = c->identity,
		.lease_duration_ms = LEASE_MS, .renew_deadline_ms = RENEW_MS,
		.retry_period_ms = RETRY_MS, .on_started = on_started, .on_stopped = on_stopped,
		.userdata = c,
	};
	struct k8c_leader *l = NULL;
	int r = k8c_leader_start(c->client, &cfg, &l);
	CHECK_INT(r, 0);
	pthread_mutex_lock(&sample_lock);
	c->leader = l;
	pthread_mutex_unlock(&sample_lock);
}

static void candidate_stop(int i)
{
	pthread_mutex_lock(&sample_lock);
	struct k8c_leader *l = cands[i].leader;
	cands[i].leader = NULL;
	pthread_mutex_unlock(&sample_lock);
	k8c_leader_stop(l);
}

static void candidates_free(void)
{
	for (int i = 0; i < MAX_CANDIDATES; i++) {
		candidate_stop(i);
		k8c_client_free(cands[i].client);
		cands[i].client = NULL;
	}
}

/* The index of the one candidate leading (by is_leader), -1 for none, -2 for several. */
static int current_leader(void)
{
	int found = -1;
	pthread_mutex_lock(&sample_lock);
	for (int i = 0; i < MAX_CANDIDATES; i++)
		if (cands[i].leader && k8c_leader_is_leader(cands[i].leader))
			found = found == -1 ? i : -2;
	pthread_mutex_unlock(&sample_lock);
	return found;
}

/* Waits up to timeout_ms for a leader other than `not`. Returns it, or -1. */
static int wait_leader(int not, int64_t timeout_ms)
{
	int64_t deadline = time_mono_ns() + timeout_ms * K8C_NSEC_PER_MSEC;
	while (time_mono_ns() < deadline) {
		int l = current_leader();
		if (l >= 0 && l != not)
			return l;
		time_sleep_ms(2);
	}
	return -1;
}

/* ---- the Lease as the API shows it ----------------------------------------------- */

static cJSON *lease_get(const char *name)
{
	struct k8c_client *c = test_apiserver_client(&server, -1, 5000);
	struct strbuf path = STRBUF_INIT;
	strbuf_addf(&path, "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/%s", name);
	cJSON *obj = NULL;
	k8c_get(c, path.buf, &obj, NULL);
	strbuf_release(&path);
	k8c_client_free(c);
	return obj;
}

static const char *spec_str(const cJSON *lease, const char *field)
{
	const cJSON *v = cJSON_GetObjectItem(cJSON_GetObjectItem(lease, "spec"), field);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static long spec_int(const cJSON *lease, const char *field)
{
	const cJSON *v = cJSON_GetObjectItem(cJSON_GetObjectItem(lease, "spec"), field);
	return cJSON_IsNumber(v) ? (long)v->valuedouble : -1;
}

/* metav1.MicroTime as Kubernetes writes it: "2006-01-02T15:04:05.000000Z". */
static bool is_micro_time(const char *s)
{
	static const char pattern[] = "dddd-dd-ddTdd:dd:dd.ddddddZ";
	if (!s || strlen(s) != sizeof(pattern) - 1)
		return false;
	for (size_t i = 0; pattern[i]; i++)
		if (pattern[i] == 'd' ? (s[i] < '0' || s[i] > '9') : s[i] != pattern[i])
			return false;
	return true;
}

/* Checks the Lease is held by holder with the fields client-go writes. */
static void check_lease(const char *name, const char *holder, long transitions)
{
	cJSON *lease = lease_get(name);
	CHECK(lease != NULL);
	CHECK_STR(spec_str(lease, "holderIdentity"), holder);
	CHECK_INT(spec_int(lease, "leaseDurationSeconds"), LEASE_MS / 1000);
	CHECK_INT(spec_int(lease, "leaseTransitions"), transitions);
	const char *acquire = spec_str(lease, "acquireTime"), *renew = spec_str(lease, "renewTime");
	CHECK(is_micro_time(acquire));
	CHECK(is_micro_time(renew));
	int64_t a = 0, r = 0;
	CHECK(acquire && time_parse_rfc3339(acquire, &a) == 0);
	CHECK(renew && time_parse_rfc3339(renew, &r) == 0);
	CHECK(a <= r);
	int64_t age = time_now_ns() - r;
	CHECK(age > -K8C_NSEC_PER_SEC && age < 5 * K8C_NSEC_PER_SEC);
	cJSON_Delete(lease);
}

static int64_t ms_since(int64_t t0)
{
	return (time_mono_ns() - t0) / K8C_NSEC_PER_MSEC;
}

/* ---- cases ------------------------------------------------------------------------- */

TEST(server_starts)
{
	REQUIRE(test_apiserver_start(&server) == 0);
}

TEST(invalid_durations_are_refused)
{
	struct k8c_client *c = test_apiserver_client(&server, -1, 0);
	struct k8c_leader *l = NULL;
	struct k8c_leader_config cfg = { .namespace = "kube-system", .name = "x", .identity = "a",
					 .lease_duration_ms = 1000, .renew_deadline_ms = 1000,
					 .retry_period_ms = 100 };
	CHECK_INT(k8c_leader_start(c, &cfg, &l), -EINVAL); /* renew deadline >= lease */
	cfg.renew_deadline_ms = 500;
	cfg.retry_period_ms = 450; /* renew deadline <= 1.2 x retry period */
	CHECK_INT(k8c_leader_start(c, &cfg, &l), -EINVAL);
	cfg.retry_period_ms = 100;
	cfg.identity = "";
	CHECK_INT(k8c_leader_start(c, &cfg, &l), -EINVAL);
	CHECK(l == NULL);
	k8c_client_free(c);
}

TEST(one_leader_at_a_time_and_release_hands_over)
{
	static const char *lease = "three-candidates";
	sampler_start();
	candidate_start(0, lease, "candidate-a");
	candidate_start(1, lease, "candidate-b");
	candidate_start(2, lease, "candidate-c");
	int first = wait_leader(-1, 5000);
	REQUIRE(first >= 0);
	/* Several lease durations with everyone campaigning: the leader keeps renewing. */
	int64_t t0 = time_mono_ns();
	while (ms_since(t0) < 2500) {
		int now = current_leader(); /* none for a moment is safe (a slow renewal) */
		CHECK(now == first || now == -1);
		time_sleep_ms(5);
	}
	CHECK_INT(wait_leader(-1, 1000), first);
	check_lease(lease, cands[first].identity, 0);

	/* Stop (release): another takes over long before the 1 s lease could expire. */
	t0 = time_mono_ns();
	candidate_stop(first);
	int second = wait_leader(first, 3000);
	int64_t handover = ms_since(t0);
	CHECK(second >= 0);
	CHECK(handover < 700);
	CHECK_INT(atomic_load(&cands[first].stopped), 1);
	REQUIRE(second >= 0);
	check_lease(lease, cands[second].identity, 1);

	t0 = time_mono_ns();
	candidate_stop(second);
	int third = wait_leader(second, 3000);
	CHECK(third >= 0 && third != first);
	CHECK(ms_since(t0) < 700);
	REQUIRE(third >= 0);
	check_lease(lease, cands[third].identity, 2);
	CHECK_INT(atomic_load(&cands[third].started), 1);

	/* The last one stops: the Lease is released the way client-go releases it. */
	candidate_stop(third);
	sampler_stop();
	cJSON *l = lease_get(lease);
	CHECK_STR(spec_str(l, "holderIdentity"), "");
	CHECK_INT(spec_int(l, "leaseDurationSeconds"), 1);
	CHECK_INT(spec_int(l, "leaseTransitions"), 2);
	cJSON_Delete(l);
	CHECK(samples > 1000);
	CHECK_INT(overlaps, 0);
	CHECK_INT(callback_overlaps, 0);
	fprintf(stderr, "  %ld samples, first hand-over %lld ms\n", samples, (long long)handover);
	candidates_free();
}

/* Starts leader_candidate in a process of its own and waits until it holds lease. */
static pid_t candidate_process(const char *lease, const char *identity)
{
	char lease_ms[16], renew_ms[16], retry_ms[16];
	snprintf(lease_ms, sizeof(lease_ms), "%d", LEASE_MS);
	snprintf(renew_ms, sizeof(renew_ms), "%d", RENEW_MS);
	snprintf(retry_ms, sizeof(retry_ms), "%d", RETRY_MS);
	char *argv[] = { getenv("K8C_LEADER_CANDIDATE"), server.url, "kube-system", (char *)lease,
			 (char *)identity, lease_ms, renew_ms, retry_ms, NULL };
	if (!argv[0])
		return -1;
	pid_t pid = test_apiserver_spawn(&server, argv);
	int64_t deadline = time_mono_ns() + 5 * K8C_NSEC_PER_SEC;
	while (pid > 0 && time_mono_ns() < deadline) {
		cJSON *l = lease_get(lease);
		bool held = l && streq_null(spec_str(l, "holderIdentity"), identity);
		cJSON_Delete(l);
		if (held)
			return pid;
		time_sleep_ms(10);
	}
	return -1;
}

TEST(killed_leader_is_replaced_within_the_lease_duration)
{
	static const char *lease = "killed-leader";
	pid_t pid = candidate_process(lease, "other-process");
	REQUIRE(pid > 0);
	sampler_start();
	candidate_start(0, lease, "survivor");
	/* While the other process renews, this one never takes over. */
	int64_t t0 = time_mono_ns();
	while (ms_since(t0) < 2 * LEASE_MS) {
		CHECK(current_leader() == -1);
		time_sleep_ms(5);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	t0 = time_mono_ns();
	int l = wait_leader(-1, 5000);
	int64_t took = ms_since(t0);
	sampler_stop();
	CHECK_INT(l, 0);
	/* The last renewal was at most a retry period (plus a request) before the kill. */
	CHECK(took >= LEASE_MS - 2 * RETRY_MS);
	CHECK(took <= LEASE_MS + 700); /* + two jittered retry periods */
	fprintf(stderr, "  taken over %lld ms after kill -9\n", (long long)took);
	check_lease(lease, "survivor", 1);
	CHECK_INT(overlaps, 0);
	candidates_free();
}

TEST(leader_steps_down_when_it_cannot_renew)
{
	static const char *lease = "unreachable";
	candidate_start(0, lease, "lonely");
	REQUIRE(wait_leader(-1, 5000) == 0);
	test_apiserver_pause(&server);
	int64_t t0 = time_mono_ns();
	while (k8c_leader_is_leader(cands[0].leader) && ms_since(t0) < 3000)
		time_sleep_ms(1);
	int64_t lost = ms_since(t0);
	/* is_leader ends renew_deadline after the start of the last good round. */
	CHECK(lost <= RENEW_MS + 150); /* slack for this thread's own scheduling */
	while (!atomic_load(&cands[0].stopped) && ms_since(t0) < 3000)
		time_sleep_ms(1);
	CHECK_INT(atomic_load(&cands[0].stopped), 1);
	CHECK(ms_since(t0) < LEASE_MS); /* on_stopped before anyone else could take over */
	fprintf(stderr, "  not leader %lld ms after the server froze\n", (long long)lost);
	test_apiserver_resume(&server);
	/* It campaigns again and, holding the unexpired Lease, leads again. */
	CHECK_INT(wait_leader(-1, 5000), 0);
	CHECK_INT(atomic_load(&cands[0].started), 2);
	candidates_free();
}

TEST(server_stops_cleanly)
{
	CHECK_INT(test_apiserver_stop(&server), 0);
}
