#!/usr/bin/python3
"""create_once_test.py - integration suite for controllers/create_once.c against the real
k8c-apiserver, through a proxy that can lose the answer of a create after the server made it
(as when the API server is killed between its commit and its answer): the create is sent
again under the same name and counts as made, so there is one pod, not two; an answer that
arrives is not sent twice.

    create_once_test.py --apiserver PATH --tool PATH
"""
import argparse
import os
import socket
import subprocess
import sys
import threading

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from k8ctest import ApiServer, Suite, request  # noqa: E402

NS = "default"
OWNER = "5b2c9e4e-0000-4000-8000-00000000c0de"


def read_message(sock):
    """One HTTP/1.1 message (headers and a Content-Length body) from sock, or b"" at EOF."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return b""
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        k, _, v = line.partition(b":")
        if k.strip().lower() == b"content-length":
            length = int(v.strip())
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        body += chunk
    return head + b"\r\n\r\n" + body


class LosingProxy:
    """Relays each request to the API server on its own connection; while lose > 0, the
    answer to a POST is read from the server and thrown away, and the client's connection
    is cut instead. Records the method of every request."""

    def __init__(self, upstream_port):
        self.upstream = upstream_port
        self.lose, self.methods = 0, []
        self.lock = threading.Lock()
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        while True:
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self.relay, args=(client,), daemon=True).start()

    def relay(self, client):
        with client:
            while True:
                req = read_message(client)
                if not req:
                    return
                method = req.split(b" ", 1)[0].decode()
                with socket.create_connection(("127.0.0.1", self.upstream)) as up:
                    up.sendall(req)
                    answer = read_message(up)
                with self.lock:
                    self.methods.append(method)
                    losing = method == "POST" and self.lose > 0
                    if losing:
                        self.lose -= 1
                if losing:
                    return  # the server made it; the client never hears
                client.sendall(answer)


def pods(srv, prefix):
    _, body, _ = request(srv.url, "GET", "/api/v1/namespaces/%s/pods" % NS)
    return [p for p in body["items"] if p["metadata"]["name"].startswith(prefix)]


def run_tool(a, proxy, prefix):
    r = subprocess.run([a.tool, "http://127.0.0.1:%d" % proxy.port, NS, prefix, OWNER],
                       capture_output=True, text=True, timeout=60)
    return r.returncode, r.stdout.strip()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--apiserver", required=True)
    ap.add_argument("--tool", required=True)
    a = ap.parse_args()
    t = Suite("create-once")
    srv = ApiServer(a.apiserver, os.path.join(t.workdir, "srv"))
    proxy = LosingProxy(srv.port)

    def answer_lost_after_the_commit():
        proxy.lose, proxy.methods = 1, []
        code, out = run_tool(a, proxy, "lost-")
        t.eq(code, 0, "create_once succeeds: " + out)
        made = pods(srv, "lost-")
        t.eq(len(made), 1, "one pod, not two")
        t.eq(out, "created " + made[0]["metadata"]["name"] if made else "", "its name returned")
        t.eq(made[0]["metadata"].get("generateName") if made else None, "lost-",
             "generateName kept, as Kubernetes' pods have it")
        t.eq(proxy.methods, ["POST", "POST", "GET"],
             "the create sent again under the same name (AlreadyExists), the pod checked")

    def answered_create_sent_once():
        proxy.lose, proxy.methods = 0, []
        code, out = run_tool(a, proxy, "plain-")
        t.eq(code, 0, "create_once succeeds: " + out)
        t.eq(len(pods(srv, "plain-")), 1, "one pod")
        t.eq(proxy.methods, ["POST"], "one request")

    try:
        for fn in (answer_lost_after_the_commit, answered_create_sent_once):
            t.case(fn)
    finally:
        t.eq(srv.stop(), 0, "server exit status")
    sys.exit(t.finish())


main()
