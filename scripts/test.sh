#!/usr/bin/env bash
# Runs every test: unit tests, then the integration tests on a real 3-node
# Samba/CTDB cluster in containers (skipped, and said so, without a Docker engine).
# Extra arguments go to Maven, e.g. scripts/test.sh -DskipITs
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/jdk.sh
use_jdk25
export TESTCONTAINERS_RYUK_DISABLED=true TESTCONTAINERS_CHECKS_DISABLE=true
exec ./mvnw -B -ntp verify "$@"
