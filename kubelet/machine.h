/*
 * machine.h - facts about the machine the kubelet runs on, for its Node:
 * the address of the interface of the default route (the InternalIP), the
 * machine and boot ids, and the disk space of a directory. Read from /proc,
 * /etc and /sys; thread-safe.
 */
#ifndef K8C_KUBELET_MACHINE_H
#define K8C_KUBELET_MACHINE_H

#include "base/base.h"

/* The IPv4 address of the default route's interface, else another non-loopback one, else
 * "127.0.0.1". Owned by the caller. */
char *machine_node_ip(void);
/* The first line of path (e.g. /etc/machine-id), or NULL. Owned by the caller. */
char *machine_read_line(const char *path);
/* The size in bytes of the file system holding path (0 when unknown). */
int64_t machine_fs_bytes(const char *path);

#endif
