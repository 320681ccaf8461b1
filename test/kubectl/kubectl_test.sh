#!/usr/bin/env bash
# kubectl_test.sh - Debian's real kubectl, unmodified, against k8c-apiserver with
# --server and client-side validation on: apply (created / configured / unchanged),
# get with kubectl's columns in every output format, -l, -A, -w, scale, delete -f.
#
#   kubectl_test.sh APISERVER_BINARY [sqlite|etcd]
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../../hack/lib.sh"
source "$here/../lib/checks.sh"
source "$here/../lib/manifests.sh"

apiserver=$1
backend=${2:-sqlite}
work=$(mktemp -d /tmp/k8c-kubectl-XXXXXX)
trap 'stop_all; [ "$failed" = 0 ] && rm -rf "$work"' EXIT
kubectl_bin=$(k8c_debian_kubectl) || exit 1

pids=()
stop_all() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; }

if [ "$backend" = etcd ]; then
  start_etcd "$work/etcd" || exit 1
  pids+=("$ETCD_PID")
  store=(--etcd-servers "$ETCD_ENDPOINT")
else
  store=(--data-dir "$work/data")
fi
"$apiserver" --port 0 --port-file "$work/port" "${store[@]}" >"$work/apiserver.log" 2>&1 &
pids=("$!" "${pids[@]}")
wait_for 20 "the port file" test -s "$work/port"
server="http://127.0.0.1:$(cat "$work/port")"
wait_for 20 "k8c-apiserver /readyz" curl -sf "$server/readyz"
export KUBECONFIG=/dev/null HOME="$work"
kc() { "$kubectl_bin" --server "$server" "$@"; }


begin_case apply_created
web_manifest k8c.local/busybox:1 yes >"$work/web.yaml"
out=$(kc apply -f "$work/web.yaml" 2>&1)
check_eq "$out" $'deployment.apps/web created\nservice/web created' "first apply creates"

begin_case apply_configured
web_manifest k8c.local/busybox:2 no >"$work/web.yaml"
out=$(kc apply -f "$work/web.yaml" 2>&1)
check_eq "$out" $'deployment.apps/web configured\nservice/web unchanged' "second apply configures"
check_eq "$(kc get deploy web -o jsonpath='{.spec.template.spec.containers[0].image}')" \
  k8c.local/busybox:2 "the stored image changed"
check_eq "$(kc get deploy web -o jsonpath='{.spec.template.spec.containers[0].env[*].name}')" \
  A "the removed env var is gone"

begin_case apply_unchanged
out=$(kc apply -f "$work/web.yaml" 2>&1)
check_eq "$out" $'deployment.apps/web unchanged\nservice/web unchanged' "third apply changes nothing"

begin_case get_columns
kc create -f - >/dev/null <<'YAML'
apiVersion: v1
kind: Pod
metadata: {name: lonely, labels: {app: web}}
spec:
  containers: [{name: c, image: k8c.local/busybox}]
YAML
out=$(kc get pods,deploy,svc 2>&1)
check_match "$out" '^NAME +READY +STATUS +RESTARTS +AGE' "pod columns"
check_match "$out" '^pod/lonely +0/1 +Pending +0 +[0-9]+s' "pod row"
check_match "$out" '^NAME +READY +UP-TO-DATE +AVAILABLE +AGE' "deployment columns"
check_match "$out" '^deployment.apps/web +0/2 +0 +0 +[0-9]+s' "deployment row"
check_match "$out" '^NAME +TYPE +CLUSTER-IP +EXTERNAL-IP +PORT\(S\) +AGE' "service columns"
check_match "$out" '^service/web +ClusterIP ' "service row"
out=$(kc get deploy -o wide 2>&1)
check_match "$out" 'CONTAINERS +IMAGES +SELECTOR' "wide columns"
check_match "$out" 'web +k8c.local/busybox:2 +app=web' "wide row"

begin_case get_output_formats
check_match "$(kc get deploy web -o yaml)" '^  name: web$' "-o yaml"
check_match "$(kc get deploy web -o yaml)" '^kind: Deployment$' "-o yaml kind"
check_eq "$(kc get deploy web -o json | "$K8C_PYTHON" -c 'import json,sys; print(json.load(sys.stdin)["metadata"]["name"])')" \
  web "-o json"
check_eq "$(kc get deploy -o name)" deployment.apps/web "-o name"
check_eq "$(kc get pods -l app=web -o name)" pod/lonely "-l app=web"
check_eq "$(kc get pods -l app=nope 2>&1)" "No resources found in default namespace." "-l matching nothing"
out=$(kc get deploy -A 2>&1)
check_match "$out" '^NAMESPACE +NAME +READY' "-A adds the namespace column"
check_match "$out" '^default +web ' "-A row"
check_match "$(kc get ns)" '^kube-system +Active' "namespaces"

begin_case get_watch
kc get deploy web -w >"$work/watch.out" 2>&1 &
wpid=$!
wait_for 10 "the watch to print the initial row" grep -q '^web ' "$work/watch.out"
kc scale deployment web --replicas=4 >/dev/null
wait_for 10 "the watch to see the change" grep -q '^web +0/4' "$work/watch.out" \
  || grep -Eq '^web +0/4' "$work/watch.out"
check "grep -Eq '^web +0/4' '$work/watch.out'" "get -w sees the change"
kill "$wpid" 2>/dev/null; wait "$wpid" 2>/dev/null

begin_case scale
out=$(kc scale deployment web --replicas=3 2>&1)
check_eq "$out" "deployment.apps/web scaled" "scale output"
check_eq "$(kc get deploy web -o jsonpath='{.spec.replicas}')" 3 "spec.replicas changed"

begin_case errors_like_kubectl
out=$(kc get deploy nope 2>&1); rc=$?
check_eq "$out" 'Error from server (NotFound): deployments.apps "nope" not found' "NotFound message"
check "[ $rc -ne 0 ]" "non-zero exit"

begin_case delete_file
out=$(kc delete -f "$work/web.yaml" 2>&1)
check_eq "$out" $'deployment.apps "web" deleted\nservice "web" deleted' "delete -f"
check_eq "$(kc get deploy,svc -o name 2>&1)" "" "nothing left"

finish_cases
