#!/usr/bin/env bash
# One training step of MiniLM (batch 16, length 128, every token real, same thread count) in
# tuneloop (DJL) and in Hugging Face transformers on PyTorch, for full and LoRA fine-tuning:
# samples/s, peak RSS and the ratios, all in one run. Each measurement is its own process.
# "+gc" configurations run with gradient checkpointing on both sides.
# Usage: shared/ml/bench/step-comparison.sh [steps] [warmup]
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE_DIR="${TUNELOOP_CACHE_DIR:-$HOME/.cache/tuneloop}"
THREADS="${BENCH_THREADS:-$(nproc)}"
STEPS="${1:-20}"
WARMUP="${2:-3}"

VENV="$("$HERE/setup-venv.sh")"
CP="$("$HERE/classpath.sh")"
export DJL_OFFLINE=true OPT_OUT_TRACKING=true DJL_CACHE_DIR="${DJL_CACHE_DIR:-$CACHE_DIR/djl}"
TEXTS="$CACHE_DIR/bench/step-texts-$((16 * (STEPS + WARMUP))).jsonl"

ours() {
  java -Xmx4g -Dai.djl.pytorch.num_threads="$THREADS" -Dai.djl.pytorch.num_interop_threads=1 \
    -cp "$CP" dev.tuneloop.ml.bench.TrainingStepBenchmark "$1" "$STEPS" "$WARMUP" 2>/dev/null | tail -n 1
}
theirs() {
  "$VENV/bin/python" "$HERE/hf_train_step.py" "$1" "$TEXTS" "$STEPS" "$WARMUP" "$THREADS" 2>/dev/null | tail -n 1
}

RESULTS="$CACHE_DIR/bench/step-comparison-results.jsonl"
: > "$RESULTS"
echo "machine: $(nproc) cores, $THREADS threads each, load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for strategy in ${BENCH_CONFIGURATIONS:-full lora lora+gc}; do
  ours "$strategy" | tee -a "$RESULTS"   # ours first: it also writes the shared texts file
  theirs "$strategy" | tee -a "$RESULTS"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
"$VENV/bin/python" "$HERE/summarize_steps.py" "$RESULTS"
