/*
 * main.c - the k8c binary: finds the command (and sub-command) among the arguments,
 * skipping global flags and their values as cobra does, and runs it. Nothing else
 * happens at start-up: configuration and connections are made by the commands that
 * need them.
 */
#include "kubectl/commands.h"

struct kcmd {
	const char *name;
	int (*run)(struct kctl *k, int argc, char **argv);
	const struct kcmd *subs;
	const char *summary;
};

static const struct kcmd rollout_cmds[] = {
	{ "status", cmd_rollout_status, NULL, "Show the status of the rollout" },
	{ "history", cmd_rollout_history, NULL, "View rollout history" },
	{ "undo", cmd_rollout_undo, NULL, "Undo a previous rollout" },
	{ "restart", cmd_rollout_restart, NULL, "Restart a resource" },
	{ "pause", cmd_rollout_pause, NULL, "Mark the provided resource as paused" },
	{ "resume", cmd_rollout_resume, NULL, "Resume a paused resource" },
	{ 0 },
};

static const struct kcmd config_cmds[] = {
	{ "view", cmd_config_view, NULL, "Display merged kubeconfig settings" },
	{ "use-context", cmd_config_use_context, NULL, "Set the current-context" },
	{ "set-context", cmd_config_set_context, NULL, "Set a context entry in kubeconfig" },
	{ "get-contexts", cmd_config_get_contexts, NULL, "Describe one or many contexts" },
	{ "current-context", cmd_config_current_context, NULL, "Display the current-context" },
	{ 0 },
};

static const struct kcmd set_cmds[] = {
	{ "image", cmd_set_image, NULL, "Update the image of a pod template" },
	{ 0 },
};

static const struct kcmd top_cmds[] = {
	{ "get", cmd_get, NULL, "Display one or many resources" },
	{ "describe", cmd_describe, NULL, "Show details of a resource or group of resources" },
	{ "create", cmd_create, NULL, "Create a resource from a file or from stdin" },
	{ "apply", cmd_apply, NULL, "Apply a configuration to a resource by file name or stdin" },
	{ "delete", cmd_delete, NULL, "Delete resources by file names, stdin, names or selectors" },
	{ "scale", cmd_scale, NULL, "Set a new size for a Deployment or ReplicaSet" },
	{ "rollout", NULL, rollout_cmds, "Manage the rollout of a resource" },
	{ "logs", cmd_logs, NULL, "Print the logs for a container in a pod" },
	{ "expose", cmd_expose, NULL, "Expose a resource as a new Kubernetes service" },
	{ "label", cmd_label, NULL, "Update the labels on a resource" },
	{ "annotate", cmd_annotate, NULL, "Update the annotations on a resource" },
	{ "set", NULL, set_cmds, "Set specific features on objects" },
	{ "wait", cmd_wait, NULL, "Wait for a specific condition on one or many resources" },
	{ "version", cmd_version, NULL, "Print the client and server version information" },
	{ "cluster-info", cmd_cluster_info, NULL, "Display cluster info" },
	{ "api-resources", cmd_api_resources, NULL, "Print the supported API resources" },
	{ "config", NULL, config_cmds, "Modify kubeconfig files" },
	{ 0 },
};

static void usage(FILE *f, const char *path, const struct kcmd *cmds)
{
	fprintf(f, "k8c controls a k8c (Kubernetes-compatible) cluster.\n\nUsage:\n  k8c %s%s"
		   "[command] [flags]\n\nCommands:\n",
		path, *path ? " " : "");
	for (const struct kcmd *c = cmds; c->name; c++)
		fprintf(f, "  %-15s %s\n", c->name, c->summary);
}

/* The index of the first argument at or after from that is not a flag (or its value). */
static int next_word(struct kctl *k, int argc, char **argv, int from)
{
	struct kflag_sets globals = { { k->global_flags }, 1 };
	for (int i = from; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			return -1;
		if (argv[i][0] != '-' || !argv[i][1])
			return i;
		if (kflags_takes_next(&globals, argv[i]))
			i++;
	}
	return -1;
}

static const struct kcmd *find(const struct kcmd *cmds, const char *name)
{
	for (const struct kcmd *c = cmds; c->name; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

/* Removes argv[i], keeping the order of the others. */
static void drop(int *argc, char **argv, int i)
{
	memmove(argv + i, argv + i + 1, (size_t)(*argc - i - 1) * sizeof(*argv));
	(*argc)--;
}

static int dispatch(struct kctl *k, int argc, char **argv)
{
	const struct kcmd *cmds = top_cmds;
	struct strbuf path = STRBUF_INIT;
	int from = 0, status;
	for (;;) {
		int i = next_word(k, argc, argv, from);
		const struct kcmd *c = i >= 0 ? find(cmds, argv[i]) : NULL;
		if (!c) {
			if (i >= 0)
				fprintf(k->err, "Error: unknown command \"%s\" for \"k8c%s%s\"\nRun "
						"'k8c%s%s --help' for usage.\n",
					argv[i], path.len ? " " : "", path.buf,
					path.len ? " " : "", path.buf);
			else
				usage(k->out, path.buf, cmds);
			status = i >= 0 ? 1 : 0;
			break;
		}
		strbuf_addf(&path, "%s%s", path.len ? " " : "", c->name);
		drop(&argc, argv, i);
		from = i;
		if (c->run) {
			k->cmd = path.buf;
			status = c->run(k, argc, argv);
			break;
		}
		cmds = c->subs;
	}
	strbuf_release(&path);
	return status;
}

int main(int argc, char **argv)
{
	struct kctl k;
	kctl_init(&k);
	int status = dispatch(&k, argc - 1, argv + 1);
	fflush(k.out);
	kctl_release(&k);
	return status;
}
