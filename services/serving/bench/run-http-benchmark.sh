#!/usr/bin/env bash
# Serving benchmark over HTTP: prints numbers for docs/benchmarks.md ("Serving", "over HTTP").
#   services/serving/bench/run-http-benchmark.sh [SECONDS]   (default 20 per measurement)
# Starts the local stack if it is not running (deploy/local/tuneloop up), builds and starts the real serving process
# on BENCH_HTTP_PORT (default 18085; serving only the benchmark's model), deploys the MiniLM head classifier of
# run-benchmark.sh (which must have run once: it trains that head) as the registry would (base model and artifact in
# MinIO, a deployment state on Kafka), then runs 1, 8 and 32 closed-loop clients against
# POST /api/v1/models/bench-http-minilm/predict, one text per request. Serving's settings are its defaults unless
# TUNELOOP_SERVING_* variables say otherwise. Stops the serving process at the end; leaves the stack running.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(cd ../.. && pwd)
SECONDS_PER_RUN=${1:-20}
PORT=${BENCH_HTTP_PORT:-18085}
if [[ ! -f target/bench/minilm-head/head.safetensors ]]; then
  echo "target/bench/minilm-head has no trained head: run services/serving/bench/run-benchmark.sh once first" >&2
  exit 1
fi
"$ROOT/deploy/local/tuneloop" up
eval "$("$ROOT/deploy/local/tuneloop" env)"
"$ROOT/mvnw" -q -o -f "$ROOT/pom.xml" -pl services/serving -am install -DskipTests
"$ROOT/mvnw" -q -o -f "$ROOT/pom.xml" -pl services/serving test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test
CP=target/test-classes:target/classes:$(cat target/bench-classpath.txt)
CACHE=${TUNELOOP_CACHE_DIR:-$HOME/.cache/tuneloop}
export DJL_OFFLINE=true OPT_OUT_TRACKING=true DJL_CACHE_DIR="${DJL_CACHE_DIR:-$CACHE/djl}"

LOG=target/bench-http-serving.log
QUARKUS_HTTP_PORT=$PORT TUNELOOP_SERVING_MODEL_FILTER='bench-http-minilm' \
  TUNELOOP_SERVING_MODEL_CACHE_DIRECTORY="$PWD/target/bench-http-model-cache" \
  java -jar target/quarkus-app/quarkus-run.jar >"$LOG" 2>&1 &
SERVING_PID=$!
trap 'kill $SERVING_PID 2>/dev/null; wait $SERVING_PID 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
  if curl -fsS -o /dev/null "http://127.0.0.1:$PORT/q/health/ready"; then break; fi
  if ! kill -0 $SERVING_PID 2>/dev/null; then echo "serving exited; see $LOG" >&2; tail -20 "$LOG" >&2; exit 1; fi
  sleep 1
done
curl -fsS -o /dev/null "http://127.0.0.1:$PORT/q/health/ready" || { echo "serving not ready after 120 s; see $LOG" >&2; exit 1; }
java -Xmx1g -Djava.util.logging.manager=org.jboss.logmanager.LogManager -cp "$CP" dev.tuneloop.serving.bench.HttpServingBenchmark "http://127.0.0.1:$PORT" target/bench "$SECONDS_PER_RUN"
