#!/usr/bin/env bash
# Curation benchmark: prints numbers for docs/benchmarks.md ("Curation").
#   services/curation/bench/run-benchmark.sh [RECORDS]   (default 1000000)
# Java: the whole curation step over RECORDS synthetic records (10% near copies), records/s and peak heap;
# near-duplicate detection alone on one thread. Python: datasketch MinHashLSH (own virtualenv under
# ${TUNELOOP_CACHE_DIR:-$HOME/.cache/tuneloop}/datasketch-venv) with the same shingles and parameters. Quality of
# both against brute-force truth on the first 20,000 records.
set -euo pipefail
cd "$(dirname "$0")/.."
RECORDS=${1:-1000000}
SAMPLE=20000
JAVA_NEARDUP=100000
PY_THROUGHPUT=20000
CACHE=${TUNELOOP_CACHE_DIR:-$HOME/.cache/tuneloop}
VENV=$CACHE/datasketch-venv
if [[ ! -x $VENV/bin/python ]] || ! "$VENV/bin/python" -c 'import datasketch' 2>/dev/null; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q datasketch==1.6.5
fi
../../mvnw -q -f ../../pom.xml -pl services/curation test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=test
CP=target/test-classes:target/classes:$(cat target/classpath.txt)
BENCH="java -Xmx8g -cp $CP dev.tuneloop.curation.bench.CurationBenchmark"
mkdir -p target/bench
DATA=target/bench/records-$RECORDS.ndjson
[[ -f $DATA ]] || $BENCH generate "$DATA" "$RECORDS"
echo "machine: $(nproc) cores, $(java -version 2>&1 | head -1), datasketch $("$VENV/bin/python" -c 'import datasketch; print(datasketch.__version__)')"
$BENCH curate "$DATA"
$BENCH neardup "$DATA" "$JAVA_NEARDUP"
$BENCH quality "$DATA" "$SAMPLE" target/bench/truth.txt
"$VENV/bin/python" bench/datasketch_bench.py "$DATA" "$PY_THROUGHPUT" "$SAMPLE" target/bench/truth.txt
