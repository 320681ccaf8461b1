#!/usr/bin/env bash
# k8c_logs.sh - k8c and Debian's kubectl side by side on a real node: k8c-apiserver,
# k8c-controller-manager, k8c-scheduler and k8c-kubelet running the pods in the real
# Docker daemon. Both read the same pods, so their output (stdout, stderr and exit
# status) must be the same, with ages blanked: logs (a pod, -c of a two-container pod
# and the error without it, --tail, --timestamps, --since, --limit-bytes, --prefix,
# --previous after a crash and after `docker kill`, a Deployment's pod, -l, -f of one
# and of several streams while the container writes more, and the flag checks), describe
# of running, restarted and waiting pods with the scheduler's and the kubelet's events,
# describe node, and wait --for=condition=Ready. Every container is removed at the end.
#
#   k8c_logs.sh APISERVER CONTROLLER_MANAGER SCHEDULER KUBELET PAUSE_BINARY K8C_BINARY
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../../hack/lib.sh"
source "$here/../lib/checks.sh"
source "$here/lib.sh"

k8c_bin=$6
node=k8c-logs-$$
ensure_dockerd || exit 1
"$here/../../hack/build-images.sh" --pause "$5" >/dev/null || exit 1
k8c_suite_start "$1"

# node_containers: ids of every container of this suite's node
node_containers() { docker ps -aq --filter "label=io.k8c.node=$node"; }
cleanup() {
  stop_all
  local left
  left=$(node_containers)
  [ -z "$left" ] || docker rm -f $left >/dev/null
  if [ "$failed" = 0 ]; then rm -rf "$work"; else echo "logs kept in $work"; fi
}
trap cleanup EXIT

"$2" --server "$server" --leader-elect=false >manager.log 2>&1 &
pids+=("$!")
"$3" --server "$server" --leader-elect=false >scheduler.log 2>&1 &
pids+=("$!")
# Short back-offs so that restarts show within a second. A long --sync-frequency: each
# sync rewrites a pod's startTime and Ready time (a kubelet bug), which would change
# what the two clients read a moment apart; container changes still wake the pods.
"$4" --server "$server" --node-name "$node" --root-dir "$work/root" --port 0 \
  --port-file "$work/kubelet.port" --image-pull never --pause-binary "$5" \
  --restart-backoff 500ms --restart-backoff-max 2s --relist-period 300ms \
  --sync-frequency 10m >kubelet.log 2>&1 &
pids+=("$!")
wait_for 20 "node $node to be Ready" sh -c "'$k8c_bin' --server $server get node $node \
  -o jsonpath='{.status.conditions[?(@.type==\"Ready\")].status}' | grep -qx True" \
  || { _fail "no Ready node (logs kept in $work)"; exit 1; }

mkdir -p feed
touch feed/in
cat >pods.yaml <<YAML
apiVersion: v1
kind: Pod
metadata: {name: one, labels: {app: lines}}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: main
    image: k8c.local/busybox
    command: [sh, -c, 'for i in \$(seq 12); do echo "line \$i"; done; exec sleep 3600']
---
apiVersion: v1
kind: Pod
metadata: {name: two}
spec:
  terminationGracePeriodSeconds: 1
  initContainers:
  - {name: prep, image: k8c.local/busybox, command: [echo, prepared]}
  containers:
  - {name: left, image: k8c.local/busybox, command: [sh, -c, 'echo left side; exec sleep 3600']}
  - name: right
    image: k8c.local/busybox
    command: [sh, -c, 'echo right side; exec tail -f /feed/in']
    volumeMounts: [{name: feed, mountPath: /feed}]
  volumes:
  - {name: feed, hostPath: {path: '$work/feed', type: Directory}}
---
apiVersion: v1
kind: Pod
metadata: {name: again}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: count
    image: k8c.local/busybox
    # the first run fails, the second stays up: --previous reads the first
    command: [sh, -c, 'n=\$((\$(cat /d/n 2>/dev/null || echo 0) + 1)); echo \$n >/d/n; echo "run \$n"; [ \$n -ge 2 ] && exec sleep 3600; exit 1']
    volumeMounts: [{name: d, mountPath: /d}]
  volumes:
  - {name: d, emptyDir: {}}
