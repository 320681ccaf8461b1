#!/usr/bin/python3
# fixtures.py - writes the objects the k8c suite reads through the raw API (no CLI
# involved): a node with status, pods in several states, a Deployment with its
# ReplicaSets (revision annotations, controller references), a Service with
# Endpoints, events, a Lease; status written through /status as a kubelet or a
# controller would. Also "bulk" namespaces of N pods, and small status updates.
#
#   fixtures.py SERVER cluster NS          the read-only fixtures in NS
#   fixtures.py SERVER pods NS N           N pods in NS (one keep-alive connection)
#   fixtures.py SERVER status PATH JSON    merge JSON into the status of the object at PATH
#   fixtures.py SERVER revisions NS DEPLOY two ReplicaSets (revisions 1, 2) of DEPLOY
#   fixtures.py SERVER unfinalize PATH     drop the finalizers of the object at PATH
#   fixtures.py SERVER kubelet NODE        a stand-in kubelet until killed: binds pending
#                                          pods to NODE, marks them Running and Ready, and
#                                          ends graceful deletions (no real kubelet yet)
import http.client
import json
import sys
import time
import urllib.parse


class Api:
    def __init__(self, server):
        u = urllib.parse.urlparse(server)
        self.conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)

    def call(self, method, path, body=None, ctype="application/json"):
        data = json.dumps(body).encode() if body is not None else None
        headers = {"Content-Type": ctype} if data is not None else {}
        self.conn.request(method, path, body=data, headers=headers)
        resp = self.conn.getresponse()
        text = resp.read()
        if resp.status >= 300:
            raise SystemExit("%s %s: %d %s" % (method, path, resp.status, text[:300]))
        return json.loads(text) if text else None

    def create(self, path, obj):
        return self.call("POST", path, obj)

    def set_status(self, path, status):
        obj = self.call("GET", path)
        obj.setdefault("status", {}).update(status)
        return self.call("PUT", path + "/status", obj)


NODE_STATUS = {
    "capacity": {"cpu": "4", "memory": "8Gi", "pods": "110", "ephemeral-storage": "100Gi",
                 "hugepages-2Mi": "0", "example.com/gpu": "2"},
    "allocatable": {"cpu": "3800m", "memory": "7Gi", "pods": "110",
                    "ephemeral-storage": "90Gi", "hugepages-2Mi": "0", "example.com/gpu": "2"},
    "conditions": [
        {"type": "MemoryPressure", "status": "False", "reason": "KubeletHasSufficientMemory",
         "message": "kubelet has sufficient memory available",
         "lastHeartbeatTime": "2026-01-02T03:04:05Z", "lastTransitionTime": "2026-01-02T03:04:05Z"},
        {"type": "Ready", "status": "True", "reason": "KubeletReady",
         "message": "kubelet is posting ready status",
         "lastHeartbeatTime": "2026-01-02T03:04:05Z", "lastTransitionTime": "2026-01-02T03:04:05Z"},
    ],
    "addresses": [{"type": "InternalIP", "address": "10.1.1.1"},
                  {"type": "Hostname", "address": "n1"}],
    "nodeInfo": {"machineID": "m1", "systemUUID": "u1", "bootID": "b1", "kernelVersion": "6.1.0",
                 "osImage": "Debian GNU/Linux 12 (bookworm)",
                 "containerRuntimeVersion": "docker://20.10.24", "kubeletVersion": "v1.28.0-k8c",
                 "kubeProxyVersion": "v1.28.0-k8c", "operatingSystem": "linux",
                 "architecture": "amd64"},
}

