#!/usr/bin/env bash
# local_up_test.sh - hack/local-up.sh as a user runs it, on SQLite and with --etcd: started
# in the background, it says how to use the cluster; examples/web.yaml applied with
# Debian's kubectl runs 3 ready pods that serve the page; SIGTERM stops every process,
# removes every container of the node and the proxy's rules. And the failures: a port in
# use, an API server that cannot start: one clear line, non-zero, nothing left running.
#
# Usage: local_up_test.sh BUILD_DIR   (an existing build; local-up reuses it)
set -uo pipefail
build=$(realpath "$1")
root=$(cd "$(dirname "$0")/../.." && pwd)
source "$root/hack/lib.sh"
source "$root/test/lib/checks.sh"
kubectl=$(k8c_debian_kubectl) || exit 1
work=$(mktemp -d /tmp/k8c-local-up-XXXXXX)
lu_pid=""

cleanup() {
  [ -z "$lu_pid" ] || kill -TERM "$lu_pid" 2>/dev/null
  [ -z "$lu_pid" ] || wait "$lu_pid" 2>/dev/null
  if [ "$failed" = 0 ]; then rm -rf "$work"; else echo "work dir kept: $work"; fi
}
trap cleanup EXIT

# A port P with P+1 and P+2 free too (--etcd puts etcd there), below the ephemeral range:
# local-up binds them seconds later, and a client's connection could take one meanwhile.
three_free_ports() {
  local p lo
  lo=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range)
  while :; do
    p=$((20000 + RANDOM % (lo - 20000 - 3)))
    port_in_use "$p" || port_in_use $((p + 1)) || port_in_use $((p + 2)) || break
  done
  echo "$p"
}

port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

ready_web_pods() {
  [ "$(KUBECONFIG=$1 "$kubectl" get pods -l app=web --no-headers 2>/dev/null |
       grep -c ' 1/1 *Running ')" = 3 ]
}

# restart_case DIR OUT: kill -9 of the scheduler; local-up starts it again and it schedules.
restart_case() {
  local dir=$1 out=$2
  begin_case "local-up: a component that exits is started again"
  local sched
  sched=$(awk '$2 == "scheduler" { p = $1 } END { print p }' "$dir/pids")
  check_match "$(tr '\0' ' ' <"/proc/$sched/cmdline")" "k8c-scheduler --kubeconfig" \
    "the pid recorded is the scheduler itself"
  kill -9 "$sched"
  wait_for 30 "local-up to start the scheduler again" \
    grep -q "k8c scheduler exited (status 137); starting it again" "$out" || _fail "not restarted"
  wait_for 30 "a new scheduler" sh -c "[ \$(grep -c ' scheduler\$' '$dir/pids') = 2 ]" ||
    _fail "no new scheduler pid"
  check_match "$(KUBECONFIG=$dir/kubeconfig "$kubectl" scale deployment/web --replicas=4 2>&1)" \
    "scaled" "kubectl scale"
  wait_for 60 "a 4th web pod scheduled and running" sh -c \
    "[ \$('$kubectl' get pods -l app=web --no-headers | grep -c ' 1/1 *Running ') = 4 ]" ||
    _fail "the restarted scheduler did not place the 4th pod"
}

