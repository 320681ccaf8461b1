#!/usr/bin/python3
"""watch_push_test.py - integration suite for k8c-apiserver's HTTP model (apiserver/http.c)
and how it writes watch streams (the pusher threads of apiserver/http_push.c): many watchers
each get every event in order, a client that cannot keep up gets every byte once it reads
again (partial writes), watchers that go away are unregistered, HTTP/1.0 clients get an
unchunked stream, open watches and idle connections cost no thread each, requests handed to
worker threads (lists) and those served on the event threads mix on one kept-alive
connection, and the server stops promptly even with a watcher that never reads.

    watch_push_test.py --apiserver PATH
"""
import argparse
import http.client
import json
import os
import re
import socket
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from k8ctest import ApiServer, Suite, Watch, request, wait_for  # noqa: E402

NS = "/api/v1/namespaces/default"
CM = NS + "/configmaps"


def configmap(name, size=16, labels=None):
    return {"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": name, "labels": labels or {}}, "data": {"k": "x" * size}}


def registered_watchers(srv):
    _, text, _ = request(srv.url, "GET", "/metrics", raw=True)
    m = re.search(r"^apiserver_registered_watchers (\d+)$", text, re.M)
    return int(m.group(1)) if m else -1


def server_threads(srv):
    with open("/proc/%d/status" % srv.proc.pid) as f:
        return int(re.search(r"^Threads:\s+(\d+)", f.read(), re.M).group(1))


class Tests:
    def __init__(self, t, srv):
        self.t, self.srv = t, srv

    def create(self, name, **kw):
        st, obj, _ = request(self.srv.url, "POST", CM, configmap(name, **kw))
        self.t.eq(st, 201, "create %s" % name)
        return obj["metadata"]["resourceVersion"]

    def test_fanout_in_order(self):
        t = self.t
        rv = self.create("fan-0")
        watches = [Watch(self.srv.url, CM + "?watch=true&labelSelector=fan%3Dyes&"
                         "resourceVersion=" + rv) for _ in range(150)]
        t.eq({w.status for w in watches}, {200}, "every watch answered 200")
        names = ["fan-%d" % i for i in range(1, 21)]
        for n in names:
            self.create(n, labels={"fan": "yes"})
        for i, w in enumerate(watches):
            got = [w.next() for _ in names]
            if not t.eq([(e["type"], e["object"]["metadata"]["name"]) for e in got],
                        [("ADDED", n) for n in names], "watcher %d: every event, in order" % i):
                break
        for w in watches:
            w.close()

    def test_slow_reader_gets_every_byte(self):
        """A watcher that stops reading while ~10 MB of events pile up: the server's writes
        stop half-way through events; once it reads again every event arrives whole."""
        t = self.t
        rv = self.create("slow-0")
        w = Watch(self.srv.url, CM + "?watch=true&labelSelector=slow%3Dyes&resourceVersion=" + rv,
                  timeout=30)
        t.eq(w.status, 200, "watch status")
        names = ["slow-%d" % i for i in range(1, 201)]
        for n in names:
            self.create(n, size=50000, labels={"slow": "yes"})
        got = [w.next(timeout=30) for _ in names]
        t.eq([e["object"]["metadata"]["name"] for e in got], names, "every event, in order")
        t.check(all(len(e["object"]["data"]["k"]) == 50000 for e in got), "every event whole")
        w.close()

    def test_gone_watchers_unregistered(self):
        t = self.t
        # the earlier cases' watches are closed; the server notices that on its own time
        wait_for("no watcher left", lambda: registered_watchers(self.srv) == 0, timeout=10)
        watches = [Watch(self.srv.url, CM + "?watch=true") for _ in range(40)]
        t.eq({w.status for w in watches}, {200}, "every watch answered 200")
        t.eq(registered_watchers(self.srv), 40, "40 registered watchers")
        for w in watches:
            w.close()
        t.check(wait_for("watchers unregistered",
                         lambda: registered_watchers(self.srv) == 0, timeout=10),
                "closed watches are unregistered")

    def test_connections_cost_no_thread(self):
        """300 open watches and 300 idle kept-alive connections: the server's thread count
        stays far below one per connection, and it still answers at once."""
        t = self.t
        self.create("idle")
        watches = [Watch(self.srv.url, CM + "?watch=true&fieldSelector=metadata.name%3Didle")
                   for _ in range(300)]
        idle = []
        for _ in range(300):
            c = http.client.HTTPConnection("127.0.0.1", self.srv.port, timeout=10)
            c.request("GET", CM + "/idle")
            r = c.getresponse()
            r.read()
            idle.append((c, r.status))
        t.eq({w.status for w in watches} | {st for _, st in idle}, {200}, "all answered 200")
        threads = server_threads(self.srv)
        t.check(threads < 150, "far fewer threads than the 600 connections", threads)
        start = time.monotonic()
        st, _, _ = request(self.srv.url, "GET", CM + "/idle")
        t.eq(st, 200, "a GET beside them")
        t.check(time.monotonic() - start < 2, "answered at once", time.monotonic() - start)
        for w in watches:
            w.close()
        for c, _ in idle:
            c.close()

    def test_worker_and_event_thread_requests_on_one_connection(self):
        """A list (run on a worker thread, the connection suspended meanwhile), a create, a
        get and another list, one after another on one kept-alive connection."""
        t = self.t
        c = http.client.HTTPConnection("127.0.0.1", self.srv.port, timeout=10)
        got = []
        for method, path, body in (("GET", CM, None), ("POST", CM, configmap("mixed")),
                                   ("GET", CM + "/mixed", None), ("GET", CM, None),
                                   ("DELETE", CM + "/mixed", None)):
            c.request(method, path, body=json.dumps(body) if body else None,
                      headers={"Content-Type": "application/json"})
            r = c.getresponse()
            obj = json.loads(r.read())
            got.append((r.status, obj.get("kind")))
        t.eq(got, [(200, "ConfigMapList"), (201, "ConfigMap"), (200, "ConfigMap"),
                   (200, "ConfigMapList"), (200, "ConfigMap")], "each answered in turn")
        c.close()

    def test_timeout_ends_stream_cleanly(self):
        """timeoutSeconds ends the stream with the closing chunk; the connection stays usable."""
        t = self.t
        self.create("tmo")
        c = http.client.HTTPConnection("127.0.0.1", self.srv.port, timeout=10)
        c.request("GET", CM + "?watch=true&timeoutSeconds=1&fieldSelector=metadata.name%3Dtmo")
        r = c.getresponse()
        lines = r.read().decode().splitlines()  # returns only at the end of the chunked body
        t.eq([json.loads(x)["type"] for x in lines], ["ADDED"], "the current state, then the end")
        c.request("GET", CM + "/tmo")
        r = c.getresponse()
        t.eq((r.status, json.loads(r.read())["metadata"]["name"]), (200, "tmo"),
             "the same connection serves the next request")
        c.close()

    def test_http10_stream(self):
        t = self.t
        self.create("old")
        s = socket.create_connection(("127.0.0.1", self.srv.port), timeout=10)
        s.sendall(b"GET " + CM.encode() + b"?watch=true&fieldSelector=metadata.name%3Dold "
                  b"HTTP/1.0\r\nHost: x\r\n\r\n")
        buf = b""
        while b"\n" not in buf.partition(b"\r\n\r\n")[2]:  # the headers and a whole event
            chunk = s.recv(65536)
            if not chunk:
                break
            buf += chunk
        head, _, body = buf.partition(b"\r\n\r\n")
        t.check(head.startswith(b"HTTP/1.0 200") or head.startswith(b"HTTP/1.1 200"), "200", head)
        t.check(b"chunked" not in head.lower(), "no chunked encoding for HTTP/1.0", head)
        ev = json.loads(body.split(b"\n")[0])
        t.eq((ev["type"], ev["object"]["metadata"]["name"]), ("ADDED", "old"), "the event, raw")
        s.close()


