#!/usr/bin/python3
"""kubelet_test.py - k8c-kubelet against the real dockerd and a real k8c-apiserver.

Pods are created bound to the kubelet's node (spec.nodeName set: there is no scheduler
here) and checked the way a user sees them: the pod status through the API, the network
from the host, the containers in Docker, logs through pods/log and Debian's kubectl.

    kubelet_test.py --apiserver PATH --kubelet PATH --pause PATH
"""
import argparse
import base64
import json
import os
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(__file__))
from kubelet_lib import (BUSYBOX, NODE_LABEL, Api, ApiServer, Kubelet, condition,  # noqa: E402
                         container, cstatus, docker_ids, docker_inspect, free_port, http_get,
                         pod, prepare_docker, running_ready, sh, waiting_reason)
from k8ctest import Suite, Watch, wait_for  # noqa: E402

# Short periods, so that back-offs and probes show within seconds.
KUBELET_FLAGS = ["--restart-backoff", "1s", "--restart-backoff-max", "8s", "--relist-period",
                 "300ms", "--sync-frequency", "2s", "--lease-renew-interval", "1s",
                 "--node-status-update-frequency", "1s"]
MISSING = "k8c.local/does-not-exist:1.0"


class Tests:
    def __init__(self, t, args):
        self.t, self.args = t, args
        self.srv = ApiServer(args.apiserver, os.path.join(t.workdir, "apiserver"))
        self.api = Api(self.srv.url)
        self.host_port = free_port()
        # an image the kubelet has to make itself from the pause binary
        self.pause_image = "k8c.local/pause-test-%d:latest" % os.getpid()
        self.kubelet = Kubelet(args.kubelet, self.srv, t.workdir, args.pause,
                               extra=KUBELET_FLAGS + ["--pause-image", self.pause_image])
        self.node = self.kubelet.node
        self.marks = {}

    # ---- the pods -----------------------------------------------------------------------

    def create_everything(self):
        """Every pod of the suite at once: their workers run side by side."""
        self.start_watching()
        self.api.create("/api/v1/namespaces/default/configmaps", {
            "apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "web-config"},
            "data": {"greeting": "hello from a configmap", "file.txt": "configmap file"}})
        self.api.create("/api/v1/namespaces/default/secrets", {
            "apiVersion": "v1", "kind": "Secret", "metadata": {"name": "web-secret"},
            "data": {"password": base64.b64encode(b"s3cret").decode()}})
        self.api.create_pod(self.web_pod())
        n = self.node
        self.api.create_pod(pod("crash", n, [container("crash", "echo crashing; exit 3")]))

        self.api.create_pod(pod("liveness", n, [container(
            "app", "touch /tmp/healthy; sleep 2; rm /tmp/healthy; exec sleep 3600",
            livenessProbe={"exec": {"command": ["cat", "/tmp/healthy"]}, "periodSeconds": 1,
                           "failureThreshold": 2})]))
        self.api.create_pod(pod("readiness", n, [
            container("ok", "exec httpd -f -p 8081", readinessProbe={
                "tcpSocket": {"port": 8081}, "periodSeconds": 1}),
            container("bad", "exec sleep 3600", readinessProbe={
                "httpGet": {"path": "/healthz", "port": 9999}, "periodSeconds": 1}),
            container("slow", "sleep 3; touch /tmp/started; exec sleep 3600", startupProbe={
                "exec": {"command": ["cat", "/tmp/started"]}, "periodSeconds": 1,
                "failureThreshold": 30})]))
        self.api.create_pod(pod("missing", n, [{"name": "app", "image": MISSING}]))
        self.api.create_pod(pod("never-pull", n, [
            {"name": "app", "image": MISSING, "imagePullPolicy": "Never"}]))
        self.api.create_pod(self.init_pod())
        self.api.create_pod(pod("fails", n, [container("app", "echo bye; exit 2")],
                                restartPolicy="Never"))
        self.api.create_pod(pod("orphan", n, [container("app", "exec sleep 3600")]))
        self.api.create_pod(pod("streamer", n, [container(
            "app", "i=0; while true; do i=$((i+1)); echo line $i; sleep 0.2; done")]))
        self.api.create_pod(pod("term-fast", n, [container(
            "app", "trap 'echo got TERM; exit 0' TERM; while true; do sleep 0.1; done")],
            terminationGracePeriodSeconds=30))
        self.api.create_pod(pod("term-slow", n, [container("app", "exec sleep 3600")],
                                terminationGracePeriodSeconds=3))

    def web_pod(self):
        env = [
            {"name": "PLAIN", "value": "plain-value"},
            {"name": "EXPANDED", "value": "$(PLAIN)-x"},
            {"name": "POD_NAME", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
            {"name": "POD_IP", "valueFrom": {"fieldRef": {"fieldPath": "status.podIP"}}},
            {"name": "NODE", "valueFrom": {"fieldRef": {"fieldPath": "spec.nodeName"}}},
            {"name": "GREETING", "valueFrom": {"configMapKeyRef": {"name": "web-config",
                                                                   "key": "greeting"}}},
            {"name": "PASSWORD", "valueFrom": {"secretKeyRef": {"name": "web-secret",
                                                                "key": "password"}}},
        ]
        writer = (
            'echo "$GREETING" > /shared/index.html; '
            'echo "pod=$POD_NAME ip=$POD_IP node=$NODE plain=$PLAIN pw=$PASSWORD cwd=$(pwd) '
            'expanded=$EXPANDED"; '
            'echo "cm=$(cat /etc/cfg/file.txt) secret=$(cat /etc/sec/pw.txt) '
            'mode=$(stat -c %a /etc/sec/pw.txt)"; '
            'until wget -q -O /tmp/got http://localhost:8080/; do sleep 0.2; done; '
            'echo "wget: $(cat /tmp/got)"; exec sleep 3600')
        return pod("web", self.node, [
            container("httpd", "exec httpd -f -p 8080 -h /www",
                      ports=[{"containerPort": 8080, "hostPort": self.host_port}],
                      volumeMounts=[{"name": "shared", "mountPath": "/www"}],
                      readinessProbe={"httpGet": {"path": "/", "port": 8080},
                                      "periodSeconds": 1},
                      resources={"limits": {"memory": "64Mi", "cpu": "500m"}}),
            container("writer", writer, env=env, workingDir="/tmp", volumeMounts=[
                {"name": "shared", "mountPath": "/shared"},
                {"name": "cfg", "mountPath": "/etc/cfg"},
                {"name": "sec", "mountPath": "/etc/sec"}]),
        ], volumes=[
            {"name": "shared", "emptyDir": {}},
            {"name": "cfg", "configMap": {"name": "web-config"}},
            {"name": "sec", "secret": {"secretName": "web-secret", "items": [
                {"key": "password", "path": "pw.txt", "mode": 0o400}]}},
        ])

    def init_pod(self):
        mounts = [{"name": "work", "mountPath": "/work"}]
        return pod("init", self.node, [
            container("main", "cat /work/order", volumeMounts=mounts)],
            initContainers=[
                container("first", "echo one > /work/order; sleep 1", volumeMounts=mounts),
                container("second", "echo two >> /work/order", volumeMounts=mounts)],
            volumes=[{"name": "work", "emptyDir": {}}], restartPolicy="Never")

    def logs(self, name, **query):
        q = "&".join("%s=%s" % kv for kv in query.items())
        code, body, _ = self.api.req("GET", "/api/v1/namespaces/default/pods/%s/log?%s" % (name, q))
        return code, body

    # ---- cases ----------------------------------------------------------------------------

    def node_registered(self):
        t, api = self.t, self.api
        node = wait_for("the node to register", lambda: (lambda r: r[1] if r[0] == 200 else None)(
            api.req("GET", "/api/v1/nodes/" + self.node)))
        st = node["status"]
        cap, alloc = st["capacity"], st["allocatable"]
        t.eq(cap.get("pods"), "110", "capacity pods")
        t.eq(cap.get("cpu"), str(os.cpu_count()), "capacity cpu is the machine's")
        mem_kib = int(open("/proc/meminfo").readline().split()[1])
        got = int(cap.get("memory", "0Ki")[:-2])
        t.check(abs(got - mem_kib) < mem_kib // 50, "capacity memory is the machine's", got)
        t.check(int(alloc["memory"][:-2]) < got, "allocatable memory leaves eviction room")
        types = {a["type"]: a["address"] for a in st["addresses"]}
        t.check("InternalIP" in types and "Hostname" in types, "addresses", st["addresses"])
        t.eq(st["daemonEndpoints"]["kubeletEndpoint"]["Port"], self.kubelet.port,
             "daemonEndpoints has the kubelet's port")
        info = st["nodeInfo"]
        version = sh("docker version --format '{{.Server.Version}}'")
        t.eq(info["containerRuntimeVersion"], "docker://" + version, "runtime version")
        t.check(info["kubeletVersion"].startswith("v1."), "kubelet version", info)
        t.check(info["machineID"] and info["bootID"] and info["kernelVersion"], "ids", info)
        ready = [c for c in st["conditions"] if c["type"] == "Ready"]
        t.check(ready and ready[0]["status"] == "True" and ready[0]["reason"] == "KubeletReady",
                "Ready condition", st["conditions"])
        t.eq(node["metadata"]["labels"].get("kubernetes.io/hostname"), self.node, "hostname label")
        self.lease_renewed(node["metadata"]["uid"])

    def lease_renewed(self, node_uid):
        t, path = self.t, "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/" + \
            self.node
        lease = wait_for("the node's lease", lambda: self.api.req("GET", path)[1]
                         if self.api.req("GET", path)[0] == 200 else None)
        t.eq(lease["spec"]["holderIdentity"], self.node, "lease holder")
        t.eq(lease["spec"]["leaseDurationSeconds"], 40, "lease duration")
        owners = lease["metadata"].get("ownerReferences", [])
        t.check(owners and owners[0]["kind"] == "Node" and owners[0]["uid"] == node_uid,
                "the lease is owned by the node", owners)
        first = lease["spec"]["renewTime"]
        renewed = wait_for("the lease to be renewed", lambda: self.api.req("GET", path)[1]
                           ["spec"]["renewTime"] != first, timeout=10)
        t.check(renewed, "renewTime moves on (every second with --lease-renew-interval 1s)")

    def web_runs(self):
        t, api = self.t, self.api
        p = api.wait_pod("web", running_ready, "Running and Ready", timeout=60)
        seen_at = time.monotonic()
        st = p["status"]
        ip = st.get("podIP")
        sandbox = docker_ids("io.k8c.pod.uid=" + p["metadata"]["uid"], "io.k8c.container.kind=sandbox")
        t.eq(len(sandbox), 1, "one sandbox container")
        sb = docker_inspect(sandbox[0])
        t.eq(ip, sb["NetworkSettings"]["IPAddress"], "podIP is the sandbox's bridge address")
        t.eq(sb["Config"]["Image"], self.pause_image, "the sandbox runs the pause image")
        img = json.loads(sh("docker image inspect %s" % self.pause_image))[0]
        t.eq(img["Config"]["Cmd"], ["/pause"], "the kubelet imported the missing pause image")
        t.eq(st.get("podIPs"), [{"ip": ip}], "podIPs")
        code, node, _ = api.req("GET", "/api/v1/nodes/" + self.node)
        internal = [a["address"] for a in node["status"]["addresses"] if a["type"] == "InternalIP"]
        t.eq(st.get("hostIP"), internal[0], "hostIP is the node's InternalIP")
        t.check(st.get("startTime"), "startTime set")
        t.eq([c["type"] for c in st["conditions"]],
             ["Initialized", "Ready", "ContainersReady", "PodScheduled"], "conditions")
        t.check(all(c["status"] == "True" for c in st["conditions"]), "all conditions True")
        t.eq([c["name"] for c in st["containerStatuses"]], ["httpd", "writer"],
             "containerStatuses sorted by name")
        for cs in st["containerStatuses"]:
            t.check(cs["ready"] and cs["started"] and cs["restartCount"] == 0 and
                    cs["state"].get("running", {}).get("startedAt") and
                    cs["image"] == BUSYBOX + ":latest" and
                    cs["imageID"].startswith("docker://sha256:") and
                    cs["containerID"].startswith("docker://"), "container status", cs)
        t.eq(wait_for("the pod IP to answer from the host", lambda: http_get(
            "http://%s:8080/" % ip)), "hello from a configmap\n",
            "httpd serves the emptyDir file the other container wrote, on the pod IP")
        t.eq(http_get("http://127.0.0.1:%d/" % self.host_port), "hello from a configmap\n",
             "and on the hostPort")
        self.web_inside(p, ip)
        self.web_in_docker(p, sb)
        self.status_times_kept(p, seen_at)

    def status_times_kept(self, p, seen_at):
        """The periodic syncs (every 2 s here) keep startTime and the conditions'
        transition times: they are set once, as Kubernetes' status manager does."""
        left = seen_at + 5 - time.monotonic()  # two syncs and a half since Running
        if left > 0:
            time.sleep(left)
        code, now, _ = self.api.req("GET", "/api/v1/namespaces/default/pods/web")
        times = lambda q: (q["status"].get("startTime"),
                           sorted((c["type"], c.get("lastTransitionTime"))
                                  for c in q["status"]["conditions"]))
        self.t.eq(times(now), times(p), "startTime and transition times survive the syncs")

    def web_inside(self, p, ip):
        t = self.t
        code, log = wait_for("the writer's output", lambda: (lambda r: r if r[0] == 200 and
                             "wget:" in r[1] else None)(self.logs("web", container="writer")))
        t.check("pod=web ip=%s node=%s plain=plain-value pw=s3cret cwd=/tmp "
                "expanded=plain-value-x" % (ip, self.node) in log,
                "env: values, $(VAR) expansion, fieldRef, configMapKeyRef, secretKeyRef, "
                "workingDir", log)
        t.check("cm=configmap file secret=s3cret mode=400" in log,
                "configMap and secret volumes (items, mode)", log)
        t.check("wget: hello from a configmap" in log,
                "the second container reaches the first on localhost", log)

    def web_in_docker(self, p, sb):
        t = self.t
        uid = p["metadata"]["uid"]
        httpd = docker_inspect(cstatus(p, "httpd")["containerID"][len("docker://"):])
        hc = httpd["HostConfig"]
        t.eq(hc["Memory"], 64 << 20, "memory limit")
        t.eq((hc["CpuQuota"], hc["CpuPeriod"]), (50000, 100000), "cpu limit as CFS quota")
        t.eq(hc["NetworkMode"], "container:" + sb["Id"], "joins the sandbox's network")
        labels = httpd["Config"]["Labels"]
        t.eq((labels.get("io.k8c.pod.uid"), labels.get("io.k8c.pod.namespace"),
              labels.get("io.k8c.pod.name"), labels.get("io.k8c.container.name"),
              labels.get(NODE_LABEL)), (uid, "default", "web", "httpd", self.node),
             "ownership labels")
        binds = sb["HostConfig"]["PortBindings"]
        t.eq(binds.get("8080/tcp", [{}])[0].get("HostPort"), str(self.host_port),
             "the hostPort is published on the sandbox")

    def restart_after_docker_kill(self):
        t, api = self.t, self.api
        p = api.pod("web")
        old = cstatus(p, "writer")["containerID"]
        sh("docker kill %s" % old[len("docker://"):])
        p = api.wait_pod("web", lambda p: cstatus(p, "writer").get("restartCount") == 1 and
                         running_ready(p), "writer restarted once", timeout=30)
        cs = cstatus(p, "writer")
        last = cs["lastState"].get("terminated", {})
        t.eq((last.get("exitCode"), last.get("reason"), last.get("containerID")),
             (137, "Error", old), "lastState is the killed container")
        t.check(cs["containerID"] != old, "a new container runs", cs)
        code, log = self.logs("web", container="writer", previous="true")
        t.check(code == 200 and "pod=web" in log, "logs of the previous instance", (code, log))

    def start_watching(self):
        """Records, through a watch from before their creation, every reason the crash and
        missing pods wait for (reason, message), and when each restart count of crash first
        shows: transitions the main thread would miss while it checks other pods."""
        self.seen = {"crash": [], "missing": []}
        self.slow_states = []
        self.crash_counts = {}
        code, lst, _ = self.api.req("GET", "/api/v1/namespaces/default/pods")
        self.watch_rv = lst["metadata"]["resourceVersion"]
        self.watcher = threading.Thread(target=self.watch_waiting, daemon=True)
        self.watcher.start()

    def watch_events(self, end):
        """Pod events from watch_rv on, re-watching from the last one seen when a stream
        ends or stays quiet (a loaded machine may pause for seconds)."""
        while time.monotonic() < end:
            w = Watch(self.srv.url, "/api/v1/namespaces/default/pods?watch=true&"
                      "resourceVersion=" + self.watch_rv, timeout=30)
            try:
                while time.monotonic() < end:
                    ev = w.next(timeout=10)
                    self.watch_rv = ev["object"]["metadata"]["resourceVersion"]
                    yield ev
            except (OSError, EOFError, ValueError):
                pass
            finally:
                w.close()

    def watch_waiting(self):
        for ev in self.watch_events(time.monotonic() + 90):
            p = ev["object"]
            name = p["metadata"]["name"]
            if name == "readiness":
                slow = cstatus(p, "slow")
                state = ("running" in slow.get("state", {}), slow.get("started"),
                         slow.get("ready"))
                if state not in self.slow_states:
                    self.slow_states.append(state)
            if name not in self.seen:
                continue
            cs = cstatus(p, "crash" if name == "crash" else "app")
            w = cs.get("state", {}).get("waiting", {})
            if w.get("reason") and (w["reason"], w.get("message")) not in [
                    s[:2] for s in self.seen[name]]:
                self.seen[name].append((w["reason"], w.get("message"), cs.get("restartCount", 0)))
            if name == "crash":
                self.crash_counts.setdefault(cs.get("restartCount", 0), time.monotonic())
            capped = [n for _, m, n in self.seen["crash"] if "back-off 8s" in (m or "")]
            if capped and capped[0] + 1 in self.crash_counts:
                return

    def crash_loop(self):
        t = self.t
        self.watcher.join(60)
        seen = [m for r, m, _ in self.seen["crash"] if r == "CrashLoopBackOff"]
        counts = self.crash_counts
        p = self.api.pod("crash")
        uid = p["metadata"]["uid"]
        prefix = "back-off "
        suffix = " restarting failed container=crash pod=crash_default(%s)" % uid
        t.check(seen and all(m.startswith(prefix) and m.endswith(suffix) for m in seen),
                "CrashLoopBackOff with Kubernetes' message", seen)
        delays = [m[len(prefix):-len(suffix)] for m in seen]
        # a back-off that ran out before the kubelet saw the crash (a loaded machine) is
        # never shown: what is certain is that the delays seen grow by doubling to the cap
        want = ["1s", "2s", "4s", "8s"]
        idx = [want.index(d) if d in want else -1 for d in delays]
        t.check(len(delays) >= 2 and -1 not in idx and idx == sorted(set(idx)) and
                delays[-1] == "8s", "the back-off doubles up to its cap", delays)
        # restart k+1 waited out the 8 s back-off armed when the kubelet saw crash k
        k = [n for _, m, n in self.seen["crash"] if "back-off 8s" in (m or "")]
        gap = counts[k[0] + 1] - counts[k[0]] if k and k[0] + 1 in counts else None
        t.check(gap is not None and gap >= 7.5, "the restart after an 8 s back-off waits for it",
                (gap, counts))
        last = cstatus(p, "crash")["lastState"].get("terminated", {})
        t.eq((last.get("exitCode"), last.get("reason")), (3, "Error"), "lastState of a crash")
        t.eq(p["status"]["phase"], "Running", "a crash-looping Always pod stays Running")

    def liveness_restarts(self):
        p = self.api.wait_pod("liveness", lambda p: cstatus(p, "app").get("restartCount", 0) >= 1,
                              "restarted by its liveness probe", timeout=30)
        self.t.check(cstatus(p, "app")["lastState"].get("terminated"),
                     "the failed instance is lastState", cstatus(p, "app"))

    def readiness_fails(self):
        t = self.t
        p = self.api.wait_pod("readiness", lambda p: cstatus(p, "ok").get("ready") and
                              p["status"]["phase"] == "Running", "ok ready (tcpSocket)")
        p = self.api.wait_pod("readiness", lambda p: cstatus(p, "slow").get("started"),
                              "slow started (startup probe)")
        t.eq(cstatus(p, "slow").get("ready"), True, "ready once started (no readiness probe)")
        t.check((True, False, False) in self.slow_states,
                "running but not started (nor ready) until the startup probe passes",
                self.slow_states)
        time.sleep(3)  # several failing periods of the bad probe: it must not restart
        p = self.api.pod("readiness")
        t.eq(cstatus(p, "bad").get("ready"), False, "bad is not ready")
        t.eq(cstatus(p, "bad").get("restartCount"), 0, "a readiness failure does not restart")
        t.check("running" in cstatus(p, "bad")["state"], "bad keeps running")
        for c in ("Ready", "ContainersReady"):
            cond = condition(p, c)
            t.eq((cond.get("status"), cond.get("reason"), cond.get("message")),
                 ("False", "ContainersNotReady", "containers with unready status: [bad]"),
                 c + " condition")

    def missing_image(self):
        t, api = self.t, self.api
        wait_for("the missing image to back off", lambda: any(
            r == "ImagePullBackOff" for r, _, _ in self.seen["missing"]), timeout=30)
        seen = [s[:2] for s in self.seen["missing"]]
        t.eq(seen[0], ("ErrImageNeverPull", 'Container image "%s" is not present and image '
                       'pulls are disabled on this node' % MISSING), "first ErrImageNeverPull")
        t.check(("ImagePullBackOff", 'Back-off pulling image "%s"' % MISSING) in seen,
                "then ImagePullBackOff, naming the image", seen)
        p = api.pod("missing")
        t.eq(p["status"]["phase"], "Pending", "the pod stays Pending")
        code, body = self.logs("missing")
        t.check(code == 400 and "is waiting to start" in body.get("message", ""),
                "pods/log says it is waiting", (code, body))
        p = api.wait_pod("never-pull", lambda p: waiting_reason(p, "app") == "ErrImageNeverPull",
                         "ErrImageNeverPull with policy Never")
        t.eq(cstatus(p, "app")["state"]["waiting"]["message"],
             'Container image "%s" is not present with pull policy of Never' % MISSING,
             "Kubernetes' message for policy Never")

    def init_then_success(self):
        t, api = self.t, self.api
        p = api.wait_pod("init", lambda p: p["status"].get("phase") == "Succeeded",
                         "Succeeded", timeout=30)
        first, second = (cstatus(p, n, init=True)["state"].get("terminated", {})
                         for n in ("first", "second"))
        t.check(first.get("reason") == "Completed" and second.get("reason") == "Completed",
                "both init containers completed", (first, second))
        t.check(second.get("startedAt", "") >= first.get("finishedAt", "~"),
                "the second init container started after the first ended", (first, second))
        main = cstatus(p, "main")["state"].get("terminated", {})
        t.eq((main.get("exitCode"), main.get("reason")), (0, "Completed"), "main completed")
        t.eq((condition(p, "Ready").get("status"), condition(p, "Ready").get("reason")),
             ("False", "PodCompleted"), "Ready after completion")
        code, log = self.logs("init")
        t.eq((code, log), (200, "one\ntwo\n"), "init containers ran in order (the app's log)")
        uid = p["metadata"]["uid"]
        wait_for("the sandbox of a finished pod to stop", lambda: not docker_ids(
            "io.k8c.pod.uid=" + uid, all_=False))
        p = api.wait_pod("fails", lambda p: p["status"].get("phase") == "Failed", "Failed")
        cs = cstatus(p, "app")
        t.eq((cs["state"].get("terminated", {}).get("exitCode"), cs["restartCount"]), (2, 0),
             "restartPolicy Never: not restarted")

    def graceful_delete(self):
        t, api = self.t, self.api
        for name in ("term-fast", "term-slow"):
            api.wait_pod(name, running_ready, "running")
        uids = {n: api.pod(n)["metadata"]["uid"] for n in ("term-fast", "term-slow")}
        t0 = time.monotonic()
        for name in uids:
            code, body, _ = api.delete_pod(name)
            t.eq(code, 200, "delete " + name)
        api.wait_gone("term-fast", timeout=20)
        fast = time.monotonic() - t0
        api.wait_gone("term-slow", timeout=20)
        slow = time.monotonic() - t0
        t.check(fast < 10, "a container that exits on SIGTERM ends long before its 30 s", fast)
        t.check(2.5 <= slow < 15, "one that ignores SIGTERM is killed after its 3 s grace", slow)
        for name, uid in uids.items():
            t.eq(docker_ids("io.k8c.pod.uid=" + uid), [], "no container left for " + name)

    def kubectl_logs(self):
        t = self.t
        kubectl = sh("source %s/../../hack/lib.sh && k8c_debian_kubectl" %
                     os.path.dirname(os.path.abspath(__file__)))
        base = [kubectl, "--server", self.srv.url]
        env = dict(os.environ, KUBECONFIG="/dev/null", HOME=self.t.workdir)
        self.api.wait_pod("streamer", running_ready, "running")
        out = subprocess.run(base + ["logs", "web", "-c", "writer"], capture_output=True,
                             text=True, env=env, timeout=20)
        t.check(out.returncode == 0 and "pod=web" in out.stdout, "kubectl logs", out)
        out = subprocess.run(base + ["logs", "streamer", "--tail=1"], capture_output=True,
                             text=True, env=env, timeout=20)
        t.check(out.returncode == 0 and len(out.stdout.splitlines()) == 1 and
                out.stdout.startswith("line "), "kubectl logs --tail=1", out)
        f = subprocess.Popen(base + ["logs", "-f", "streamer"], stdout=subprocess.PIPE,
                             text=True, env=env)
        lines = []
        end = time.monotonic() + 10
        while time.monotonic() < end and len(lines) < 20:
            lines.append(f.stdout.readline())
        f.kill()
        f.wait()
        nums = [int(l.split()[1]) for l in lines if l.startswith("line ")]
        t.check(len(nums) == 20 and nums == list(range(nums[0], nums[0] + 20)),
                "kubectl logs -f follows the output as it comes", lines)
        code, body = self.logs("streamer", limitBytes="7")
        t.eq((code, body), (200, "line 1\n"), "limitBytes")
        code, all_lines = self.logs("streamer")
        code, recent = self.logs("streamer", sinceSeconds="1")
        total = len(all_lines.splitlines())
        nums = [int(l.split()[1]) for l in recent.splitlines()]
        t.check(code == 200 and 1 <= len(nums) <= 10 and nums[0] > total - 15 and
                nums == list(range(nums[0], nums[0] + len(nums))),
                "sinceSeconds=1: only the last second's lines (5 a second)", (nums, total))
        code, body = self.logs("streamer", timestamps="true", tailLines="1")
        t.check(code == 200 and body[:4].isdigit() and "Z line " in body, "timestamps", body)
        code, body = self.logs("web")
        t.check(code == 400 and "a container name must be specified for pod web, choose one "
                "of: [httpd writer]" in body.get("message", ""), "several containers", body)

    def stable_ids(self, pods):
        """The running containers of pods (name -> pod object)."""
        ids = set()
        for p in pods.values():
            ids |= set(docker_ids("io.k8c.pod.uid=" + p["metadata"]["uid"], all_=False))
        return ids

    def events(self):
        """What the kubelet did, as Events (written in the background by the recorder)."""
        t = self.t

        def reasons(name, kind="Pod"):
            code, lst, _ = self.api.req(
                "GET", "/api/v1/namespaces/default/events?fieldSelector=involvedObject.name%%3D"
                "%s,involvedObject.kind%%3D%s" % (name, kind))
            return {(e["type"], e["reason"]) for e in lst["items"]
                    if e.get("source", {}).get("component") == "kubelet"} if code == 200 else set()
        want = {
            "web": {("Normal", "Pulled"), ("Normal", "Created"), ("Normal", "Started")},
            "crash": {("Warning", "BackOff")},
            "liveness": {("Warning", "Unhealthy"), ("Normal", "Killing")},
            "missing": {("Warning", "Failed"), ("Warning", "BackOff")},
        }
        for name, w in want.items():
            got = wait_for("events of " + name, lambda: (lambda r: r if w <= r else None)(
                reasons(name)), timeout=20)
            t.check(w <= got, "events of " + name, got)
        code, lst, _ = self.api.req("GET", "/api/v1/namespaces/default/events?fieldSelector="
                                    "involvedObject.kind%3DNode")
        t.check(any(e["reason"] == "Starting" and e["involvedObject"]["name"] == self.node and
                    e.get("source", {}).get("host") == self.node for e in lst.get("items", [])),
                "the node's Starting event", lst)

    def kubelet_restart(self):
        t, api, k = self.t, self.api, self.kubelet
        running = {p: api.pod(p) for p in ("web", "readiness", "streamer", "orphan")}
        stable = {n: p for n, p in running.items() if n != "orphan"}
        before = self.stable_ids(stable)
        k.kill9()
        # another node's container, and one without k8c's labels: never the kubelet's business
        decoys = [sh("docker run -d --label %s=other-node --label io.k8c.pod.uid=decoy "
                     "--label io.k8c.test=%s %s" % (NODE_LABEL, self.node, self.pause_image)),
                  sh("docker run -d --label io.k8c.test=%s %s" % (self.node, self.pause_image))]
        orphan_uid = running["orphan"]["metadata"]["uid"]
        code, _, _ = api.delete_pod("orphan", grace=0)
        t.eq(code, 200, "force-delete a pod while its kubelet is down")
        k.start()
        wait_for("the orphan's containers to go", lambda: not docker_ids(
            "io.k8c.pod.uid=" + orphan_uid), timeout=30)
        p = api.wait_pod("web", running_ready, "Ready again after the restart", timeout=30)
        t.eq(cstatus(p, "writer")["restartCount"], 1, "restart counts survive")
        time.sleep(2)  # several relists and syncs: nothing must be created again
        t.eq(self.stable_ids(stable), before, "the same containers run, no duplicates")
        for name in stable:
            uid = running[name]["metadata"]["uid"]
            n = len(docker_ids("io.k8c.pod.uid=" + uid, all_=False))
            t.eq(n, len(running[name]["spec"]["containers"]) + 1, name + ": one of each")
        p = api.wait_pod("readiness", lambda p: cstatus(p, "ok").get("ready"), "ok ready again")
        t.eq(cstatus(p, "bad").get("ready"), False, "bad still unready")
        for d in decoys:
            t.check(docker_inspect(d)["State"]["Running"], "a container that is not this "
                    "kubelet's is left alone", d)
        sh("docker rm -f %s" % " ".join(decoys))

    def cleanup_removes_everything(self):
        t, api = self.t, self.api
        code, pods, _ = api.req("GET", "/api/v1/namespaces/default/pods")
        for p in pods["items"]:
            api.delete_pod(p["metadata"]["name"])
        for p in pods["items"]:
            api.wait_gone(p["metadata"]["name"], timeout=30)
        wait_for("every container of the node to be removed", lambda: not docker_ids(
            "%s=%s" % (NODE_LABEL, self.node)), timeout=20)
        t.check(not os.listdir(os.path.join(self.kubelet.root, "pods")) if os.path.isdir(
            os.path.join(self.kubelet.root, "pods")) else True, "pod directories removed")

    def finish(self):
        self.t.eq(self.kubelet.stop(), 0, "the kubelet exits cleanly")
        left = self.kubelet.remove_containers()
        self.t.eq(left, [], "no container left behind")
        decoys = docker_ids("io.k8c.test=" + self.node)  # if a check raised before their removal
        if decoys:
            sh("docker rm -f %s" % " ".join(decoys), check=False)
        sh("docker image rm -f %s" % self.pause_image, check=False)
        self.t.eq(self.srv.stop(), 0, "the apiserver exits cleanly")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--apiserver", required=True)
    ap.add_argument("--kubelet", required=True)
    ap.add_argument("--pause", required=True)
    args = ap.parse_args()
    prepare_docker(args.pause)
    t = Suite("kubelet")
    tests = Tests(t, args)
    try:
        t.case(tests.node_registered)
        t.case(tests.create_everything)
        for case in (tests.web_runs, tests.restart_after_docker_kill, tests.readiness_fails,
                     tests.missing_image, tests.init_then_success, tests.liveness_restarts,
                     tests.crash_loop, tests.kubectl_logs, tests.events, tests.graceful_delete,
                     tests.kubelet_restart, tests.cleanup_removes_everything):
            t.case(case)
    finally:
        t.case(tests.finish)
    if t.failed_cases:
        print(tests.kubelet.log_text()[-20000:])
    sys.exit(t.finish())


if __name__ == "__main__":
    main()
