#!/usr/bin/env bash
# Builds the base image every test-cluster container runs: Debian bookworm with
# Samba, CTDB and Samba's client and test tools, made with debootstrap and
# imported into the local Docker engine. Nothing is pulled from an image
# registry. The harness tags the image with a hash of this file, so editing the
# package list or the steps below yields a new image and an unchanged file
# reuses the cached one.
#
# usage: build-node-image.sh IMAGE_TAG [DEBIAN_MIRROR]
set -euo pipefail

tag="${1:?usage: build-node-image.sh IMAGE_TAG [DEBIAN_MIRROR]}"
mirror="${2:-http://deb.debian.org/debian}"
suite=bookworm
packages=(
  samba ctdb smbclient samba-testsuite winbind libnss-winbind
  iproute2 iptables ethtool iputils-ping procps psmisc tini tdb-tools
  netcat-openbsd curl ca-certificates less
)

log() { echo "build-node-image: $*" >&2; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

if ! command -v debootstrap >/dev/null 2>&1; then
  log "installing debootstrap"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq debootstrap >/dev/null
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/sidecars-image.XXXXXX")"
cleanup() { as_root rm -rf "$work"; }
trap cleanup EXIT
root="$work/rootfs"

include="$(IFS=,; echo "${packages[*]}")"
log "debootstrap $suite ($mirror) into $root"
as_root debootstrap --variant=minbase --include="$include" "$suite" "$root" "$mirror" \
  >"$work/debootstrap.log" 2>&1 || { tail -40 "$work/debootstrap.log" >&2; exit 1; }

# The containers configure Samba and CTDB at start; the package defaults must
# not linger. Event scripts for real IP takeover are enabled here once.
as_root rm -f "$root/etc/samba/smb.conf"
as_root mkdir -p "$root/etc/ctdb/events/legacy" "$root/shared"
as_root ln -sf /usr/share/ctdb/events/legacy/10.interface.script \
  "$root/etc/ctdb/events/legacy/10.interface.script"
as_root rm -rf "$root/var/cache/apt/archives/"*.deb "$root/var/lib/apt/lists/"*

log "importing as $tag"
as_root tar -C "$root" -c . | docker import \
  --change 'ENTRYPOINT ["/usr/bin/tini", "--"]' \
  --change 'CMD ["sleep", "infinity"]' \
  - "$tag" >/dev/null
log "done: $tag"
