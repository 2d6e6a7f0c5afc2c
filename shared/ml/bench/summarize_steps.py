"""Prints the training-step comparison table from the JSON lines step-comparison.sh collected."""

import json
import sys

rows = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8") if line.strip().startswith("{")]
by = {(r["impl"], r["strategy"]): r for r in rows}
header = ("strategy", "ours samples/s", "HF samples/s", "ours/HF", "ours peak RSS MiB", "HF peak RSS MiB")
print("{:8} {:>15} {:>13} {:>8} {:>18} {:>16}".format(*header))
configurations = [c for c in ("full", "lora", "full+gc", "lora+gc") if ("tuneloop-djl", c) in by]
for s in configurations:
    if ("hf-transformers", s) not in by:
        continue
    o, h = by[("tuneloop-djl", s)], by[("hf-transformers", s)]
    print(
        "{:8} {:15.2f} {:13.2f} {:7.2f}x {:18.0f} {:16.0f}".format(
            s, o["samples_per_s"], h["samples_per_s"], o["samples_per_s"] / h["samples_per_s"],
            o["peak_rss_mib"], h["peak_rss_mib"],
        )
    )
for impl in ("tuneloop-djl", "hf-transformers"):
    full = by[(impl, "full")]["peak_rss_mib"]
    for c in configurations[1:]:
        if (impl, c) in by:
            print(f"{impl}: {c} peak RSS / full peak RSS = {by[(impl, c)]['peak_rss_mib'] / full:.2f}")
hf = by[("hf-transformers", "full")]
print(f"HF side: torch {hf['torch']}, attention implementation {hf['attention']}")
