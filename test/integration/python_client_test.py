#!/usr/bin/python3
"""python_client_test.py - Debian's unmodified python3-kubernetes against a real
k8c-apiserver: create, list, read, strategic merge patch, replace with a stale
resourceVersion (409), delete, and a watch that resumes from a resourceVersion.

    python_client_test.py --apiserver PATH [--backend sqlite|etcd]
"""
import argparse
import os
import sys
import threading

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from k8ctest import ApiServer, Etcd, Suite  # noqa: E402

from kubernetes import client, watch  # noqa: E402
from kubernetes.client.rest import ApiException  # noqa: E402


def deployment(name, image="k8c.local/busybox:1"):
    return client.V1Deployment(
        metadata=client.V1ObjectMeta(name=name, labels={"app": name}),
        spec=client.V1DeploymentSpec(
            replicas=2,
            selector=client.V1LabelSelector(match_labels={"app": name}),
            template=client.V1PodTemplateSpec(
                metadata=client.V1ObjectMeta(labels={"app": name}),
                spec=client.V1PodSpec(containers=[
                    client.V1Container(name="web", image=image,
                                       env=[client.V1EnvVar(name="A", value="1")])]))))


class Tests:
    def __init__(self, t, url):
        cfg = client.Configuration()
        cfg.host = url
        api = client.ApiClient(cfg)
        self.t = t
        self.core = client.CoreV1Api(api)
        self.apps = client.AppsV1Api(api)
        self.version = client.VersionApi(api)

    def test_version_and_discovery(self):
        v = self.version.get_code()
        self.t.check(v.git_version.startswith("v1."), "version", v.git_version)
        groups = client.ApisApi(self.core.api_client).get_api_versions()
        self.t.check("apps" in [g.name for g in groups.groups], "groups listed")

    def test_create_read_list(self):
        t = self.t
        d = self.apps.create_namespaced_deployment("default", deployment("py"))
        t.eq(d.metadata.name, "py", "created")
        t.check(d.metadata.uid and d.metadata.resource_version, "uid and resourceVersion")
        got = self.apps.read_namespaced_deployment("py", "default")
        t.eq(got.spec.template.spec.containers[0].image, "k8c.local/busybox:1", "read back")
        lst = self.apps.list_namespaced_deployment("default", label_selector="app=py")
        t.eq([i.metadata.name for i in lst.items], ["py"], "list with a label selector")
        empty = self.core.list_namespaced_pod("default", label_selector="app=none")
        t.eq(empty.items, [], "empty list is []")
        nss = self.core.list_namespace()
        t.check("kube-system" in [n.metadata.name for n in nss.items], "namespaces listed")

    def test_strategic_patch(self):
        t = self.t
        self.apps.create_namespaced_deployment("default", deployment("pypatch"))
        body = {"spec": {"template": {"spec": {"containers": [
            {"name": "web", "image": "k8c.local/busybox:2", "env": [{"name": "B", "value": "2"}]}]}}}}
        d = self.apps.patch_namespaced_deployment("pypatch", "default", body)
        c = d.spec.template.spec.containers
        t.eq([x.name for x in c], ["web"], "containers merged by name")
        t.eq(c[0].image, "k8c.local/busybox:2", "image patched")
        t.eq(sorted(e.name for e in c[0].env), ["A", "B"], "env merged by name")
        s = self.apps.patch_namespaced_deployment_scale("pypatch", "default", {"spec": {"replicas": 5}})
        t.eq(s.spec.replicas, 5, "scale patched (strategic merge patch on /scale)")
        t.eq(s.status.selector, "app=pypatch", "scale selector")

    def test_stale_replace_conflicts(self):
        t = self.t
        d = self.apps.create_namespaced_deployment("default", deployment("pystale"))
        d.spec.replicas = 3
        self.apps.replace_namespaced_deployment("pystale", "default", d)
        d.spec.replicas = 4  # d still carries the old resourceVersion
        try:
            self.apps.replace_namespaced_deployment("pystale", "default", d)
            t.check(False, "a stale replace must fail")
        except ApiException as e:
            t.eq(e.status, 409, "stale replace status")
            t.check("the object has been modified" in e.body, "conflict message", e.body)

    def test_delete(self):
        t = self.t
        self.core.create_namespaced_config_map("default", client.V1ConfigMap(
            metadata=client.V1ObjectMeta(name="pydel"), data={"a": "b"}))
        self.core.delete_namespaced_config_map("pydel", "default")
        try:
            self.core.read_namespaced_config_map("pydel", "default")
            t.check(False, "deleted object must be gone")
        except ApiException as e:
            t.eq(e.status, 404, "read after delete")

    def test_watch_resume(self):
        t = self.t
        first = self.core.create_namespaced_config_map("default", client.V1ConfigMap(
            metadata=client.V1ObjectMeta(name="pyw0", labels={"pyw": "1"})))
        rv = first.metadata.resource_version
        for i in (1, 2):
            self.core.create_namespaced_config_map("default", client.V1ConfigMap(
                metadata=client.V1ObjectMeta(name="pyw%d" % i, labels={"pyw": "1"})))
        w = watch.Watch()
        seen = []
        timer = threading.Timer(10, w.stop)
        timer.start()
        for ev in w.stream(self.core.list_namespaced_config_map, "default", label_selector="pyw=1",
                           resource_version=rv, timeout_seconds=10):
            seen.append((ev["type"], ev["object"].metadata.name))
            if len(seen) == 2:
                self.core.delete_namespaced_config_map("pyw1", "default")
            if len(seen) == 3:
                w.stop()
        timer.cancel()
        t.eq(seen, [("ADDED", "pyw1"), ("ADDED", "pyw2"), ("DELETED", "pyw1")],
             "the watch resumes after the resourceVersion and follows changes")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--apiserver", required=True)
    ap.add_argument("--backend", default="sqlite")
    args = ap.parse_args()
    t = Suite("python-client-" + args.backend)
    etcd = Etcd(t.workdir) if args.backend == "etcd" else None
    try:
        srv = ApiServer(args.apiserver, t.workdir, etcd=etcd)
        tests = Tests(t, srv.url)
        for name in sorted(n for n in dir(Tests) if n.startswith("test_")):
            t.case(getattr(tests, name))
        t.eq(srv.stop(), 0, "apiserver exits cleanly")
    finally:
        if etcd:
            etcd.stop()
    sys.exit(t.finish())


main()
