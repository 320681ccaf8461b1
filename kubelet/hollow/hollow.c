/*
 * hollow.c - hollow nodes: registration, leases, status reports and the
 * worker threads that make every write; see hollow.h.
 */
#include "kubelet/hollow/hollow.h"

#include <pthread.h>

#include "api/codec.h"
#include "base/log.h"
#include "base/timeutil.h"
#include "kubelet/hollow/hollow_internal.h"
#include "kubelet/kubelet.h"
#include "kubelet/node.h"

#define HOLLOW_CPUS   4
#define HOLLOW_MEMORY (16LL << 30)
#define TICK_MS	      50

static void facts_of(const struct hollow_node *n, struct node_facts *f)
{
	*f = (struct node_facts){
		.name = n->name,
		.ip = n->ip,
		.hostname = n->name,
		.cpus = HOLLOW_CPUS,
		.memory_bytes = HOLLOW_MEMORY,
		.max_pods = n->h->cfg->max_pods,
		.port = KUBELET_DEFAULT_PORT,
		.kernel_version = "hollow",
		.os_image = "k8c hollow node",
		.runtime_version = "docker://hollow",
		.machine_id = n->name,
		.boot_id = n->name,
		.system_uuid = n->name,
	};
}

static struct node_health health_of(const struct hollow *h)
{
	return (struct node_health){ .ready = true, .ready_since = h->started_ns,
				     .started = h->started_ns };
}

static int register_node(struct hollow_node *n)
{
	struct node_facts f;
	facts_of(n, &f);
	struct node_health health = health_of(n->h);
	struct strbuf why = STRBUF_INIT;
	char *uid = NULL;
	int r = node_register(n->h->api, &f, &health, &uid, &why);
	if (r == 0 && !atomic_load(&n->registered)) {
		node_lease_init(&n->lease, n->name, uid, n->h->cfg->lease_duration_s);
		atomic_store(&n->registered, true);
		atomic_fetch_add(&n->h->registered, 1);
	} else if (r < 0) {
		log_warn("hollow node %s: registration failed: %s", n->name, why.buf);
	}
	free(uid);
	strbuf_release(&why);
	return r;
}

static int renew_lease(struct hollow_node *n)
{
	struct strbuf why = STRBUF_INIT;
	int r = node_lease_renew(&n->lease, n->h->api, &why);
	if (r < 0)
		log_warn("hollow node %s: lease renewal failed: %s", n->name, why.buf);
	strbuf_release(&why);
	return r;
}

static int report_status(struct hollow_node *n)
{
	struct node_facts f;
	facts_of(n, &f);
	struct node_health health = health_of(n->h);
	struct strbuf why = STRBUF_INIT;
	int r = node_write_status(n->h->api, &f, &health, &why);
	strbuf_release(&why);
	return r;
}

/* Does the work key names ("r/3", "l/3", "n/3", "p/3/ns/name"). */
static int process(struct hollow *h, const char *key)
{
	char *end;
	long i = strtol(key + 2, &end, 10);
	if (strlen(key) < 3 || key[1] != '/' || i < 0 || (size_t)i >= h->n)
		return 0;
	struct hollow_node *n = &h->nodes[i];
	switch (key[0]) {
	case 'r': return register_node(n);
	case 'l': return renew_lease(n);
	case 'n': return report_status(n);
	case 'p': return *end == '/' ? hollow_pod_sync(n, end + 1) : 0;
	}
	return 0;
}

static void *worker_main(void *arg)
{
	struct hollow *h = arg;
	char *key;
	while (k8c_workqueue_get(h->queue, &key)) {
		if (process(h, key) < 0)
			k8c_workqueue_add_rate_limited(h->queue, key);
		else
			k8c_workqueue_forget(h->queue, key);
		k8c_workqueue_done(h->queue, key);
		free(key);
	}
	return NULL;
}

static void queue_node(struct hollow *h, char what, size_t i)
{
	char key[32];
	snprintf(key, sizeof(key), "%c/%zu", what, i);
	k8c_workqueue_add(h->queue, key);
}

