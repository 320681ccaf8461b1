#!/usr/bin/env bash
# install-deps.sh - installs every build and test dependency of k8c from Debian's
# packages, idempotently: a second run installs nothing and takes a second.
#
# Debian's kubectl (package kubernetes-client) is what the tests run. When another
# package already owns /usr/bin/kubectl (e.g. Google Cloud SDK's kubectl), the
# Debian package cannot be installed normally, so its files are extracted
# unmodified under /opt/k8c-deps/kubernetes-client instead; hack/lib.sh finds it.
set -euo pipefail

packages=(
  build-essential pkg-config meson ninja-build python3
  libmicrohttpd-dev libcjson-dev libcurl4-openssl-dev libssl-dev libyaml-dev
  libsqlite3-dev sqlite3 libgrpc-dev protobuf-c-compiler libprotobuf-c-dev
  etcd-server etcd-client docker.io busybox-static python3-kubernetes
  curl iproute2 iptables procps psmisc jq bc
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

apt_updated=0
apt_update_once() {
  if [ "$apt_updated" = 0 ]; then
    as_root apt-get update -qq
    apt_updated=1
  fi
}

if [ "${#missing[@]}" -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  apt_update_once
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
fi

# Debian's kubectl.
kc_prefix=/opt/k8c-deps/kubernetes-client
if ! dpkg-query -W -f='${Status}' kubernetes-client 2>/dev/null | grep -q 'install ok installed' \
   && [ ! -x "$kc_prefix/usr/bin/kubectl" ]; then
  apt_update_once
  if ! as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
       kubernetes-client >/dev/null 2>&1; then
    echo "install-deps: /usr/bin/kubectl belongs to another package; extracting Debian's kubernetes-client to $kc_prefix"
    tmp=$(mktemp -d)
    (cd "$tmp" && apt-get download kubernetes-client >/dev/null)
    as_root mkdir -p "$kc_prefix"
    as_root dpkg-deb -x "$tmp"/kubernetes-client_*.deb "$kc_prefix"
    rm -rf "$tmp"
    # apt may have left the failed unpack half-configured; make dpkg consistent again
    as_root dpkg --configure -a >/dev/null 2>&1 || true
  fi
fi
exit 0
