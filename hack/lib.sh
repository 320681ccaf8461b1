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
