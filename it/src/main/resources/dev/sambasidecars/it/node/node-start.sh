#!/bin/bash
# Configures and starts one node of the test cluster: ctdbd with real public-IP
# takeover on eth0 and a clustered smbd sharing /shared/data. Called by the
# harness (docker exec) each time the node's container starts.
#
# Environment: NODE_PNN, CLUSTER_NODES (comma-separated node addresses),
# CLUSTER_PUBLIC_IPS (comma-separated), CLUSTER_PREFIX (mask bits),
# CLUSTER_NETBIOS, TEST_USER, TEST_PASSWORD.
set -euo pipefail

iface=eth0
log=/var/log/ctdb/log.ctdb
mkdir -p /var/log/ctdb /var/log/samba /run/ctdb /var/lib/ctdb/volatile \
  /var/lib/ctdb/persistent /var/lib/ctdb/state /shared/data /shared/ctdb

tr ',' '\n' <<<"$CLUSTER_NODES" >/etc/ctdb/nodes
: >/etc/ctdb/public_addresses
for ip in ${CLUSTER_PUBLIC_IPS//,/ }; do
  echo "$ip/$CLUSTER_PREFIX $iface" >>/etc/ctdb/public_addresses
done

cat >/etc/ctdb/ctdb.conf <<CONF
[logging]
	location = file:$log
	log level = NOTICE
[cluster]
	cluster lock = !/usr/libexec/ctdb/ctdb_mutex_fcntl_helper /shared/ctdb/cluster.lock
[legacy]
	realtime scheduling = false
	script log level = NOTICE
CONF

# A node that loses a recovery is banned; the default 300 s ban would outlast a
# test, so keep it short on this test cluster.
cat >/etc/ctdb/ctdb.tunables <<CONF
RecoveryBanPeriod=15
CONF

if [ ! -f /etc/samba/smb.conf ]; then
  cat >/etc/samba/smb.conf <<CONF
[global]
	clustering = yes
	netbios name = $CLUSTER_NETBIOS
	workgroup = SIDECARS
	security = user
	passdb backend = tdbsam
	server role = standalone server
	log file = /var/log/samba/log.%m
	max log size = 0
	log level = 1
	disable spoolss = yes
	load printers = no
	printcap name = /dev/null
	server min protocol = SMB2_10
	server multi channel support = yes
	include = /etc/samba/sidecars.conf

[share]
	path = /shared/data
	read only = no
	guest ok = no
CONF
  : >/etc/samba/sidecars.conf
fi

if ! id "$TEST_USER" >/dev/null 2>&1; then
  useradd -u 2001 -M -d /shared/data -s /usr/sbin/nologin "$TEST_USER"
fi
chmod 0755 /shared
chmod 1777 /shared/data

# ctdbd daemonises itself. Whatever is left of an earlier ctdbd or smbd on this
# node (a restart of ctdbd alone, or of the container) goes first, helpers too.
pkill -9 -x smbd 2>/dev/null || true
pkill -9 -f '^(/usr/sbin/)?ctdbd' 2>/dev/null || true
pkill -9 -f 'ctdb-(eventd|recoverd)' 2>/dev/null || true
for _ in $(seq 1 50); do
  pgrep -f 'ctdbd|ctdb-eventd|ctdb-recoverd' >/dev/null || break
  sleep 0.1
done
rm -f /run/ctdb/ctdbd.socket /run/ctdb/ctdbd.pid
ctdbd

for _ in $(seq 1 120); do
  if ctdb runstate 2>/dev/null | grep -q RUNNING; then
    break
  fi
  sleep 0.5
done
ctdb runstate | grep -q RUNNING || { echo "ctdbd did not reach RUNNING" >&2; tail -30 "$log" >&2; exit 1; }

printf '%s\n%s\n' "$TEST_PASSWORD" "$TEST_PASSWORD" | smbpasswd -a -s "$TEST_USER" >/dev/null
smbd -D
echo "node $NODE_PNN started"
