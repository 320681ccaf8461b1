"""cluster - a whole k8c cluster on this machine for the end-to-end suites (Debian's
/usr/bin/python3, stdlib only): k8c-apiserver on SQLite or a throwaway etcd,
k8c-controller-manager, k8c-scheduler, one or more k8c-kubelets on the real Docker daemon
(each its own node name), k8c-proxy with its own iptables chain prefix; a kubeconfig for
Debian's kubectl; and the helpers the cases use (kubectl, API reads, pod and container
views, HTTP from the host). Every process dies with the test (PR_SET_PDEATHSIG) and close()
removes every container of the cluster's nodes and the proxy's rules.

Timeouts that Kubernetes sets for production (lease 40 s, eviction after 300 s, leader
leases of 15 s, restart back-off from 10 s) are shortened by the components' flags, so a
case that waits for one of them takes seconds.
"""
import ctypes
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import k8ctest  # noqa: E402
from k8ctest import wait_for  # noqa: E402,F401

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
EXAMPLES = os.path.join(ROOT, "examples")
NODE_LABEL = "io.k8c.node"

# The shortened periods (see the module comment).
NODE_GRACE_S = 4          # controller manager: --node-monitor-grace-period
TOLERATION_S = 2          # API server: default not-ready/unreachable toleration
LEADER = ["--leader-elect-lease-duration", "3s", "--leader-elect-renew-deadline", "2s",
          "--leader-elect-retry-period", "500ms"]

_libc = ctypes.CDLL(None, use_errno=True)


def _die_with_parent():
    _libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def sh(*args, check=True, timeout=120, input=None):
    """Runs argv; returns stdout (stripped). Raises with stderr when check and it fails."""
    r = subprocess.run(list(args), capture_output=True, text=True, timeout=timeout, input=input)
    if check and r.returncode != 0:
        raise AssertionError("%s failed (%d): %s%s" % (" ".join(args), r.returncode, r.stdout,
                                                       r.stderr))
    return r.stdout.strip()


def debian_kubectl():
    return sh("bash", "-c", "source %s/hack/lib.sh && k8c_debian_kubectl" % ROOT)


def stable_port():
    """A free port below the ephemeral range: a component killed and started again binds it
    again, and no client's outgoing connection can take it meanwhile."""
    import random
    with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
        lo = int(f.read().split()[0])
    while True:
        port = random.randrange(20000, lo)
        s = socket.socket()
        try:
            s.bind(("127.0.0.1", port))
            return port
        except OSError:
            continue
        finally:
            s.close()


def http_get(ip, port=8080, path="/", timeout=3.0):
    """The body of an HTTP/1.0 GET (raises OSError when nothing answers)."""
    s = socket.create_connection((ip, port), timeout=timeout)
    try:
        s.sendall(("GET %s HTTP/1.0\r\nHost: %s\r\n\r\n" % (path, ip)).encode())
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    finally:
        s.close()
    # a CGI program's headers may end in a bare "\n\n" (busybox httpd passes them on)
    parts = re.split(b"\r?\n\r?\n", data, maxsplit=1)
    head, body = parts[0], parts[1] if len(parts) > 1 else b""
    if not head.startswith(b"HTTP/1.") or b" 200 " not in head.split(b"\r\n")[0]:
        raise OSError("not a 200 answer: %r" % head[:80])
    return body.decode(errors="replace")


