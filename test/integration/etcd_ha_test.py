#!/usr/bin/python3
"""etcd_ha_test.py - high availability of k8c-apiserver on etcd, with real etcd processes:

  shared   two API servers on one etcd: a create, update and delete through one is listed and
           watched through the other within 1 s; "request is too large" answers 413/422
  cluster  a 3-member etcd cluster: kill -9 of the leader, then of a follower, while clients
           keep creating and updating through the API server: no acknowledged write lost,
           writes continue, the member rejoins, the API server's watch has no gap
  outage   etcd stopped entirely: 503/504 Status answers within 5 s, the API server keeps
           running, and serves again (watches included) when etcd comes back

    etcd_ha_test.py --apiserver PATH --case shared|cluster|outage
"""
import argparse
import http.client
import json
import os
import signal
import sys
import threading
import time
import types

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from k8ctest import ApiServer, Etcd, EtcdCluster, Suite, Watch, request, wait_for  # noqa: E402

CM = "/api/v1/namespaces/default/configmaps"
PODS = "/api/v1/namespaces/default/pods"
PROPAGATION_S = 1.0   # a write through one API server is seen by the other within this
ERROR_ANSWER_S = 5.0  # an API server without etcd answers within this
OUTAGE_TIMEOUT_S = 2.0  # --etcd-request-timeout of the outage case (etcd hung: 504 after it)
WRITE_PAUSE_S = 5.0   # longest pause in acknowledged writes when a member is killed
GAP_OBJECTS, GAP_BYTES = 100, 200 * 1024  # written while an API server is stopped: 20 MB


def configmap(name, value="0", labels=None):
    return {"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": name, "labels": labels or {}}, "data": {"v": value}}


def note(fmt, *args):
    """A measured value, printed into the test log (the report quotes these lines)."""
    print("    measured: " + fmt % args, flush=True)


def is_status(body, code):
    return isinstance(body, dict) and body.get("kind") == "Status" and body.get("code") == code


def next_event(w, want_type, name, timeout):
    """The first event of want_type for object name on watch w (skipping others), or raises."""
    end = time.monotonic() + timeout
    while True:
        left = end - time.monotonic()
        if left <= 0:
            raise AssertionError("no %s event for %s within %.1fs" % (want_type, name, timeout))
        e = w.next(timeout=left)
        if e["type"] == want_type and e["object"]["metadata"]["name"] == name:
            return e


# ---------------------------------------------------------------------------------------------
# shared: two API servers on one etcd


def seen_within(what, fn, limit):
    """Waits (up to 5 s) for fn; returns the delay; the caller checks it against limit."""
    t0 = time.monotonic()
    wait_for(what, fn, timeout=max(5.0, limit * 5), interval=0.005)
    return time.monotonic() - t0


def check_propagation(t, a, b, name):
    """Create, update, delete through a; b's LIST/GET and watch see each within 1 s."""
    st, lst, _ = request(b.url, "GET", CM)
    w = Watch(b.url, CM + "?watch=true&resourceVersion=" + lst["metadata"]["resourceVersion"])
    try:
        t0 = time.monotonic()
        st, created, _ = request(a.url, "POST", CM, configmap(name, "1"))
        t.eq(st, 201, "create %s through one API server" % name)
        e = next_event(w, "ADDED", name, 5)
        dt = time.monotonic() - t0
        note("create -> other server's watch ADDED: %.1f ms", dt * 1000)
        t.check(dt <= PROPAGATION_S, "ADDED within 1 s", dt)
        t.eq(e["object"]["metadata"]["resourceVersion"], created["metadata"]["resourceVersion"],
             "the other server's event carries the same resourceVersion")
        dt = seen_within("the other server lists %s" % name, lambda: name in [
            i["metadata"]["name"] for i in request(b.url, "GET", CM)[1]["items"]], PROPAGATION_S)
        t.check(dt <= PROPAGATION_S, "listed by the other server within 1 s", dt)

        t0 = time.monotonic()
        created["data"] = {"v": "2"}
        st, updated, _ = request(a.url, "PUT", CM + "/" + name, created)
        t.eq(st, 200, "update through one API server")
        e = next_event(w, "MODIFIED", name, 5)
        dt = time.monotonic() - t0
        note("update -> other server's watch MODIFIED: %.1f ms", dt * 1000)
        t.check(dt <= PROPAGATION_S, "MODIFIED within 1 s", dt)
        t.eq(e["object"]["data"], {"v": "2"}, "the other server's event has the new data")
        st, got, _ = request(b.url, "GET", CM + "/" + name)
        t.eq(got, updated, "a GET through the other server right after answers the update")

        # a stale write through b conflicts: both servers compare-and-swap on one revision
        st, body, _ = request(b.url, "PUT", CM + "/" + name, created)
        t.eq(st, 409, "an update with a stale resourceVersion through the other server")

        t0 = time.monotonic()
        st, _, _ = request(a.url, "DELETE", CM + "/" + name)
        t.eq(st, 200, "delete through one API server")
        next_event(w, "DELETED", name, 5)
        dt = time.monotonic() - t0
        note("delete -> other server's watch DELETED: %.1f ms", dt * 1000)
        t.check(dt <= PROPAGATION_S, "DELETED within 1 s", dt)
        st, body, _ = request(b.url, "GET", CM + "/" + name)
        t.eq(st, 404, "a GET through the other server right after the delete")
    finally:
        w.close()


