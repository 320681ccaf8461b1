/*
 * rollout.c - `k8c rollout status|pause|resume|restart` for Deployments, as kubectl
 * 1.20 runs them: status watches the Deployment and prints kubectl's progress line on
 * every change until the rollout is complete (generation observed, all replicas
 * updated, old ones gone, updated ones available) or the progress deadline passed;
 * pause, resume and restart change the Deployment and send the two-way strategic
 * merge patch. history and undo live in rollout_history.c.
 */
#include "base/timeutil.h"
#include "client/verbs.h"
#include "kubectl/commands.h"
#include "kubectl/jsonutil.h"
#include "kubectl/resources.h"
#include "kubectl/rollout.h"
#include "kubectl/waitfor.h"

/* kubectl 1.20's words for a kind its rollout verbs do not handle. */
static void unsupported(struct kctl *k, const char *verb, const struct kobj *ob)
{
	const struct k8c_kind *kind = ob->kind;
	struct strbuf gr = STRBUF_INIT;
	kres_group_resource(&gr, kind);
	if (!strcmp(verb, "status"))
		kctl_errorf(k, "no status viewer has been implemented for %s", kind->kind);
	else if (!strcmp(verb, "history") || !strcmp(verb, "undo"))
		kctl_errorf(k, "error retrieving %s for \"%s\", no visitor method exists for {%s %s}",
			    !strcmp(verb, "undo") ? "rollbacker" : "history", kind->kind, kind->group,
			    kind->kind);
	else
		kctl_errorf(k, "%s \"%s\" %s is not supported", gr.buf, ob->name, verb);
	strbuf_release(&gr);
}

int rollout_select(struct kctl *k, const char *verb, int argc, char **argv,
		   const struct kflag *extra, struct kobjs *objs, struct kerrors *errs)
{
	struct kstrv files = KSTRV_INIT, args = KSTRV_INIT;
	struct kflag flags[16] = { { "filename", 'f', KFLAG_STRINGS, &files, NULL,
				     "Files naming the objects" } };
	size_t n = 1;
	for (const struct kflag *f = extra; f && f->name && n + 1 < ARRAY_SIZE(flags); f++)
		flags[n++] = *f;
	int r = kctl_parse(k, flags, argc, argv, &args);
	struct kselect_opts so = { .files = &files };
	if (r == 0)
		r = kselect(k, &args, &so, objs, errs);
	for (size_t i = 0; r == 0 && i < objs->n; i++) {
		if (!strcmp(objs->v[i].kind->kind, "Deployment"))
			continue;
		/* kubectl reads the object first: a missing one is reported as such */
		if (kobj_fetch(k, &objs->v[i], errs) == 0)
			unsupported(k, verb, &objs->v[i]);
		r = -1;
	}
	kstrv_release(&files);
	kstrv_release(&args);
	return r;
}

struct status_run {
	struct kctl *k;
	int64_t revision;
	bool watch;
};

/* kubectl's DeploymentStatusViewer.Status: prints one progress line; 1 when done. */
static int status_line(const cJSON *d, void *ud)
{
	struct status_run *s = ud;
	if (!d) {
		kctl_errorf(s->k, "object has been deleted");
		return -1;
	}
	const char *name = kj_str_or(d, "metadata.name", "");
	int64_t rev = workload_revision(d);
	if (s->revision > 0 && s->revision != rev) {
		kctl_errorf(s->k, "desired revision (%lld) is different from the running revision "
				  "(%lld)", (long long)s->revision, (long long)rev);
		return -1;
	}
	const cJSON *st = kj_get(d, "status"), *c;
	if (kj_int(d, "metadata.generation", 0) > kj_int(st, "observedGeneration", 0)) {
		fprintf(s->k->out, "Waiting for deployment spec update to be observed...\n");
		return s->watch ? 0 : 1;
	}
	cJSON_ArrayForEach(c, kj_get(st, "conditions"))
		if (!strcmp(kj_str_or(c, "type", ""), "Progressing") &&
		    !strcmp(kj_str_or(c, "reason", ""), "ProgressDeadlineExceeded")) {
			kctl_errorf(s->k, "deployment \"%s\" exceeded its progress deadline", name);
			return -1;
		}
	long long want = kj_int(d, "spec.replicas", 1), updated = kj_int(st, "updatedReplicas", 0);
	long long total = kj_int(st, "replicas", 0), avail = kj_int(st, "availableReplicas", 0);
	const char *pre = "Waiting for deployment";
	if (kj_get(d, "spec.replicas") && updated < want)
		fprintf(s->k->out, "%s \"%s\" rollout to finish: %lld out of %lld new replicas have "
				   "been updated...\n", pre, name, updated, want);
	else if (total > updated)
		fprintf(s->k->out, "%s \"%s\" rollout to finish: %lld old replicas are pending "
				   "termination...\n", pre, name, total - updated);
	else if (avail < updated)
		fprintf(s->k->out, "%s \"%s\" rollout to finish: %lld of %lld updated replicas are "
				   "available...\n", pre, name, avail, updated);
	else {
		fprintf(s->k->out, "deployment \"%s\" successfully rolled out\n", name);
		return 1;
	}
	fflush(s->k->out);
	return s->watch ? 0 : 1;
}

