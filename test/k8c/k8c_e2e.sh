#!/usr/bin/env bash
# k8c_e2e.sh - k8c and Debian's kubectl side by side on rollouts the real controllers
# drive: k8c-apiserver, k8c-controller-manager (Deployment, ReplicaSet, garbage
# collector), and a stand-in kubelet (fixtures.py kubelet) that binds pods and marks
# them Running and Ready until the real kubelet exists. apply, rollout status (progress
# until "successfully rolled out"), set image, history, undo, restart, scale, describe,
# and deletion through the garbage collector.
#
#   k8c_e2e.sh APISERVER_BINARY CONTROLLER_MANAGER_BINARY K8C_BINARY
#
# The logs of pods that really run: k8c_logs.sh, on a real kubelet.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../../hack/lib.sh"
source "$here/../lib/checks.sh"
source "$here/lib.sh"

manager=$2
k8c_bin=$3
k8c_suite_start "$1"
"$manager" --server "$server" --leader-elect=false >"$work/manager.log" 2>&1 &
pids+=("$!")
# started directly (not through the fixture function) so that $! is its own pid
"$K8C_PYTHON" "$here/fixtures.py" "$server" kubelet node-1 >"$work/kubelet.log" 2>&1 &
pids+=("$!")

# same ARGS...: kubectl in nsa and k8c in nsb, side by side, print the same (ages of
# events and pods blanked: the controllers did not act at the very same instant).
same() {
  run_both nsa nsb "$@"
  check_eq "$(tick <<<"$B")" "$(tick <<<"$A")" "k8c $* prints like kubectl"
}

# rolled_out: both `rollout status` runs follow the controllers to success; their
# progress lines depend on timing, their last line and status do not.
rolled_out() {
  local p
  { kc -n nsa rollout status deploy/web --timeout=60s >a.out 2>&1; echo "rc=$?" >>a.out; } &
  p=$!
  k8 -n nsb rollout status deploy/web --timeout=60s >b.out 2>&1; echo "rc=$?" >>b.out
  wait "$p"
  check_eq "$(tail -2 b.out)" $'deployment "web" successfully rolled out\nrc=0' "k8c rollout status ends in success"
  check_eq "$(tail -2 a.out)" $'deployment "web" successfully rolled out\nrc=0' "kubectl rollout status ends in success"
  check "grep -q '^Waiting for deployment \"web\" rollout to finish: ' b.out || [ \$(wc -l <b.out) -eq 2 ]" \
    "k8c rollout status lines read like kubectl's"
}

for ns in nsa nsb; do kc create ns $ns >/dev/null; done
manifest k8c.local/busybox:1 no >web.yaml

begin_case rollout_of_a_new_deployment
same apply -f web.yaml
rolled_out
same rollout history deploy/web
same get rs -o wide

begin_case rollout_of_a_new_image
same set image deploy/web web=k8c.local/busybox:2
rolled_out
same rollout history deploy/web
same rollout history deploy/web --revision=1

begin_case undo_restart_scale
same rollout undo deploy/web
rolled_out
same rollout history deploy/web
same rollout undo deploy/web --to-revision=3
rolled_out
same scale deploy web --replicas=3
rolled_out
check_eq "$(k8 -n nsb get pods -l app=web -o name | wc -l)" 3 "three pods after the scale"
same describe deploy web
same get deploy web -o wide
# last: the restart stamps the time into the template, so names differ from here on
same rollout restart deploy/web
rolled_out

begin_case delete_through_the_garbage_collector
same delete deploy web --cascade=foreground
for ns in nsa nsb; do
  check_eq "$(k8 -n $ns get deploy,rs -o name 2>/dev/null)" "" "$ns: the Deployment went after its ReplicaSets"
  wait_for 30 "$ns: the pods to go" sh -c "[ -z \"\$('$k8c_bin' --server $server -n $ns get pods -o name 2>/dev/null)\" ]" \
    || _fail "$ns: pods left behind"
done
same apply -f web.yaml
rolled_out
same delete deploy web --cascade=orphan
check_eq "$(k8 -n nsb get rs -l app=web -o name | wc -l)" 1 "orphaned ReplicaSet stays"
same delete rs -l app=web

finish_cases
