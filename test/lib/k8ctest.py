"""k8ctest - helpers for k8c's integration suites (Debian's /usr/bin/python3, stdlib only).

Starts real processes (k8c-apiserver on a fresh SQLite data dir or on a throwaway
etcd, ...), waits on conditions with deadlines, talks HTTP, and counts checks.
Every suite ends with `sys.exit(t.finish())`: non-zero when any check failed.
"""
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.parse


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_for(what, fn, timeout=10.0, interval=0.02):
    """Calls fn until it returns a true value; returns it, or raises after timeout seconds."""
    end = time.monotonic() + timeout
    last = None
    while time.monotonic() < end:
        try:
            v = fn()
            if v:
                return v
        except Exception as e:  # keep trying until the deadline
            last = e
        time.sleep(interval)
    raise AssertionError("timed out after %.1fs waiting for %s (last error: %r)" % (timeout, what, last))


class Etcd:
    """A single-member etcd on free loopback ports with its data in a temp dir."""

    def __init__(self, workdir, name="k8c-test"):
        self.dir = os.path.join(workdir, "etcd-" + name)
        os.makedirs(self.dir, exist_ok=True)
        self.cport, self.pport = free_port(), free_port()
        self.endpoint = "http://127.0.0.1:%d" % self.cport
        self.name = name
        self.proc = None
        self.start()

    def start(self):
        log = open(os.path.join(self.dir, "etcd.log"), "ab")
        self.proc = subprocess.Popen(
            ["etcd", "--name", self.name, "--data-dir", os.path.join(self.dir, "data"),
             "--listen-client-urls", self.endpoint, "--advertise-client-urls", self.endpoint,
             "--listen-peer-urls", "http://127.0.0.1:%d" % self.pport,
             "--initial-advertise-peer-urls", "http://127.0.0.1:%d" % self.pport,
             "--initial-cluster", "%s=http://127.0.0.1:%d" % (self.name, self.pport)],
            stdout=log, stderr=log)
        wait_for("etcd to serve", lambda: subprocess.run(
            ["etcdctl", "--endpoints", self.endpoint, "endpoint", "health"],
            capture_output=True).returncode == 0, timeout=30)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)

    def kill9(self):
        """kill -9; start() brings it back on the same ports and data."""
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)


def etcdctl(endpoints, *args, timeout=5):
    """Runs etcdctl against endpoints; returns the CompletedProcess (text output)."""
    return subprocess.run(["etcdctl", "--endpoints", endpoints, "--command-timeout=2s"] +
                          list(args), capture_output=True, text=True, timeout=timeout)


class EtcdMember:
    """One member of an EtcdCluster: its ports, data dir and process."""

    def __init__(self, cluster_dir, name):
        self.name = name
        self.cport, self.pport = free_port(), free_port()
        self.url = "http://127.0.0.1:%d" % self.cport
        self.peer_url = "http://127.0.0.1:%d" % self.pport
        self.data = os.path.join(cluster_dir, name + ".data")
        self.log_path = os.path.join(cluster_dir, name + ".log")
        self.proc = None

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def healthy(self):
        return self.running() and etcdctl(self.url, "endpoint", "health").returncode == 0


class EtcdCluster:
    """An N-member etcd cluster (m1..mN) on free loopback ports with its data in a temp dir.

    `endpoint` is the comma-separated list of client URLs, as k8c-apiserver --etcd-servers
    takes it. Members can be killed (-9) and restarted on the same ports and data.
    """

    def __init__(self, workdir, n=3, name="cluster"):
        self.dir = os.path.join(workdir, "etcd-" + name)
        os.makedirs(self.dir, exist_ok=True)
        self.members = [EtcdMember(self.dir, "m%d" % (i + 1)) for i in range(n)]
        self.initial = ",".join("%s=%s" % (m.name, m.peer_url) for m in self.members)
        self.token = "k8c-%s-%d" % (name, self.members[0].cport)
        self.endpoint = ",".join(m.url for m in self.members)
        for m in self.members:
            self._run(m)
        for m in self.members:
            wait_for("etcd member %s healthy" % m.name, m.healthy, timeout=30)

    def member(self, name):
        return next(m for m in self.members if m.name == name)

    def _run(self, m):
        log = open(m.log_path, "ab")
        # fast elections (as hack/lib.sh start_etcd_cluster): a lost leader is replaced in ~1 s
        m.proc = subprocess.Popen(
            ["etcd", "--name", m.name, "--data-dir", m.data,
             "--listen-client-urls", m.url, "--advertise-client-urls", m.url,
             "--listen-peer-urls", m.peer_url, "--initial-advertise-peer-urls", m.peer_url,
             "--initial-cluster", self.initial, "--initial-cluster-state", "new",
             "--initial-cluster-token", self.token,
             "--heartbeat-interval", "50", "--election-timeout", "500"],
            stdout=log, stderr=log)
        log.close()

    def leader(self):
        """The member that is the leader now (asking every running member), or None."""
        for m in self.members:
            if not m.running():
                continue
            r = etcdctl(m.url, "endpoint", "status", "-w", "json")
            if r.returncode != 0:
                continue
            st = json.loads(r.stdout)[0]["Status"]
            if st["leader"] == st["header"]["member_id"]:
                return m
        return None

    def kill9(self, m):
        m.proc.kill()
        m.proc.wait(10)

    def restart(self, m):
        """Starts a killed member again on its ports and data; waits until it is healthy."""
        self._run(m)
        wait_for("etcd member %s healthy again" % m.name, m.healthy, timeout=30)

    def healthy(self, same_revision=True):
        """True when every member is healthy and all agree on one leader (and, unless
        same_revision is False, on the revision: use that only while nothing writes)."""
        seen = set()
        for m in self.members:
            if not m.healthy():
                return False
            r = etcdctl(m.url, "endpoint", "status", "-w", "json")
            if r.returncode != 0:
                return False
            st = json.loads(r.stdout)[0]["Status"]
            seen.add((st["leader"], st["header"]["revision"] if same_revision else 0))
        return len(seen) == 1

    def stop(self):
        for m in self.members:
            if m.running():
                m.proc.kill()
                m.proc.wait(10)


