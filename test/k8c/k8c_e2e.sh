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
# Hook for later: with a real kubelet, replace the stand-in and add `logs -f` of the
# rolled-out pods here.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../../hack/lib.sh"
source "$here/../lib/checks.sh"

apiserver=$1
manager=$2
k8c_bin=$3
work=$(mktemp -d /tmp/k8c-e2e-XXXXXX)
pids=()
stop_all() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; }
trap 'stop_all; [ "$failed" = 0 ] && rm -rf "$work"' EXIT
kubectl_bin=$(k8c_debian_kubectl) || exit 1

"$apiserver" --port 0 --port-file "$work/port" --data-dir "$work/data" >"$work/apiserver.log" 2>&1 &
pids+=("$!")
wait_for 20 "the port file" test -s "$work/port"
server="http://127.0.0.1:$(cat "$work/port")"
wait_for 20 "k8c-apiserver /readyz" curl -sf "$server/readyz"
"$manager" --server "$server" --leader-elect=false >"$work/manager.log" 2>&1 &
pids+=("$!")
"$K8C_PYTHON" "$here/fixtures.py" "$server" kubelet node-1 >"$work/kubelet.log" 2>&1 &
pids+=("$!")
export KUBECONFIG=/dev/null HOME="$work" TZ=UTC
cd "$work" || exit 1

kc() { "$kubectl_bin" --server "$server" "$@"; }
k8() { "$k8c_bin" --server "$server" "$@"; }

mask() {
  sed -E -e 's/\bns[ab]\b/nsX/g' \
    -e 's/[A-Z][a-z]{2}, [0-9]{2} [A-Z][a-z]{2} [0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2} [-+][0-9]{4}/DATE-TIME-XXXXXXXXXXXXXXX/g' \
    -e 's/\b[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\b/IP/g' \
    | perl -pe 's/\b(\d+[smhdy](\d+[smh])?)\b/"~" x length($1)/ge'
}

# same ARGS...: kubectl in nsa and k8c in nsb, side by side, print the same.
same() {
  local p
  { kc -n nsa "$@" >a.out 2>&1; echo "rc=$?" >>a.out; } &
  p=$!
  k8 -n nsb "$@" >b.out 2>&1; echo "rc=$?" >>b.out
  wait "$p"
  check_eq "$(mask <b.out)" "$(mask <a.out)" "k8c $* prints like kubectl"
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
cat >web.yaml <<'YAML'
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: k8c.local/busybox:1
YAML

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
same rollout restart deploy/web
rolled_out
same scale deploy web --replicas=3
rolled_out
check_eq "$(k8 -n nsb get pods -l app=web -o name | wc -l)" 3 "three pods after the scale"
same describe deploy web
same get deploy web -o wide

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