POD_SPEC = {
    "nodeName": "n1",
    "initContainers": [{"name": "init", "image": "k8c.local/busybox", "command": ["true"]}],
    "containers": [{
        "name": "web", "image": "k8c.local/busybox:1",
        "command": ["sh", "-c"], "args": ["echo one\necho two", "second"],
        "ports": [{"containerPort": 80, "protocol": "TCP"}, {"containerPort": 443, "hostPort": 8443, "protocol": "TCP"}],
        "env": [{"name": "A", "value": "1"}, {"name": "MULTI", "value": "x\ny"},
                {"name": "FROM_CM", "valueFrom": {"configMapKeyRef": {"name": "c1", "key": "k"}}},
                {"name": "FROM_SECRET", "valueFrom": {"secretKeyRef": {"name": "s1", "key": "k", "optional": True}}},
                {"name": "POD", "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.name"}}}],
        "envFrom": [{"configMapRef": {"name": "c1"}}, {"prefix": "S_", "secretRef": {"name": "s1"}}],
        "resources": {"requests": {"cpu": "250m", "memory": "64Mi"}, "limits": {"cpu": "1", "memory": "128Mi"}},
        "livenessProbe": {"httpGet": {"path": "/healthz", "port": 80, "scheme": "HTTP"},
                          "initialDelaySeconds": 3, "timeoutSeconds": 1, "periodSeconds": 10,
                          "successThreshold": 1, "failureThreshold": 3},
        "readinessProbe": {"tcpSocket": {"port": 80}, "timeoutSeconds": 1, "periodSeconds": 5,
                           "successThreshold": 1, "failureThreshold": 3},
        "startupProbe": {"exec": {"command": ["cat", "/tmp/ok"]}, "timeoutSeconds": 1, "periodSeconds": 5,
                         "successThreshold": 1, "failureThreshold": 30},
        "volumeMounts": [{"name": "data", "mountPath": "/data"},
                         {"name": "conf", "mountPath": "/etc/conf", "readOnly": True, "subPath": "x"}],
    }, {"name": "side", "image": "k8c.local/busybox:1", "resources": {}}],
    "volumes": [{"name": "data", "emptyDir": {}},
                {"name": "conf", "configMap": {"name": "c1"}},
                {"name": "sec", "secret": {"secretName": "s1"}},
                {"name": "host", "hostPath": {"path": "/var/log", "type": "Directory"}}],
    "nodeSelector": {"kubernetes.io/os": "linux"},
    "tolerations": [{"key": "node.kubernetes.io/not-ready", "operator": "Exists",
                     "effect": "NoExecute", "tolerationSeconds": 300},
                    {"key": "dedicated", "operator": "Equal", "value": "web", "effect": "NoSchedule"}],
}

POD_STATUS = {
    "phase": "Running", "hostIP": "10.1.1.1", "podIP": "10.0.0.5", "podIPs": [{"ip": "10.0.0.5"}],
    "startTime": "2026-01-02T03:04:10Z", "qosClass": "Burstable",
    "conditions": [{"type": "Initialized", "status": "True"}, {"type": "Ready", "status": "True"},
                   {"type": "ContainersReady", "status": "True"}, {"type": "PodScheduled", "status": "True"}],
    "initContainerStatuses": [{"name": "init", "ready": True, "restartCount": 0, "image": "k8c.local/busybox",
                               "imageID": "docker://sha256:1", "containerID": "docker://i1",
                               "state": {"terminated": {"exitCode": 0, "reason": "Completed",
                                                        "startedAt": "2026-01-02T03:04:11Z",
                                                        "finishedAt": "2026-01-02T03:04:12Z"}}}],
    "containerStatuses": [
        {"name": "web", "ready": True, "restartCount": 2, "image": "k8c.local/busybox:1",
         "imageID": "docker://sha256:2", "containerID": "docker://c1", "started": True,
         "state": {"running": {"startedAt": "2026-01-02T03:04:13Z"}},
         "lastState": {"terminated": {"exitCode": 137, "reason": "Error", "message": "killed",
                                      "startedAt": "2026-01-02T03:04:12Z", "finishedAt": "2026-01-02T03:04:13Z"}}},
        {"name": "side", "ready": False, "restartCount": 0, "image": "k8c.local/busybox:1", "imageID": "",
         "state": {"waiting": {"reason": "ContainerCreating"}}}],
}


def owner(obj, controller=True):
    return [{"apiVersion": obj["apiVersion"], "kind": obj["kind"], "name": obj["metadata"]["name"],
             "uid": obj["metadata"]["uid"], "controller": controller, "blockOwnerDeletion": True}]


def event(api, ns, name, obj, reason, message, typ="Normal", count=1):
    api.create("/api/v1/namespaces/%s/events" % ns, {
        "apiVersion": "v1", "kind": "Event", "metadata": {"name": name},
        "involvedObject": {"apiVersion": obj["apiVersion"], "kind": obj["kind"],
                           "name": obj["metadata"]["name"], "namespace": obj["metadata"].get("namespace", ""),
                           "uid": obj["metadata"]["uid"]},
        "reason": reason, "message": message, "type": typ, "source": {"component": "test"},
        "firstTimestamp": "2026-01-02T03:04:05Z", "lastTimestamp": "2026-01-02T03:05:05Z", "count": count})


def template(image, hash_=None):
    labels = {"app": "web"}
    if hash_:
        labels["pod-template-hash"] = hash_
    return {"metadata": {"labels": labels},
            "spec": {"containers": [{"name": "web", "image": image, "ports": [{"containerPort": 80, "protocol": "TCP"}]}]}}