class ApiServer:
    """A k8c-apiserver process on a free port: SQLite in data_dir, or etcd."""

    def __init__(self, binary, workdir, etcd=None, data_dir=None, extra=()):
        self.binary = binary
        self.workdir = workdir
        os.makedirs(workdir, exist_ok=True)
        self.data_dir = data_dir or os.path.join(workdir, "data")
        self.etcd = etcd
        self.extra = list(extra)
        self.port = free_port()
        self.proc = None
        self.log_path = os.path.join(workdir, "apiserver-%d.log" % self.port)
        self.start()

    @property
    def url(self):
        return "http://127.0.0.1:%d" % self.port

    def start(self):
        args = [self.binary, "--port", str(self.port)] + self.extra
        args += ["--etcd-servers", self.etcd.endpoint] if self.etcd else ["--data-dir", self.data_dir]
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(args, stdout=self.log, stderr=self.log)
        wait_for("k8c-apiserver /readyz", lambda: self.proc.poll() is None and
                 request(self.url, "GET", "/readyz")[0] == 200, timeout=20)

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def stop(self):
        """SIGTERM; returns the exit status (non-zero also when a sanitizer reported)."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                return -1
        return self.proc.returncode

    def log_text(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode(errors="replace")


_conns = {}


def request(base, method, path, body=None, headers=None, timeout=10, raw=False):
    """One HTTP request on a kept-alive connection. Returns (status, parsed JSON or text, headers)."""
    u = urllib.parse.urlparse(base)
    key = (u.hostname, u.port)
    hdrs = {"Accept": "application/json"}
    if isinstance(body, (dict, list)):
        body = json.dumps(body)
        hdrs["Content-Type"] = "application/json"
    hdrs.update(headers or {})
    for attempt in range(2):
        conn = _conns.get(key)
        if conn is None:
            conn = _conns[key] = http.client.HTTPConnection(u.hostname, u.port, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=hdrs)
            resp = conn.getresponse()
            data = resp.read()
            break
        except (http.client.HTTPException, OSError):
            conn.close()
            _conns.pop(key, None)
            if attempt:
                raise
    text = data.decode(errors="replace")
    if raw:
        return resp.status, text, dict(resp.getheaders())
    try:
        parsed = json.loads(text) if text else None
    except ValueError:
        parsed = text
    return resp.status, parsed, dict(resp.getheaders())


class Watch:
    """A streaming watch: yields decoded events; closes on close()."""

    def __init__(self, base, path, timeout=10):
        u = urllib.parse.urlparse(base)
        self.conn = http.client.HTTPConnection(u.hostname, u.port, timeout=timeout)
        self.conn.request("GET", path, headers={"Accept": "application/json"})
        self.resp = self.conn.getresponse()
        self.status = self.resp.status
        self.buf = b""

    def next(self, timeout=5.0):
        """The next event (a dict), or raises on timeout / end of stream."""
        self.conn.sock.settimeout(timeout)
        while b"\n" not in self.buf:
            chunk = self.resp.read1(65536)
            if not chunk:
                raise EOFError("watch stream ended")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return json.loads(line)

    def close(self):
        # shut the socket down first: a thread blocked reading this watch wakes up at once
        # (a plain close would wait for that read to time out)
        try:
            if self.conn.sock:
                self.conn.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.conn.close()


class Suite:
    """Counts checks and test cases; prints a line per case like the C harness."""

    def __init__(self, name):
        self.name = name
        self.failures = 0
        self.cases = 0
        self.failed_cases = 0
        self.workdir = tempfile.mkdtemp(prefix="k8c-%s-" % name)
        self._case_failed = False

    def check(self, cond, what, detail=None):
        if not cond:
            self.failures += 1
            self._case_failed = True
            print("    check failed: %s%s" % (what, "" if detail is None else ": %r" % (detail,)))
        return cond

    def eq(self, got, want, what):
        return self.check(got == want, "%s: got %r, want %r" % (what, got, want))

    def case(self, fn, *args):
        self.cases += 1
        self._case_failed = False
        try:
            fn(*args)
        except Exception:
            self.failures += 1
            self._case_failed = True
            traceback.print_exc()
        self.failed_cases += self._case_failed
        print("%s %s" % ("FAIL" if self._case_failed else "ok  ", fn.__name__), flush=True)

    def finish(self, keep=False):
        print("%d cases, %d failed" % (self.cases, self.failed_cases))
        if not self.failed_cases and not keep:
            shutil.rmtree(self.workdir, ignore_errors=True)
        else:
            print("work dir kept: %s" % self.workdir)
        return 1 if self.failed_cases else 0
