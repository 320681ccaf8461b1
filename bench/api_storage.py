#!/usr/bin/python3
"""api_storage.py - benchmark 1 of issue 9: the API and storage.

In one run: the raw storage limits from C with the same durability (SQLite appends committed
one by one and 64 to a commit; etcd Puts and create Txns with 64 in flight) and the k8c storage
backends at the storage interface; then k8c-bench-api (64 keep-alive clients creating ~2.7 KiB
pods, then getting, listing and updating them) against k8c-apiserver on SQLite and on etcd.
Writes OUT/api_storage.json.
"""
import os
import re
import subprocess

import benchlib
from benchlib import Etcd, binary, ms, rate, run_json

LAT_KEYS = ("per_second", "p50_ms", "p99_ms", "p999_ms")


def raw_sqlite(a, secs):
    rows = {}
    for batch in (1, 64):
        db = os.path.join(a.work, "raw-%d.db" % batch)
        j = run_json([binary(a, "bench/k8c-bench-sqlite"), db, str(secs), str(batch), "2700"])
        c = j["commits"]
        rows[batch] = {"per_second": j["rows_per_second"], "p50_ms": c["p50_ms"],
                       "p99_ms": c["p99_ms"], "p999_ms": c["p999_ms"]}
    return rows


def parse_line(pattern, text, what):
    m = re.search(pattern, text, re.M)
    if not m:
        raise RuntimeError("no '%s' line in: %s" % (what, text[-1000:]))
    return {k: float(v) for k, v in zip(LAT_KEYS, m.groups())}


def storage_sqlite(a, secs):
    """The k8c SQLite backend at the storage interface: storage_create from 64 threads."""
    p = subprocess.run([binary(a, "test/storage/storage_bench"), "--backend", "sqlite",
                        "--path", os.path.join(a.work, "storage.db"), "--threads", "64",
                        "--value-size", "2700", "--duration", str(max(1, int(secs)))],
                       capture_output=True, text=True, timeout=300)
    return parse_line(r"^create\s+\d+ ops\s+([\d.]+) ops/s\s+p50\s+([\d.]+) ms\s+p99\s+([\d.]+) ms"
                      r"\s+p99\.9\s+([\d.]+) ms", p.stdout, "create")


def raw_etcd(a, etcd, secs):
    """etcd_bench: raw Put and create-Txn rates with 64 in flight, and storage_create."""
    p = subprocess.run([binary(a, "test/storage/etcd/etcd_bench"), etcd.endpoint,
                        str(max(1, int(secs))), "64", "2700", "all"],
                       capture_output=True, text=True, timeout=300)
    out = {}
    for phase in ("raw", "rawtxn", "storage"):
        out[phase] = parse_line(r"^%s\s+([\d.]+) puts/s\s+p50\s+([\d.]+) ms\s+p99\s+([\d.]+) ms"
                                r"\s+p99\.9\s+([\d.]+) ms" % phase, p.stdout, phase)
    return out


def api(a, backend, etcd, sizes):
    srv = benchlib.apiserver(a, "api-" + backend, etcd=etcd)
    try:
        rss0 = benchlib.rss_kib(srv.proc.pid)
        j = run_json([binary(a, "bench/k8c-bench-api"), "--server", srv.url, "--clients", "64",
                      "--pods", str(sizes["pods"]), "--gets", str(sizes["gets"]),
                      "--lists", str(sizes["lists"]), "--server-pid", str(srv.proc.pid)])
        j["rss_kib_before"], j["rss_kib_after"] = rss0, benchlib.rss_kib(srv.proc.pid)
    finally:
        srv.stop()
    return j


def lat_row(what, x):
    return [what, rate(x["per_second"]), ms(x["p50_ms"]), ms(x["p99_ms"]), ms(x["p999_ms"])]


def api_rows(backend, j):
    rows = []
    for verb, x in j["phases"].items():
        n = max(1, x["count"])
        cpu = (x["server_cpu_seconds"] + x["client_cpu_seconds"]) / n
        rows.append([backend, verb, x["count"], x["errors"], rate(x["per_second"]),
                     ms(x["p50_ms"]), ms(x["p99_ms"]), ms(x["p999_ms"]),
                     "%.0f µs" % (x["server_cpu_seconds"] * 1e6 / n),
                     "%.0f µs" % (x["client_cpu_seconds"] * 1e6 / n),
                     rate(os.cpu_count() / cpu) if cpu > 0 else "-"])
    return rows