def cluster(api, ns):
    node = api.create("/api/v1/nodes", {"apiVersion": "v1", "kind": "Node", "metadata": {
        "name": "n1", "labels": {"kubernetes.io/hostname": "n1", "node-role.kubernetes.io/worker": ""}},
        "spec": {"podCIDR": "10.0.0.0/24", "podCIDRs": ["10.0.0.0/24"],
                 "taints": [{"key": "dedicated", "value": "web", "effect": "NoSchedule"}]}})
    node = api.set_status("/api/v1/nodes/n1", NODE_STATUS)
    api.create("/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases", {
        "apiVersion": "coordination.k8s.io/v1", "kind": "Lease", "metadata": {"name": "n1"},
        "spec": {"holderIdentity": "n1", "leaseDurationSeconds": 40, "renewTime": "2026-01-02T03:04:05.000000Z"}})
    event(api, "default", "n1.1", node, "NodeReady", "Node n1 status is now: NodeReady")
    api.create("/api/v1/namespaces/%s/configmaps" % ns, {"apiVersion": "v1", "kind": "ConfigMap",
               "metadata": {"name": "c1"}, "data": {"k": "v", "a": "line1\nline2"}})
    api.create("/api/v1/namespaces/%s/secrets" % ns, {"apiVersion": "v1", "kind": "Secret",
               "metadata": {"name": "s1"}, "type": "Opaque", "data": {"k": "dmFsdWU="}})
    d = api.create("/apis/apps/v1/namespaces/%s/deployments" % ns, {
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "d1", "labels": {"app": "web"}, "annotations": {"note": "x" * 150}},
        "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}},
                 "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": 1}},
                 "template": template("k8c.local/busybox:2")}})
    d["kind"], d["apiVersion"] = "Deployment", "apps/v1"
    api.set_status("/apis/apps/v1/namespaces/%s/deployments/d1" % ns, {
        "observedGeneration": d["metadata"]["generation"], "replicas": 2, "updatedReplicas": 2,
        "readyReplicas": 1, "availableReplicas": 1, "unavailableReplicas": 1,
        "conditions": [{"type": "Available", "status": "True", "reason": "MinimumReplicasAvailable"},
                       {"type": "Progressing", "status": "True", "reason": "NewReplicaSetAvailable"}]})
    event(api, ns, "d1.1", d, "ScalingReplicaSet", "Scaled up replica set d1-2222 to 2")
    event(api, ns, "d1.2", d, "ScalingReplicaSet", "Scaled down replica set d1-1111 to 0", count=3)
    rss = revisions(api, ns, "d1")
    rs = rss[1]
    for i, (name, status) in enumerate((("d1-2222-aaaaa", POD_STATUS), ("d1-2222-bbbbb", None))):
        spec = json.loads(json.dumps(POD_SPEC)) if status else {"containers": template("k8c.local/busybox:2")["spec"]["containers"]}
        pod = api.create("/api/v1/namespaces/%s/pods" % ns, {
            "apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": name, "labels": {"app": "web", "pod-template-hash": "2222"},
                         "annotations": {"k8c.test/role": "fixture"}, "ownerReferences": owner(rs)},
            "spec": spec})
        if status:
            api.set_status("/api/v1/namespaces/%s/pods/%s" % (ns, name), status)
            pod["kind"], pod["apiVersion"] = "Pod", "v1"
            event(api, ns, name + ".1", pod, "Pulled", "Container image already present", count=1)
            event(api, ns, name + ".2", pod, "BackOff", "Back-off restarting failed container", "Warning", 4)
    svc = api.create("/api/v1/namespaces/%s/services" % ns, {
        "apiVersion": "v1", "kind": "Service", "metadata": {"name": "s1", "labels": {"app": "web"}},
        "spec": {"type": "NodePort", "clusterIP": "10.96.0.10", "clusterIPs": ["10.96.0.10"],
                 "ipFamilies": ["IPv4"], "ipFamilyPolicy": "SingleStack", "sessionAffinity": "None",
                 "externalTrafficPolicy": "Cluster", "selector": {"app": "web"},
                 "ports": [{"name": "http", "port": 80, "targetPort": 8080, "nodePort": 30080, "protocol": "TCP"},
                           {"name": "metrics", "port": 9090, "targetPort": "metrics", "protocol": "TCP"}]}})
    api.create("/api/v1/namespaces/%s/endpoints" % ns, {
        "apiVersion": "v1", "kind": "Endpoints", "metadata": {"name": "s1"},
        "subsets": [{"addresses": [{"ip": "10.0.0.%d" % i} for i in range(5, 10)],
                     "ports": [{"name": "http", "port": 8080, "protocol": "TCP"},
                               {"name": "metrics", "port": 9090, "protocol": "TCP"}]}]})
    svc["kind"], svc["apiVersion"] = "Service", "v1"
    event(api, ns, "s1.1", svc, "Type", "Service type changed")