def test_two_apiservers(t, args, etcd):
    a = ApiServer(args.apiserver, t.workdir + "/a", etcd=etcd)
    b = ApiServer(args.apiserver, t.workdir + "/b", etcd=etcd)
    try:
        check_propagation(t, a, b, "from-a")
        check_propagation(t, b, a, "from-b")
        # a namespace made through a is usable through b at once
        st, _, _ = request(a.url, "POST", "/api/v1/namespaces",
                           {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "ha"}})
        t.eq(st, 201, "create a namespace through one server")
        st, body, _ = request(b.url, "POST", "/api/v1/namespaces/ha/configmaps", configmap("x"))
        t.check(st == 201, "create in it through the other server right after", (st, body))
    finally:
        t.eq(a.stop(), 0, "first API server exits cleanly")
        t.eq(b.stop(), 0, "second API server exits cleanly")


def write_many(base, prefix, n, nbytes, threads=4):
    """Creates n configmaps of about nbytes each through base, from a few threads."""
    def run(k):
        c = Conn(base)
        for i in range(k, n, threads):
            st, body = c.send("POST", CM, configmap("%s%d" % (prefix, i), "z" * nbytes))
            assert st == 201, (st, body)
    ts = [threading.Thread(target=run, args=(k,)) for k in range(threads)]
    for th in ts:
        th.start()
    for th in ts:
        th.join()


def check_relist_after_gap(t, a, b, prefix, n, nbytes, cut, restore, what):
    """Server a is cut off (cut()) while b (compacting every second) writes n objects of
    nbytes and compacts past them; after restore() a serves everything again, new events
    reach its watches, and a watch from before the gap is whole or 410 Expired."""
    st, lst, _ = request(a.url, "GET", CM)
    rv = lst["metadata"]["resourceVersion"]
    w = Watch(a.url, CM + "?watch=true&resourceVersion=" + rv, timeout=30)
    cut()
    try:
        write_many(b.url, prefix, n, nbytes)
        wait_for("b to compact past the gap", lambda: request(b.url, "POST", CM, configmap(
            "probe%f" % time.monotonic()))[0] == 201 and compacted_past(b, rv), timeout=15)
    finally:
        restore()
    t0 = time.monotonic()
    wait_for("a to serve the latest state again", lambda: request(
        a.url, "GET", CM + "/%s%d" % (prefix, n - 1))[0] == 200 and request(
        a.url, "GET", "/readyz")[0] == 200, timeout=15)
    note("%s: serves again %.0f ms after it was reconnected", what, (time.monotonic() - t0) * 1000)
    st, lst, _ = request(a.url, "GET", CM)
    t.eq(len([i for i in lst["items"] if i["metadata"]["name"].startswith(prefix)]), n,
         what + ": it lists every object written meanwhile")
    st, _, _ = request(b.url, "POST", CM, configmap("after-" + prefix))
    w2 = Watch(a.url, CM + "?watch=true&resourceVersion=" + lst["metadata"]["resourceVersion"])
    next_event(w2, "ADDED", "after-" + prefix, 5)
    w2.close()
    check_old_watch_expired(t, a, w, rv, prefix, n)


