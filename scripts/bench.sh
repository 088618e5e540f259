#!/usr/bin/env bash
# Runs one of the benchmarks in it/src/main/java/dev/sambasidecars/it/bench on a
# local cluster in containers (like the demo), e.g.:
#   scripts/bench.sh BridgeLagBenchmark 120
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/jdk.sh
use_jdk25
scripts/ensure-docker.sh
export TESTCONTAINERS_RYUK_DISABLED=true TESTCONTAINERS_CHECKS_DISABLE=true
bench="${1:?usage: scripts/bench.sh BENCHMARK [ARGS...]}"
shift
./mvnw -B -q -ntp package -DskipTests
version="$(sed -n 's/^version=//p' packaging/target/dist/lib/launchers.properties)"
exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED \
  -Dorg.slf4j.simpleLogger.log.org.testcontainers=warn -Dorg.slf4j.simpleLogger.log.tc=warn \
  -Dsidecars.dist="$PWD/packaging/target/dist" \
  -cp "it/target/it-$version.jar:it/target/lib/*" "dev.sambasidecars.it.bench.$bench" "$@"
