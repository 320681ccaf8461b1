"""kubelet_lib - what the kubelet suites share: the real dockerd and the local images,
a k8c-apiserver and a k8c-kubelet process, pod manifests, API shortcuts, and waiting
on a pod's status with a deadline (Debian's /usr/bin/python3, stdlib only).
"""
import json
import os
import subprocess
import sys
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from k8ctest import ApiServer, free_port, request, wait_for  # noqa: E402,F401

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BUSYBOX = "k8c.local/busybox"
NODE_LABEL = "io.k8c.node"


def sh(cmd, check=True, timeout=60):
    """Runs a shell command; returns its stdout (stripped)."""
    p = subprocess.run(["bash", "-c", cmd], capture_output=True, text=True, timeout=timeout)
    if check and p.returncode != 0:
        raise AssertionError("command failed (%d): %s\n%s%s" % (p.returncode, cmd, p.stdout,
                                                               p.stderr))
    return p.stdout.strip()


def prepare_docker(pause):
    """Starts dockerd when none answers and builds the local images."""
    sh("source %s/hack/lib.sh && ensure_dockerd" % ROOT, timeout=90)
    sh("%s/hack/build-images.sh --pause %s" % (ROOT, pause), timeout=120)


def docker_ids(*labels, all_=True):
    """Ids of the containers carrying every label ("k=v")."""
    flt = " ".join("--filter label=%s" % l for l in labels)
    out = sh("docker ps -q --no-trunc %s %s" % ("-a" if all_ else "", flt))
    return out.split() if out else []


def docker_inspect(cid):
    return json.loads(sh("docker inspect %s" % cid))[0]


class Kubelet(ApiServer):
    """A k8c-kubelet process on its own node name, root dir and port (stopped, killed and
    its log read as k8ctest's ApiServer does)."""

    def __init__(self, binary, apiserver, workdir, pause, node=None, extra=()):
        self.binary, self.apiserver, self.pause = binary, apiserver, pause
        self.node = node or "kt-" + uuid.uuid4().hex[:8]
        self.workdir = workdir
        self.root = os.path.join(workdir, "root-" + self.node)
        self.port_file = os.path.join(workdir, "port-" + self.node)
        self.log_path = os.path.join(workdir, "kubelet-%s.log" % self.node)
        self.extra = list(extra)
        self.proc = None
        self.port = None
        self.start()

    def start(self):
        if os.path.exists(self.port_file):
            os.unlink(self.port_file)
        args = [self.binary, "--server", self.apiserver.url, "--node-name", self.node,
                "--root-dir", self.root, "--port", "0", "--port-file", self.port_file,
                "--image-pull", "never", "--pause-binary", self.pause] + self.extra
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(args, stdout=log, stderr=log)
        wait_for("the kubelet's port file", lambda: self.proc.poll() is None and
                 os.path.exists(self.port_file) and open(self.port_file).read().strip(),
                 timeout=30)
        self.port = int(open(self.port_file).read())

    def remove_containers(self):
        """Removes every container of this node (the safety net after a suite)."""
        ids = docker_ids("%s=%s" % (NODE_LABEL, self.node))
        if ids:
            sh("docker rm -f %s" % " ".join(ids))
        return ids


class Api:
    """Shortcuts for the objects the kubelet suites make."""

    def __init__(self, url):
        self.url = url

    def req(self, method, path, body=None, headers=None):
        return request(self.url, method, path, body, headers, timeout=30)

    def create(self, path, obj):
        code, body, _ = self.req("POST", path, obj)
        if code != 201:
            raise AssertionError("create %s: %s %r" % (path, code, body))
        return body

    def pod(self, name, ns="default"):
        code, body, _ = self.req("GET", "/api/v1/namespaces/%s/pods/%s" % (ns, name))
        return body if code == 200 else None

    def create_pod(self, obj, ns="default"):
        return self.create("/api/v1/namespaces/%s/pods" % ns, obj)

    def delete_pod(self, name, ns="default", grace=None):
        body = {} if grace is None else {"gracePeriodSeconds": grace}
        return self.req("DELETE", "/api/v1/namespaces/%s/pods/%s" % (ns, name), body)

    def wait_pod(self, name, pred, what, timeout=30):
        """Waits until pred(pod) is true; returns the pod."""
        def check():
            p = self.pod(name)
            return p if p and pred(p) else None
        return wait_for("pod %s: %s" % (name, what), check, timeout=timeout, interval=0.1)

    def wait_gone(self, name, timeout=30):
        wait_for("pod %s to be gone" % name, lambda: self.pod(name) is None, timeout=timeout,
                 interval=0.1)


def pod(name, node, containers, **spec):
    s = {"nodeName": node, "containers": containers, "terminationGracePeriodSeconds": 2}
    s.update(spec)
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name}, "spec": s}


def container(name, script, **extra):
    c = {"name": name, "image": BUSYBOX, "command": ["sh", "-c", script]}
    c.update(extra)
    return c


def cstatus(p, name, init=False):
    for cs in p.get("status", {}).get("initContainerStatuses" if init else "containerStatuses",
                                      []):
        if cs["name"] == name:
            return cs
    return {}


def condition(p, type_):
    for c in p.get("status", {}).get("conditions", []):
        if c["type"] == type_:
            return c
    return {}


def waiting_reason(p, name):
    return cstatus(p, name).get("state", {}).get("waiting", {}).get("reason")


def running_ready(p):
    return p.get("status", {}).get("phase") == "Running" and \
        condition(p, "Ready").get("status") == "True"


def http_get(url, timeout=2):
    """The body of a GET, or None when it fails."""
    import urllib.request
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.read().decode()
    except Exception:
        return None
