/*
 * manager.h - k8c-controller-manager's parts: the controller table
 * (manager_list.c), its own command line (manager_flags.c) and the start
 * and stop of the controllers it runs (manager.c). main.c ties them to the
 * shared component flags, leader election and signals.
 */
#ifndef K8C_CONTROLLERS_MANAGER_H
#define K8C_CONTROLLERS_MANAGER_H

#include "controllers/controller.h"

/* Every known controller, NULL-terminated (manager_list.c). */
extern const struct controller_def *const controller_list[];

/* The manager's own flags (besides client/component.h's). */
struct manager_flags {
	struct controller_options options;
	const char *controllers; /* --controllers, default "*" */
	bool help;
};

/* Sets f to kube-controller-manager's defaults. */
void manager_flags_init(struct manager_flags *f);

/*
 * Parses what is left of argv after k8c_component_parse (argv[0] skipped).
 * Returns 0, or -EINVAL with one line in err for an unknown flag, a missing
 * or bad value, or an unknown controller name in --controllers.
 */
int manager_flags_parse(struct manager_flags *f, int argc, char **argv, struct strbuf *err);

/* Writes the manager's own flags' help. */
void manager_flags_usage(FILE *out);

/*
 * True when --controllers value enables def (kube-controller-manager's
 * syntax: "*" all, "name" on, "-name" off; later entries win).
 */
bool manager_controller_enabled(const char *value, const char *name);

struct manager;

/*
 * Inits every enabled controller over ctx (borrowed), starts the informers,
 * waits until they synced (giving up early when *stop becomes true), then
 * runs the controllers with options->workers workers each. Returns the
 * manager (to stop later) or NULL with a message in err.
 */
struct manager *manager_start(struct controller_ctx *ctx, const char *controllers,
			      volatile bool *stop, struct strbuf *err);

/* Stops every controller, then the informers, then frees them. NULL-safe. */
void manager_stop(struct manager *m);

#endif
