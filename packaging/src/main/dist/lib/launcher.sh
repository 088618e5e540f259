#!/bin/sh
# Shared body of every bin/ launcher: finds a Java 25+ runtime (JAVA_HOME, then
# PATH) and starts the named program from lib/. SIDECARS_JAVA_OPTS adds JVM options.
# usage: launcher.sh NAME [ARGS...]
set -eu

name="$1"
shift
home="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
props="$home/lib/launchers.properties"
required=25

version="$(sed -n 's/^version=//p' "$props")"
main="$(sed -n "s/^$name=//p" "$props")"
jvm="$(sed -n "s/^$name\.jvm=//p" "$props")"
if [ -z "$main" ]; then
  echo "$name is not available in this version of samba-sidecars ($version)." >&2
  exit 2
fi

# Major version of a java binary: from the runtime's release file when there is
# one (fast), else by asking the JVM.
major_of() {
  rel="$(dirname "$(dirname "$(readlink -f "$1")")")/release"
  v=""
  if [ -r "$rel" ]; then
    v="$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$rel")"
  fi
  if [ -z "$v" ]; then
    v="$("$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p')"
  fi
  echo "${v:-0}"
}

java=""
found=""
for candidate in "${JAVA_HOME:+$JAVA_HOME/bin/java}" "$(command -v java 2>/dev/null || true)"; do
  [ -n "$candidate" ] && [ -x "$candidate" ] || continue
  major="$(major_of "$candidate")"
  if [ "$major" -ge "$required" ]; then
    java="$candidate"
    break
  fi
  found="$found
  $candidate (Java $major)"
done

if [ -z "$java" ]; then
  {
    echo "$name needs Java $required or newer, and none was found."
    if [ -n "$found" ]; then
      echo "Found only:$found"
    else
      echo "JAVA_HOME is not set and there is no java on PATH."
    fi
    echo "Set JAVA_HOME to a Java $required+ runtime (for example /usr/lib/jvm/temurin-25-jdk-amd64) or put its bin/ first on PATH."
  } >&2
  exit 3
fi

# shellcheck disable=SC2086 # the options are lists
exec "$java" --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow \
  $jvm ${SIDECARS_JAVA_OPTS:-} -cp "$home/lib/*" "$main" "$@"
