#!/usr/bin/python3
"""k8c-proxy against the real k8c-apiserver, the host's real iptables and real Docker containers.

Two busybox httpd containers (started with docker, each answering its own name) stand for
a Service's pods; the test writes the Service and its Endpoints itself, so that only the
proxy is under test. Checked as a user sees it: curl from the host and wget from inside a
container through the cluster IP (both backends answer), endpoint changes followed,
"connection refused" at once without endpoints, a node port, deletion, repair of rules
someone removed, restart without duplicate jumps, and --cleanup leaving nothing.

    proxy_test.py --apiserver PATH --proxy PATH
"""
import argparse
import os
import random
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import k8ctest  # noqa: E402

LABEL = "io.k8c.test=proxy-%d" % os.getpid()
PREFIX = "K8CT%d" % (os.getpid() % 100000)


def sh(*args, check=True):
    r = subprocess.run(list(args), capture_output=True, text=True)
    if check and r.returncode != 0:
        raise AssertionError("%s failed (%d): %s" % (" ".join(args), r.returncode, r.stderr))
    return r.stdout.strip()


def http_get(ip, port, timeout=2.0):
    """The body of GET / from ip:port, or the exception's class name."""
    s = socket.create_connection((ip, port), timeout=timeout)
    try:
        s.sendall(b"GET / HTTP/1.0\r\nHost: x\r\n\r\n")
        data = b""
        while True:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
        return data.split(b"\r\n\r\n", 1)[-1].decode().strip()
    finally:
        s.close()


def veth_of(cid):
    """The host side of a container's eth0 (a port of docker0)."""
    index = sh("docker", "exec", cid, "cat", "/sys/class/net/eth0/iflink")
    for name in os.listdir("/sys/class/net"):
        with open("/sys/class/net/%s/ifindex" % name) as f:
            if f.read().strip() == index:
                return name
    raise AssertionError("no host interface with index %s" % index)


def our_rules():
    out = sh("iptables-save")
    return [line for line in out.splitlines() if PREFIX + "-" in line]


