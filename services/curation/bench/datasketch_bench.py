"""The near-duplicate detection of tuneloop curation, done with datasketch's MinHashLSH on the same data
and parameters (5-character shingles, 120 permutations, 20 bands x 6 rows, Jaccard 0.8).

    datasketch_bench.py FILE THROUGHPUT_RECORDS SAMPLE_RECORDS TRUTH_FILE

Prints records/s of read+parse+shingle+MinHash+LSH query+insert over the first THROUGHPUT_RECORDS records
(one thread), and recall/precision over the first SAMPLE_RECORDS records against TRUTH_FILE (pairs "i j"
with true Jaccard >= 0.8, written by CurationBenchmark quality), raw LSH candidates and after confirming
each candidate by its true Jaccard.
"""
import json
import sys
import time

from datasketch import MinHash, MinHashLSH

PERMUTATIONS, BANDS, ROWS, SHINGLE, THRESHOLD = 120, 20, 6, 5, 0.8


def shingles(text):
    if len(text) < SHINGLE:
        return {text}
    return {text[i : i + SHINGLE] for i in range(len(text) - SHINGLE + 1)}


def detect(lines, confirm, keep_sets):
    lsh = MinHashLSH(threshold=THRESHOLD, num_perm=PERMUTATIONS, params=(BANDS, ROWS))
    sets, pairs = [], []
    for i, line in enumerate(lines):
        s = shingles(json.loads(line)["text"])
        m = MinHash(num_perm=PERMUTATIONS)
        m.update_batch([x.encode("utf8") for x in s])
        for j in lsh.query(m):
            if not confirm or len(s & sets[j]) / len(s | sets[j]) >= THRESHOLD:
                pairs.append((j, i))
        lsh.insert(i, m)
        if keep_sets:
            sets.append(s)
    return pairs


def main():
    path, throughput_n, sample_n, truth_path = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    with open(path) as f:
        lines = [next(f) for _ in range(max(throughput_n, sample_n))]
    start = time.perf_counter()
    detect(lines[:throughput_n], confirm=False, keep_sets=False)
    seconds = time.perf_counter() - start
    print(f"datasketch neardup (1 thread, parse+shingle+minhash+lsh query+insert, no confirmation): "
          f"{throughput_n} records in {seconds:.1f} s = {throughput_n / seconds:.0f} records/s")
    truth = set()
    with open(truth_path) as f:
        for line in f:
            i, j = line.split()
            truth.add((int(i), int(j)))
    for confirm in (False, True):
        found = set(detect(lines[:sample_n], confirm=confirm, keep_sets=True))
        hits = len(found & truth)
        print(f"datasketch MinHashLSH{' + Jaccard confirmation' if confirm else ' (raw candidates)'}: "
              f"found {len(found)} pairs, recall {hits / max(1, len(truth)):.4f}, "
              f"precision {hits / max(1, len(found)):.4f}")


if __name__ == "__main__":
    main()
