/*
 * hairpin.h - lets a pod reach itself through its own Service. The DNAT of
 * such a connection sends the packet back out of the bridge port it came
 * in on, which a Linux bridge refuses unless that port is in hairpin mode.
 * Kubernetes' kubelet sets it on every pod's veth (--hairpin-mode=
 * hairpin-veth); k8c pods are Docker containers on a Docker bridge, so the
 * proxy does it for every port of that bridge when it syncs. Thread-safe.
 */
#ifndef K8C_PROXY_HAIRPIN_H
#define K8C_PROXY_HAIRPIN_H

/*
 * Turns hairpin mode on for every port of bridge (/sys/class/net/BRIDGE/brif/
 * PORT/hairpin_mode) where it is off. Returns how many ports it changed, or
 * a negative errno when bridge does not exist or a port cannot be changed.
 */
int hairpin_enable(const char *bridge);

#endif
