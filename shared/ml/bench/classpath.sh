#!/usr/bin/env bash
# Compiles shared/ml and prints its runtime classpath (target/classes + dependencies).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
cd "$ROOT"
./mvnw -q -pl shared/ml compile >&2
CP_FILE="$ROOT/shared/ml/target/bench-classpath.txt"
./mvnw -q -pl shared/ml dependency:build-classpath -DincludeScope=runtime -Dmdep.outputFile="$CP_FILE" >&2
# A snapshot of the classes, so rebuilding the module does not pull classes from under a running
# benchmark.
SNAPSHOT="$ROOT/shared/ml/target/bench-classes"
rm -rf "$SNAPSHOT"
cp -r "$ROOT/shared/ml/target/classes" "$SNAPSHOT"
echo "$SNAPSHOT:$(cat "$CP_FILE")"