def report(r, raw_sq, st_sq, et, api_sq, api_et):
    r.table("Raw storage limits from C (2,700-byte values, same durability as k8c)",
            ["what", "writes/s", "p50", "p99", "p99.9"],
            [lat_row("SQLite, 1 row per commit (fsync each)", raw_sq[1]),
             lat_row("SQLite, 64 rows per commit (latency per commit)", raw_sq[64]),
             lat_row("k8c SQLite backend, storage_create from 64 threads", st_sq),
             lat_row("etcd Put, 64 in flight", et["raw"]),
             lat_row("etcd create Txn, 64 in flight", et["rawtxn"]),
             lat_row("k8c etcd backend, storage_create from 64 threads", et["storage"])])
    r.table("k8c-apiserver, 64 keep-alive clients, %d pods of %d bytes" % (
        api_sq["pods"], api_sq["manifest_bytes"]),
        ["store", "verb", "requests", "errors", "per second", "p50", "p99", "p99.9",
         "server CPU/req", "client CPU/req", "CPU bound"],
        api_rows("SQLite", api_sq) + api_rows("etcd", api_et))
    sq_c, sq_g = api_sq["phases"]["create"], api_sq["phases"]["get"]
    et_c = api_et["phases"]["create"]
    ratio_sq = sq_c["per_second"] / max(1, raw_sq[64]["per_second"])
    ratio_et = et_c["per_second"] / max(1, et["raw"]["per_second"])
    r.table("Ratios (same run)", ["what", "ratio"],
            [["API creates/s on SQLite / raw SQLite 64 rows per commit", "%.0f%%" % (ratio_sq * 100)],
             ["API creates/s on etcd / raw etcd Puts/s (64 in flight)", "%.0f%%" % (ratio_et * 100)],
             ["API creates/s on etcd / raw etcd create Txns/s", "%.0f%%" % (
                 et_c["per_second"] / max(1, et["rawtxn"]["per_second"]) * 100)]])
    r.target("creates/s on SQLite", ">= 10,000/s", rate(sq_c["per_second"]),
             sq_c["per_second"] >= 10000, sq_c["per_second"])
    r.target("create p99 on SQLite", "<= 20 ms", ms(sq_c["p99_ms"]), sq_c["p99_ms"] <= 20,
             sq_c["p99_ms"])
    r.target("single-object gets/s (SQLite)", ">= 30,000/s", rate(sq_g["per_second"]),
             sq_g["per_second"] >= 30000, sq_g["per_second"])
    r.target("creates/s on etcd vs raw etcd Puts/s", ">= 60%", "%.0f%%" % (ratio_et * 100),
             ratio_et >= 0.6, ratio_et)
    r.data.update({"raw_sqlite": raw_sq, "storage_sqlite": st_sq, "etcd": et,
                   "api_sqlite": api_sq, "api_etcd": api_et})


def main():
    a = benchlib.args(__doc__)
    r = benchlib.Results(a, "api_storage", "API and storage")
    secs = 1 if a.quick else 5
    sizes = ({"pods": 300, "gets": 1000, "lists": 10} if a.quick else
             {"pods": 10000, "gets": 60000, "lists": 200})
    raw_sq = raw_sqlite(a, secs)
    st_sq = storage_sqlite(a, secs)
    api_sq = api(a, "sqlite", None, sizes)
    etcd = Etcd(a.work, name="bench")
    try:
        et = raw_etcd(a, etcd, secs)
        # every GET without a resourceVersion asks etcd for its revision: fewer of them
        api_et = api(a, "etcd", etcd, dict(sizes, gets=sizes["gets"] // 3))
    finally:
        etcd.stop()
    report(r, raw_sq, st_sq, et, api_sq, api_et)
    r.note("CPU bound: the rate this machine's %d cores would allow if the server and the load "
           "generator had them to themselves (cores / CPU time per request); the machine is "
           "shared, see the load average above" % os.cpu_count())
    r.save()


main()
