#!/usr/bin/python3
"""apiserver_test.py - integration suite for k8c-apiserver over HTTP: discovery, CRUD,
every error path, watches (resume, selectors, 410 after compaction), paging, tables,
finalizers, namespaces, subresources, patches, and durability across kill -9.

    apiserver_test.py --apiserver PATH [--backend sqlite|etcd]
"""
import argparse
import http.client
import json
import os
import sys
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from k8ctest import ApiServer, Etcd, Suite, Watch, request, wait_for  # noqa: E402

CM = "/api/v1/namespaces/default/configmaps"
DEPLOY = "/apis/apps/v1/namespaces/default/deployments"
PODS = "/api/v1/namespaces/default/pods"


def configmap(name, labels=None, data=None):
    return {"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": name, "labels": labels or {}}, "data": data or {"k": "v"}}


def deployment(name, image="k8c.local/busybox", replicas=2):
    return {"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": name, "labels": {"app": name}},
            "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": name}},
                     "template": {"metadata": {"labels": {"app": name}},
                                  "spec": {"containers": [{"name": "c", "image": image}]}}}}


def pod(name, node=None, labels=None):
    p = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "labels": labels or {}},
         "spec": {"containers": [{"name": "c", "image": "k8c.local/busybox"}]}}
    if node:
        p["spec"]["nodeName"] = node
    return p


