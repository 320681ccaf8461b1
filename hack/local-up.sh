#!/usr/bin/env bash
# local-up.sh - one command to a running single-node k8c cluster on this machine:
# installs what is missing (hack/install-deps.sh), builds (meson/ninja in build/local),
# starts dockerd if none answers, builds the local images, then starts k8c-apiserver
# (SQLite in a data dir, or a local etcd with --etcd), k8c-controller-manager,
# k8c-scheduler, a k8c-kubelet for this machine (image pulls disabled) and k8c-proxy
# (Services' cluster IPs; needs root), writes a kubeconfig, waits until the node is
# Ready and prints how to use it. It stays in the foreground, starting again a component
# that exits (as systemd would); Ctrl-C (or SIGTERM) stops every component, removes every
# container of the node and the proxy's iptables rules.
#
# Usage: hack/local-up.sh [--etcd] [--dir DIR] [--port PORT] [--node-name NAME]
#                         [--build-dir DIR] [--clean]
#   --etcd            store in a local etcd (data in DIR/etcd) instead of SQLite (DIR/data)
#   --dir DIR         state: data, logs, kubeconfig, kubelet root (default build/local-up)
#   --port PORT       the API server's port on 127.0.0.1 (default 6443); etcd takes the
#                     two ports after it (--etcd)
#   --node-name NAME  the node (default: this host's name)
#   --build-dir DIR   build here (default build/local; an existing build is reused)
#   --clean           start from an empty store (deletes the data, logs and kubelet root first)
# Every stored object survives a restart (like a node reboot: the kubelet starts the
# pods again) unless --clean.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$K8C_ROOT"

use_etcd=0 clean=0
state=$K8C_ROOT/build/local-up
port=6443
node=$(hostname | tr '[:upper:]' '[:lower:]')
build=$K8C_ROOT/build/local

die() { echo "local-up: $*" >&2; exit 1; }

while [ $# -gt 0 ]; do
  case $1 in
    --etcd) use_etcd=1 ;;
    --clean) clean=1 ;;
    --dir) state=$(realpath -m "$2"); shift ;;
    --port) port=$2; shift ;;
    --node-name) node=$2; shift ;;
    --build-dir) build=$(realpath -m "$2"); shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "usage: hack/local-up.sh [--etcd] [--dir DIR] [--port PORT] [--node-name NAME] [--build-dir DIR] [--clean]" >&2
       exit 2 ;;
  esac
  shift
done
[[ $port =~ ^[0-9]+$ ]] && [ "$port" -gt 0 ] && [ "$port" -lt 65534 ] || die "bad --port '$port'"

logs=$state/logs
url=http://127.0.0.1:$port
# the proxy's iptables chains: one set per cluster on this host
chain_prefix=K8C
[ "$port" = 6443 ] || chain_prefix=K8C$port
pids=()      # every component's process, in start order
names=()     # the component name of each
cmds=()      # its command line (quoted for eval)
starts=()    # the times (s) it was started at within the last minute
stopping=0

# ---- stopping -----------------------------------------------------------------------------

# stop_pid PID: SIGTERM, up to 10 s to exit, then SIGKILL.
stop_pid() {
  local pid=$1 i
  kill -TERM "$pid" 2>/dev/null || return 0
  for i in $(seq 100); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
}

# node_containers: the ids of every container the node's kubelet made (running or not).
node_containers() {
  docker ps -aq --filter "label=io.k8c.node=$node" 2>/dev/null || true
}

