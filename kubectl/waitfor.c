/*
 * waitfor.c - GET, then watch one object until a condition holds; see waitfor.h.
 */
#include "kubectl/waitfor.h"

#include "base/timeutil.h"
#include "client/path.h"
#include "client/verbs.h"
#include "client/watch.h"
#include "kubectl/jsonutil.h"
#include "kubectl/resources.h"

struct wait_run {
	kwait_fn fn;
	void *userdata;
	int verdict; /* last answer of fn */
	char *rv;    /* resourceVersion to watch from */
};

static int on_event(struct k8c_watch_event *ev, void *ud)
{
	struct wait_run *w = ud;
	const char *rv = kj_str(ev->object, "metadata.resourceVersion");
	if (rv) {
		free(w->rv);
		w->rv = xstrdup(rv);
	}
	if (ev->type == K8C_WATCH_BOOKMARK)
		return 0;
	w->verdict = w->fn(ev->type == K8C_WATCH_DELETED ? NULL : ev->object, w->userdata);
	return w->verdict != 0;
}

/* Seconds left before the deadline, at least 1; 0 = no deadline. */
static int64_t seconds_left(int64_t deadline)
{
	if (!deadline)
		return 0;
	int64_t left = deadline - time_mono_ns();
	return left <= 0 ? 1 : (left + K8C_NSEC_PER_SEC - 1) / K8C_NSEC_PER_SEC;
}

/* One GET: asks fn about the current state and remembers its version. */
static int check_now(struct kctl *k, const char *path, struct wait_run *w)
{
	cJSON *obj = NULL;
	struct k8c_status_error e = K8C_STATUS_ERROR_INIT;
	int rc = k8c_get(kctl_client(k), path, &obj, &e);
	if (rc < 0 && rc != -ENOENT) {
		kctl_api_error(k, rc, &e);
		k8c_status_error_release(&e);
		return rc;
	}
	k8c_status_error_release(&e);
	const char *rv = kj_str(obj, "metadata.resourceVersion");
	/* a re-read after a watch ended tells fn only about news */
	if (!(rv && w->rv && !strcmp(rv, w->rv)))
		w->verdict = w->fn(rc == -ENOENT ? NULL : obj, w->userdata);
	free(w->rv);
	w->rv = xstrdup(rv);
	cJSON_Delete(obj);
	return 0;
}

static int watch_once(struct kctl *k, const struct k8c_kind *kind, const char *ns,
		      const char *name, int64_t deadline, struct wait_run *w)
{
	struct strbuf path = STRBUF_INIT, fs = STRBUF_INIT;
	kres_path(&path, kind, ns, NULL, NULL);
	strbuf_addf(&fs, "metadata.name=%s", name);
	k8c_query_add(&path, "fieldSelector", fs.buf);
	struct k8c_watch_options wo = {
		.path = path.buf,
		.resource_version = w->rv,
		.timeout_seconds = seconds_left(deadline),
		.fn = on_event,
		.userdata = w,
	};
	struct k8c_watch *watch = k8c_watch_new(kctl_client(k));
	struct k8c_status_error e = K8C_STATUS_ERROR_INIT;
	int rc = k8c_watch_run(watch, &wo, &e);
	if (rc < 0 && rc != -ETIME)
		kctl_api_error(k, rc, &e);
	k8c_status_error_release(&e);
	k8c_watch_free(watch);
	strbuf_release(&fs);
	strbuf_release(&path);
	return rc == -ETIME ? K8C_WATCH_CLOSED : rc;
}

int kwait_object(struct kctl *k, const struct k8c_kind *kind, const char *ns, const char *name,
		 int64_t deadline_ns, kwait_fn fn, void *userdata)
{
	struct wait_run w = { .fn = fn, .userdata = userdata };
	struct strbuf path = STRBUF_INIT;
	kres_path(&path, kind, ns, name, NULL);
	int rc = 0;
	bool fresh = true; /* re-GET before watching (first time, and after a watch expired) */
	while (rc == 0) {
		if (fresh && (rc = check_now(k, path.buf, &w)) < 0)
			break;
		if (w.verdict)
			break;
		if (deadline_ns && time_mono_ns() >= deadline_ns) {
			rc = -ETIME;
			break;
		}
		int r = watch_once(k, kind, ns, name, deadline_ns, &w);
		if (r < 0)
			rc = r;
		fresh = r == K8C_WATCH_CLOSED;
	}
	free(w.rv);
	strbuf_release(&path);
	if (rc == 0 && w.verdict < 0)
		return -ECANCELED;
	return rc;
}

int kwait_deleted(const cJSON *obj, void *uid)
{
	return !obj || (uid && strcmp(kj_str_or(obj, "metadata.uid", ""), uid));
}