def compacting_server(args, t, etcd, name):
    return ApiServer(args.apiserver, t.workdir + "/" + name, etcd=etcd,
                     extra=["--compaction-interval", "1", "--compaction-keep", "10"])


def test_watch_fell_behind_compaction(t, args, etcd):
    """An API server stalled (SIGSTOP) while another writes 20 MB and compacts catches up."""
    a = ApiServer(args.apiserver, t.workdir + "/behind-a", etcd=etcd)
    b = compacting_server(args, t, etcd, "behind-b")
    try:
        check_relist_after_gap(t, a, b, "behind", GAP_OBJECTS, GAP_BYTES,
                               lambda: a.proc.send_signal(signal.SIGSTOP),
                               lambda: a.proc.send_signal(signal.SIGCONT), "stalled API server")
    finally:
        t.eq(a.stop(), 0, "first API server exits cleanly")
        t.eq(b.stop(), 0, "second API server exits cleanly")


def compacted_past(srv, rv):
    """True when a watch from rv on srv answers 410 Expired."""
    w = Watch(srv.url, CM + "?watch=true&resourceVersion=" + rv)
    try:
        e = w.next(timeout=2)
        return e["type"] == "ERROR" and e["object"].get("code") == 410
    finally:
        w.close()


def check_old_watch_expired(t, srv, w, rv, prefix, n):
    """A watch from before the gap ends, or goes on with every event of the gap; so does a
    re-watch from its resourceVersion, unless it is 410 Expired (then the client relists)."""
    def drain(w):
        names = set()
        try:
            while True:
                e = w.next(timeout=3)
                if e["type"] == "ERROR":
                    return names, e["object"].get("code")
                names.add(e["object"]["metadata"]["name"])
        except (EOFError, OSError):
            pass
        finally:
            w.close()
        return names, None

    def whole(names):
        return len([x for x in names if x.startswith(prefix)]) in (0, n)
    names, _ = drain(w)
    t.check(whole(names), "the old watch delivered all or nothing of the gap", len(names))
    names, code = drain(Watch(srv.url, CM + "?watch=true&resourceVersion=" + rv, timeout=30))
    t.check(code == 410 or len([x for x in names if x.startswith(prefix)]) == n,
            "a re-watch from before the gap is 410 Expired or delivers the whole gap",
            (code, len(names)))
    note("watch from before the gap: %s", "410 Expired" if code == 410 else "served it all")


def pod_with_args(name, nbytes):
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
            "spec": {"containers": [{"name": "c", "image": "k8c.local/busybox",
                                     "args": ["x" * nbytes]}]}}


def expect_too_large(t, resp, what):
    st, body, hdrs = resp
    t.check(st in (413, 422), what + ": 413 or 422", (st, str(body)[:300]))
    t.check(is_status(body, st), what + ": answers a Status", str(body)[:300])
    if isinstance(body, dict):
        t.check(body.get("message"), what + ": the Status has a message")


def test_request_too_large(t, args, etcd):
    srv = ApiServer(args.apiserver, t.workdir + "/large", etcd=etcd)
    mib = 1024 * 1024
    try:
        # under the API's 3 MiB body limit, over etcd's 1.5 MiB request limit
        expect_too_large(t, request(srv.url, "POST", PODS, pod_with_args("big", 2 * mib)),
                         "create of a 2 MiB pod")
        expect_too_large(t, request(srv.url, "POST", PODS, pod_with_args("big2", 1600 * 1024)),
                         "create of a 1.6 MiB pod")
        expect_too_large(t, request(srv.url, "POST", PODS, pod_with_args("big3", 3 * mib - 4096)),
                         "create of a pod just under 3 MiB")
        st, _, _ = request(srv.url, "GET", PODS + "/big")
        t.eq(st, 404, "the rejected pod does not exist")
        st, small, _ = request(srv.url, "POST", PODS, pod_with_args("small", 1000))
        t.eq(st, 201, "a small pod is created")
        small["spec"]["containers"][0]["image"] = "k8c.local/busybox:2"
        small["metadata"]["annotations"] = {"pad": "y" * 10}
        small["spec"]["containers"][0]["args"] = ["x" * (2 * mib)]
        expect_too_large(t, request(srv.url, "PUT", PODS + "/small", small),
                         "update of a pod to 2 MiB")
        st, _, _ = request(srv.url, "POST", PODS, pod_with_args("mid", 1024 * 1024))
        t.eq(st, 201, "a 1 MiB pod (under etcd's limit) is created")
        st, body, _ = request(srv.url, "GET", "/readyz")
        t.eq(st, 200, "the server is still ready")
    finally:
        t.eq(srv.stop(), 0, "API server exits cleanly")


