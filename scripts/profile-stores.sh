#!/usr/bin/env bash
# Profiles every persist-store daemon running on this host (a loopback benchmark's, or a
# cluster's from inside a node) for SECONDS with async-profiler, and prints where their CPU (or
# allocation) went by thread; the collapsed stacks stay in OUT_DIR for a closer look.
#
#   scripts/profile-stores.sh [--alloc] [SECONDS [OUT_DIR]]      (default 30 s, /tmp/store-profile)
#
# async-profiler comes from Maven Central (tools.profiler:async-profiler) into the local Maven
# repository the first time. It is attached with jcmd, whose argument parser splits an agent's
# options at commas unless they are quoted inside the argument, hence the inner quotes below.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/jdk.sh
use_jdk25
event="cpu,interval=1ms"
if [ "${1:-}" = "--alloc" ]; then
  event="alloc,alloc=64k"
  shift
fi
seconds="${1:-30}"
out="${2:-/tmp/store-profile}"
version=4.1
jar="$HOME/.m2/repository/tools/profiler/async-profiler/$version/async-profiler-$version.jar"
if [ ! -f "$jar" ]; then
  ./mvnw -q -B -ntp dependency:get -Dartifact="tools.profiler:async-profiler:$version"
fi
mkdir -p "$out"
# Never rewritten in place: a daemon profiled before keeps it mapped, and overwriting a mapped
# library crashes that JVM (a new file is renamed over it, or it is left as it is).
lib="$out/libasyncProfiler-$version.so"
if [ ! -f "$lib" ]; then
  unzip -p "$jar" linux-x64/libasyncProfiler.so > "$lib.$$"
  mv "$lib.$$" "$lib"
fi
pids=$(pgrep -f dev.sambasidecars.store.daemon.PersistStoreMain || true)
if [ -z "$pids" ]; then
  echo "profile-stores: no persist-store daemon runs on this host" >&2
  exit 1
fi
for p in $pids; do
  "$JAVA_HOME/bin/jcmd" "$p" JVMTI.agent_load "$lib" "\"start,event=$event,threads\"" >/dev/null
done
echo "profile-stores: $(echo $pids | wc -w) stores, ${event%%,*} for $seconds s"
sleep "$seconds"
for p in $pids; do
  "$JAVA_HOME/bin/jcmd" "$p" JVMTI.agent_load "$lib" "\"stop,file=$out/store-$p.collapsed,collapsed,total\"" >/dev/null
done
# Per store: its CPU time (ns, with "total") or bytes allocated by thread, thread numbers folded together.
unit="ms of CPU"
[ "${event%%,*}" = alloc ] && unit="MB allocated"
for p in $pids; do
  awk -v store="$p" -v unit="$unit" -v seconds="$seconds" '
    { n = $NF; sub(/ [0-9]+$/, ""); split($0, f, ";"); t = f[1]; gsub(/[0-9]+/, "N", t); by[t] += n; total += n }
    END {
      printf "store %s: %.0f %s in %s s\n", store, total / 1e6, unit, seconds
      for (t in by) printf "  %5.1f%%  %s\n", 100 * by[t] / total, t | "sort -rn | head -12"
      close("sort -rn | head -12")
    }' "$out/store-$p.collapsed"
done
echo "collapsed stacks in $out (one line per stack; e.g. grep a class, or feed them to a flame graph tool)"
