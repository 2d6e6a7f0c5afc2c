#!/usr/bin/env bash
# Serving benchmark: prints numbers for docs/benchmarks.md ("Serving").
#   services/serving/bench/run-benchmark.sh [SECONDS] [MAX_BATCH] [MAX_WAIT_MS] [CHUNK] [WORKERS]   (defaults 20 0 2 16 0;
#   MAX_BATCH and WORKERS 0: serving's defaults for the engine, i.e. 1 text per pass and one worker per core on
#   onnxruntime, 32 and 2 on djl)
#   BENCH_ENGINE=onnxruntime|djl (default onnxruntime: serving's default), BENCH_THREADS (intra-op threads, default nproc),
#   BENCH_SERVING_THREADS (ONNX Runtime threads of each serving forward pass; default as serving's: cores / workers),
#   BENCH_ORT_SPINNING=true|false (default false, serving's default),
#   BENCH_QUANTIZATION=int8|none (default int8, serving's default: the serving engine's ONNX export with int8 encoder
#   Linear layers; the plain ONNX Runtime baselines always run the original float32 MiniLM file)
# all-MiniLM-L6-v2 (imported from the langchain4j Maven artifact into ~/.cache/tuneloop/models, once) with a head-only
# classifier trained in a few seconds on synthetic spam/ham texts; the serving engine (the classifier loaded as serving
# loads it, on BENCH_ENGINE, + dynamic batching, in-process) against ONNX Runtime Java on the original ONNX file, at 1,
# 8 and 32 concurrent clients, texts of 5-110 words truncated at 128 tokens. Prints throughput, p50/p99 latency and the
# ratios.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_RUN=${1:-20}
MAX_BATCH=${2:-0}
MAX_WAIT_MS=${3:-2}
CHUNK=${4:-16}
WORKERS=${5:-0}
CACHE=${TUNELOOP_CACHE_DIR:-$HOME/.cache/tuneloop}
THREADS=${BENCH_THREADS:-$(nproc)}   # libtorch intra-op threads (and ONNX Runtime's)
ENGINE=${BENCH_ENGINE:-onnxruntime}
SPINNING=${BENCH_ORT_SPINNING:-false}
QUANTIZATION=${BENCH_QUANTIZATION:-int8}
../../mvnw -q -o -f ../../pom.xml -pl services/serving test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test
CP=target/test-classes:target/classes:$(cat target/bench-classpath.txt)
export DJL_OFFLINE=true OPT_OUT_TRACKING=true DJL_CACHE_DIR="${DJL_CACHE_DIR:-$CACHE/djl}"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
java -Xmx4g -Dai.djl.pytorch.num_threads="$THREADS" -Dai.djl.pytorch.num_interop_threads=1 \
  -Djava.util.logging.manager=org.jboss.logmanager.LogManager \
  -cp "$CP" dev.tuneloop.serving.bench.ServingBenchmark target/bench "$SECONDS_PER_RUN" "$MAX_BATCH" "$MAX_WAIT_MS" "$CHUNK" "$WORKERS" \
  "$ENGINE" "$THREADS" "$SPINNING" "$QUANTIZATION" "${BENCH_SERVING_THREADS:-0}"
