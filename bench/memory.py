#!/usr/bin/python3
"""memory.py - benchmark 6 of issue 9: k8c-apiserver memory per object. RSS of an API server
on an empty SQLite store, after k8c-bench-api created 10,000 pods (~2.7 KiB manifests)
through it, and after a restart on that store (the steady state without the write path's
transient memory). Reported per 1,000 pods. Writes OUT/memory.json.
"""
import os
import time

import benchlib
from benchlib import binary, rss_kib, run_json


def settle(pid):
    """RSS once it stops moving (the watch cache applies events after the last answer)."""
    last = rss_kib(pid)
    for _ in range(20):
        time.sleep(0.1)
        cur = rss_kib(pid)
        if cur == last:
            break
        last = cur
    return last


def main():
    a = benchlib.args(__doc__)
    r = benchlib.Results(a, "memory", "Memory per object")
    pods = 500 if a.quick else 10000
    data = os.path.join(a.work, "data")
    srv = benchlib.ApiServer(binary(a, "apiserver/k8c-apiserver"), os.path.join(a.work, "m"),
                             data_dir=data, extra=["--compaction-interval", "0"])
    try:
        empty = settle(srv.proc.pid)
        j = run_json([binary(a, "bench/k8c-bench-api"), "--server", srv.url, "--pods", str(pods),
                      "--phases", "create"])
        if j["phases"]["create"]["errors"]:
            raise RuntimeError("creating the pods failed")
        written = settle(srv.proc.pid)
    finally:
        srv.stop()
    srv.start()
    try:
        st, lst, _ = benchlib.request(srv.url, "GET", "/api/v1/namespaces/default/pods?limit=1")
        restarted = settle(srv.proc.pid)
    finally:
        srv.stop()
    per_k = lambda kib: (kib - empty) / 1024 / (pods / 1000)  # noqa: E731
    r.table("k8c-apiserver RSS, SQLite store, %d pods of %d bytes" % (pods, j["manifest_bytes"]),
            ["state", "RSS", "growth per 1,000 pods"],
            [["empty store, ready", "%.1f MiB" % (empty / 1024), ""],
             ["after creating %d pods" % pods, "%.1f MiB" % (written / 1024),
              "%.2f MiB" % per_k(written)],
             ["restarted on that store", "%.1f MiB" % (restarted / 1024),
              "%.2f MiB" % per_k(restarted)]])
    db = sum(os.path.getsize(os.path.join(data, f)) for f in os.listdir(data))
    r.note("the SQLite files hold %.1f MiB (%.2f MiB per 1,000 pods); the SQLite writer's page "
           "cache (up to 64 MiB) keeps the pages it wrote, so they count in the RSS" % (
               db / 2**20, db / 2**20 / (pods / 1000)))
    worst = max(per_k(written), per_k(restarted))
    r.target("API server RSS per 1,000 pods", "<= 15 MB", "%.2f MiB" % worst,
             worst * 1.048576 <= 15, worst)
    r.data.update({"pods": pods, "store_bytes": db,
                   "rss_kib": {"empty": empty, "written": written, "restarted": restarted}})
    r.save()


main()
