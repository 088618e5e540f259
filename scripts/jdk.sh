# Sourced by the project's scripts: points JAVA_HOME at a JDK 25 or newer.
# Keeps a JAVA_HOME that already is one; else looks under /usr/lib/jvm.

jdk_major() {
  sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release" 2>/dev/null
}

use_jdk25() {
  local candidate major
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/*; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/javac" ] || continue
    major="$(jdk_major "$candidate")"
    if [ "${major:-0}" -ge 25 ]; then
      export JAVA_HOME="$candidate"
      export PATH="$JAVA_HOME/bin:$PATH"
      return 0
    fi
  done
  echo "samba-sidecars needs a JDK 25 or newer: set JAVA_HOME to one or install one under /usr/lib/jvm" >&2
  return 1
}
