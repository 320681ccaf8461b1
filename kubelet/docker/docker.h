/*
 * docker.h - the whole Docker Engine API client in one include, for the
 * kubelet: the client object and its errors (client.h), system facts
 * (system.h), images (image.h), containers (container.h), exec (exec.h),
 * logs (logs.h) and the multiplexed stream decoder (stream.h).
 */
#ifndef K8C_KUBELET_DOCKER_DOCKER_H
#define K8C_KUBELET_DOCKER_DOCKER_H

#include "kubelet/docker/client.h"
#include "kubelet/docker/container.h"
#include "kubelet/docker/exec.h"
#include "kubelet/docker/image.h"
#include "kubelet/docker/logs.h"
#include "kubelet/docker/stream.h"
#include "kubelet/docker/system.h"
#include "kubelet/docker/values.h"

#endif