class ProxyTest:
    def __init__(self, t, args):
        self.t = t
        self.srv = k8ctest.ApiServer(args.apiserver, t.workdir)
        self.proxy_bin = args.proxy
        self.proxy = None
        self.backends = {}  # name -> ip
        self.cids = {}  # name -> container id
        for name in ("be-a", "be-b"):
            cid = sh("docker", "run", "-d", "--label", LABEL, "--hostname", name,
                     "k8c.local/busybox:latest", "sh", "-c",
                     "mkdir -p /w && hostname > /w/index.html && exec httpd -f -p 8080 -h /w")
            self.cids[name] = cid
            self.backends[name] = sh("docker", "inspect", "-f",
                                     "{{.NetworkSettings.IPAddress}}", cid)
        self.client = sh("docker", "run", "-d", "--label", LABEL, "k8c.local/busybox:latest",
                         "sleep", "600")
        # the proxy must turn hairpin mode on for a pod to reach itself: start without it
        self.veth_a = veth_of(self.cids["be-a"])
        with open("/sys/class/net/%s/brport/hairpin_mode" % self.veth_a, "w") as f:
            f.write("0")
        self.cip = "10.96.%d.%d" % (random.randrange(1, 255), random.randrange(2, 255))
        self.node_port = random.randrange(30000, 32768)
        self.start_proxy()

    def start_proxy(self):
        log = open(os.path.join(self.t.workdir, "proxy.log"), "ab")
        self.proxy = subprocess.Popen(
            [self.proxy_bin, "--server", self.srv.url, "--chain-prefix", PREFIX,
             "--iptables-sync-period", "1s", "--iptables-min-sync-period", "50ms"],
            stdout=log, stderr=log)

    def stop_proxy(self):
        self.proxy.terminate()
        return self.proxy.wait(10)

    def close(self):
        if self.proxy and self.proxy.poll() is None:
            self.proxy.kill()
            self.proxy.wait()
        ids = sh("docker", "ps", "-aq", "--filter", "label=" + LABEL, check=False).split()
        if ids:
            sh("docker", "rm", "-f", *ids, check=False)
        subprocess.run([self.proxy_bin, "--cleanup", "--chain-prefix", PREFIX])
        self.srv.stop()

    # ---- API helpers ---------------------------------------------------------------
    def put(self, path, obj):
        code, body, _ = k8ctest.request(self.srv.url, "PUT", path, obj)
        if code == 404:
            code, body, _ = k8ctest.request(self.srv.url, "POST", path.rsplit("/", 1)[0], obj)
        assert code in (200, 201), (code, body)

    def set_endpoints(self, names):
        ep = {"apiVersion": "v1", "kind": "Endpoints", "metadata": {"name": "web"},
              "subsets": [{"addresses": [{"ip": self.backends[n]} for n in names],
                           "ports": [{"name": "http", "port": 8080}]}] if names else []}
        self.put("/api/v1/namespaces/default/endpoints/web", ep)

    def answers(self, tries=40):
        """The set of backends that answered through the cluster IP from the host."""
        seen = set()
        for _ in range(tries):
            seen.add(http_get(self.cip, 80))
        return seen

    def answers_in(self, cid, tries=20):
        """The set of backends that answered through the cluster IP from inside container cid."""
        out = sh("docker", "exec", cid, "sh", "-c",
                 "for i in $(seq %d); do wget -qO- http://%s/; done" % (tries, self.cip))
        return set(out.split())

    # ---- cases ---------------------------------------------------------------------
    def cluster_ip_reaches_every_endpoint(self):
        self.put("/api/v1/namespaces/default/services/web", {
            "apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"},
            "spec": {"type": "NodePort", "clusterIP": self.cip, "selector": {"app": "web"},
                     "ports": [{"name": "http", "port": 80, "targetPort": 8080,
                                "nodePort": self.node_port}]}})
        self.set_endpoints(["be-a", "be-b"])
        k8ctest.wait_for("the cluster IP to answer", lambda: http_get(self.cip, 80), timeout=10)
        self.t.eq(self.answers(), {"be-a", "be-b"}, "backends answering from the host")
        self.t.eq(self.answers_in(self.client), {"be-a", "be-b"},
                  "backends answering from a container")
        # a backend reaching its own service, and so sometimes itself (hairpin), works too
        self.t.eq(self.answers_in(self.cids["be-a"]), {"be-a", "be-b"},
                  "backends answering be-a itself")
        with open("/sys/class/net/%s/brport/hairpin_mode" % self.veth_a) as f:
            self.t.eq(f.read().strip(), "1", "hairpin mode of be-a's port")

    def node_port_on_a_local_address(self):
        host_ip = sh("ip", "-4", "-o", "addr", "show", "docker0").split()[3].split("/")[0]
        self.t.eq(http_get(host_ip, self.node_port) in ("be-a", "be-b"), True,
                  "node port %d on %s answers" % (self.node_port, host_ip))

    def endpoint_changes_are_followed(self):
        self.set_endpoints(["be-b"])
        k8ctest.wait_for("only be-b to answer", lambda: self.answers(10) == {"be-b"}, timeout=10)
        self.t.eq(self.answers(), {"be-b"}, "after be-a left the endpoints")
        self.set_endpoints([])
        def refused():
            try:
                http_get(self.cip, 80, timeout=3)
                return False
            except ConnectionRefusedError:
                return True
        k8ctest.wait_for("connection refused without endpoints", refused, timeout=10)
        start = time.monotonic()
        self.t.check(refused(), "refused again")
        self.t.check(time.monotonic() - start < 1.0, "refused at once, not after a timeout")
        self.set_endpoints(["be-a", "be-b"])
        k8ctest.wait_for("both to answer again", lambda: self.answers(20) == {"be-a", "be-b"},
                         timeout=10)

    def removed_rules_are_repaired(self):
        sh("iptables", "-t", "nat", "-F", PREFIX + "-SERVICES")
        sh("iptables", "-t", "nat", "-D", "PREROUTING", "-m", "comment", "--comment",
           "k8c service portals", "-j", PREFIX + "-SERVICES")
        k8ctest.wait_for("the rules to come back", lambda: http_get(self.cip, 80), timeout=10)
        k8ctest.wait_for("the jump to come back", lambda: subprocess.run(
            ["iptables", "-t", "nat", "-C", "PREROUTING", "-m", "comment", "--comment",
             "k8c service portals", "-j", PREFIX + "-SERVICES"],
            capture_output=True).returncode == 0, timeout=10)

    def restart_keeps_traffic_and_adds_no_duplicates(self):
        before = our_rules()
        self.t.eq(self.stop_proxy(), 0, "proxy exit status on SIGTERM (sanitizers quiet)")
        self.t.eq(self.answers(10), {"be-a", "be-b"}, "service still answers while stopped")
        self.start_proxy()
        time.sleep(1.5)  # more than one sync period: a duplicate would have been added by now
        after = our_rules()
        jumps = [r for r in after if r.startswith("-A PREROUTING")]
        self.t.eq(len(jumps), 1, "one PREROUTING jump after a restart")
        self.t.eq(sorted(after), sorted(before), "the same rules after a restart")

    def deleted_service_leaves_no_rule(self):
        code, _, _ = k8ctest.request(self.srv.url, "DELETE", "/api/v1/namespaces/default/services/web")
        self.t.eq(code, 200, "delete the service")
        k8ctest.wait_for("the service's chains to go", lambda: not [
            r for r in our_rules() if "-SVC-" in r or "-SEP-" in r], timeout=10)
        try:
            body = http_get(self.cip, 80, timeout=1)
        except OSError:
            body = None  # nothing there (this host may route 10.96/12 somewhere that answers)
        self.t.check(body not in self.backends, "no backend answers after the delete", body)

    def cleanup_removes_everything(self):
        self.t.eq(self.stop_proxy(), 0, "proxy exit status")
        self.t.check(our_rules(), "rules stay after a stop (like kube-proxy)")
        r = subprocess.run([self.proxy_bin, "--cleanup", "--chain-prefix", PREFIX])
        self.t.eq(r.returncode, 0, "--cleanup exit status")
        self.t.eq(our_rules(), [], "no rule or chain of the prefix left")
        bad = subprocess.run([self.proxy_bin, "--chain-prefix", "bad-prefix!"],
                             capture_output=True, text=True)
        self.t.eq(bad.returncode, 2, "a bad prefix is a usage error")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--apiserver", required=True)
    ap.add_argument("--proxy", required=True)
    args = ap.parse_args()
    t = k8ctest.Suite("proxy")
    pt = ProxyTest(t, args)
    try:
        for case in (pt.cluster_ip_reaches_every_endpoint, pt.node_port_on_a_local_address,
                     pt.endpoint_changes_are_followed, pt.removed_rules_are_repaired,
                     pt.restart_keeps_traffic_and_adds_no_duplicates,
                     pt.deleted_service_leaves_no_rule, pt.cleanup_removes_everything):
            t.case(case)
    finally:
        pt.close()
    sys.exit(t.finish())


if __name__ == "__main__":
    main()