/* The process's resident memory in KiB. */
static long rss_kib(void)
{
	long pages = 0, resident = 0;
	FILE *f = fopen("/proc/self/statm", "r");
	if (f) {
		if (fscanf(f, "%ld %ld", &pages, &resident) != 2)
			resident = 0;
		fclose(f);
	}
	return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

static bool wait_until(volatile int *stop, bool (*done)(struct hollow *), struct hollow *h)
{
	while (!*stop && !done(h))
		time_sleep_ms(TICK_MS);
	return !*stop;
}

static bool all_registered(struct hollow *h)
{
	return atomic_load(&h->registered) == h->n;
}

static bool all_synced(struct hollow *h)
{
	for (size_t i = 0; i < h->n; i++)
		if (!k8c_informer_has_synced(h->nodes[i].pods))
			return false;
	return true;
}

static void start_informers(struct hollow *h)
{
	const struct k8c_kind *pods = k8c_kind_by_resource("", "v1", "pods");
	for (size_t i = 0; i < h->n; i++) {
		struct strbuf sel = STRBUF_INIT;
		strbuf_addf(&sel, "spec.nodeName=%s", h->nodes[i].name);
		struct k8c_informer_options o = { .kind = pods, .field_selector = sel.buf };
		h->nodes[i].pods = k8c_informer_new(h->api, &o);
		strbuf_release(&sel);
		hollow_pods_watch(&h->nodes[i]);
		k8c_informer_start(h->nodes[i].pods);
	}
}

/* Queues lease renewals and status reports, each node at its own offset in the period. */
static void heartbeat_loop(struct hollow *h, volatile int *stop)
{
	int64_t lease = h->cfg->lease_renew_ms * K8C_NSEC_PER_MSEC;
	int64_t report = h->cfg->node_status_report_ms * K8C_NSEC_PER_MSEC;
	int64_t *next_lease = xcalloc(h->n, sizeof(int64_t));
	int64_t *next_report = xcalloc(h->n, sizeof(int64_t));
	int64_t t0 = time_mono_ns();
	for (size_t i = 0; i < h->n; i++) {
		next_lease[i] = t0 + (int64_t)(lease / (int64_t)h->n * (int64_t)i);
		next_report[i] = t0 + report + (int64_t)(report / (int64_t)h->n * (int64_t)i);
	}
	while (!*stop) {
		int64_t now = time_mono_ns();
		for (size_t i = 0; i < h->n; i++) {
			if (now >= next_lease[i]) {
				queue_node(h, 'l', i);
				next_lease[i] += lease;
			}
			if (now >= next_report[i]) {
				queue_node(h, 'n', i);
				next_report[i] += report;
			}
		}
		time_sleep_ms(TICK_MS);
	}
	free(next_lease);
	free(next_report);
}

static void hollow_free(struct hollow *h, pthread_t *workers, int n_workers)
{
	k8c_workqueue_shutdown(h->queue);
	for (int i = 0; i < n_workers; i++)
		pthread_join(workers[i], NULL);
	for (size_t i = 0; i < h->n; i++) {
		k8c_informer_free(h->nodes[i].pods);
		node_lease_release(&h->nodes[i].lease);
		free(h->nodes[i].name);
	}
	free(h->nodes);
	k8c_workqueue_free(h->queue);
	k8c_client_free(h->api);
}

static void init_nodes(struct hollow *h)
{
	h->nodes = xcalloc(h->n, sizeof(*h->nodes));
	for (size_t i = 0; i < h->n; i++) {
		struct hollow_node *n = &h->nodes[i];
		struct strbuf name = STRBUF_INIT;
		strbuf_addf(&name, "%s%zu", h->cfg->node_name_prefix, i);
		n->h = h;
		n->index = (int)i;
		n->name = strbuf_detach(&name, NULL);
		snprintf(n->ip, sizeof(n->ip), "10.%d.%d.1", (int)((i >> 8) & 255), (int)(i & 255));
	}
}

int hollow_run(const struct kubelet_config *cfg, volatile int *stop)
{
	struct hollow h = { .cfg = cfg, .n = (size_t)cfg->hollow_nodes, .started_ns = time_now_ns() };
	int r = kubelet_api_client(cfg, &h.api);
	if (r < 0)
		return r;
	struct k8c_workqueue_options qo = { .qps = -1, .max_delay_ns = 5 * K8C_NSEC_PER_SEC };
	h.queue = k8c_workqueue_new(&qo);
	init_nodes(&h);
	pthread_t *workers = xcalloc((size_t)cfg->hollow_workers, sizeof(*workers));
	int n_workers = 0;
	for (int i = 0; i < cfg->hollow_workers; i++)
		n_workers += pthread_create(&workers[n_workers], NULL, worker_main, &h) == 0;
	if (!n_workers) {
		log_error("hollow: no worker thread could start");
		hollow_free(&h, workers, 0);
		free(workers);
		return -EIO;
	}
	long rss0 = rss_kib();
	int64_t t0 = time_mono_ns();
	for (size_t i = 0; i < h.n; i++)
		queue_node(&h, 'r', i);
	if (wait_until(stop, all_registered, &h)) {
		start_informers(&h);
		if (wait_until(stop, all_synced, &h)) {
			long rss = rss_kib();
			log_info("hollow: %zu nodes registered and watching in %.2f s; RSS %ld KiB "
				 "(%ld KiB before the nodes: %.1f KiB per node)", h.n,
				 (double)(time_mono_ns() - t0) / K8C_NSEC_PER_SEC, rss, rss0,
				 (double)(rss - rss0) / (double)h.n);
			heartbeat_loop(&h, stop);
		}
	}
	log_info("hollow: stopping; %lu pod statuses reported",
		 (unsigned long)atomic_load(&h.pods_reported));
	hollow_free(&h, workers, n_workers);
	free(workers);
	return 0;
}
