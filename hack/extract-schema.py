#!/usr/bin/python3
"""extract-schema.py - writes api/schema/types.def, the declarative description of the
Kubernetes types k8c implements, from Debian's python3-kubernetes models (field names and
types) plus the facts those models do not carry, listed below (int64 vs int32, quantities,
IntOrString, MicroTime, strategic-merge-patch tags, fields newer than the Python client).

Run by hand when the set of types changes:  /usr/bin/python3 hack/extract-schema.py
The build never runs this; it runs hack/gen-api.py on the committed types.def.
"""
import re
import sys

import kubernetes.client.models as M

ROOTS = ["V1Pod", "V1Service", "V1Endpoints", "V1Node", "V1Namespace", "CoreV1Event",
         "V1ConfigMap", "V1Secret", "V1Deployment", "V1ReplicaSet", "V1Lease", "V1Status",
         "V1Scale", "V1DeleteOptions", "V1Binding", "V1PodTemplateSpec", "V1ListMeta"]

# Kubernetes Go types use int64 here; every other integer is an int32.
INT64 = {
    "ObjectMeta.generation", "ObjectMeta.deletionGracePeriodSeconds",
    "ListMeta.remainingItemCount",
    "PodSpec.activeDeadlineSeconds", "PodSpec.terminationGracePeriodSeconds",
    "PodSecurityContext.runAsUser", "PodSecurityContext.runAsGroup", "PodSecurityContext.fsGroup",
    "PodSecurityContext.supplementalGroups",
    "SecurityContext.runAsUser", "SecurityContext.runAsGroup",
    "Probe.terminationGracePeriodSeconds",
    "DeploymentStatus.observedGeneration", "ReplicaSetStatus.observedGeneration",
    "DeleteOptions.gracePeriodSeconds", "Toleration.tolerationSeconds",
    "ServiceAccountTokenProjection.expirationSeconds", "ContainerImage.sizeBytes",
    "Condition.observedGeneration",
}
QUANTITY = {"ResourceRequirements.limits", "ResourceRequirements.requests",
            "NodeStatus.capacity", "NodeStatus.allocatable", "PodSpec.overhead",
            "EmptyDirVolumeSource.sizeLimit", "ResourceFieldSelector.divisor"}
INTSTR = {"HTTPGetAction.port", "TCPSocketAction.port", "ServicePort.targetPort",
          "RollingUpdateDeployment.maxSurge", "RollingUpdateDeployment.maxUnavailable"}
MICROTIME = {"LeaseSpec.acquireTime", "LeaseSpec.renewTime", "Event.eventTime",
             "EventSeries.lastObservedTime"}
# patchStrategy / patchMergeKey tags of the Go types.
MERGE = {
    "ObjectMeta.finalizers": None, "ObjectMeta.ownerReferences": "uid",
    "PodSpec.volumes": "name", "PodSpec.initContainers": "name", "PodSpec.containers": "name",
    "PodSpec.ephemeralContainers": "name", "PodSpec.imagePullSecrets": "name",
    "PodSpec.hostAliases": "ip", "PodSpec.topologySpreadConstraints": "topologyKey",
    "Container.ports": "containerPort", "Container.env": "name",
    "Container.volumeMounts": "mountPath", "Container.volumeDevices": "devicePath",
    "EphemeralContainer.ports": "containerPort", "EphemeralContainer.env": "name",
    "EphemeralContainer.volumeMounts": "mountPath", "EphemeralContainer.volumeDevices": "devicePath",
    "PodStatus.conditions": "type", "PodStatus.podIPs": "ip",
    "NodeStatus.conditions": "type", "NodeStatus.addresses": "type", "NodeSpec.podCIDRs": None,
    "ServiceSpec.ports": "port", "ServiceStatus.conditions": "type",
    "DeploymentStatus.conditions": "type", "ReplicaSetStatus.conditions": "type",
    "NamespaceStatus.conditions": "type",
}
RETAIN_KEYS = {"PodSpec.volumes", "DeploymentSpec.strategy"}
# Go non-pointer structs: always present, stored inline in C.
EMBED = {"PodTemplateSpec.metadata", "PodTemplateSpec.spec", "DeploymentSpec.template",
         "ReplicaSetSpec.template", "Binding.target", "Event.involvedObject", "Event.source",
         "ContainerStatus.state", "ContainerStatus.lastState", "NodeStatus.daemonEndpoints",
         "NodeStatus.nodeInfo", "NodeDaemonEndpoints.kubeletEndpoint",
         "ServiceStatus.loadBalancer"}