class Tests:
    def __init__(self, t, srv):
        self.t, self.srv = t, srv

    def req(self, method, path, body=None, headers=None):
        return request(self.srv.url, method, path, body, headers)

    def expect_status(self, resp, code, reason, what):
        status, body, hdrs = resp
        t = self.t
        t.eq(status, code, what + " HTTP code")
        if t.check(isinstance(body, dict), what + " answers a Status", body):
            t.eq(body.get("kind"), "Status", what + " kind")
            t.eq(body.get("code"), code, what + " Status.code")
            t.eq(body.get("reason"), reason, what + " reason")
            t.check(body.get("message"), what + " has a message")
        t.check(hdrs.get("Content-Type", "").startswith("application/json"), what + " content type")
        return body if isinstance(body, dict) else {}

    def test_discovery(self):
        t = self
        st, v, _ = self.req("GET", "/version")
        t.t.eq(st, 200, "/version")
        for f in ("major", "minor", "gitVersion", "gitCommit", "gitTreeState", "buildDate",
                  "goVersion", "compiler", "platform"):
            t.t.check(f in v, "/version has " + f)
        st, api, _ = self.req("GET", "/api/?timeout=32s")
        t.t.eq(api.get("versions"), ["v1"], "/api versions")
        t.t.check(api.get("serverAddressByClientCIDRs"), "/api has serverAddressByClientCIDRs")
        st, apis, _ = self.req("GET", "/apis")
        names = [g["name"] for g in apis["groups"]]
        t.t.check("apps" in names and "coordination.k8s.io" in names, "/apis groups", names)
        st, v1, _ = self.req("GET", "/api/v1")
        res = {r["name"]: r for r in v1["resources"]}
        t.t.eq(res["pods"]["shortNames"], ["po"], "pods short names")
        t.t.eq(res["pods"]["categories"], ["all"], "pods categories")
        t.t.check("pods/status" in res and "pods/binding" in res and "pods/log" in res,
                  "pod subresources listed")
        t.t.check(all("singularName" in r for r in v1["resources"]), "singularName everywhere")
        st, apps, _ = self.req("GET", "/apis/apps/v1/")
        res = {r["name"]: r for r in apps["resources"]}
        t.t.eq(res["deployments/scale"].get("group"), "autoscaling", "scale group")
        t.t.eq(res["deployments/scale"].get("kind"), "Scale", "scale kind")
        st, body, hdrs = request(self.srv.url, "GET", "/openapi/v2", headers={
            "Accept": "application/com.github.proto-openapi.spec.v2@v1.0+protobuf"}, raw=True)
        t.t.eq(st, 200, "/openapi/v2")
        t.t.eq(hdrs.get("Content-Type"),
               "application/com.github.proto-openapi.spec.v2.v1.0+protobuf", "openapi type")
        st, _, _ = self.req("GET", "/apis/nope/v1")
        t.t.eq(st, 404, "unknown group")

    def test_system_namespaces(self):
        st, lst, _ = self.req("GET", "/api/v1/namespaces")
        names = sorted(i["metadata"]["name"] for i in lst["items"])
        for n in ("default", "kube-node-lease", "kube-public", "kube-system"):
            self.t.check(n in names, "namespace %s exists" % n, names)

    def test_crud(self):
        t = self.t
        st, cm, _ = self.req("POST", CM, configmap("crud"))
        t.eq(st, 201, "create")
        meta = cm["metadata"]
        t.check(meta.get("uid") and meta.get("creationTimestamp") and meta.get("resourceVersion"),
                "create sets uid, creationTimestamp, resourceVersion", meta)
        st, got, _ = self.req("GET", CM + "/crud")
        t.eq(got, cm, "get returns what create returned")
        got["data"]["k"] = "v2"
        st, upd, _ = self.req("PUT", CM + "/crud", got)
        t.eq(st, 200, "update")
        t.check(int(upd["metadata"]["resourceVersion"]) > int(meta["resourceVersion"]),
                "update bumps resourceVersion")
        t.eq(upd["metadata"]["uid"], meta["uid"], "uid kept")
        st, same, _ = self.req("PUT", CM + "/crud", upd)
        t.eq(same["metadata"]["resourceVersion"], upd["metadata"]["resourceVersion"],
             "a no-op update writes nothing")
        st, lst, _ = self.req("GET", CM)
        t.check(any(i["metadata"]["name"] == "crud" for i in lst["items"]), "listed")
        t.eq(lst["kind"], "ConfigMapList", "list kind")
        st, gone, _ = self.req("DELETE", CM + "/crud")
        t.eq(st, 200, "delete")
        st, _, _ = self.req("GET", CM + "/crud")
        t.eq(st, 404, "gone after delete")

    def test_error_paths(self):
        t = self
        st, body, hdrs = request(self.srv.url, "POST", CM, body="{not json",
                                 headers={"Content-Type": "application/json"})
        self.expect_status((st, body, hdrs), 400, "BadRequest", "malformed JSON")
        self.expect_status(self.req("GET", CM + "/missing"), 404, "NotFound", "missing object")
        d = self.expect_status(self.req("GET", CM + "/missing"), 404, "NotFound", "404 details")
        t.t.eq(d.get("details", {}).get("kind"), "configmaps", "404 details.kind")
        t.t.eq(d.get("message"), 'configmaps "missing" not found', "404 message")
        self.req("POST", CM, configmap("dup"))
        d = self.expect_status(self.req("POST", CM, configmap("dup")), 409, "AlreadyExists", "dup")
        t.t.eq(d.get("details", {}).get("name"), "dup", "409 details.name")
        st, cur, _ = self.req("GET", CM + "/dup")
        stale = dict(cur)
        self.req("PUT", CM + "/dup", dict(cur, data={"k": "new"}))
        d = self.expect_status(self.req("PUT", CM + "/dup", stale), 409, "Conflict", "stale RV")
        t.t.check("the object has been modified" in d.get("message", ""), "conflict message", d)
        big = configmap("big", data={"k": "x" * (3 * 1024 * 1024 + 10)})
        self.expect_status(self.req("POST", CM, big), 413, "RequestEntityTooLarge", "3 MiB body")
        st, body, hdrs = request(self.srv.url, "POST", CM, body=json.dumps(configmap("ct")),
                                 headers={"Content-Type": "text/plain"})
        self.expect_status((st, body, hdrs), 415, "UnsupportedMediaType", "text/plain body")
        st, body, hdrs = request(self.srv.url, "PATCH", CM + "/dup", body="{}",
                                 headers={"Content-Type": "application/apply-patch+yaml"})
        self.expect_status((st, body, hdrs), 415, "UnsupportedMediaType", "server-side apply")
        d = self.expect_status(self.req("POST", CM, configmap("Bad_Name")), 422, "Invalid", "name")
        causes = d.get("details", {}).get("causes", [])
        t.t.check(causes and causes[0].get("field") == "metadata.name" and
                  causes[0].get("reason") == "FieldValueInvalid", "422 causes", causes)
        t.t.eq(d.get("details", {}).get("kind"), "ConfigMap", "422 details.kind")
        bad = deployment("badrep", replicas=-1)
        d = self.expect_status(self.req("POST", DEPLOY, bad), 422, "Invalid", "negative replicas")
        t.t.check(any(c.get("field") == "spec.replicas" for c in d.get("details", {}).get("causes", [])),
                  "replicas cause", d)
        unk = configmap("unk")
        unk["spec"] = {"foo": 1}
        d = self.expect_status(self.req("POST", CM + "?fieldValidation=Strict", unk), 400,
                               "BadRequest", "strict unknown field")
        t.t.check('unknown field "spec"' in d.get("message", ""), "strict message", d)
        st, _, _ = self.req("POST", CM, unk)
        t.t.eq(st, 201, "unknown fields dropped without Strict")
        typ = deployment("typ")
        typ["spec"]["replicas"] = "three"
        d = self.expect_status(self.req("POST", DEPLOY, typ), 400, "BadRequest", "wrong type")
        t.t.check("spec.replicas" in d.get("message", ""), "type error names the field", d)
        self.expect_status(self.req("POST", "/api/v1/namespaces/nope/configmaps",
                                    configmap("x")), 404, "NotFound", "missing namespace")
        self.expect_status(self.req("GET", "/api/v1/nopes"), 404, "NotFound", "unknown resource")
        self.expect_status(self.req("GET", CM + "?labelSelector=a%20in%20(b"), 400, "BadRequest",
                           "bad label selector")
        self.expect_status(self.req("GET", PODS + "?fieldSelector=spec.foo%3Dx"), 400,
                           "BadRequest", "unsupported field selector")
        self.expect_status(self.req("PUT", CM + "/dup", configmap("other")), 400, "BadRequest",
                           "name mismatch")

    def test_header_sizes(self):
        """Headers as large as any client sends are served; oversized ones get 431, not a hang
        or a crash (the connection memory is 8 KiB: apiserver/http.c)."""
        u = urllib.parse.urlparse(self.srv.url)
        for size, want in ((6 * 1024, 200), (16 * 1024, 431)):
            conn = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
            conn.request("GET", CM, headers={"Authorization": "Bearer " + "a" * size})
            resp = conn.getresponse()
            resp.read()
            conn.close()
            self.t.eq(resp.status, want, "GET with a %d-byte Authorization header" % size)

    def test_generation_and_status(self):
        t = self.t
        st, d, _ = self.req("POST", DEPLOY, deployment("gen"))
        t.eq(d["metadata"].get("generation"), 1, "generation starts at 1")
        d["metadata"]["labels"]["x"] = "y"
        st, d, _ = self.req("PUT", DEPLOY + "/gen", d)
        t.eq(d["metadata"].get("generation"), 1, "label change keeps generation")
        d["spec"]["replicas"] = 5
        d["status"] = {"replicas": 99}
        st, d, _ = self.req("PUT", DEPLOY + "/gen", d)
        t.eq(d["metadata"].get("generation"), 2, "spec change bumps generation")
        t.check(d["status"].get("replicas") != 99, "status ignored on the main resource", d["status"])
        d["status"] = {"replicas": 3, "observedGeneration": 2}
        d["spec"]["replicas"] = 7
        st, s, _ = self.req("PUT", DEPLOY + "/gen/status", d)
        t.eq(st, 200, "status update")
        t.eq(s["status"].get("replicas"), 3, "status written through /status")
        t.eq(s["spec"]["replicas"], 5, "spec ignored through /status")
        t.eq(s["metadata"].get("generation"), 2, "status update keeps generation")

    def test_watch_resume(self):
        t = self.t
        revs = []
        for i in range(3):
            st, cm, _ = self.req("POST", CM, configmap("w%d" % i, labels={"watch": "yes"}))
            revs.append(cm["metadata"]["resourceVersion"])
        w = Watch(self.srv.url, CM + "?watch=true&labelSelector=watch%3Dyes&resourceVersion=" + revs[0])
        t.eq(w.status, 200, "watch status")
        got = [w.next() for _ in range(2)]
        t.eq([(e["type"], e["object"]["metadata"]["name"]) for e in got],
             [("ADDED", "w1"), ("ADDED", "w2")], "resume delivers exactly what came after")
        self.req("DELETE", CM + "/w1")
        e = w.next()
        t.eq((e["type"], e["object"]["metadata"]["name"]), ("DELETED", "w1"), "delete event")
        st, cm, _ = self.req("GET", CM + "/w2")
        cm["metadata"]["labels"] = {"watch": "no"}
        self.req("PUT", CM + "/w2", cm)
        e = w.next()
        t.eq((e["type"], e["object"]["metadata"]["name"]), ("DELETED", "w2"),
             "an object leaving the selector is DELETED for the watcher")
        w.close()
        w = Watch(self.srv.url, CM + "?watch=1&fieldSelector=metadata.name%3Dw0")
        e = w.next()
        t.eq((e["type"], e["object"]["metadata"]["name"]), ("ADDED", "w0"),
             "watch without resourceVersion starts with ADDED")
        w.close()
        w = Watch(self.srv.url, CM + "?watch=true&timeoutSeconds=1&allowWatchBookmarks=true&"
                  "fieldSelector=metadata.name%3Dw0&resourceVersion=" + revs[2])
        kinds = []
        try:
            while True:
                kinds.append(w.next(timeout=5)["type"])
        except EOFError:
            pass
        t.check(kinds and kinds[-1] == "BOOKMARK", "timeoutSeconds ends the watch with a bookmark",
                kinds)
        w.close()

    def test_paging(self):
        t = self.t
        for i in range(7):
            self.req("POST", CM, configmap("page%d" % i, labels={"paging": "1"}))
        names, cont, pages = [], "", 0
        while True:
            st, lst, _ = self.req("GET", CM + "?labelSelector=paging%3D1&limit=3" +
                                  ("&continue=" + cont if cont else ""))
            pages += 1
            names += [i["metadata"]["name"] for i in lst["items"]]
            if pages == 1:
                self.req("POST", CM, configmap("page-late", labels={"paging": "1"}))
                t.eq(lst["metadata"].get("remainingItemCount"), 4, "remainingItemCount")
            cont = lst["metadata"].get("continue")
            if not cont:
                break
        t.eq(names, ["page%d" % i for i in range(7)], "pages cover the snapshot exactly once")
        t.eq(pages, 3, "three pages of three")

    def test_table(self):
        t = self.t
        self.req("POST", DEPLOY, deployment("tab"))
        st, tab, _ = self.req("GET", DEPLOY, headers={
            "Accept": "application/json;as=Table;v=v1;g=meta.k8s.io,application/json"})
        t.eq(tab.get("kind"), "Table", "Table kind")
        cols = [c["name"] for c in tab.get("columnDefinitions", [])]
        t.eq(cols[:5], ["Name", "Ready", "Up-to-date", "Available", "Age"], "deployment columns")
        row = [r for r in tab["rows"] if r["cells"][0] == "tab"]
        t.check(row and row[0]["object"]["kind"] == "PartialObjectMetadata", "row object", row)
        t.check(tab["metadata"].get("resourceVersion"), "table resourceVersion")

    def test_finalizers(self):
        t = self.t
        cm = configmap("fin")
        cm["metadata"]["finalizers"] = ["example.com/hold"]
        self.req("POST", CM, cm)
        st, d, _ = self.req("DELETE", CM + "/fin")
        t.eq(st, 200, "delete with a finalizer")
        st, cur, _ = self.req("GET", CM + "/fin")
        t.eq(st, 200, "object stays while a finalizer remains")
        t.check(cur["metadata"].get("deletionTimestamp"), "deletionTimestamp set")
        cur["metadata"]["finalizers"] = []
        st, _, _ = self.req("PUT", CM + "/fin", cur)
        t.eq(st, 200, "removing the last finalizer")
        st, _, _ = self.req("GET", CM + "/fin")
        t.eq(st, 404, "deleted once the last finalizer is gone")
        self.req("POST", DEPLOY, deployment("fg"))
        st, d, _ = self.req("DELETE", DEPLOY + "/fg", {"propagationPolicy": "Foreground"})
        t.check("foregroundDeletion" in d["metadata"].get("finalizers", []),
                "foreground deletion adds its finalizer", d["metadata"])
        self.req("POST", DEPLOY, deployment("orph"))
        st, d, _ = self.req("DELETE", DEPLOY + "/orph?propagationPolicy=Orphan")
        t.check("orphan" in d["metadata"].get("finalizers", []), "orphan finalizer", d["metadata"])

    def hammered(self, path, fn):
        """Runs fn() while another connection keeps patching an annotation of the object at
        path (as controllers and kubelets write beside a deletion or a binding)."""
        stop, writes = threading.Event(), [0]

        def writer():
            u = urllib.parse.urlparse(self.srv.url)
            c = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
            while not stop.is_set():
                body = json.dumps({"metadata": {"annotations": {"n": str(writes[0])}}})
                c.request("PATCH", path, body, {"Content-Type": "application/merge-patch+json"})
                c.getresponse().read()
                writes[0] += 1
            c.close()
        th = threading.Thread(target=writer)
        th.start()
        try:
            wait_for("concurrent writes to start", lambda: writes[0] > 2)
            return fn()
        finally:
            stop.set()
            th.join()

    def test_server_writes_retry_conflicts(self):
        """Deletion marks and bindings are the server's own read-modify-writes: a concurrent
        write makes them retry (Kubernetes' GuaranteedUpdate), never answer 409, unless the
        client named a precondition."""
        t = self.t
        for i in range(5):
            self.req("POST", DEPLOY, deployment("race%d" % i))
            st, d, _ = self.hammered(DEPLOY + "/race%d" % i, lambda: self.req(
                "DELETE", DEPLOY + "/race%d" % i, {"propagationPolicy": "Foreground"}))
            t.eq(st, 200, "foreground delete beside concurrent writes (%d)" % i)
            self.req("POST", PODS, pod("racebind%d" % i))
            b = {"apiVersion": "v1", "kind": "Binding", "metadata": {"name": "racebind%d" % i},
                 "target": {"apiVersion": "v1", "kind": "Node", "name": "node-1"}}
            st, _, _ = self.hammered(PODS + "/racebind%d" % i, lambda: self.req(
                "POST", PODS + "/racebind%d/binding" % i, b))
            t.eq(st, 201, "binding beside concurrent writes (%d)" % i)
        st, cur, _ = self.req("GET", DEPLOY + "/race0")
        st, _, _ = self.req("DELETE", DEPLOY + "/race0", {"preconditions": {
            "resourceVersion": str(int(cur["metadata"]["resourceVersion"]) - 1)}})
        t.eq(st, 409, "a stale resourceVersion precondition still answers 409")

    def test_namespaces(self):
        t = self.t
        ns = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "tns"}}
        st, n, _ = self.req("POST", "/api/v1/namespaces", ns)
        t.eq(n["status"]["phase"], "Active", "new namespace is Active")
        st, _, _ = self.req("POST", "/api/v1/namespaces/tns/configmaps", configmap("in"))
        t.eq(st, 201, "create in the namespace")
        st, d, _ = self.req("DELETE", "/api/v1/namespaces/tns")
        t.eq(d["status"]["phase"], "Terminating", "deleted namespace is Terminating")
        d = self.expect_status(self.req("POST", "/api/v1/namespaces/tns/configmaps",
                                        configmap("late")), 403, "Forbidden", "terminating ns")
        t.check("being terminated" in d.get("message", ""), "terminating message", d)
        st, n, _ = self.req("GET", "/api/v1/namespaces/tns")
        n["spec"]["finalizers"] = []
        st, _, _ = self.req("PUT", "/api/v1/namespaces/tns/finalize", n)
        t.eq(st, 200, "finalize")
        st, _, _ = self.req("GET", "/api/v1/namespaces/tns")
        t.eq(st, 404, "namespace gone once finalized")

    def test_binding_and_graceful_delete(self):
        t = self.t
        self.req("POST", PODS, pod("bindme"))
        b = {"apiVersion": "v1", "kind": "Binding", "metadata": {"name": "bindme"},
             "target": {"apiVersion": "v1", "kind": "Node", "name": "node-1"}}
        st, s, _ = self.req("POST", PODS + "/bindme/binding", b)
        t.eq(st, 201, "binding")
        st, p, _ = self.req("GET", PODS + "/bindme")
        t.eq(p["spec"].get("nodeName"), "node-1", "bound")
        t.check(any(c["type"] == "PodScheduled" and c["status"] == "True"
                    for c in p["status"].get("conditions", [])), "PodScheduled condition")
        b["target"]["name"] = "node-2"
        self.expect_status(self.req("POST", PODS + "/bindme/binding", b), 409, "Conflict",
                           "second binding")
        st, d, _ = self.req("DELETE", PODS + "/bindme")
        t.eq(st, 200, "graceful delete accepted")
        st, p, _ = self.req("GET", PODS + "/bindme")
        t.check(st == 200 and p["metadata"].get("deletionTimestamp") and
                p["metadata"].get("deletionGracePeriodSeconds") == 30,
                "a bound pod waits for its kubelet", p.get("metadata"))
        st, _, _ = self.req("DELETE", PODS + "/bindme", {"gracePeriodSeconds": 0})
        st, _, _ = self.req("GET", PODS + "/bindme")
        t.eq(st, 404, "grace period 0 deletes")
        self.req("POST", PODS, pod("unbound"))
        self.req("DELETE", PODS + "/unbound")
        st, _, _ = self.req("GET", PODS + "/unbound")
        t.eq(st, 404, "an unbound pod is deleted at once")

    def test_field_selectors_and_deletecollection(self):
        t = self.t
        for i, node in enumerate(["n1", "n1", "n2"]):
            self.req("POST", PODS, pod("fs%d" % i, labels={"fs": "yes"}))
            self.req("POST", PODS + "/fs%d/binding" % i, {"apiVersion": "v1", "kind": "Binding",
                     "metadata": {"name": "fs%d" % i}, "target": {"kind": "Node", "name": node}})
        st, lst, _ = self.req("GET", "/api/v1/pods?fieldSelector=spec.nodeName%3Dn1")
        t.eq(sorted(i["metadata"]["name"] for i in lst["items"]), ["fs0", "fs1"],
             "spec.nodeName selector")
        st, lst, _ = self.req("GET", PODS + "?fieldSelector=spec.nodeName!%3Dn1,metadata.name%3Dfs2")
        t.eq([i["metadata"]["name"] for i in lst["items"]], ["fs2"], "!= and name")
        st, _, _ = self.req("DELETE", PODS + "?labelSelector=fs%3Dyes&gracePeriodSeconds=0")
        t.eq(st, 200, "deletecollection")
        st, lst, _ = self.req("GET", PODS + "?labelSelector=fs%3Dyes")
        t.eq(lst["items"], [], "deletecollection removed them")

    def test_scale(self):
        t = self.t
        self.req("POST", DEPLOY, deployment("sc", replicas=2))
        st, s, _ = self.req("GET", DEPLOY + "/sc/scale")
        t.eq((s.get("kind"), s.get("apiVersion")), ("Scale", "autoscaling/v1"), "Scale kind")
        t.eq(s["spec"]["replicas"], 2, "scale spec")
        t.eq(s["status"].get("selector"), "app=sc", "scale selector")
        s["spec"]["replicas"] = 4
        st, s2, _ = self.req("PUT", DEPLOY + "/sc/scale", s)
        t.eq(s2["spec"]["replicas"], 4, "PUT scale")
        st, d, _ = self.req("GET", DEPLOY + "/sc")
        t.eq(d["spec"]["replicas"], 4, "deployment follows the scale")

    def test_patches(self):
        t = self.t
        self.req("POST", DEPLOY, deployment("pt"))
        st, d, _ = self.req("PATCH", DEPLOY + "/pt", json.dumps({"spec": {"replicas": 3}}),
                            {"Content-Type": "application/merge-patch+json"})
        t.eq((st, d["spec"]["replicas"]), (200, 3), "merge patch")
        st, d, _ = self.req("PATCH", DEPLOY + "/pt", json.dumps(
            [{"op": "replace", "path": "/spec/replicas", "value": 1}]),
            {"Content-Type": "application/json-patch+json"})
        t.eq((st, d["spec"]["replicas"]), (200, 1), "json patch")
        st, d, _ = self.req("PATCH", DEPLOY + "/pt", json.dumps(
            [{"op": "test", "path": "/spec/replicas", "value": 9}]),
            {"Content-Type": "application/json-patch+json"})
        t.eq(st, 422, "failing json patch test op")
        st, d, _ = self.req("PATCH", DEPLOY + "/pt", json.dumps({"spec": {"template": {"spec": {
            "containers": [{"name": "side", "image": "k8c.local/busybox"}]}}}}),
            {"Content-Type": "application/strategic-merge-patch+json"})
        names = [c["name"] for c in d["spec"]["template"]["spec"]["containers"]]
        t.eq(sorted(names), ["c", "side"], "strategic merge patch merges containers by name")
        st, s, _ = self.req("PATCH", DEPLOY + "/pt/scale", json.dumps({"spec": {"replicas": 6}}),
                            {"Content-Type": "application/merge-patch+json"})
        t.eq((st, s.get("kind"), s["spec"]["replicas"]), (200, "Scale", 6), "patch scale")
        st, d, _ = self.req("PATCH", DEPLOY + "/pt", "{bad",
                            {"Content-Type": "application/merge-patch+json"})
        t.eq(st, 400, "malformed patch")

    def causes(self, d):
        return {(c.get("field"), c.get("reason")): c.get("message")
                for c in d.get("details", {}).get("causes", [])}

    def test_validation(self):
        t = self
        bad = deployment("nomatch")
        bad["spec"]["selector"] = {"matchLabels": {"app": "other"}}
        d = self.expect_status(self.req("POST", DEPLOY, bad), 422, "Invalid", "selector mismatch")
        t.t.eq(self.causes(d).get(("spec.template.metadata.labels", "FieldValueInvalid")),
               'Invalid value: map[string]string{"app":"nomatch"}: `selector` does not match '
               'template `labels`', "selector mismatch cause")
        t.t.check(d.get("message", "").startswith('Deployment.apps "nomatch" is invalid: '),
                  "422 message names the object", d)
        dup = pod("dupnames")
        dup["spec"]["containers"].append({"name": "c", "image": "k8c.local/busybox"})
        d = self.expect_status(self.req("POST", PODS, dup), 422, "Invalid", "duplicate containers")
        t.t.eq(self.causes(d).get(("spec.containers[1].name", "FieldValueDuplicate")),
               'Duplicate value: "c"', "duplicate container cause")
        t.t.eq(d.get("details", {}).get("kind"), "Pod", "422 details.kind")
        st, _, _ = self.req("POST", PODS, pod("upd"))
        t.t.eq(st, 201, "pod for updates")
        st, p, _ = self.req("PATCH", PODS + "/upd", json.dumps({"spec": {"containers": [
            {"name": "c", "image": "k8c.local/busybox:2"}]}}),
            {"Content-Type": "application/strategic-merge-patch+json"})
        t.t.eq((st, p["spec"]["containers"][0]["image"]), (200, "k8c.local/busybox:2"),
               "a pod's image may change")
        d = self.expect_status(self.req("PATCH", PODS + "/upd", json.dumps(
            {"spec": {"restartPolicy": "Never"}}), {"Content-Type": "application/merge-patch+json"}),
            422, "Invalid", "pod spec change")
        t.t.check(any(c.get("field") == "spec" and c.get("message", "").startswith(
            "Forbidden: pod updates may not change fields other than `spec.containers[*].image`")
            for c in d.get("details", {}).get("causes", [])), "pod update message", d)
        self.req("POST", DEPLOY, deployment("immut"))
        d = self.expect_status(self.req("PATCH", DEPLOY + "/immut", json.dumps({"spec": {
            "selector": {"matchLabels": {"app": "immut", "v": "2"}}, "template": {"metadata": {
                "labels": {"app": "immut", "v": "2"}}}}}),
            {"Content-Type": "application/merge-patch+json"}), 422, "Invalid", "selector update")
        t.t.check(self.causes(d).get(("spec.selector", "FieldValueInvalid"), "").endswith(
            ": field is immutable"), "selector immutable", d)
        d = self.expect_status(self.req("PUT", DEPLOY + "/immut/scale", {
            "apiVersion": "autoscaling/v1", "kind": "Scale", "metadata": {"name": "immut"},
            "spec": {"replicas": -3}}), 422, "Invalid", "negative scale")
        cm = configmap("badfin")
        cm["metadata"]["finalizers"] = ["hold"]
        cm["metadata"]["ownerReferences"] = [{"apiVersion": "v1", "kind": "ConfigMap",
                                              "name": "owner"}]
        d = self.expect_status(self.req("POST", CM, cm), 422, "Invalid", "metadata rules")
        t.t.eq(self.causes(d).get(("metadata.finalizers[0]", "FieldValueInvalid")),
               'Invalid value: "hold": name is neither a standard finalizer name nor is it '
               'fully qualified', "finalizer name")
        t.t.eq(self.causes(d).get(("metadata.ownerReferences.uid", "FieldValueInvalid")),
               'Invalid value: "": uid must not be empty', "owner reference uid")
        cm = configmap("badkey", data={"a/b": "1"})
        d = self.expect_status(self.req("POST", CM, cm), 422, "Invalid", "config key")
        t.t.check(self.causes(d).get(("data[a/b]", "FieldValueInvalid"), "").startswith(
            'Invalid value: "a/b": a valid config key must consist of alphanumeric characters, '
            "'-', '_' or '.'"), "config key cause", d)

    def test_defaults_and_allocation(self):
        t = self.t
        st, d, _ = self.req("POST", DEPLOY, deployment("dflt"))
        t.eq(st, 201, "create deployment")
        st, d, _ = self.req("GET", DEPLOY + "/dflt")
        spec = d["spec"]
        t.eq((spec.get("revisionHistoryLimit"), spec.get("progressDeadlineSeconds")), (10, 600),
             "deployment defaults")
        t.eq(spec.get("strategy"), {"type": "RollingUpdate", "rollingUpdate": {
            "maxSurge": "25%", "maxUnavailable": "25%"}}, "default strategy")
        ps = spec["template"]["spec"]
        t.eq((ps.get("restartPolicy"), ps.get("dnsPolicy"), ps.get("schedulerName"),
              ps.get("terminationGracePeriodSeconds"), ps.get("securityContext")),
             ("Always", "ClusterFirst", "default-scheduler", 30, {}), "pod template defaults")
        c = ps["containers"][0]
        t.eq((c.get("imagePullPolicy"), c.get("terminationMessagePath"),
              c.get("terminationMessagePolicy")),
             ("Always", "/dev/termination-log", "File"), "container defaults")
        svc = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "alloc"},
               "spec": {"selector": {"app": "a"}, "ports": [{"port": 80}]}}
        st, s, _ = self.req("POST", "/api/v1/namespaces/default/services", svc)
        t.eq(st, 201, "create service")
        ip = s["spec"].get("clusterIP", "")
        octets = [int(x) for x in ip.split(".")] if ip.count(".") == 3 else [0, 0]
        t.check(octets[0] == 10 and 96 <= octets[1] <= 111, "clusterIP from 10.96.0.0/12", ip)
        t.eq(s["spec"].get("clusterIPs"), [ip], "clusterIPs")
        t.eq((s["spec"].get("type"), s["spec"].get("sessionAffinity"),
              s["spec"]["ports"][0].get("targetPort"), s["spec"]["ports"][0].get("protocol")),
             ("ClusterIP", "None", 80, "TCP"), "service defaults")
        dup = dict(svc, metadata={"name": "alloc2"}, spec=dict(svc["spec"], clusterIP=ip))
        d = self.expect_status(self.req("POST", "/api/v1/namespaces/default/services", dup),
                               422, "Invalid", "clusterIP in use")
        t.check("provided IP is already allocated" in d.get("message", ""), "IP conflict", d)
        np = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "np"},
              "spec": {"type": "NodePort", "ports": [{"port": 80}]}}
        st, s, _ = self.req("POST", "/api/v1/namespaces/default/services", np)
        port = s["spec"]["ports"][0].get("nodePort", 0)
        t.check(st == 201 and 30000 <= port <= 32767, "nodePort allocated", s.get("spec"))
        np2 = dict(np, metadata={"name": "np2"},
                   spec={"type": "NodePort", "ports": [{"port": 81, "nodePort": port}]})
        d = self.expect_status(self.req("POST", "/api/v1/namespaces/default/services", np2),
                               422, "Invalid", "nodePort in use")
        t.eq(self.causes(d).get(("spec.ports[0].nodePort", "FieldValueInvalid")),
             "Invalid value: %d: provided port is already allocated" % port, "port conflict")
        self.req("DELETE", "/api/v1/namespaces/default/services/np")
        st, s, _ = self.req("POST", "/api/v1/namespaces/default/services", np2)
        t.eq((st, s["spec"]["ports"][0].get("nodePort")), (201, port),
             "a deleted service's node port is free again")
        SMP = {"Content-Type": "application/strategic-merge-patch+json"}
        st, s, _ = self.req("PATCH", "/api/v1/namespaces/default/services/np2",
                            json.dumps({"spec": {"type": "ClusterIP"}}), SMP)
        t.eq((st, s.get("spec", {}).get("ports", [{}])[0].get("nodePort")), (200, None),
             "NodePort -> ClusterIP drops the node port")
        st, s, _ = self.req("PATCH", "/api/v1/namespaces/default/services/np2", json.dumps(
            {"spec": {"type": "ExternalName", "externalName": "db.example.com"}}), SMP)
        t.eq((st, s.get("spec", {}).get("clusterIP")), (200, None),
             "ClusterIP -> ExternalName drops the cluster IP")

    def test_metrics(self):
        st, text, _ = request(self.srv.url, "GET", "/metrics", raw=True)
        self.t.eq(st, 200, "/metrics")
        self.t.check('apiserver_request_total{verb="POST",resource="configmaps",code="201"}' in text,
                     "request counter by verb/resource/code")
        self.t.check("apiserver_request_duration_seconds_bucket" in text, "latency histogram")
        self.t.check("apiserver_storage_duration_seconds_count" in text, "storage latency")
        self.t.check("apiserver_registered_watchers" in text, "watch count")


