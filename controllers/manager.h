/*
 * manager.h - what k8c-controller-manager's main.c shares with its
 * controller table and option parsing.
 */
#ifndef K8C_CONTROLLERS_MANAGER_H
#define K8C_CONTROLLERS_MANAGER_H

#include "controllers/controller.h"

/* Every known controller, NULL-terminated (manager_list.c). */
extern const struct controller_def *const controller_list[];

#endif
