#!/usr/bin/env bash
# build-images.sh - builds the local images the kubelet and the tests run, with
# `docker import` only (no registry is reachable, nothing is ever pulled):
#
#   k8c.local/busybox:latest  Debian's static /bin/busybox with a link for every
#                             applet, /etc/passwd and /etc/group (root, nobody),
#                             /tmp, /var/www, PATH=/bin:/sbin:/usr/bin:/usr/sbin
#   k8c.local/pause:latest    the static k8c-pause binary as /pause, CMD ["/pause"]
#
# Each image carries the label io.k8c.content-hash: the sha256 of its root
# filesystem tarball (built reproducibly) and of its --change lines. An image
# whose label matches is left alone, so a second run takes well under a second
# and a rebuilt pause binary is imported again. Runs are serialized with flock.
#
# Usage: hack/build-images.sh [--pause PATH]
#   --pause PATH  the k8c-pause binary (default: $K8C_PAUSE, else
#                 build/ci/kubelet/pause/k8c-pause, the one hack/test.sh builds)
set -euo pipefail
source "$(dirname "$0")/lib.sh"

HASH_LABEL=io.k8c.content-hash
pause_bin=${K8C_PAUSE:-$K8C_ROOT/build/ci/kubelet/pause/k8c-pause}

while [ $# -gt 0 ]; do
  case $1 in
    --pause) pause_bin=$2; shift ;;
    *) echo "usage: hack/build-images.sh [--pause PATH]" >&2; exit 2 ;;
  esac
  shift
done

# A reproducible tarball of a root filesystem: same content, same bytes.
# rootfs_tar DIR OUT
rootfs_tar() {
  tar -C "$1" --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner \
    --format=gnu -cf "$2" .
}

# import_image NAME DIR CHANGE...: imports DIR as NAME unless NAME already
# carries the content hash of DIR and the CHANGE lines.
import_image() {
  local name=$1 dir=$2
  shift 2
  local tarball=$work/${name//[\/:]/_}.tar
  rootfs_tar "$dir" "$tarball"
  local hash
  hash=$( { sha256sum <"$tarball"; printf '%s\n' "$@"; } | sha256sum | cut -c1-64)
  local have
  have=$(docker image inspect --format "{{ index .Config.Labels \"$HASH_LABEL\" }}" "$name" \
    2>/dev/null || true)
  if [ "$have" = "$hash" ]; then
    echo "build-images: $name is up to date (${hash:0:12})"
    return 0
  fi
  local changes=() old
  for c in "$@" "LABEL $HASH_LABEL=$hash"; do changes+=(--change "$c"); done
  old=$(docker image inspect --format '{{.Id}}' "$name" 2>/dev/null || true)
  docker import "${changes[@]}" "$tarball" "$name" >/dev/null
  # the old image lost its tag: drop it unless something still uses it
  [ -z "$old" ] || docker image rm "$old" >/dev/null 2>&1 || true
  echo "build-images: imported $name (${hash:0:12})"
}

# busybox_rootfs DIR: fills DIR with busybox, its applet links and a minimal /etc.
busybox_rootfs() {
  local root=$1 bb=/bin/busybox
  if ! file -L "$bb" 2>/dev/null | grep -q 'statically linked'; then
    echo "build-images: $bb is not static; install busybox-static (hack/install-deps.sh)" >&2
    return 1
  fi
  mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,etc,root,tmp,var/www,proc,sys,dev}
  chmod 1777 "$root/tmp"
  install -m 0755 "$bb" "$root/bin/busybox"
  local applet
  for applet in $("$bb" --list-full); do
    [ -e "$root/$applet" ] || ln -s /bin/busybox "$root/$applet"
  done
  printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' \
    'nobody:x:65534:65534:nobody:/nonexistent:/bin/false' >"$root/etc/passwd"
  printf '%s\n' 'root:x:0:' 'nobody:x:65534:' >"$root/etc/group"
}

if ! docker version >/dev/null 2>&1; then
  echo "build-images: no docker daemon answers (source hack/lib.sh; ensure_dockerd)" >&2
  exit 1
fi
if [ ! -x "$pause_bin" ]; then
  echo "build-images: no k8c-pause binary at '$pause_bin' (build it, or pass --pause PATH)" >&2
  exit 1
fi

exec 9>"${TMPDIR:-/tmp}/k8c-build-images.lock"
flock 9

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

busybox_rootfs "$work/busybox"
import_image k8c.local/busybox:latest "$work/busybox" 'ENV PATH=/bin:/sbin:/usr/bin:/usr/sbin' \
  'CMD ["sh"]'

mkdir -p "$work/pause"
install -m 0755 "$pause_bin" "$work/pause/pause"
import_image k8c.local/pause:latest "$work/pause" 'CMD ["/pause"]'
