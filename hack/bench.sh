#!/usr/bin/env bash
# bench.sh - runs k8c's benchmarks unattended and writes bench/results.md and
# bench/results.json (a table per benchmark, every target with its measured value, the machine,
# the date and the commit). Each benchmark is a script bench/<name>.py that starts what it needs
# and stops it again; this frame runs each in its own process group and kills whatever a script
# left behind, so nothing keeps running. Targets missed are results, not failures: the exit
# status is non-zero only when a benchmark could not run.
#
# Options: --quick       a few-seconds smoke version of every benchmark (hack/test.sh runs it);
#                        its results go to a temporary folder unless --out is given
#          --build DIR   use the binaries already built in DIR (default: a release build in
#                        build/bench, set up and built here)
#          --out DIR     where results.md and results.json go (default: bench/)
#          --only NAME   run only that benchmark (repeatable)
#
# Adding a benchmark: write bench/<name>.py on bench/benchlib.py and add <name> to BENCHMARKS.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
cd "$K8C_ROOT"

BENCHMARKS=(api_storage cold_start memory)

quick=0 build="" out="" only=()
while [ $# -gt 0 ]; do
  case $1 in
    --quick) quick=1 ;;
    --build) build=$2; shift ;;
    --out) out=$2; shift ;;
    --only) only+=("$2"); shift ;;
    *) echo "usage: hack/bench.sh [--quick] [--build DIR] [--out DIR] [--only NAME]..." >&2; exit 2 ;;
  esac
  shift
done
[ ${#only[@]} -gt 0 ] && BENCHMARKS=("${only[@]}")

if [ -z "$build" ]; then
  build=build/bench
  if [ ! -f "$build/build.ninja" ]; then
    meson setup "$build" -Dbuildtype=release >"$build.setup.log" 2>&1 \
      || { cat "$build.setup.log"; exit 1; }
  fi
  ninja -C "$build" >"$build.build.log" 2>&1 || { tail -50 "$build.build.log"; exit 1; }
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/k8c-bench.XXXXXX")
if [ -z "$out" ]; then
  if [ "$quick" = 1 ]; then out=$work/report; else out=bench; fi
fi
group=""
cleanup() {
  [ -n "$group" ] && kill -9 -- "-$group" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 143' TERM INT

failed=0
for name in "${BENCHMARKS[@]}"; do
  echo "== $name" >&2
  args=(--build "$build" --out "$work/results")
  [ "$quick" = 1 ] && args+=(--quick)
  start=$(date +%s)
  setsid "$K8C_PYTHON" "bench/$name.py" "${args[@]}" &
  group=$!
  wait "$group" || { echo "bench: $name failed" >&2; failed=1; }
  # whatever the script left running (its process group) goes now
  kill -9 -- "-$group" 2>/dev/null
  group=""
  echo "   $name took $(( $(date +%s) - start )) s" >&2
done

"$K8C_PYTHON" bench/report.py "$work/results" "$out" "${BENCHMARKS[@]}" || failed=1
echo "bench: wrote $out/results.md and $out/results.json" >&2
[ "$quick" = 1 ] && [ "$out" = "$work/report" ] && cat "$out/results.md"
exit $failed
