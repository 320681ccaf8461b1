#!/usr/bin/python3
"""report.py - merges the benchmark scripts' OUT/<name>.json files into results.json (every
figure, machine-readable) and results.md (a table per benchmark, then every target with its
measured value), both stamped with the machine, the date and the commit.

    report.py RESULTS_DIR DEST_DIR [BENCHMARK...]   (the benchmarks in the order given)
"""
import datetime
import json
import os
import platform
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def machine():
    cpu = "unknown"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        mem_kib = int(f.readline().split()[1])
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gib": round(mem_kib / 1024 / 1024, 1),
            "kernel": platform.release(), "load_average": [round(x, 2) for x in os.getloadavg()]}


def commit():
    def git(*args):
        return subprocess.run(["git", "-C", ROOT] + list(args), capture_output=True,
                              text=True).stdout.strip()
    c = git("rev-parse", "--short=12", "HEAD") or "unknown"
    return c + ("-dirty" if git("status", "--porcelain", "--untracked-files=no") else "")


def md_table(columns, rows):
    out = ["| " + " | ".join(columns) + " |", "|" + " --- |" * len(columns)]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return out


def markdown(doc):
    m = doc["machine"]
    lines = ["# k8c benchmark results", "",
             "Written by `hack/bench.sh`%s. Every comparison was measured in the same run." % (
                 " --quick (smoke run: the figures mean nothing)" if doc["quick"] else ""), "",
             "| machine | date | commit |", "| --- | --- | --- |",
             "| %s, %d cores, %.1f GiB, Linux %s (load average at the end %s) | %s | %s |" % (
                 m["cpu"], m["cores"], m["memory_gib"], m["kernel"],
                 " ".join(map(str, m["load_average"])), doc["date"], doc["commit"]), "",
             "The machine is shared: a load average above its core count means the figures "
             "were measured with other work competing for the CPU; the CPU-time columns "
             "hold up better than the rates.", ""]
    targets = []
    for b in doc["benchmarks"]:
        lines += ["## %s" % b["title"], ""]
        if b.get("error"):
            lines += ["**Failed:** %s" % b["error"], ""]
        for t in b.get("tables", []):
            lines += ["### %s" % t["title"], ""] + md_table(t["columns"], t["rows"]) + [""]
        lines += ["- " + n for n in b.get("notes", [])] + ([""] if b.get("notes") else [])
        targets += [[b["title"], t["what"], t["target"], t["measured"],
                     "met" if t["met"] else "**missed**"] for t in b.get("targets", [])]
    lines += ["## Targets", ""] + md_table(["benchmark", "what", "target", "measured", ""],
                                          targets) + [""]
    return "\n".join(lines)


def main():
    src, dest, names = sys.argv[1], sys.argv[2], sys.argv[3:]
    benchmarks = []
    for name in names:
        path = os.path.join(src, name + ".json")
        if os.path.exists(path):
            with open(path) as f:
                benchmarks.append(json.load(f))
        else:
            benchmarks.append({"name": name, "title": name, "error": "it wrote no results "
                               "(see the log of hack/bench.sh)"})
    doc = {"date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
           "commit": commit(), "machine": machine(),
           "quick": any(b.get("quick") for b in benchmarks), "benchmarks": benchmarks}
    os.makedirs(dest, exist_ok=True)
    with open(os.path.join(dest, "results.json"), "w") as f:
        json.dump(doc, f, indent=1)
    with open(os.path.join(dest, "results.md"), "w") as f:
        f.write(markdown(doc))
    missing = [b["name"] for b in benchmarks if b.get("error")]
    if missing:
        print("report: no results from %s" % ", ".join(missing), file=sys.stderr)
    return 1 if missing else 0


sys.exit(main())