class Process:
    """One component: its command line, log file, and start / kill -9 / stop. While it is
    wanted (started and neither killed nor stopped by the test), the cluster's supervisor
    starts it again when it exits, as systemd or a kubelet's static pods do in a real
    cluster: kube-scheduler, for one, exits by design when it loses its Lease."""

    def __init__(self, name, argv, workdir):
        self.name, self.argv = name, list(argv)
        self.log_path = os.path.join(workdir, name + ".log")
        self.proc = None
        self.wanted = False
        self.lock = threading.Lock()

    def _spawn(self):
        log = open(self.log_path, "ab")
        log.write(("==== start %s\n" % time.strftime("%H:%M:%S")).encode())
        log.flush()
        self.proc = subprocess.Popen(self.argv, stdout=log, stderr=log,
                                     preexec_fn=_die_with_parent)
        log.close()

    def start(self):
        with self.lock:
            self._spawn()
            self.wanted = True
        return self

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def kill9(self):
        with self.lock:
            self.wanted = False
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def stop(self):
        """SIGTERM (SIGKILL after 20 s); returns the exit status (a sanitizer report is non-zero)."""
        with self.lock:
            self.wanted = False
            if self.proc is None:
                return 0
            if self.proc.poll() is None:
                self.proc.terminate()
                try:
                    self.proc.wait(20)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait()
                    return -1
            return self.proc.returncode

    def restart_if_exited(self):
        """The supervisor's step: starts a wanted process that exited; returns its exit
        status then, else None."""
        with self.lock:
            if not self.wanted or self.proc is None or self.proc.poll() is None:
                return None
            rc = self.proc.returncode
            self._spawn()
            return rc

    def log_tail(self, n=30):
        with open(self.log_path, "rb") as f:
            return b"".join(f.readlines()[-n:]).decode(errors="replace")


def sweep_stale(proxy_bin):
    """Removes the iptables chains and the containers of e2e clusters whose test process is
    gone (killed before its cleanup could run), so that their rules cannot catch another
    cluster's traffic and their containers do not pile up."""
    out = subprocess.run(["iptables-save", "-t", "nat"], capture_output=True, text=True).stdout
    for prefix, pid in set(re.findall(r"^:(K8E(\d+))-SERVICES ", out, re.M)):
        if not os.path.exists("/proc/" + pid):
            subprocess.run([proxy_bin, "--cleanup", "--chain-prefix", prefix],
                           capture_output=True)
    nodes = sh("docker", "ps", "-a", "--format", '{{.ID}} {{.Label "%s"}}' % NODE_LABEL,
               check=False)
    stale = [cid for cid, node in (line.split(" ", 1) for line in nodes.splitlines())
             if re.fullmatch(r"e2e-\w+-(\d+)-\w+", node) and
             not os.path.exists("/proc/" + node.split("-")[2])]
    if stale:
        sh("docker", "rm", "-f", *stale, check=False)


