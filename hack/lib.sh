#!/usr/bin/env bash
# lib.sh - shell helpers shared by hack/ scripts and the shell test suites.
# Source it; it defines functions only (and K8C_ROOT), it runs nothing.

K8C_ROOT=${K8C_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}

# Prints the path of Debian's kubectl (package kubernetes-client).
k8c_debian_kubectl() {
  if dpkg-query -W -f='${Status}' kubernetes-client 2>/dev/null | grep -q 'install ok installed'; then
    echo /usr/bin/kubectl
  elif [ -x /opt/k8c-deps/kubernetes-client/usr/bin/kubectl ]; then
    echo /opt/k8c-deps/kubernetes-client/usr/bin/kubectl
  else
    echo "k8c: Debian's kubectl is not installed (run hack/install-deps.sh)" >&2
    return 1
  fi
}

# Debian's python3, which can import python3-kubernetes (the first python3 on PATH may not).
K8C_PYTHON=/usr/bin/python3

# wait_for DEADLINE_SECONDS DESCRIPTION CMD...: runs CMD every 50 ms until it succeeds;
# fails with a message naming DESCRIPTION when the deadline passes.
wait_for() {
  local deadline=$1 what=$2
  shift 2
  local end=$(( $(date +%s%N) + deadline * 1000000000 ))
  while ! "$@" >/dev/null 2>&1; do
    if [ "$(date +%s%N)" -gt "$end" ]; then
      echo "timed out after ${deadline}s waiting for: $what" >&2
      return 1
    fi
    sleep 0.05
  done
}

# Prints a TCP port on 127.0.0.1 that nothing listens on now.
free_port() {
  "$K8C_PYTHON" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# Starts dockerd in the background unless a daemon already answers; waits until it does.
ensure_dockerd() {
  if docker version >/dev/null 2>&1; then
    return 0
  fi
  local log=${K8C_DOCKERD_LOG:-/var/log/k8c-dockerd.log}
  echo "starting dockerd (log: $log)" >&2
  if [ "$(id -u)" = 0 ]; then
    nohup dockerd >"$log" 2>&1 &
  else
    sudo sh -c "nohup dockerd >'$log' 2>&1 &"
  fi
  wait_for 60 "dockerd to answer" docker version
}

# start_etcd DIR: starts a single-member etcd with its data in DIR on free loopback ports.
# Sets ETCD_ENDPOINT (http://127.0.0.1:PORT) and ETCD_PID.
start_etcd() {
  local dir=$1
  local cport pport
  cport=$(free_port); pport=$(free_port)
  mkdir -p "$dir"
  etcd --name k8c-test --data-dir "$dir/data" \
    --listen-client-urls "http://127.0.0.1:$cport" --advertise-client-urls "http://127.0.0.1:$cport" \
    --listen-peer-urls "http://127.0.0.1:$pport" --initial-advertise-peer-urls "http://127.0.0.1:$pport" \
    --initial-cluster "k8c-test=http://127.0.0.1:$pport" --initial-cluster-state new \
    >"$dir/etcd.log" 2>&1 &
  ETCD_PID=$!
  ETCD_ENDPOINT="http://127.0.0.1:$cport"
  wait_for 30 "etcd at $ETCD_ENDPOINT" etcdctl --endpoints "$ETCD_ENDPOINT" endpoint health
}

# etcd members for the etcd storage tests. A member NAME of a cluster in DIR keeps its data in
# DIR/NAME.data, its log in DIR/NAME.log, its pid in DIR/NAME.pid, its client URL in
# DIR/NAME.url and its full command line in DIR/NAME.args, so it can be killed and restarted
# on the same ports and data.

# etcd_member_run DIR NAME: (re)starts member NAME from DIR/NAME.args in the background.
etcd_member_run() {
  local dir=$1 name=$2
  local args=()
  mapfile -t args <"$dir/$name.args"
  etcd "${args[@]}" >>"$dir/$name.log" 2>&1 &
  echo $! >"$dir/$name.pid"
}

# etcd_member_healthy DIR NAME: succeeds when member NAME runs and answers a health check (the
# process check catches a member that lost a port race and exited while another etcd answers).
etcd_member_healthy() {
  kill -0 "$(cat "$1/$2.pid")" 2>/dev/null &&
    etcdctl --endpoints "$(cat "$1/$2.url")" --command-timeout=2s endpoint health
}

# start_etcd_cluster DIR N: starts an N-member etcd cluster (members m1..mN) on free loopback
# ports with its data in DIR; waits until every member is healthy. Sets ETCD_ENDPOINTS
# (comma-separated client URLs, also written to DIR/endpoints).
start_etcd_cluster() {
  local dir=$1 n=$2 i cluster="" name
  local cports=() pports=()
  mkdir -p "$dir"
  for i in $(seq 1 "$n"); do
    cports[i]=$(free_port); pports[i]=$(free_port)
    cluster+="${cluster:+,}m$i=http://127.0.0.1:${pports[i]}"
  done
  ETCD_ENDPOINTS=""
  for i in $(seq 1 "$n"); do
    name=m$i
    printf '%s\n' --name "$name" --data-dir "$dir/$name.data" \
      --listen-client-urls "http://127.0.0.1:${cports[i]}" \
      --advertise-client-urls "http://127.0.0.1:${cports[i]}" \
      --listen-peer-urls "http://127.0.0.1:${pports[i]}" \
      --initial-advertise-peer-urls "http://127.0.0.1:${pports[i]}" \
      --initial-cluster "$cluster" --initial-cluster-state new \
      --initial-cluster-token "k8c-test-$$-${cports[1]}" \
      --heartbeat-interval 50 --election-timeout 500 >"$dir/$name.args"
    echo "http://127.0.0.1:${cports[i]}" >"$dir/$name.url"
    ETCD_ENDPOINTS+="${ETCD_ENDPOINTS:+,}http://127.0.0.1:${cports[i]}"
    etcd_member_run "$dir" "$name"
  done
  echo "$ETCD_ENDPOINTS" >"$dir/endpoints"
  for i in $(seq 1 "$n"); do
    wait_for 30 "etcd member m$i in $dir" etcd_member_healthy "$dir" "m$i" || return 1
  done
}

# etcd_member_kill DIR NAME: kill -9 of member NAME; waits until the process is gone.
etcd_member_kill() {
  local pid
  pid=$(cat "$1/$2.pid")
  kill -9 "$pid" 2>/dev/null || true
  wait_for 10 "etcd member $2 to exit" sh -c "! kill -0 $pid 2>/dev/null"
}

# etcd_member_restart DIR NAME: starts member NAME again on its ports and data; waits until healthy.
etcd_member_restart() {
  etcd_member_run "$1" "$2"
  wait_for 30 "etcd member $2 in $1 to be healthy again" etcd_member_healthy "$1" "$2"
}

# etcd_cluster_leader DIR: prints the name of the member that is the leader now.
etcd_cluster_leader() {
  local dir=$1 f url
  for f in "$dir"/*.url; do
    url=$(cat "$f")
    if etcdctl --endpoints "$url" --command-timeout=2s endpoint status 2>/dev/null \
        | awk -F', ' '{ exit !($5 == "true") }'; then
      basename "$f" .url
      return 0
    fi
  done
  return 1
}

# stop_etcd_cluster DIR: kill -9 of every member started in DIR.
stop_etcd_cluster() {
  local f
  for f in "$1"/*.pid; do
    [ -e "$f" ] || continue
    kill -9 "$(cat "$f")" 2>/dev/null || true
  done
}