# ---------------------------------------------------------------------------------------------
# cluster: kill -9 of a member under write load


class Conn:
    """One kept-alive connection for one thread (k8ctest.request shares its connections)."""

    def __init__(self, base):
        self.host, port = base.split("//")[1].split(":")
        self.port = int(port)
        self.conn = None

    def send(self, method, path, body):
        """(HTTP code or exception name, parsed JSON body)."""
        for attempt in range(2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=20)
            try:
                self.conn.request(method, path, body=json.dumps(body),
                                  headers={"Content-Type": "application/json"})
                resp = self.conn.getresponse()
                return resp.status, json.loads(resp.read() or b"null")
            except (http.client.HTTPException, OSError) as e:
                self.conn.close()
                self.conn = None
                if attempt:
                    return type(e).__name__, None
        return None, None


class Writer(threading.Thread):
    """Creates configmaps <prefix><id>-<n> and updates them, over its own kept-alive connection.

    Remembers every acknowledged write (201/200) and, per object, the values a write was
    attempted with after the last acknowledged one (a 5xx may or may not have been applied).
    """

    def __init__(self, base, prefix, wid, stop):
        super().__init__(daemon=True)
        self.base, self.prefix, self.wid, self.stop_ev = base, prefix, wid, stop
        self.acked = {}      # name -> last acknowledged value
        self.maybe = {}      # name -> values attempted since (unacknowledged)
        self.ack_times = []  # monotonic time of every acknowledgement
        self.errors = {}     # HTTP code (or exception name) -> count
        self.bad = []        # answers that are never right (500s, non-Status errors)
        self.samples = {}    # HTTP code -> (method, seconds, message) of its first answer
        self.conn = Conn(base)

    def write(self, method, path, name, value):
        t0 = time.monotonic()
        st, body = self.conn.send(method, path, configmap(name, value))
        ok = st in (200, 201) and isinstance(body, dict) and body["data"]["v"] == value
        if ok:
            self.acked[name] = value
            self.maybe[name] = set()
            self.ack_times.append(time.monotonic())
            return True
        self.maybe.setdefault(name, set()).add(value)
        self.errors[st] = self.errors.get(st, 0) + 1
        self.samples.setdefault(st, (method, round(time.monotonic() - t0, 3),
                                     str(body.get("message") if isinstance(body, dict) else body)))
        if st not in (503, 504, 409) or not is_status(body, st):
            self.bad.append((method, name, st, str(body)[:200], round(time.monotonic() - t0, 2)))
        return False

    def run(self):
        n = 0
        while not self.stop_ev.is_set():
            name = "%s%d-%d" % (self.prefix, self.wid, n)
            n += 1
            if not self.write("POST", CM, name, "0"):
                continue
            for v in ("1", "2"):
                if self.stop_ev.is_set():
                    break
                self.write("PUT", CM + "/" + name, name, v)