int cmd_rollout_status(struct kctl *k, int argc, char **argv)
{
	struct status_run s = { .k = k, .watch = true };
	int64_t timeout = 0;
	const struct kflag flags[] = {
		{ "watch", 'w', KFLAG_BOOL, &s.watch, NULL, "Watch until the rollout is done" },
		{ "revision", 0, KFLAG_INT, &s.revision, NULL, "Expect this revision" },
		{ "timeout", 0, KFLAG_DURATION, &timeout, NULL, "How long to wait (0: forever)" },
		{ 0 },
	};
	struct kobjs objs = { 0 };
	struct kerrors errs = KERRORS_INIT;
	int r = rollout_select(k, "status", argc, argv, flags, &objs, &errs);
	int64_t deadline = timeout > 0 ? time_mono_ns() + timeout : 0;
	for (size_t i = 0; r == 0 && i < objs.n; i++) {
		int rc = kwait_object(k, objs.v[i].kind, objs.v[i].ns, objs.v[i].name, deadline,
				      status_line, &s);
		if (rc == -ETIME)
			kerrors_addf(&errs, "timed out waiting for the condition");
		else if (rc < 0)
			r = -1;
	}
	kobjs_release(&objs);
	return kerrors_finish(k, &errs) || r != 0;
}

/* Changes a copy of the object with fn and sends the difference, printing op. */
static void patch_object(struct kctl *k, struct kobj *ob, rollout_change_fn fn, const char *op,
			 const char *unchanged, struct kerrors *errs)
{
	if (kobj_fetch(k, ob, errs) < 0)
		return;
	cJSON *changed = cJSON_Duplicate(ob->obj, true);
	const char *why = fn(changed);
	if (why) {
		struct strbuf gr = STRBUF_INIT;
		kres_group_resource(&gr, ob->kind);
		kerrors_addf(errs, "%s \"%s\" %s", gr.buf, ob->name, why);
		strbuf_release(&gr);
	} else {
		kobj_patch_changes(k, NULL, ob, changed, op, unchanged, errs);
	}
	cJSON_Delete(changed);
}

static int run_change(struct kctl *k, const char *verb, int argc, char **argv,
		      rollout_change_fn fn, const char *op, const char *unchanged)
{
	struct kobjs objs = { 0 };
	struct kerrors errs = KERRORS_INIT;
	int r = rollout_select(k, verb, argc, argv, NULL, &objs, &errs);
	for (size_t i = 0; r == 0 && i < objs.n; i++)
		patch_object(k, &objs.v[i], fn, op, unchanged, &errs);
	kobjs_release(&objs);
	return kerrors_finish(k, &errs) || r != 0;
}

static const char *pause_fn(cJSON *d)
{
	if (kj_true(d, "spec.paused"))
		return "is already paused";
	kj_set(kj_ensure(d, "spec"), "paused", cJSON_CreateTrue());
	return NULL;
}

static const char *resume_fn(cJSON *d)
{
	if (!kj_true(d, "spec.paused"))
		return "is not paused";
	kj_remove(d, "spec.paused");
	return NULL;
}

static const char *restart_fn(cJSON *d)
{
	if (kj_true(d, "spec.paused"))
		return "can't restart paused deployment (run rollout resume first)";
	struct strbuf now = STRBUF_INIT;
	time_format_rfc3339(&now, time_now_ns());
	kj_set(kj_ensure(d, "spec.template.metadata.annotations"), "kubectl.kubernetes.io/restartedAt",
	       cJSON_CreateString(now.buf));
	strbuf_release(&now);
	return NULL;
}

int cmd_rollout_pause(struct kctl *k, int argc, char **argv)
{
	return run_change(k, "pausing", argc, argv, pause_fn, "paused", "already paused");
}

int cmd_rollout_resume(struct kctl *k, int argc, char **argv)
{
	return run_change(k, "resuming", argc, argv, resume_fn, "resumed", "already resumed");
}

int cmd_rollout_restart(struct kctl *k, int argc, char **argv)
{
	return run_change(k, "restarting", argc, argv, restart_fn, "restarted", "restarted");
}
