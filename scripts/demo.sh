#!/usr/bin/env bash
# The demo: builds samba-sidecars, brings up a local 3-node Samba/CTDB cluster in
# containers with the sidecars this version has, prints its status and the
# metrics URLs, and removes it all on Ctrl-C. Needs root (or docker rights) and
# Debian's packages (docker.io and debootstrap are installed when missing).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/jdk.sh
use_jdk25
scripts/ensure-docker.sh
export TESTCONTAINERS_RYUK_DISABLED=true TESTCONTAINERS_CHECKS_DISABLE=true
echo "demo: building (./mvnw package)..."
./mvnw -B -q -ntp package -DskipTests
version="$(sed -n 's/^version=//p' packaging/target/dist/lib/launchers.properties)"
exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED \
  -Dorg.slf4j.simpleLogger.log.org.testcontainers=warn -Dorg.slf4j.simpleLogger.log.tc=warn \
  -Dsidecars.dist="$PWD/packaging/target/dist" \
  -cp "it/target/it-$version.jar:it/target/lib/*" dev.sambasidecars.it.Demo "$@"