class Load:
    """A few Writers and one watcher of configmaps, all through one API server."""

    def __init__(self, srv, prefix, writers=4):
        self.srv = srv
        self.stop_ev = threading.Event()
        self.writers = [Writer(srv.url, prefix, i, self.stop_ev) for i in range(writers)]
        st, lst, _ = request(srv.url, "GET", CM)
        self.watch = Watch(srv.url, CM + "?watch=true&resourceVersion=" +
                           lst["metadata"]["resourceVersion"], timeout=30)
        self.watched = {}  # name -> last watched value
        self.watch_error = None
        self.watch_thread = threading.Thread(target=self.follow, daemon=True)
        self.watch_thread.start()
        for w in self.writers:
            w.start()

    def follow(self):
        try:
            while True:
                e = self.watch.next(timeout=30)
                if e["type"] in ("ADDED", "MODIFIED"):
                    self.watched[e["object"]["metadata"]["name"]] = e["object"]["data"]["v"]
        except Exception as e:  # the stream ended: the check below reports it
            self.watch_error = e

    def acks(self):
        return sum(len(w.ack_times) for w in self.writers)

    def ack_times(self):
        return sorted(x for w in self.writers for x in w.ack_times)

    def stop(self):
        self.stop_ev.set()
        for w in self.writers:
            w.join(60)

    def acked(self):
        return {k: v for w in self.writers for k, v in w.acked.items()}


def longest_pause(times, start, end):
    """The longest time without an acknowledged write in [start, end]."""
    pts = [start] + [x for x in times if start <= x <= end] + [end]
    return max(b - a for a, b in zip(pts, pts[1:]))


def check_no_write_lost(t, srv, load, what):
    st, lst, _ = request(srv.url, "GET", CM, timeout=20)
    t.eq(st, 200, what + ": list after the load")
    stored = {i["metadata"]["name"]: i["data"]["v"] for i in lst["items"]}
    lost, wrong = [], []
    for w in load.writers:
        for name, v in w.acked.items():
            if name not in stored:
                lost.append(name)
            elif stored[name] != v and stored[name] not in w.maybe.get(name, ()):
                wrong.append((name, v, stored[name]))
    t.check(not lost, what + ": every acknowledged create is stored", lost[:10])
    t.check(not wrong, what + ": every acknowledged update is stored with its content", wrong[:10])
    for w in load.writers:
        t.check(not w.bad, what + ": writer %d got only 2xx, 409, or 503/504 Status answers" %
                w.wid, w.bad[:5])
    # the API server's own etcd watch had no gap: its watchers saw every acknowledged write
    acked = load.acked()

    def watch_caught_up():
        return all(load.watched.get(n) == stored[n] for n in acked)
    try:
        wait_for("the watch to deliver every acknowledged write", watch_caught_up, timeout=10)
    except AssertionError:
        missing = [n for n in acked if load.watched.get(n) != stored[n]]
        t.check(False, what + ": the watch saw every stored write", (missing[:10], load.watch_error))
    errors = {}
    for w in load.writers:
        for k, v in w.errors.items():
            errors[k] = errors.get(k, 0) + v
    note("%s: %d objects, %d acknowledged writes, errors %s %s", what, len(acked), load.acks(),
         errors, {k: v for w in load.writers for k, v in w.samples.items()})


def kill_under_load(t, args, cluster, pick, what, prefix):
    """Kills the member pick() names under write load; prefix names this run's objects."""
    srv = ApiServer(args.apiserver, t.workdir + "/" + what.replace(" ", "-"), etcd=cluster)
    try:
        load = Load(srv, prefix)
        try:
            kill_and_rejoin(t, cluster, load, pick, what)
        finally:
            load.stop()
        wait_for("every member at one revision after the load", cluster.healthy, timeout=30,
                 interval=0.2)
        check_no_write_lost(t, srv, load, what)
        t.check(srv.proc.poll() is None, what + ": the API server kept running")
        load.watch.close()
    finally:
        t.eq(srv.stop(), 0, what + ": API server exits cleanly")