---
apiVersion: v1
kind: Pod
metadata: {name: stuck}
spec:
  containers:
  - {name: c, image: 'k8c.local/missing:1'}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: web
        image: k8c.local/busybox
        command: [sh, -c, 'echo "I am \$(hostname)"; exec sleep 3600']
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80}]
---
apiVersion: v1
kind: Service
metadata: {name: nosel}
spec:
  ports: [{port: 80}]
YAML

# same ARGS...: kubectl and k8c read the same objects and print the same (ages
# blanked); the output is left in $B for further checks of what it says.
same() { same_ro default "$@"; }

# same_lines ARGS...: the same lines in any order (kubectl 1.20 reads several streams
# in Go's random map order).
same_lines() {
  run_both default default "$@"
  check_eq "$(sort <<<"$B")" "$(sort <<<"$A")" "k8c $* prints the lines kubectl prints"
}

# jp POD JSONPATH: a field of a pod.
jp() { k8 get pod "$1" -o jsonpath="$2"; }

case_begin wait_for_ready
kc apply -f pods.yaml >/dev/null
same wait --for=condition=Ready pod/one pod/two --timeout=60s
check_eq "$B" $'pod/one condition met\npod/two condition met\nrc=0' "wait returns when the pods are Ready"
same wait --for=condition=Ready pod -l app=web --timeout=60s
check_eq "$(grep -c 'condition met' <<<"$B")" 2 "both pods of the Deployment are Ready"
same wait --for=condition=Ready pod/stuck --timeout=1s
check_eq "$B" $'error: timed out waiting for the condition on pods/stuck\nrc=1' "wait times out on a pod that never runs"
wait_for 20 "again to run a second time" sh -c "[ \"\$('$k8c_bin' --server $server get pod again \
  -o jsonpath='{.status.containerStatuses[0].restartCount}{.status.containerStatuses[0].ready}')\" = 1true ]" \
  || _fail "again did not restart"

case_begin logs_of_a_pod
same logs one
check_eq "$(head -1 <<<"$B")/$(grep -c '^line' <<<"$B")" "line 1/12" "every line of the pod"
same logs one --tail 3
check_eq "$B" $'line 10\nline 11\nline 12\nrc=0' "--tail 3"
same logs one --tail=0
same logs pod/one main --tail=1
same logs one --timestamps --tail=2
check_match "$B" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{9}Z line 11$' "--timestamps: RFC 3339 with nanoseconds"
same logs one --limit-bytes=8
same logs one --since=1h --tail=1
same logs one --since-time=2000-01-01T00:00:00+01:00 --tail=1
same logs one --since-time=2020-13-01T00:00:00Z
same logs one --prefix --tail=1
check_eq "$B" $'[pod/one/main] line 12\nrc=0' "--prefix"
same logs -l app=lines
check_eq "$(grep -c '^line' <<<"$B")" 10 "a selector reads the last 10 lines"
same logs -l app=lines --tail=-1
for args in "one --tail=-2" "one --since=-1s" "one --limit-bytes=-1" "one main -c main" \
  "one --since=1s --since-time=2020-01-01T00:00:00Z" "-l app=lines one" "one --pod-running-timeout=0"; do
  same logs $args
done

case_begin logs_of_two_containers
same logs two
check_match "$B" 'choose one of: \[left right\] or one of the init containers: \[prep\]' "the containers named"
same logs two -c left
check_eq "$B" $'left side\nrc=0' "-c left"
same logs two right --tail=1
same logs two -c prep
same logs two -c nope
same logs two --all-containers -c left
same_lines logs two --all-containers --prefix
check_match "$B" '^\[pod/two/prep\] prepared$' "--all-containers reads the init container too"

case_begin logs_of_a_deployment
same logs deploy/web
pick=$(sed -n 's|^Found 2 pods, using pod/||p' <<<"$B")
check_match "$B" "^I am $pick\$" "deploy/web reads the pod it names"
same logs rs/"$(k8 get rs -l app=web -o jsonpath='{.items[0].metadata.name}')"
same logs svc/web -c web --tail=1
same logs svc/nosel
same logs deploy/nope
same_lines logs -l app=web --prefix
same logs -l app=web -f --max-log-requests=1

case_begin previous_instances
same logs again --previous
check_eq "$B" $'run 1\nrc=0' "--previous reads the instance that failed"
same logs again
check_eq "$B" $'run 2\nrc=0' "the instance that runs now"
same logs -f again --previous
same logs one --previous
same logs stuck
docker kill "$(docker ps -q --filter "label=io.k8c.node=$node" --filter label=io.k8c.pod.name=one \
  --filter label=io.k8c.container.name=main)" >/dev/null