# Fields added to Kubernetes after the Python client's schema (release-1.22) that real
# manifests carry; strict decoding must accept them.
EXTRA_TYPES = {
    "PodOS": [("name", "string", "required")],
    "PodSchedulingGate": [("name", "string", "required")],
    "ContainerResizePolicy": [("resourceName", "string", "required"),
                              ("restartPolicy", "string", "required")],
    "GRPCAction": [("port", "int32", "required"), ("service", "string", "")],
    "HostIP": [("ip", "string", "required")],
}
EXTRA_FIELDS = {
    "PodSpec": [("os", "PodOS", ""), ("hostUsers", "bool", ""),
                ("schedulingGates", "[]PodSchedulingGate", "merge(name)")],
    "Container": [("restartPolicy", "string", ""), ("resizePolicy", "[]ContainerResizePolicy", "")],
    "EphemeralContainer": [("restartPolicy", "string", ""),
                           ("resizePolicy", "[]ContainerResizePolicy", "")],
    "Probe": [("grpc", "GRPCAction", "")],
    "PodStatus": [("hostIPs", "[]HostIP", "merge(ip)")],
}
# Encoding order: Go's field order for the types people read most; alphabetical elsewhere.
ORDER = {
    "ObjectMeta": ["name", "generateName", "namespace", "selfLink", "uid", "resourceVersion",
                   "generation", "creationTimestamp", "deletionTimestamp",
                   "deletionGracePeriodSeconds", "labels", "annotations", "ownerReferences",
                   "finalizers", "managedFields"],
    "Container": ["name", "image", "command", "args", "workingDir", "ports", "envFrom", "env"],
}
HEAD = ["kind", "apiVersion", "metadata", "spec", "status"]


def type_name(cls_name):
    """V1PodSpec -> PodSpec, CoreV1Event -> Event."""
    return re.sub(r"^(CoreV1|V1)", "", cls_name)


def required_fields(cls):
    src = open(sys.modules[cls.__module__].__file__).read()
    return set(re.findall(r"Invalid value for `(\w+)`, must not be `None`", src))


def field_type(tname, jname, ptype, deps):
    key = tname + "." + jname
    m = re.fullmatch(r"list\[(.+)\]", ptype)
    if m:
        return "[]" + field_type(tname, jname, m.group(1), deps)
    if ptype == "dict(str, str)":
        return "map[]" + ("quantity" if key in QUANTITY else "string")
    if key in QUANTITY:
        return "quantity"
    if ptype == "str":
        return "string"
    if ptype == "bool":
        return "bool"
    if ptype == "int":
        return "int64" if key in INT64 else "int32"
    if ptype == "datetime":
        return "microtime" if key in MICROTIME else "time"
    if ptype == "object":
        return "intstr" if key in INTSTR else "json"
    if hasattr(M, ptype):
        deps.append(ptype)
        return type_name(ptype)
    raise SystemExit("unknown python type %s for %s" % (ptype, key))


def flags(tname, jname, required, is_kind):
    key = tname + "." + jname
    out = []
    if required:
        out.append("required")
    if key in EMBED or (is_kind and jname in ("metadata", "spec", "status")):
        out.append("embed")
    if key in MERGE:
        out.append("merge(%s)" % MERGE[key] if MERGE[key] else "merge")
    if key in RETAIN_KEYS:
        out.append("retainKeys")
    return out


def order_key(tname, jname):
    pref = ORDER.get(tname, [])
    if jname in HEAD:
        return (0, HEAD.index(jname), "")
    if jname in pref:
        return (1, pref.index(jname), "")
    return (2, 0, jname)


def describe(cls_name, deps):
    cls = getattr(M, cls_name)
    tname = type_name(cls_name)
    req = required_fields(cls)
    is_kind = "api_version" in cls.openapi_types and "metadata" in cls.openapi_types
    rows = []
    for attr, ptype in cls.openapi_types.items():
        jname = cls.attribute_map[attr]
        ftype = field_type(tname, jname, ptype, deps)
        rows.append((jname, ftype, flags(tname, jname, attr in req, is_kind)))
    for jname, ftype, fl in EXTRA_FIELDS.get(tname, []):
        rows.append((jname, ftype, [fl] if fl else []))
    rows.sort(key=lambda r: order_key(tname, r[0]))
    return tname, rows


def main():
    todo, seen, out = list(ROOTS), set(), []
    while todo:
        c = todo.pop(0)
        if c in seen:
            continue
        seen.add(c)
        deps = []
        out.append(describe(c, deps))
        todo.extend(deps)
    for tname, fields in EXTRA_TYPES.items():
        out.append((tname, [(j, t, [f] if f else []) for j, t, f in fields]))
    out.sort(key=lambda t: t[0])
    known = {t + "." + f[0] for t, fields in out for f in fields}
    for overlay in (INT64, QUANTITY, INTSTR, MICROTIME, MERGE, RETAIN_KEYS, EMBED):
        for key in overlay:
            if key not in known:
                raise SystemExit("overlay names an unknown field: " + key)
    lines = ["# types.def - the Kubernetes types k8c implements, one block per type:",
             "#   type NAME",
             "#     jsonName  TYPE  [flags]",
             "# TYPE: string bool int32 int64 time microtime quantity intstr json, or a type NAME;",
             "#   prefixed []  for a list, map[] for a map from string keys.",
             "# flags: required (always encoded), embed (stored inline), merge / merge(KEY) and",
             "#   retainKeys (strategic merge patch).",
             "# Written by hack/extract-schema.py from python3-kubernetes "
             "(release-1.22 schema) plus its overlay.",
             "# hack/gen-api.py turns it into api/types.gen.{h,c} at build time.", ""]
    for tname, fields in out:
        lines.append("type " + tname)
        w = max(len(f[0]) for f in fields)
        for jname, ftype, fl in fields:
            lines.append(("\t%-*s %s %s" % (w, jname, ftype, " ".join(fl))).rstrip())
        lines.append("")
    sys.stdout.write("\n".join(lines))


main()
