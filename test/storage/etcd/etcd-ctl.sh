#!/usr/bin/env bash
# etcd-ctl.sh - lets the etcd storage tests (C programs) drive throwaway etcd members
# through hack/lib.sh:
#   etcd-ctl.sh start DIR N [PID] start an N-member cluster in DIR, print its endpoints; when PID
#                                (the test) dies without stopping it, a watchdog stops it
#   etcd-ctl.sh kill DIR NAME    kill -9 member NAME (m1..mN)
#   etcd-ctl.sh restart DIR NAME restart member NAME on its ports and data, wait until healthy
#   etcd-ctl.sh pause DIR NAME   SIGSTOP member NAME (it hangs: calls time out)
#   etcd-ctl.sh resume DIR NAME  SIGCONT member NAME
#   etcd-ctl.sh leader DIR       print the leader's name
#   etcd-ctl.sh stop DIR         kill every member and delete DIR
#   etcd-ctl.sh run CMD...       start a throwaway single-member etcd (hack/lib.sh start_etcd)
#                                in a temp dir, run CMD with K8C_TEST_STORAGE=etcd and
#                                K8C_TEST_ETCD_ENDPOINTS set, stop etcd; exits with CMD's status
set -uo pipefail
source "$(dirname "$0")/../../../hack/lib.sh"

cmd=${1:-}
dir=${2:-}
if [ "$cmd" = run ]; then
  shift
  dir=$(mktemp -d "${TMPDIR:-/tmp}/k8c-etcd.XXXXXX")
  trap 'kill -9 "${ETCD_PID:-}" 2>/dev/null; wait 2>/dev/null; rm -rf "$dir"' EXIT
  trap 'exit 143' TERM INT
  start_etcd "$dir" || exit 1
  K8C_TEST_STORAGE=etcd K8C_TEST_ETCD_ENDPOINTS=$ETCD_ENDPOINT "$@"
  exit $?
fi
[ -n "$cmd" ] && [ -n "$dir" ] || { echo "usage: etcd-ctl.sh start|kill|restart|leader|stop|run DIR ..." >&2; exit 2; }
case $cmd in
  start)
    if [ -n "${4:-}" ]; then
      (while kill -0 "$4" 2>/dev/null && [ -d "$dir" ]; do sleep 1; done
       stop_etcd_cluster "$dir"; rm -rf "$dir") </dev/null >/dev/null 2>&1 &
    fi
    start_etcd_cluster "$dir" "$3" >&2 && cat "$dir/endpoints"
    ;;
  kill) etcd_member_kill "$dir" "$3" ;;
  restart) etcd_member_restart "$dir" "$3" ;;
  pause)
    pid=$(cat "$dir/$3.pid")
    kill -STOP "$pid" && wait_for 5 "etcd member $3 to stop" grep -q '^[0-9]* ([^)]*) T' "/proc/$pid/stat"
    ;;
  resume) kill -CONT "$(cat "$dir/$3.pid")" ;;
  leader) etcd_cluster_leader "$dir" ;;
  stop) stop_etcd_cluster "$dir"; rm -rf "$dir" ;;
  *) echo "etcd-ctl.sh: unknown command '$cmd'" >&2; exit 2 ;;
esac
