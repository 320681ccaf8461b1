#!/usr/bin/env bash
# run-with-dockerd.sh PAUSE TEST [ARGS...] - runs the Docker integration test
# binary TEST against the real daemon: starts dockerd when none answers,
# builds the local images (hack/build-images.sh --pause PAUSE), gives the
# test a fresh label value (K8C_TEST_LABEL, for io.k8c.test) and removes
# every container that carries it afterwards, even when TEST crashed.
set -euo pipefail
source "$(dirname "$0")/../../../hack/lib.sh"

pause=$1 test=$2
shift 2
ensure_dockerd
"$K8C_ROOT/hack/build-images.sh" --pause "$pause"

K8C_TEST_LABEL=$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n')
export K8C_TEST_LABEL

cleanup() {
  local ids=()
  mapfile -t ids < <(docker ps -aq --filter "label=io.k8c.test=$K8C_TEST_LABEL")
  if [ ${#ids[@]} -gt 0 ]; then
    echo "run-with-dockerd: removing containers the test left behind: ${ids[*]}" >&2
    docker rm -f "${ids[@]}" >/dev/null
  fi
}
trap cleanup EXIT
"$test" "$@"
