/*
 * commands.h - every k8c command. Each takes the arguments after its own name
 * (flags included) and returns the exit status; see kctl.h.
 */
#ifndef K8C_KUBECTL_COMMANDS_H
#define K8C_KUBECTL_COMMANDS_H

#include "kubectl/kctl.h"

int cmd_get(struct kctl *k, int argc, char **argv);
int cmd_apply(struct kctl *k, int argc, char **argv);
int cmd_create(struct kctl *k, int argc, char **argv);
int cmd_delete(struct kctl *k, int argc, char **argv);
int cmd_describe(struct kctl *k, int argc, char **argv);
int cmd_scale(struct kctl *k, int argc, char **argv);
int cmd_label(struct kctl *k, int argc, char **argv);
int cmd_annotate(struct kctl *k, int argc, char **argv);
int cmd_set_image(struct kctl *k, int argc, char **argv);
int cmd_expose(struct kctl *k, int argc, char **argv);
int cmd_logs(struct kctl *k, int argc, char **argv);
int cmd_wait(struct kctl *k, int argc, char **argv);
int cmd_version(struct kctl *k, int argc, char **argv);
int cmd_cluster_info(struct kctl *k, int argc, char **argv);
int cmd_api_resources(struct kctl *k, int argc, char **argv);

int cmd_rollout_status(struct kctl *k, int argc, char **argv);
int cmd_rollout_history(struct kctl *k, int argc, char **argv);
int cmd_rollout_undo(struct kctl *k, int argc, char **argv);
int cmd_rollout_restart(struct kctl *k, int argc, char **argv);
int cmd_rollout_pause(struct kctl *k, int argc, char **argv);
int cmd_rollout_resume(struct kctl *k, int argc, char **argv);

int cmd_config_view(struct kctl *k, int argc, char **argv);
int cmd_config_use_context(struct kctl *k, int argc, char **argv);
int cmd_config_set_context(struct kctl *k, int argc, char **argv);
int cmd_config_get_contexts(struct kctl *k, int argc, char **argv);
int cmd_config_current_context(struct kctl *k, int argc, char **argv);

#endif