class Cluster:
    """A cluster named tag: nodes "<tag>-<n>" for n in nodes, chain prefix from the pid."""

    def __init__(self, bins, workdir, store="sqlite", nodes=("a", "b"), tag=None):
        self.bins, self.workdir, self.store = bins, workdir, store
        self.tag = tag or "e2e-%s-%d" % (store, os.getpid())
        self.prefix = "K8E%d" % os.getpid()  # pids have at most 7 digits: 10 characters
        sweep_stale(bins["proxy"])
        self.port = stable_port()
        self.url = "http://127.0.0.1:%d" % self.port
        self.kubeconfig = os.path.join(workdir, "kubeconfig")
        self.kubectl_bin = debian_kubectl()
        self.etcd = None
        self.kubelets = {}
        self.procs = []
        self.restarts = []  # (component, exit status, time) of the supervisor's restarts
        self._stop_supervisor = threading.Event()
        threading.Thread(target=self._supervise, daemon=True).start()
        if store == "etcd":
            self.etcd = self._etcd()
        self.apiserver = self._add("apiserver", [
            bins["apiserver"], "--port", str(self.port),
            "--default-not-ready-toleration-seconds", str(TOLERATION_S),
            "--default-unreachable-toleration-seconds", str(TOLERATION_S)] + (
            ["--etcd-servers", self.etcd_url] if self.etcd else
            ["--data-dir", os.path.join(workdir, "data")]))
        self.start_apiserver()
        self._write_kubeconfig()
        kc = ["--kubeconfig", self.kubeconfig]
        self.controller_manager = self._add("controller-manager", [
            bins["controller-manager"]] + kc + LEADER + [
            "--node-monitor-grace-period", "%ds" % NODE_GRACE_S, "--node-monitor-period",
            "500ms"]).start()
        self.scheduler = self._add("scheduler", [bins["scheduler"]] + kc + LEADER).start()
        for n in nodes:
            self.add_kubelet(n)
        self.proxy = self._add("proxy", [
            bins["proxy"]] + kc + ["--chain-prefix", self.prefix,
                                   "--iptables-min-sync-period", "50ms"]).start()
        for node in self.kubelets:
            wait_for("node %s Ready" % node, lambda n=node: self.node_ready(n), timeout=60)

    def _supervise(self):
        while not self._stop_supervisor.wait(0.3):
            for p in list(self.procs):
                rc = p.restart_if_exited()
                if rc is not None:
                    self.restarts.append((p.name, rc, time.strftime("%H:%M:%S")))
                    print("    supervisor: %s exited with status %d, started again"
                          % (p.name, rc), flush=True)

    def _add(self, name, argv):
        p = Process(name, argv, self.workdir)
        self.procs.append(p)
        return p

    def _etcd(self):
        cport, pport = stable_port(), stable_port()
        self.etcd_url = "http://127.0.0.1:%d" % cport
        peer = "http://127.0.0.1:%d" % pport
        p = self._add("etcd", ["etcd", "--name", "e2e", "--data-dir",
                               os.path.join(self.workdir, "etcd"),
                               "--listen-client-urls", self.etcd_url,
                               "--advertise-client-urls", self.etcd_url,
                               "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
                               "--initial-cluster", "e2e=" + peer]).start()
        wait_for("etcd to be healthy", lambda: p.alive() and subprocess.run(
            ["etcdctl", "--endpoints", self.etcd_url, "endpoint", "health"],
            capture_output=True).returncode == 0, timeout=30)
        return p

    def start_apiserver(self):
        self.apiserver.start()
        wait_for("k8c-apiserver /readyz", lambda: self.apiserver.alive() and k8ctest.request(
            self.url, "GET", "/readyz")[0] == 200, timeout=30)

    def _write_kubeconfig(self):
        with open(self.kubeconfig, "w") as f:
            f.write("apiVersion: v1\nkind: Config\nclusters:\n- name: e2e\n  cluster:\n"
                    "    server: %s\ncontexts:\n- name: e2e\n  context:\n    cluster: e2e\n"
                    "    user: e2e\ncurrent-context: e2e\nusers:\n- name: e2e\n  user: {}\n"
                    % self.url)

    def add_kubelet(self, short):
        node = "%s-%s" % (self.tag, short)
        root = os.path.join(self.workdir, "kubelet-" + short)
        k = self._add("kubelet-" + short, [
            self.bins["kubelet"], "--kubeconfig", self.kubeconfig, "--node-name", node,
            "--root-dir", root, "--port", "0", "--image-pull", "never",
            "--pause-binary", self.bins["pause"], "--lease-renew-interval", "1s",
            "--node-status-update-frequency", "1s", "--restart-backoff", "1s",
            "--restart-backoff-max", "8s"]).start()
        k.node = node
        self.kubelets[node] = k
        return node

    # ---- reads --------------------------------------------------------------------------
    def get(self, path):
        code, body, _ = k8ctest.request(self.url, "GET", path)
        if code != 200:
            raise AssertionError("GET %s: %d %s" % (path, code, body))
        return body

    def pods(self, selector=None, ns="default", active=True):
        """Pods (by name); active: without a deletionTimestamp."""
        q = "?labelSelector=" + selector if selector else ""
        items = self.get("/api/v1/namespaces/%s/pods%s" % (ns, q))["items"]
        return {p["metadata"]["name"]: p for p in items
                if not (active and p["metadata"].get("deletionTimestamp"))}

    def node_ready(self, node):
        try:
            n = self.get("/api/v1/nodes/" + node)
        except AssertionError:
            return False
        return any(c["type"] == "Ready" and c["status"] == "True"
                   for c in n.get("status", {}).get("conditions", []))

    def containers(self, running_only=False):
        """Every Docker container of this cluster's nodes: dicts id, state, uid, name, kind, node."""
        out = []
        for node in self.kubelets:
            fmt = ('{{.ID}} {{.State}} {{.Label "io.k8c.pod.uid"}} '
                   '{{.Label "io.k8c.container.name"}} {{.Label "io.k8c.container.kind"}}')
            lines = sh("docker", "ps", "--no-trunc", *([] if running_only else ["-a"]),
                       "--filter", "label=%s=%s" % (NODE_LABEL, node), "--format", fmt)
            for line in lines.splitlines():
                cid, state, uid, name, kind = (line.split() + [""] * 5)[:5]
                out.append({"id": cid, "state": state, "uid": uid, "name": name, "kind": kind,
                            "node": node})
        return out

    # ---- actions ------------------------------------------------------------------------
    def kubectl(self, *args, timeout=120, input=None):
        """Debian's kubectl on this cluster's kubeconfig: a CompletedProcess (text)."""
        return subprocess.run([self.kubectl_bin, "--kubeconfig", self.kubeconfig] + list(args),
                              capture_output=True, text=True, timeout=timeout, input=input)

    def kubectl_ok(self, *args, timeout=120, input=None):
        r = self.kubectl(*args, timeout=timeout, input=input)
        if r.returncode != 0:
            raise AssertionError("kubectl %s failed (%d): %s%s" % (" ".join(args), r.returncode,
                                                                    r.stdout, r.stderr))
        return r.stdout

    def close(self):
        """Stops everything; returns {component: exit status} of those that ran."""
        self._stop_supervisor.set()
        statuses = {}
        for p in reversed(self.procs):
            if p.name in ("apiserver", "etcd") or not p.alive():
                continue
            statuses[p.name] = p.stop()
        ids = [c["id"] for c in self.containers()]
        if ids:
            sh("docker", "rm", "-f", *ids, check=False)
        subprocess.run([self.bins["proxy"], "--cleanup", "--chain-prefix", self.prefix],
                       capture_output=True)
        for p in (self.apiserver, self.etcd):
            if p and p.alive():
                statuses[p.name] = p.stop()
        return statuses