def stuck_reader_does_not_block_shutdown(t, binary):
    """A watcher whose client never reads, with megabytes pending: SIGTERM still stops the
    server at once (its stream is cut)."""
    srv = ApiServer(binary, os.path.join(t.workdir, "stuck"))
    try:
        for i in range(100):
            request(srv.url, "POST", CM, configmap("stuck-%d" % i, size=50000))
        s = socket.create_connection(("127.0.0.1", srv.port), timeout=10)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        s.sendall(b"GET " + CM.encode() + b"?watch=true HTTP/1.1\r\nHost: x\r\n\r\n")
        time.sleep(0.5)  # the server fills the socket and waits for the client
        start = time.monotonic()
        code = srv.stop()
        took = time.monotonic() - start
        t.eq(code, 0, "clean exit")
        t.check(took < 10, "stopped within 10 s", took)
        s.close()
    finally:
        srv.stop()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--apiserver", required=True)
    a = ap.parse_args()
    t = Suite("apiserver-watch-push")
    srv = ApiServer(a.apiserver, os.path.join(t.workdir, "srv"))
    tests = Tests(t, srv)
    try:
        for fn in (tests.test_fanout_in_order, tests.test_slow_reader_gets_every_byte,
                   tests.test_gone_watchers_unregistered, tests.test_connections_cost_no_thread,
                   tests.test_worker_and_event_thread_requests_on_one_connection,
                   tests.test_timeout_ends_stream_cleanly,
                   tests.test_http10_stream):
            t.case(fn)
    finally:
        t.eq(srv.stop(), 0, "server exit status")
    t.case(stuck_reader_does_not_block_shutdown, t, a.apiserver)
    sys.exit(t.finish())


main()
