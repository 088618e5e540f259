#!/usr/bin/env bash
# Makes sure a Docker engine answers on this machine. Installs Debian's docker.io
# and starts dockerd when none runs. Settings that work on this machine kind:
# no iptables management (the sandbox forbids it) and a fixed bridge subnet that
# does not collide with the host's own address.
set -euo pipefail

log() { echo "ensure-docker: $*" >&2; }

if docker info >/dev/null 2>&1; then
  exit 0
fi

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

if ! command -v dockerd >/dev/null 2>&1; then
  log "installing Debian's docker.io"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq docker.io >/dev/null
fi

bip="${SIDECARS_DOCKER_BIP:-172.30.255.1/24}"
logfile="${SIDECARS_DOCKER_LOG:-/var/log/sidecars-dockerd.log}"
log "starting dockerd (bridge $bip, log $logfile)"
as_root sh -c "nohup dockerd --iptables=false --ip-masq=false --bip='$bip' >'$logfile' 2>&1 &"

for _ in $(seq 1 60); do
  if docker info >/dev/null 2>&1; then
    log "engine up: $(docker version --format '{{.Server.Version}}')"
    exit 0
  fi
  sleep 1
done
log "dockerd did not answer within 60 s; last lines of $logfile:"
tail -20 "$logfile" >&2 || true
exit 1
