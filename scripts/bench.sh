#!/usr/bin/env bash
# Runs one of the benchmarks in it/src/main/java/dev/sambasidecars/it/bench.
#
# Cluster benchmarks run on a local cluster in containers (like the demo), e.g.:
#   scripts/bench.sh BridgeLagBenchmark 120
# persist-store alone, three daemons on loopback (no containers): write latency through each kind of node:
#   scripts/bench.sh StoreLoopbackBenchmark [SECONDS [WARMUP [CLIENTS...]]]
# JMH microbenchmarks (no containers) take a regex of benchmark names and JMH's own options, e.g.:
#   scripts/bench.sh jmh 'Ndr|RpcRoundTrip' -f 2 -wi 3 -i 5
#   scripts/bench.sh jmh -l          # lists them
# The witness service under load (no containers; the service runs in its own JVM with the given heap):
#   scripts/bench.sh witness-load CLIENTS ROUNDS [SERVER_HEAP]     e.g. 10000 3 512m
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/jdk.sh
use_jdk25
bench="${1:?usage: scripts/bench.sh BENCHMARK [ARGS...] | scripts/bench.sh jmh [REGEX] [JMH OPTIONS...]}"
shift
if [ "$bench" = jmh ]; then
  ./mvnw -B -q -ntp -pl it -am package -DskipTests
  version="$(sed -n 's/^version=//p' packaging/target/dist/lib/launchers.properties)"
  # The forks JMH starts inherit these options.
  exec "$JAVA_HOME/bin/java" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    -cp "it/target/it-$version.jar:it/target/lib/*" org.openjdk.jmh.Main "$@"
fi
if [ "$bench" = witness-load ]; then
  ./mvnw -B -q -ntp -pl it -am package -DskipTests
  version="$(sed -n 's/^version=//p' packaging/target/dist/lib/launchers.properties)"
  exec "$JAVA_HOME/bin/java" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    -cp "it/target/it-$version.jar:it/target/lib/*" dev.sambasidecars.witness.load.LoadDriver "$@"
fi
scripts/ensure-docker.sh
export TESTCONTAINERS_RYUK_DISABLED=true TESTCONTAINERS_CHECKS_DISABLE=true
./mvnw -B -q -ntp package -DskipTests
version="$(sed -n 's/^version=//p' packaging/target/dist/lib/launchers.properties)"
# The load drivers run in this JVM: ZGC and no Netty leak detector, so that their own pauses and
# sampling (G1 paused it up to 106 ms; the detector took 6% of its CPU) stay out of what they measure.
# BENCH_JAVA_OPTS adds options to this JVM (e.g. -Xlog:gc:file=/tmp/driver-gc.log:time);
# SIDECARS_IT_JAVA_OPTS, to the daemons started in the cluster's containers.
# shellcheck disable=SC2086
exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -XX:+UseZGC -Xmx2g -Dio.netty.leakDetection.level=disabled ${BENCH_JAVA_OPTS:-} \
  -Dorg.slf4j.simpleLogger.log.org.testcontainers=warn -Dorg.slf4j.simpleLogger.log.tc=warn \
  -Dsidecars.dist="$PWD/packaging/target/dist" \
  -cp "it/target/it-$version.jar:it/target/lib/*" "dev.sambasidecars.it.bench.$bench" "$@"
