/*
 * logs_stream.c - reading the log streams of `k8c logs` once the pods are known: the
 * container of each pod (-c, the only one, or every one with --all-containers), the
 * pods/log request, and the output as kubectl's DefaultConsumeRequest writes it: whole
 * lines (a partial line waits for its end, or for the end of the stream), each with
 * "[pod/NAME/CONTAINER] " under --prefix, so that streams followed side by side never
 * mix within a line.
 */
#include <pthread.h>
#include <unistd.h>

#include "client/path.h"
#include "client/verbs.h"
#include "kubectl/jsonutil.h"
#include "kubectl/logs.h"
#include "kubectl/resources.h"

struct log_stream {
	struct kctl *k;
	const struct logs_opts *o;
	const char *ns, *pod, *container;
	char *prefix;	    /* "[pod/NAME/CONTAINER] " under --prefix, else NULL */
	struct strbuf line; /* received, not written: the start of a line */
	pthread_mutex_t *lock; /* serializes the output of parallel streams */
	int status;
};

static void lock(struct log_stream *s)
{
	if (s->lock)
		pthread_mutex_lock(s->lock);
}

static void unlock(struct log_stream *s)
{
	if (s->lock)
		pthread_mutex_unlock(s->lock);
}

/* Writes data[0..len) (whole lines, or the rest at the end), each line prefixed. */
static void write_lines(struct log_stream *s, const char *data, size_t len)
{
	FILE *out = s->k->out;
	if (!s->prefix) {
		fwrite(data, 1, len, out);
		return;
	}
	while (len) {
		const char *nl = memchr(data, '\n', len);
		size_t n = nl ? (size_t)(nl - data) + 1 : len;
		fputs(s->prefix, out);
		fwrite(data, 1, n, out);
		data += n;
		len -= n;
	}
}

static int on_data(const char *data, size_t len, void *ud)
{
	struct log_stream *s = ud;
	strbuf_add(&s->line, data, len);
	const char *last = memrchr(s->line.buf, '\n', s->line.len);
	if (!last)
		return 0;
	size_t whole = (size_t)(last - s->line.buf) + 1;
	lock(s);
	write_lines(s, s->line.buf, whole);
	fflush(s->k->out);
	unlock(s);
	memmove(s->line.buf, s->line.buf + whole, s->line.len - whole);
	strbuf_setlen(&s->line, s->line.len - whole);
	return 0;
}

static void log_path(const struct log_stream *s, struct strbuf *path)
{
	const struct logs_opts *o = s->o;
	kres_path(path, k8c_kind_lookup("pods"), s->ns, s->pod, "log");
	k8c_query_add(path, "container", s->container);
	if (o->follow)
		k8c_query_add(path, "follow", "true");
	if (o->skip_tls_verify_backend)
		k8c_query_add(path, "insecureSkipTLSVerifyBackend", "true");
	if (o->limit_bytes)
		k8c_query_add_int(path, "limitBytes", o->limit_bytes);
	if (o->previous)
		k8c_query_add(path, "previous", "true");
	if (o->since_seconds_set)
		k8c_query_add_int(path, "sinceSeconds", o->since_seconds);
	if (o->since_time.len)
		k8c_query_add(path, "sinceTime", o->since_time.buf);
	if (o->tail_lines >= 0)
		k8c_query_add_int(path, "tailLines", o->tail_lines);
	if (o->timestamps)
		k8c_query_add(path, "timestamps", "true");
}

/*
 * A failed stream of several followed side by side: with --ignore-errors its error
 * becomes a line of the output; else kubectl's error ends the whole command at once,
 * as Go's os.Exit does: the other streams are still reading (and using the client),
 * so nothing is freed or joined.
 */
static void parallel_failure(struct log_stream *s, int rc, const struct k8c_status_error *e)
{
	if (s->o->ignore_errors) {
		fprintf(s->k->out, "error: %s\n", e->message ? e->message : strerror(-rc));
		fflush(s->k->out);
		return;
	}
	kctl_api_error(s->k, rc, e);
	fflush(s->k->out);
	fflush(s->k->err);
	_exit(1);
}

static void *stream_run(void *ud)
{
	struct log_stream *s = ud;
	struct strbuf path = STRBUF_INIT;
	log_path(s, &path);
	struct k8c_request req = { .method = "GET", .path = path.buf, .accept = "*/*" };
	struct k8c_status_error e = K8C_STATUS_ERROR_INIT;
	int rc = k8c_client_stream(kctl_client(s->k), &req, on_data, s, &e);
	lock(s);
	write_lines(s, s->line.buf, s->line.len); /* the last line, without its end */
	fflush(s->k->out);
	if (rc < 0 && s->lock)
		parallel_failure(s, rc, &e);
	else if (rc < 0)
		kctl_api_error(s->k, rc, &e);
	unlock(s);
	s->status = rc < 0;
	k8c_status_error_release(&e);
	strbuf_release(&path);
	return NULL;
}

