#!/usr/bin/env bash
# Monitor benchmark: prints numbers for docs/benchmarks.md ("Monitor").
#   services/monitor/bench/run-benchmark.sh [PREDICTIONS] [RUNS]   (defaults 2000000 and 20)
# 1. Throughput of the windowing + drift code (MonitorEngine, no Kafka): predictions/s with windows of 1000,
#    16 embedding projections and every window drift-tested; also with the event JSON decoded per prediction.
# 2. SpamAssassin shift: easy ham replaced by hard ham at a random point; predictions from the shift to the first
#    drift.detected, and the false-alarm rate on unshifted traffic. The "model" is a naive Bayes on words and the
#    embedding a hashed bag of words (a fine-tuned transformer is too slow for thousands of windows on 2 cores).
set -euo pipefail
cd "$(dirname "$0")/.."
PREDICTIONS=${1:-2000000}
RUNS=${2:-20}
../../mvnw -q -f ../../pom.xml -pl services/monitor test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=test
CP=target/test-classes:target/classes:$(cat target/classpath.txt)
BENCH="java -Xmx4g -cp $CP dev.tuneloop.monitor.bench.MonitorBenchmark"
mkdir -p target/bench
DATA=target/bench/spam-assassin.ndjson
[[ -s $DATA ]] || ../../deploy/local/datasets/spam-assassin --groups easy-ham-1,hard-ham-1,spam-1 --out "$DATA"
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $(java -version 2>&1 | head -1)"
$BENCH throughput "$PREDICTIONS"
$BENCH shift "$DATA" "$RUNS"