def revisions(api, ns, name):
    d = api.call("GET", "/apis/apps/v1/namespaces/%s/deployments/%s" % (ns, name))
    d["kind"], d["apiVersion"] = "Deployment", "apps/v1"
    image = d["spec"]["template"]["spec"]["containers"][0]["image"]
    out = []
    for rev, img, hash_, replicas in ((1, "k8c.local/busybox:old", "1111", 0), (2, image, "2222", 2)):
        tmpl = json.loads(json.dumps(d["spec"]["template"]))
        tmpl["spec"]["containers"][0]["image"] = img
        tmpl["metadata"].setdefault("labels", {})["pod-template-hash"] = hash_
        sel = json.loads(json.dumps(d["spec"]["selector"]))
        sel.setdefault("matchLabels", {})["pod-template-hash"] = hash_
        ann = {"deployment.kubernetes.io/revision": str(rev)}
        if rev == 1:
            ann["kubernetes.io/change-cause"] = "first version"
        rs = api.create("/apis/apps/v1/namespaces/%s/replicasets" % ns, {
            "apiVersion": "apps/v1", "kind": "ReplicaSet",
            "metadata": {"name": "%s-%s" % (name, hash_), "labels": tmpl["metadata"]["labels"],
                         "annotations": ann, "ownerReferences": owner(d)},
            "spec": {"replicas": replicas, "selector": sel, "template": tmpl}})
        rs["kind"], rs["apiVersion"] = "ReplicaSet", "apps/v1"
        api.set_status("/apis/apps/v1/namespaces/%s/replicasets/%s" % (ns, rs["metadata"]["name"]),
                       {"replicas": replicas, "readyReplicas": replicas, "availableReplicas": replicas,
                        "observedGeneration": 1})
        out.append(rs)
    return out


def pods(api, ns, n):
    for i in range(n):
        api.create("/api/v1/namespaces/%s/pods" % ns, {
            "apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": "p-%04d" % i, "labels": {"app": "bulk", "i": str(i % 7)}},
            "spec": {"containers": [{"name": "c", "image": "k8c.local/busybox"}]}})


def kubelet_step(api, node, pod):
    meta = pod["metadata"]
    base = "/api/v1/namespaces/%s/pods/%s" % (meta["namespace"], meta["name"])
    if meta.get("deletionTimestamp"):
        api.call("DELETE", base, {"gracePeriodSeconds": 0, "preconditions": {"uid": meta["uid"]}})
    elif not pod["spec"].get("nodeName"):
        api.call("POST", base + "/binding", {
            "apiVersion": "v1", "kind": "Binding", "metadata": {"name": meta["name"]},
            "target": {"apiVersion": "v1", "kind": "Node", "name": node}})
    elif pod.get("status", {}).get("phase") != "Running":
        now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        api.call("PATCH", base + "/status", {"status": {
            "phase": "Running", "podIP": "10.1.0.1", "hostIP": "10.0.0.1", "startTime": now,
            "conditions": [{"type": "Ready", "status": "True", "lastTransitionTime": now}],
            "containerStatuses": [{"name": c["name"], "image": c["image"], "imageID": "",
                                   "ready": True, "restartCount": 0, "started": True,
                                   "state": {"running": {"startedAt": now}}}
                                  for c in pod["spec"]["containers"]]}},
            "application/merge-patch+json")


def kubelet(server, node):
    """Polls every pod ten times a second: enough for a test's handful of pods."""
    while True:
        api = Api(server)
        try:
            while True:
                for pod in api.call("GET", "/api/v1/pods")["items"]:
                    try:
                        kubelet_step(api, node, pod)
                    except SystemExit:
                        pass  # raced with a controller: the next round sees the news
                time.sleep(0.1)
        except (OSError, http.client.HTTPException):
            time.sleep(0.1)


def main():
    server, what = sys.argv[1], sys.argv[2]
    api = Api(server)
    if what == "cluster":
        cluster(api, sys.argv[3])
    elif what == "pods":
        pods(api, sys.argv[3], int(sys.argv[4]))
    elif what == "status":
        api.set_status(sys.argv[3], json.loads(sys.argv[4]))
    elif what == "revisions":
        revisions(api, sys.argv[3], sys.argv[4])
    elif what == "kubelet":
        kubelet(server, sys.argv[3])
    elif what == "unfinalize":
        api.call("PATCH", sys.argv[3], {"metadata": {"finalizers": None}}, "application/merge-patch+json")
    else:
        raise SystemExit("unknown fixture " + what)


if __name__ == "__main__":
    main()