def kill_and_rejoin(t, cluster, load, pick, what):
    """kill -9 of a member while load writes; measures the pause; restarts the member."""
    wait_for("writes to flow", lambda: load.acks() >= 100, timeout=30)
    victim = pick()
    t_kill = time.monotonic()
    before = load.acks()
    cluster.kill9(victim)
    wait_for("writes to continue after the kill", lambda: load.acks() >= before + 200,
             timeout=30)
    t_resumed = time.monotonic()
    time.sleep(1.0)  # keep writing with one member down for a while
    pause = longest_pause(load.ack_times(), t_kill, time.monotonic())
    note("%s (%s): longest pause in acknowledged writes %.0f ms; 200 writes %.0f ms after "
         "the kill", what, victim.name, pause * 1000, (t_resumed - t_kill) * 1000)
    t.check(pause <= WRITE_PAUSE_S, what + ": writes pause at most 5 s", pause)
    t0 = time.monotonic()
    cluster.restart(victim)
    wait_for("every member healthy, one leader", lambda: cluster.healthy(False),
             timeout=30, interval=0.2)
    note("%s: member %s rejoined in %.0f ms (under load)", what, victim.name,
         (time.monotonic() - t0) * 1000)
    time.sleep(0.5)


def test_kill_leader(t, args, cluster):
    kill_under_load(t, args, cluster, cluster.leader, "leader killed", "l")


def test_kill_follower(t, args, cluster):
    def follower():
        # the member the API server talks to first, unless it is the leader
        leader = cluster.leader()
        return next(m for m in cluster.members if m is not leader)
    kill_under_load(t, args, cluster, follower, "follower killed", "f")


def test_rejoin_after_compaction(t, args, cluster):
    """An API server on one member only, while that member is down for longer than another
    API server's compaction window: when the member is back it relists and serves again."""
    m1 = cluster.members[0]
    a = ApiServer(args.apiserver, t.workdir + "/one-member", etcd=types.SimpleNamespace(
        endpoint=m1.url))
    b = compacting_server(args, t, cluster, "all-members")
    try:
        check_relist_after_gap(t, a, b, "gap", 50, 100, lambda: cluster.kill9(m1),
                               lambda: cluster.restart(m1), "API server on a restarted member")
    finally:
        t.eq(a.stop(), 0, "first API server exits cleanly")
        t.eq(b.stop(), 0, "second API server exits cleanly")


# ---------------------------------------------------------------------------------------------
# outage: etcd stopped entirely


def timed(srv, method, path, body=None):
    t0 = time.monotonic()
    st, resp, _ = request(srv.url, method, path, body, timeout=30)
    return st, resp, time.monotonic() - t0


def check_unavailable(t, srv, limit=ERROR_ANSWER_S, codes=(503, 504), every_verb=True):
    """Every verb (or a GET, a LIST and a create) answers 503/504 with a Status within limit
    seconds while etcd is down; returns the slowest answer's time."""
    cm = configmap("during", "1")
    calls = [("GET", CM + "/before", None), ("GET", CM, None), ("POST", CM, cm),
             ("PUT", CM + "/before", configmap("before", "9")),
             ("PATCH", CM + "/before", None), ("DELETE", CM + "/before", None),
             ("GET", "/api/v1/namespaces/default", None)]
    if not every_verb:
        calls = calls[:3]
    worst = 0.0
    for method, path, body in calls:
        if method == "PATCH":
            st, resp, dt = timed_patch(srv, path)
        else:
            st, resp, dt = timed(srv, method, path, body)
        worst = max(worst, dt)
        what = "%s %s without etcd" % (method, path)
        t.check(st in codes, what + ": " + " or ".join(map(str, codes)), (st, str(resp)[:200]))
        t.check(is_status(resp, st), what + ": answers a Status", str(resp)[:200])
        t.check(dt < limit, what + ": answers within %.1f s" % limit, dt)
    return worst
    st, _, _ = request(srv.url, "GET", "/readyz")
    t.check(st != 200, "/readyz does not report ready without etcd", st)
    st, _, _ = request(srv.url, "GET", "/livez")
    t.eq(st, 200, "/livez still answers ok")


def timed_patch(srv, path):
    t0 = time.monotonic()
    st, resp, _ = request(srv.url, "PATCH", path, json.dumps({"data": {"v": "p"}}),
                          headers={"Content-Type": "application/merge-patch+json"}, timeout=30)
    return st, resp, time.monotonic() - t0


