#!/usr/bin/env bash
# lib.sh - what the k8c suites share: a k8c-apiserver of their own, kubectl and k8c
# pointed at it, the masking of what differs by nature between two runs, and running
# both side by side. Source it after hack/lib.sh and test/lib/checks.sh.

# k8c_suite_start APISERVER_BINARY: a work folder (removed when every check passed), the
# API server on a free port in it; sets work, server, pids; cds into work.
k8c_suite_start() {
  work=$(mktemp -d /tmp/k8c-cli-XXXXXX)
  pids=()
  trap 'stop_all; [ "$failed" = 0 ] && rm -rf "$work"' EXIT
  kubectl_bin=$(k8c_debian_kubectl) || exit 1
  "$1" --port 0 --port-file "$work/port" --data-dir "$work/data" >"$work/apiserver.log" 2>&1 &
  pids+=("$!")
  wait_for 20 "the port file" test -s "$work/port" || exit 1
  server="http://127.0.0.1:$(cat "$work/port")"
  wait_for 20 "k8c-apiserver /readyz" curl -sf "$server/readyz" || exit 1
  export KUBECONFIG=/dev/null HOME="$work" TZ=UTC
  cd "$work" || exit 1
}

# stop_all: ends every process the suite started (by pid).
stop_all() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; }

kc() { "$kubectl_bin" --server "$server" "$@"; }
k8() { "$k8c_bin" --server "$server" "$@"; }
fixture() { "$K8C_PYTHON" "$k8c_lib_dir/fixtures.py" "$server" "$@"; }
k8c_lib_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# mask: what may differ between two runs of the same command in two namespaces (and
# what the API server allocates: cluster IPs, node ports).
mask() {
  sed -E -e 's/\bns[ab]\b/nsX/g' \
    -e "s/(['\"])kubectl /\\1k8c /g" \
    -e 's/[A-Z][a-z]{2}, [0-9]{2} [A-Z][a-z]{2} [0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2} [-+][0-9]{4}/DATE-TIME-XXXXXXXXXXXXXXX/g' \
    -e 's/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/UID/g' \
    -e 's/"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z"/"TIME"/g' \
    -e 's/(resourceVersion"?: "?)[0-9]+/\1RV/g' \
    -e 's/\b[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\b/IP/g' \
    -e 's/("nodePort": )[0-9]+/\1PORT/g'
}

# tick: ages blanked out, width kept (alignment is still compared).
tick() { perl -pe 's/\b(\d+[smhdy](\d+[smh])?)\b/"~" x length($1)/ge'; }

# ages: the age in the last column of a table replaced (its width changes nothing there).
ages() { sed -E 's/[0-9]+[smhdy]([0-9]+[smh])?$/AGE/'; }

# run_both KUBECTL_NS K8C_NS ARGS...: stdout+stderr+status of each (run side by side),
# masked, in $A and $B.
run_both() {
  local na=$1 nb=$2 p; shift 2
  { kc -n "$na" "$@" >"$work/a.out" 2>&1; echo "rc=$?" >>"$work/a.out"; } &
  p=$!
  k8 -n "$nb" "$@" >"$work/b.out" 2>&1; echo "rc=$?" >>"$work/b.out"
  wait "$p"
  A=$(mask <"$work/a.out"); B=$(mask <"$work/b.out")
}

# same_ro NS ARGS...: a read-only command on the same objects. The two read them a
# fraction of a second apart, so an age may tick in between: ages are blanked, and a
# difference of width must survive three tries to count.
same_ro() {
  local ns=$1; shift
  for _ in 1 2 3; do
    run_both "$ns" "$ns" "$@"
    [ "$(tick <<<"$A")" = "$(tick <<<"$B")" ] && return 0
  done
  _fail "k8c $* differs from kubectl:"$'\n'"$(diff <(echo "$A") <(echo "$B"))"
}

# case_begin NAME: begin_case, printing the time the previous case took (the suites must
# stay quick); case_end prints the last one's.
case_t0=$(date +%s%N)
case_begin() {
  case_end
  case_t0=$(date +%s%N)
  begin_case "$1"
}
case_end() {
  [ -n "$case_name" ] && echo "    ($case_name: $(( ($(date +%s%N) - case_t0) / 1000000 )) ms)"
  return 0
}

# same_rw ARGS...: kubectl in nsa and k8c in nsb give the same output.
same_rw() {
  run_both nsa nsb "$@"
  [ "$A" = "$B" ] || _fail "k8c $* differs from kubectl:"$'\n'"$(diff <(echo "$A") <(echo "$B"))"
}

source "$(dirname "${BASH_SOURCE[0]}")/../lib/manifests.sh"

# manifest IMAGE WITH_ENV_B: a Deployment, a Service and a ConfigMap named web/web/conf.
manifest() { web_manifest "$1" "$2" yes; }