def test_compaction_410(t, args, etcd):
    srv = ApiServer(args.apiserver, t.workdir + "/compact", etcd=etcd,
                    extra=["--compaction-interval", "1", "--compaction-keep", "3"])
    try:
        st, first, _ = request(srv.url, "POST", CM, configmap("c0"))
        rv0 = first["metadata"]["resourceVersion"]
        for i in range(1, 10):
            request(srv.url, "POST", CM, configmap("c%d" % i))

        def expired():
            w = Watch(srv.url, CM + "?watch=true&resourceVersion=" + rv0)
            e = w.next()
            w.close()
            return e if e["type"] == "ERROR" else None
        e = wait_for("compaction to expire old revisions", expired, timeout=15)
        t.eq(e["object"].get("code"), 410, "ERROR event code")
        t.eq(e["object"].get("reason"), "Expired", "ERROR event reason")
        t.check("too old resource version" in e["object"].get("message", ""), "410 message", e)
    finally:
        t.eq(srv.stop(), 0, "apiserver exits cleanly after SIGTERM")


def test_kill9_restart(t, args, etcd):
    srv = ApiServer(args.apiserver, t.workdir + "/kill9", etcd=etcd)
    names = ["k%d" % i for i in range(50)]
    for n in names:
        st, _, _ = request(srv.url, "POST", CM, configmap(n))
        t.eq(st, 201, "create " + n)
    st, last, _ = request(srv.url, "GET", CM + "/k49")
    srv.kill9()
    srv.start()
    st, lst, _ = request(srv.url, "GET", CM)
    got = {i["metadata"]["name"] for i in lst["items"]}
    t.check(set(names) <= got, "every acknowledged write survives kill -9", set(names) - got)
    st, again, _ = request(srv.url, "GET", CM + "/k49")
    t.eq(again, last, "objects come back identical")
    st, n, _ = request(srv.url, "POST", CM, configmap("after"))
    t.check(int(n["metadata"]["resourceVersion"]) > int(last["metadata"]["resourceVersion"]),
            "revisions continue after restart")
    t.eq(srv.stop(), 0, "clean exit")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--apiserver", required=True)
    ap.add_argument("--backend", default=os.environ.get("K8C_TEST_BACKEND", "sqlite"))
    args = ap.parse_args()
    t = Suite("apiserver-" + args.backend)
    etcd = Etcd(t.workdir) if args.backend == "etcd" else None
    try:
        srv = ApiServer(args.apiserver, t.workdir, etcd=etcd)
        tests = Tests(t, srv)
        for name in sorted(n for n in dir(Tests) if n.startswith("test_")):
            t.case(getattr(tests, name))
        t.eq(srv.stop(), 0, "apiserver exits cleanly after SIGTERM")
        if srv.proc.returncode != 0:
            print(srv.log_text()[-4000:])
        # each of these runs its own API server on the same store
        t.case(test_compaction_410, t, args, etcd)
        t.case(test_kill9_restart, t, args, etcd)
    finally:
        if etcd:
            etcd.stop()
    sys.exit(t.finish())


main()