def test_etcd_stopped(t, args):
    etcd = Etcd(t.workdir, name="outage")
    srv = ApiServer(args.apiserver, t.workdir + "/outage", etcd=etcd,
                    extra=["--etcd-request-timeout", str(OUTAGE_TIMEOUT_S)])
    try:
        st, before, _ = request(srv.url, "POST", CM, configmap("before"))
        t.eq(st, 201, "create before the outage")
        rv = before["metadata"]["resourceVersion"]
        w = Watch(srv.url, CM + "?watch=true&resourceVersion=" + rv, timeout=30)
        etcd.kill9()
        worst = check_unavailable(t, srv)
        time.sleep(1.0)  # a longer outage: the API server's etcd watch has to reconnect later
        worst = max(worst, check_unavailable(t, srv))
        note("slowest answer while etcd is killed: %.0f ms", worst * 1000)
        t.check(srv.proc.poll() is None, "the API server keeps running without etcd")

        t0 = time.monotonic()
        etcd.start()
        t1 = time.monotonic()
        wait_for("the API server to serve writes again",
                 lambda: request(srv.url, "POST", CM, configmap("after"))[0] == 201, timeout=20)
        note("etcd restarted in %.0f ms; writes served again %.0f ms after etcd answered",
             (t1 - t0) * 1000, (time.monotonic() - t1) * 1000)
        wait_for("/readyz ok again", lambda: request(srv.url, "GET", "/readyz")[0] == 200,
                 timeout=10)
        st, got, _ = request(srv.url, "GET", CM + "/before")
        t.eq((st, got), (200, before), "the object from before the outage is served unchanged")
        check_watch_after_outage(t, srv, w, rv)
        check_etcd_hung(t, srv, etcd)
    finally:
        t.eq(srv.stop(), 0, "API server exits cleanly")
        etcd.stop()


def check_etcd_hung(t, srv, etcd):
    """etcd hangs (SIGSTOP): answers are 504 at the request deadline, then it serves again."""
    etcd.proc.send_signal(signal.SIGSTOP)
    try:
        worst = check_unavailable(t, srv, limit=OUTAGE_TIMEOUT_S + 1.0, codes=(504,),
                                  every_verb=False)
        note("slowest answer while etcd hangs: %.0f ms (--etcd-request-timeout %g)",
             worst * 1000, OUTAGE_TIMEOUT_S)
    finally:
        etcd.proc.send_signal(signal.SIGCONT)
    wait_for("writes again after etcd resumed",
             lambda: request(srv.url, "POST", CM, configmap("resumed"))[0] == 201, timeout=10)


def check_watch_after_outage(t, srv, w, rv):
    """The watch opened before the outage goes on (or ends cleanly and a re-watch works)."""
    try:
        e = next_event(w, "ADDED", "after", 5)
        t.eq(e["object"]["data"], {"v": "0"}, "the watch from before the outage goes on")
        how = "continued"
    except EOFError:
        w.close()
        w = Watch(srv.url, CM + "?watch=true&resourceVersion=" + rv, timeout=30)
        e = next_event(w, "ADDED", "after", 5)
        how = "ended cleanly; re-watch from its resourceVersion worked"
    st, cur, _ = request(srv.url, "POST", CM, configmap("after2"))
    e = next_event(w, "ADDED", "after2", 5)
    t.eq(e["object"]["metadata"]["resourceVersion"], cur["metadata"]["resourceVersion"],
         "later events arrive on the watch")
    note("watch across the outage: %s", how)
    w.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--apiserver", required=True)
    ap.add_argument("--case", required=True, choices=["shared", "cluster", "outage"])
    args = ap.parse_args()
    t = Suite("etcd-ha-" + args.case)
    if args.case == "shared":
        etcd = Etcd(t.workdir)
        try:
            t.case(test_two_apiservers, t, args, etcd)
            t.case(test_request_too_large, t, args, etcd)
            t.case(test_watch_fell_behind_compaction, t, args, etcd)
        finally:
            etcd.stop()
    elif args.case == "cluster":
        cluster = EtcdCluster(t.workdir, 3)
        try:
            t.case(test_kill_leader, t, args, cluster)
            t.case(test_kill_follower, t, args, cluster)
            t.case(test_rejoin_after_compaction, t, args, cluster)
        finally:
            cluster.stop()
    else:
        t.case(test_etcd_stopped, t, args)
    sys.exit(t.finish())


main()