# Stops in reverse order of start: the kubelet before its containers go (it would start
# them again), the API server and the store last.
# Quiet after a failure, so that its one line stays the last.
cleanup() {
  local rc=$? i ids say=:
  [ "$stopping" = 0 ] || return 0
  stopping=1
  trap '' INT TERM
  [ "$rc" = 130 ] || [ "$rc" = 143 ] && [ ${#pids[@]} -gt 0 ] && say=echo
  $say "local-up: stopping" >&2
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    [ "${names[i]}" = etcd ] || [ "${names[i]}" = apiserver ] && continue
    stop_pid "${pids[i]}"
  done
  ids=$(node_containers)
  [ -z "$ids" ] || docker rm -f $ids >/dev/null 2>&1 || true
  [ -n "${proxy_cmd:-}" ] && $proxy_cmd --cleanup --chain-prefix "$chain_prefix" >/dev/null 2>&1 || true
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    stop_pid "${pids[i]}"
  done
  rm -f "$state/pids"
  $say "local-up: stopped; no container of node '$node' is left" >&2
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---- starting -----------------------------------------------------------------------------

# start NAME CMD...: runs CMD in the background with its output in $logs/NAME.log.
start() {
  local name=$1
  shift
  names+=("$name")
  cmds+=("$(printf '%q ' "$@")")
  starts+=("")
  launch $((${#names[@]} - 1))
}

# launch I: (re)starts component I.
launch() {
  local i=$1
  eval "exec ${cmds[i]}" >>"$logs/${names[i]}.log" 2>&1 &
  pids[i]=$!
  starts[i]="${starts[i]} $(date +%s)"
  echo "$! ${names[i]}" >>"$state/pids"
}

# alive NAME: the component started as NAME still runs.
alive() {
  local i
  for i in "${!names[@]}"; do
    [ "${names[i]}" = "$1" ] && kill -0 "${pids[i]}" 2>/dev/null && return 0
  done
  return 1
}

# up NAME SECONDS DESCRIPTION CMD...: waits until CMD succeeds while NAME runs; else dies
# with one line naming the log.
up() {
  local name=$1 secs=$2 what=$3
  shift 3
  local end=$(( $(date +%s) + secs ))
  until "$@" >/dev/null 2>&1; do
    alive "$name" || die "k8c $name exited before $what; see $logs/$name.log"
    [ "$(date +%s)" -lt "$end" ] || die "k8c $name: no $what within ${secs}s; see $logs/$name.log"
    sleep 0.1
  done
}

# A cluster that is still running from an earlier start in the same DIR is not touched.
check_not_running() {
  local pid name
  [ -f "$state/pids" ] || return 0
  while read -r pid name; do
    if kill -0 "$pid" 2>/dev/null; then
      die "a cluster runs in $state already ($name, pid $pid); stop it first"
    fi
  done <"$state/pids"
  rm -f "$state/pids"
}

build_all() {
  echo "local-up: installing what is missing" >&2
  hack/install-deps.sh >&2 || die "hack/install-deps.sh failed"
  if [ ! -f "$build/build.ninja" ]; then
    meson setup "$build" >"$state/meson-setup.log" 2>&1 || die "meson setup failed; see $state/meson-setup.log"
  fi
  echo "local-up: building in $build (log: $state/build.log)" >&2
  ninja -C "$build" >"$state/build.log" 2>&1 || die "the build failed; see $state/build.log"
  local b
  for b in apiserver/k8c-apiserver controllers/k8c-controller-manager scheduler/k8c-scheduler \
           kubelet/k8c-kubelet kubelet/pause/k8c-pause proxy/k8c-proxy; do
    [ -x "$build/$b" ] || die "$build/$b was not built (is that component on this branch?)"
  done
  ensure_dockerd >&2 || die "no docker daemon answers, and dockerd could not be started"
  hack/build-images.sh --pause "$build/kubelet/pause/k8c-pause" >"$state/images.log" 2>&1 \
    || die "building the local images failed; see $state/images.log"
}

port_free() {
  ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

start_store() {
  if [ "$use_etcd" = 0 ]; then
    store_args=(--data-dir "$state/data")
    store_desc="SQLite in $state/data"
    return
  fi
  local cport=$((port + 1)) pport=$((port + 2))
  port_free "$cport" && port_free "$pport" || die "etcd's ports $cport/$pport are in use"
  start etcd etcd --name k8c-local --data-dir "$state/etcd" \
    --listen-client-urls "http://127.0.0.1:$cport" --advertise-client-urls "http://127.0.0.1:$cport" \
    --listen-peer-urls "http://127.0.0.1:$pport" --initial-advertise-peer-urls "http://127.0.0.1:$pport" \
    --initial-cluster "k8c-local=http://127.0.0.1:$pport"
  up etcd 30 "healthy etcd" etcdctl --endpoints "http://127.0.0.1:$cport" endpoint health
  store_args=(--etcd-servers "http://127.0.0.1:$cport")
  store_desc="etcd at http://127.0.0.1:$cport, data in $state/etcd"
}

write_kubeconfig() {
  cat >"$state/kubeconfig.tmp" <<KUBECONFIG
apiVersion: v1
kind: Config
clusters:
- name: k8c-local
  cluster:
    server: $url
contexts:
- name: k8c-local
  context:
    cluster: k8c-local
    user: k8c-local
    namespace: default
current-context: k8c-local
users:
- name: k8c-local
  user: {}
KUBECONFIG
  mv "$state/kubeconfig.tmp" "$state/kubeconfig"
}

node_ready() {
  curl -sf "$url/api/v1/nodes/$node" |
    jq -e '.status.conditions[]? | select(.type == "Ready") | .status == "True"' | grep -q true
}

# k8c-proxy needs CAP_NET_ADMIN for iptables: root, or sudo without a password.
pick_proxy() {
  proxy_cmd=""
  if [ "$(id -u)" = 0 ]; then
    proxy_cmd=$build/proxy/k8c-proxy
  elif sudo -n true 2>/dev/null; then
    proxy_cmd="sudo -n $build/proxy/k8c-proxy"
  else
    echo "local-up: not root and no password-less sudo: k8c-proxy not started (Services' cluster IPs will not answer)" >&2
  fi
}

# An alias line when Debian's kubectl is not the one first on PATH (another kubectl may
# be older or newer than the 1.20 the tests run).
kubectl_alias() {
  local kc
  kc=$(k8c_debian_kubectl 2>/dev/null) || return 0
  [ "$(command -v kubectl 2>/dev/null)" = "$kc" ] || echo "  alias kubectl=$kc"
}

print_try_this() {
  local k8c_line=""
  [ ! -x "$build/kubectl/k8c" ] ||
    k8c_line=$'\n'"  $build/kubectl/k8c get pods    # k8c's own kubectl: same verbs and output"
  cat <<TRY

k8c is up: API server $url, node '$node' Ready ($store_desc).

  export KUBECONFIG=$state/kubeconfig
$(kubectl_alias)
Try this:
  kubectl apply -f examples/web.yaml
  kubectl get pods -o wide             # 3 pods, Running and 1/1 Ready in a few seconds
  curl http://\$(kubectl get pod -l app=web -o jsonpath='{.items[0].status.podIP}'):8080/
  curl http://\$(kubectl get service web -o jsonpath='{.spec.clusterIP}')/    # through k8c-proxy
  kubectl apply -f examples/two-tier.yaml   # and oneshot.yaml, crashloop.yaml${k8c_line}

Logs: $logs/{$(IFS=,; echo "${names[*]}")}.log
Ctrl-C stops the cluster and removes its containers.
TRY
}

# Starts a component that exits on its own again, as systemd would (kube-scheduler exits
# by design when it cannot renew its Lease, e.g. while the API server restarts); one that
# exits 5 times within a minute stops the cluster. Returns only through the traps.
watch_components() {
  local i rc now t recent
  while :; do
    wait -n "${pids[@]}" 2>/dev/null || true
    now=$(date +%s)
    for i in "${!pids[@]}"; do
      kill -0 "${pids[i]}" 2>/dev/null && continue
      rc=0
      wait "${pids[i]}" 2>/dev/null || rc=$?
      recent=""
      for t in ${starts[i]}; do [ $((now - t)) -ge 60 ] || recent+=" $t"; done
      starts[i]=$recent
      [ "$(wc -w <<<"$recent")" -lt 5 ] ||
        die "k8c ${names[i]} keeps exiting (5 times in a minute); see $logs/${names[i]}.log"
      echo "local-up: k8c ${names[i]} exited (status $rc); starting it again (log: $logs/${names[i]}.log)" >&2
      sleep 1
      launch "$i"
    done
  done
}

main() {
  mkdir -p "$state"
  check_not_running
  port_free "$port" || die "port $port is in use (another API server?); pick one with --port"
  build_all
  if [ "$clean" = 1 ]; then
    rm -rf "$state/data" "$state/etcd" "$state/kubelet" "$logs"
  fi
  mkdir -p "$logs" "$state/kubelet"
  local ids
  ids=$(node_containers)
  [ -z "$ids" ] || docker rm -f $ids >/dev/null # left by a run that was killed -9
  start_store
  start apiserver "$build/apiserver/k8c-apiserver" --port "$port" "${store_args[@]}"
  up apiserver 30 "answer on $url/readyz" curl -sf "$url/readyz"
  write_kubeconfig
  local kcfg=(--kubeconfig "$state/kubeconfig")
  start controller-manager "$build/controllers/k8c-controller-manager" "${kcfg[@]}"
  start scheduler "$build/scheduler/k8c-scheduler" "${kcfg[@]}"
  start kubelet "$build/kubelet/k8c-kubelet" "${kcfg[@]}" --node-name "$node" \
    --root-dir "$state/kubelet" --image-pull never --port 0 \
    --pause-binary "$build/kubelet/pause/k8c-pause"
  pick_proxy
  [ -z "$proxy_cmd" ] || start proxy $proxy_cmd "${kcfg[@]}" --chain-prefix "$chain_prefix"
  up kubelet 60 "Ready node '$node'" node_ready
  local n
  for n in "${names[@]}"; do
    alive "$n" || die "k8c $n exited; see $logs/$n.log"
  done
  print_try_this
  watch_components
}

main