/* Appends "[a b]" of the container names of list. */
static void names(const cJSON *list, struct strbuf *out)
{
	const cJSON *c;
	strbuf_addch(out, '[');
	cJSON_ArrayForEach(c, list)
		strbuf_addf(out, "%s%s", c == list->child ? "" : " ", kj_str_or(c, "name", ""));
	strbuf_addch(out, ']');
}

static bool has_container(const cJSON *list, const char *name)
{
	const cJSON *c;
	cJSON_ArrayForEach(c, list)
		if (!strcmp(kj_str_or(c, "name", ""), name))
			return true;
	return false;
}

/* The container to read: -c's, else the pod's only one; NULL after printing why not. */
static const char *pick_container(struct kctl *k, const struct logs_opts *o, const cJSON *pod)
{
	const cJSON *cs = kj_get(pod, "spec.containers"), *ics = kj_get(pod, "spec.initContainers");
	const char *name = kj_str_or(pod, "metadata.name", "");
	if (o->container && *o->container) {
		if (has_container(cs, o->container) || has_container(ics, o->container))
			return o->container;
		kctl_errorf(k, "container %s is not valid for pod %s", o->container, name);
		return NULL;
	}
	if (cJSON_GetArraySize(cs) == 1)
		return kj_str_or(cs->child, "name", "");
	struct strbuf msg = STRBUF_INIT;
	names(cs, &msg);
	if (cJSON_GetArraySize(ics)) {
		strbuf_addstr(&msg, " or one of the init containers: ");
		names(ics, &msg);
	}
	kctl_errorf(k, "a container name must be specified for pod %s, choose one of: %s", name,
		    msg.buf);
	strbuf_release(&msg);
	return NULL;
}

struct streams {
	struct log_stream *v;
	size_t n, alloc;
};

static void streams_add(struct streams *ss, struct kctl *k, const struct logs_opts *o,
			const cJSON *pod, const char *container)
{
	ALLOC_GROW(ss->v, ss->n + 1, ss->alloc);
	struct log_stream *s = &ss->v[ss->n++];
	*s = (struct log_stream){ .k = k, .o = o, .ns = kj_str(pod, "metadata.namespace"),
				  .pod = kj_str(pod, "metadata.name"), .container = container };
	strbuf_init(&s->line, 0);
	if (o->prefix) {
		struct strbuf p = STRBUF_INIT;
		strbuf_addf(&p, "[pod/%s/%s] ", s->pod, container);
		s->prefix = strbuf_detach(&p, NULL);
	}
}

static void streams_release(struct streams *ss)
{
	for (size_t i = 0; i < ss->n; i++) {
		free(ss->v[i].prefix);
		strbuf_release(&ss->v[i].line);
	}
	free(ss->v);
}

/* A stream per pod (per container of each pod with --all-containers: init containers
 * first, as kubectl lists them). Returns 0, or 1 after printing why a pod has none. */
static int streams_collect(struct streams *ss, struct kctl *k, const struct logs_opts *o,
			   const cJSON *pods)
{
	const cJSON *pod, *c;
	cJSON_ArrayForEach(pod, pods) {
		if (!o->all_containers) {
			const char *name = pick_container(k, o, pod);
			if (!name)
				return 1;
			streams_add(ss, k, o, pod, name);
			continue;
		}
		cJSON_ArrayForEach(c, kj_get(pod, "spec.initContainers"))
			streams_add(ss, k, o, pod, kj_str_or(c, "name", ""));
		cJSON_ArrayForEach(c, kj_get(pod, "spec.containers"))
			streams_add(ss, k, o, pod, kj_str_or(c, "name", ""));
	}
	return 0;
}

/* Several followed streams at once, each on its own thread. */
static int streams_parallel(struct streams *ss)
{
	pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;
	pthread_t *t = xcalloc(ss->n, sizeof(*t));
	for (size_t i = 0; i < ss->n; i++) {
		ss->v[i].lock = &out_lock;
		if (pthread_create(&t[i], NULL, stream_run, &ss->v[i]))
			abort(); /* out of resources, as xmalloc() treats memory */
	}
	for (size_t i = 0; i < ss->n; i++)
		pthread_join(t[i], NULL);
	free(t);
	return 0; /* a failure exited, or was ignored */
}

int logs_stream_pods(struct kctl *k, const struct logs_opts *o, const cJSON *pods)
{
	struct streams ss = { 0 };
	int status = streams_collect(&ss, k, o, pods);
	if (status == 0 && o->follow && ss.n > 1) {
		if (ss.n > (size_t)o->max_log_requests) {
			kctl_errorf(k, "you are attempting to follow %zu log streams, but maximum "
				       "allowed concurrency is %lld, use --max-log-requests to "
				       "increase the limit",
				    ss.n, (long long)o->max_log_requests);
			status = 1;
		} else {
			status = streams_parallel(&ss);
		}
	} else {
		/* one after the other, the first failure ends the command (kubectl 1.20's
		 * --ignore-errors applies to followed streams only) */
		for (size_t i = 0; status == 0 && i < ss.n; i++) {
			stream_run(&ss.v[i]);
			status = ss.v[i].status;
		}
	}
	streams_release(&ss);
	return status;
}