class Events:
    """A watch stream read by a thread into a queue: next(timeout) returns an event dict or
    None when none came in time; a broken stream raises."""

    def __init__(self, url, path):
        import http.client
        import queue
        import threading
        import urllib.parse
        u = urllib.parse.urlparse(url)
        self.q = queue.Queue()
        self.conn = http.client.HTTPConnection(u.hostname, u.port, timeout=300)
        self.conn.request("GET", path, headers={"Accept": "application/json"})
        self.resp = self.conn.getresponse()
        if self.resp.status != 200:
            raise AssertionError("watch %s: %d" % (path, self.resp.status))
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        try:
            for line in self.resp:
                if line.strip():
                    self.q.put(json.loads(line))
        except Exception as e:  # the stream broke (or was closed): the reader sees it
            self.q.put(e)
        self.q.put(EOFError("watch ended"))

    def next(self, timeout):
        import queue
        try:
            ev = self.q.get(timeout=timeout)
        except queue.Empty:
            return None
        if isinstance(ev, Exception):
            raise ev
        return ev

    def close(self):
        try:
            self.conn.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.conn.close()


def is_ready(pod):
    return any(c["type"] == "Ready" and c["status"] == "True"
               for c in pod.get("status", {}).get("conditions", []))


def running_ready(pod):
    return pod.get("status", {}).get("phase") == "Running" and is_ready(pod)