wait_for 20 "one to restart after docker kill" sh -c "[ \"\$('$k8c_bin' --server $server get pod one \
  -o jsonpath='{.status.containerStatuses[0].restartCount}{.status.containerStatuses[0].ready}')\" = 1true ]" \
  || _fail "one did not restart"
same logs one --previous --tail=2
check_eq "$B" $'line 11\nline 12\nrc=0' "--previous after docker kill"
same get pod one

# follow_start ARGS...: kubectl and k8c follow side by side (started directly, so that
# their pids are theirs), into fa.out and fb.out.
follow_start() {
  "$kubectl_bin" --server "$server" "$@" >fa.out 2>&1 &
  fa=$!
  "$k8c_bin" --server "$server" "$@" >fb.out 2>&1 &
  fb=$!
  pids+=("$fa" "$fb")
}
# follow_until TEXT: both outputs show TEXT.
follow_until() {
  wait_for 10 "kubectl logs -f to show '$1'" grep -qF -- "$1" fa.out || _fail "kubectl never showed '$1'"
  wait_for 10 "k8c logs -f to show '$1'" grep -qF -- "$1" fb.out || _fail "k8c never showed '$1'"
}
# follow_stop SORT: ends both; their outputs must be the same (sorted first with SORT=sort).
follow_stop() {
  kill "$fa" "$fb"
  wait "$fa" "$fb" 2>/dev/null
  check_eq "$(${1:-cat} fb.out)" "$(${1:-cat} fa.out)" "k8c logs -f saw what kubectl saw"
}

case_begin follow
follow_start logs -f two -c right
follow_until "right side"
echo "fed 1" >>feed/in
follow_until "fed 1"
printf 'fed 2\nfed 3\n' >>feed/in
follow_until "fed 3"
follow_stop
check_eq "$(cat fb.out)" $'right side\nfed 1\nfed 2\nfed 3' "-f shows the lines written while following"
follow_start logs -f --tail=1 --timestamps two -c right
follow_until "fed 3"
echo "fed 4" >>feed/in
follow_until "fed 4"
follow_stop
follow_start logs -f --all-containers --prefix --tail=1 two
follow_until "[pod/two/left] left side"
echo "fed 5" >>feed/in
follow_until "[pod/two/right] fed 5"
follow_stop sort
check_eq "$(sort fb.out)" $'[pod/two/left] left side\n[pod/two/prep] prepared\n[pod/two/right] fed 4\n[pod/two/right] fed 5' \
  "three streams followed side by side"
follow_start logs -f --previous --ignore-errors --tail=1 -l 'app in (lines,web)'
wait "$fa" "$fb"
check_eq "$(sort fb.out)" "$(sort fa.out)" "followed streams end, errors ignored, like kubectl's"
check_match "$(cat fb.out)" '^error: previous terminated container "web" in pod "web-.*" not found$' \
  "--ignore-errors prints the error as a line"

case_begin describe_and_events
same describe pod two
check_match "$B" '^    Ready: +True$' "describe: the containers are Ready"
check_match "$B" "Normal +Scheduled +[0-9smh]+ +default-scheduler +Successfully assigned default/two to $node" \
  "describe: the scheduler's event"
check_match "$B" 'Normal +Started +[0-9smh]+ +kubelet +Started container right' "describe: the kubelet's events"
same describe pod one
check_match "$B" '^      Exit Code: +137$' "describe: the killed instance"
same describe pod again
check_match "$B" '^    Last State: +Terminated$' "describe: the failed instance"
same describe pod stuck
check_match "$B" '^      Reason: +(ErrImageNeverPull|ImagePullBackOff)$' "describe: the waiting container"
same describe deploy web
same describe node "$node"
same get events --field-selector involvedObject.name=two

case_begin every_container_removed
kc delete deploy web >/dev/null
kc delete pods --all --grace-period=1 --wait=false >/dev/null
wait_for 30 "every container of $node to be removed" sh -c "[ -z \"\$(docker ps -aq \
  --filter label=io.k8c.node=$node)\" ]" || _fail "containers left: $(docker ps -a --filter "label=io.k8c.node=$node")"
stop_all
check_eq "$(node_containers)" "" "docker ps -a shows no container of the node once the kubelet is gone"

case_end
finish_cases