# run_cluster NAME LOCAL_UP_ARGS...: the whole story on one cluster.
run_cluster() {
  local name=$1
  shift
  local dir=$work/$name port node=lu-$$-$name out=$work/$name.out
  port=$(three_free_ports)
  begin_case "local-up ($name) comes up and says how to use it"
  local t0=$SECONDS
  "$root/hack/local-up.sh" --build-dir "$build" --dir "$dir" --port "$port" --node-name "$node" \
    "$@" >"$out" 2>&1 &
  lu_pid=$!
  wait_for 180 "local-up ($name) to print that k8c is up (or to exit)" \
    sh -c "grep -q '^k8c is up' '$out' || ! kill -0 $lu_pid 2>/dev/null"
  if ! grep -q '^k8c is up' "$out"; then
    tail -20 "$out"
    _fail "local-up did not come up"
    return
  fi
  echo "    up in $((SECONDS - t0)) s"
  check_match "$(cat "$out")" "export KUBECONFIG=$dir/kubeconfig" "the export line"
  check_match "$(cat "$out")" "node '$node' Ready" "the node is named"
  export KUBECONFIG=$dir/kubeconfig

  begin_case "local-up ($name): examples/web.yaml serves from every pod"
  check_match "$("$kubectl" apply -f "$root/examples/web.yaml" 2>&1)" 'deployment.apps/web created' \
    "kubectl apply"
  wait_for 90 "3 web pods 1/1 Running" ready_web_pods "$KUBECONFIG" || _fail "web pods not ready"
  local ip ips
  ips=$("$kubectl" get pods -l app=web -o jsonpath='{.items[*].status.podIP}')
  check_eq "$(wc -w <<<"$ips")" 3 "pod IPs"
  for ip in $ips; do
    check_match "$(curl -s -m 5 "http://$ip:8080/")" 'page version 1' "the page from $ip"
  done
  local cip
  cip=$("$kubectl" get service web -o jsonpath='{.spec.clusterIP}')
  wait_for 20 "the page through the Service's cluster IP $cip (k8c-proxy)" \
    sh -c "curl -s -m 5 'http://$cip/' | grep -q 'page version 1'" || _fail "no page from $cip"
  [ "$name" = sqlite ] && restart_case "$dir" "$out"
  local pids
  pids=$(awk '{print $1}' "$dir/pids")

  begin_case "local-up ($name): SIGTERM stops everything and removes the containers"
  kill -TERM "$lu_pid"
  local rc=0
  wait_for 60 "local-up to exit" sh -c "! kill -0 $lu_pid 2>/dev/null" || _fail "still running"
  wait "$lu_pid" || rc=$?
  lu_pid=""
  check_eq "$rc" 143 "exit status after SIGTERM"
  check_match "$(tail -3 "$out")" "stopped; no container of node '$node' is left" "the last words"
  local p left=""
  for p in $pids; do kill -0 "$p" 2>/dev/null && left+=" $p"; done
  check_eq "$left" "" "processes still running"
  check_eq "$(pgrep -af -- "$dir/" || true)" "" "processes running on the cluster's files"
  check_eq "$(docker ps -aq --filter "label=io.k8c.node=$node")" "" "containers of $node"
  check_eq "$(iptables-save | grep -c "K8C$port-")" 0 "iptables rules of the cluster's proxy"
  unset KUBECONFIG
}

run_cluster sqlite
run_cluster etcd --etcd

begin_case "local-up: a port in use is one clear line and nothing starts"
port=$(three_free_ports)
"$K8C_PYTHON" -c "import socket,time; s=socket.socket(); s.bind(('127.0.0.1',$port)); s.listen(); time.sleep(30)" &
holder=$!
wait_for 10 "the port holder" bash -c "(exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null"
out=$("$root/hack/local-up.sh" --build-dir "$build" --dir "$work/busy" --port "$port" 2>&1)
rc=$?
kill "$holder"
check_eq "$rc" 1 "exit status"
check_eq "$(tail -1 <<<"$out")" "local-up: port $port is in use (another API server?); pick one with --port" \
  "the message"

begin_case "local-up: an API server that cannot start is one clear line and nothing is left"
mkdir -p "$work/broken"
echo "not a directory" >"$work/broken/data"
port=$(three_free_ports)
out=$("$root/hack/local-up.sh" --build-dir "$build" --dir "$work/broken" --port "$port" \
  --node-name "lu-$$-broken" 2>&1)
rc=$?
check_eq "$rc" 1 "exit status"
check_match "$(tail -1 <<<"$out")" "^local-up: k8c apiserver exited before answer on http://127.0.0.1:$port/readyz; see $work/broken/logs/apiserver.log$" \
  "the message"
check_eq "$(pgrep -f -- "--port $port" || true)" "" "processes left"

finish_cases
