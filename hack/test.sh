#!/usr/bin/env bash
# test.sh - installs what is missing, builds k8c in fresh build folders and runs
# every test suite: once in a normal -Dwerror=true build, and the unit and
# integration suites again under AddressSanitizer + UndefinedBehaviorSanitizer.
# The last line printed is "N passed, N failed"; the exit status is non-zero
# when anything failed.
#
# Options: --quick        skip the sanitizer build
#          --suite NAME   run only that meson suite (repeatable)
set -uo pipefail
source "$(dirname "$0")/lib.sh"
cd "$K8C_ROOT"

quick=0
suites=()
while [ $# -gt 0 ]; do
  case $1 in
    --quick) quick=1 ;;
    --suite) suites+=(--suite "$2"); shift ;;
    *) echo "usage: hack/test.sh [--quick] [--suite NAME]..." >&2; exit 2 ;;
  esac
  shift
done

hack/install-deps.sh || { echo "0 passed, 1 failed"; exit 1; }
ensure_dockerd || echo "warning: no docker daemon; docker suites will fail" >&2

passed=0
failed=0

# run_tests DIR LOG MESON_TEST_ARGS...: runs tests of the built DIR (output in LOG); adds to
# the counts.
run_tests() {
  local dir=$1 log=$2; shift 2
  meson test -C "$dir" --print-errorlogs --no-rebuild "$@" 2>&1 | tee "$log" \
    | grep -E '^ *[0-9]+/[0-9]+ |^(Ok|Fail|Unexpected|Timeout|Skipped):'
  local ok fail
  ok=$(sed -n 's/^Ok: *\([0-9]*\).*/\1/p' "$log" | tail -1)
  fail=$(sed -n 's/^\(Fail\|Timeout\|Unexpected Pass\): *\([0-9]*\).*/\2/p' "$log" | paste -sd+ | bc)
  passed=$((passed + ${ok:-0}))
  failed=$((failed + ${fail:-0}))
  # Skips are not passes: a suite that skips says why in its log and counts as failed.
  local skip
  skip=$(sed -n 's/^Skipped: *\([0-9]*\).*/\1/p' "$log" | tail -1)
  failed=$((failed + ${skip:-0}))
}

# run_build DIR MESON_ARGS... -- MESON_TEST_ARGS...: fresh setup, build, test; adds to the counts.
run_build() {
  local dir=$1; shift
  local setup=() testargs=()
  while [ $# -gt 0 ] && [ "$1" != -- ]; do setup+=("$1"); shift; done
  [ $# -gt 0 ] && shift
  testargs=("$@")
  rm -rf "$dir"
  if ! meson setup "$dir" "${setup[@]}" >"$dir.setup.log" 2>&1; then
    cat "$dir.setup.log"; failed=$((failed + 1)); return 1
  fi
  if ! ninja -C "$dir" >"$dir.build.log" 2>&1; then
    tail -50 "$dir.build.log"; failed=$((failed + 1)); return 1
  fi
  run_tests "$dir" "$dir.test.log" "${testargs[@]}"
}

mkdir -p build
if [ ${#suites[@]} -eq 0 ]; then
  echo "== build (werror) and all suites but e2e"
  # The end-to-end suites run on their own afterwards: they load the one Docker daemon and
  # both cores, which would skew the latency checks of the kubelet and docker suites.
  if run_build build/ci -Dwerror=true -- --no-suite e2e; then
    echo "== end-to-end suites (same build)"
    # three at once: they mostly wait on probes, pods and containers, not on the CPU
    run_tests build/ci build/ci.e2e.log --suite e2e --num-processes 3
  fi
else
  echo "== build (werror) and the chosen suites"
  run_build build/ci -Dwerror=true -- "${suites[@]}"
fi
if [ "$quick" = 0 ]; then
  echo "== build with ASan/UBSan, unit and integration suites"
  if [ ${#suites[@]} -eq 0 ]; then
    san_suites=(--suite unit --suite integration)
  else
    san_suites=("${suites[@]}")
  fi
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    run_build build/asan -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug \
    -- "${san_suites[@]}"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
