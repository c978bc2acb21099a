"""Training throughput and peak memory: LoRA (and QLoRA) at 4k-16k tokens, with/without checkpointing.

The model is built from a real architecture's config with random weights (no download; tokens/s
does not depend on the weight values): Mistral-7B's shape on a GPU, a tiny Mistral shape on CPU.
Training goes through the same trl ``SFTTrainer`` + peft path as ``paperreview train``. Each
configuration runs in its own process, so an out-of-memory result does not disturb the next one.

    python benchmarks/train_throughput.py                      # auto: GPU -> mistral-7b, CPU -> tiny
    python benchmarks/train_throughput.py --lengths 12288 --methods lora,qlora --steps 4

Prints a table and writes benchmarks/results/train_throughput.json. Targets (issue 7, one H100,
Mistral-7B shape, 12,288 tokens): LoRA bf16 >= 4,000 tokens/s with peak <= 40 GiB; QLoRA <= 20 GiB.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results" / "train_throughput.json"
SHAPES = {
    # mistralai/Mistral-7B-Instruct-v0.2 config.json
    "mistral-7b": {"vocab_size": 32000, "hidden_size": 4096, "intermediate_size": 14336,
                   "num_hidden_layers": 32, "num_attention_heads": 32, "num_key_value_heads": 8,
                   "max_position_embeddings": 32768, "rope_theta": 1e6, "sliding_window": None},
    # the same architecture, small enough for two shared CPU cores
    "tiny": {"vocab_size": 4096, "hidden_size": 128, "intermediate_size": 344,
             "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2,
             "max_position_embeddings": 32768, "rope_theta": 1e6, "sliding_window": None},
}
TARGETS = {"lora": {"tokens_per_s_min": 4000, "peak_gib_max": 40}, "qlora": {"peak_gib_max": 20}}
TARGET_LENGTH = 12288


def meets_target(method: str, row: dict) -> bool:
    t = TARGETS[method]
    return (row["peak_gib"] <= t["peak_gib_max"]
            and row["tokens_per_s"] >= t.get("tokens_per_s_min", 0))


def build_config(shape: str):
    from transformers import MistralConfig

    return MistralConfig(**SHAPES[shape], tie_word_embeddings=False, use_cache=False)


def build_model(shape: str, method: str, weights_dir: str | None):
    import torch
    from transformers import AutoModelForCausalLM

    cuda = torch.cuda.is_available()
    if method == "qlora":  # bitsandbytes quantizes while loading, so it needs weights on disk
        from transformers import BitsAndBytesConfig

        q = BitsAndBytesConfig(load_in_4bit=True, bnb_4bit_quant_type="nf4",
                               bnb_4bit_use_double_quant=True, bnb_4bit_compute_dtype=torch.bfloat16)
        return AutoModelForCausalLM.from_pretrained(weights_dir, quantization_config=q,
                                                    dtype=torch.bfloat16, device_map={"": 0},
                                                    attn_implementation=attention())
    dtype = torch.bfloat16 if cuda else torch.float32
    with torch.device("cuda" if cuda else "cpu"):
        return AutoModelForCausalLM.from_config(build_config(shape), dtype=dtype,
                                                attn_implementation=attention())


def attention() -> str:
    import importlib.util

    import torch

    fa2 = torch.cuda.is_available() and importlib.util.find_spec("flash_attn") is not None
    return "flash_attention_2" if fa2 else "sdpa"


def worker(shape: str, method: str, length: int, gc: bool, steps: int, warmup: int,
           weights_dir: str | None) -> dict:
    """One configuration: ``warmup + steps`` optimizer steps of one ``length``-token sequence."""
    import torch
    from datasets import Dataset
    from peft import LoraConfig
    from transformers import TrainerCallback
    from trl import SFTConfig, SFTTrainer

    from paperreview.train.sft import checkpointing_kwargs

    cuda = torch.cuda.is_available()
    torch.manual_seed(0)
    model = build_model(shape, method, weights_dir)
    vocab = model.config.vocab_size
    rows = [{"input_ids": (ids := torch.randint(3, vocab, (length,)).tolist()), "labels": ids}
            for _ in range(warmup + steps)]
    times: list[float] = []

    class Timer(TrainerCallback):
        def on_step_begin(self, *a, **k):
            if cuda:
                torch.cuda.synchronize()
            self.t0 = time.perf_counter()

        def on_step_end(self, *a, **k):
            if cuda:
                torch.cuda.synchronize()
            times.append(time.perf_counter() - self.t0)

    with tempfile.TemporaryDirectory() as out:
        args = SFTConfig(output_dir=out, max_steps=warmup + steps, per_device_train_batch_size=1,
                         gradient_accumulation_steps=1, learning_rate=1e-4, bf16=cuda, fp16=False,
                         **checkpointing_kwargs(gc), logging_steps=10**6, save_strategy="no",
                         report_to="none", max_length=length, dataloader_pin_memory=cuda,
                         dataset_kwargs={"skip_prepare_dataset": True}, disable_tqdm=True)
        lora = LoraConfig(r=16, lora_alpha=32, lora_dropout=0.05, target_modules="all-linear",
                          task_type="CAUSAL_LM")
        if cuda:
            torch.cuda.reset_peak_memory_stats()
        trainer = SFTTrainer(model=model, args=args, train_dataset=Dataset.from_list(rows),
                             peft_config=lora, processing_class=_tokenizer(vocab),
                             callbacks=[Timer()])
        trainer.train()
    step = sorted(times[warmup:])[len(times[warmup:]) // 2]  # median step time
    if cuda:
        peak = torch.cuda.max_memory_allocated() / 2**30
    else:
        import resource

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20  # KiB -> GiB
    return {"tokens_per_s": round(length / step, 1), "step_s": round(step, 3),
            "peak_gib": round(peak, 2), "peak_kind": "cuda_allocated" if cuda else "process_rss"}


def _tokenizer(vocab: int):
    """A throwaway tokenizer: the trainer wants one for padding; the ids are random anyway."""
    from tokenizers import Tokenizer, models
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.WordLevel({f"t{i}": i for i in range(vocab)}, unk_token="t0"))
    return PreTrainedTokenizerFast(tokenizer_object=tok, pad_token="t1", eos_token="t2")


def run_one(spec: dict, timeout: int) -> dict:
    cmd = [sys.executable, __file__, "--worker", json.dumps(spec)]
    try:
        proc = subprocess.run(cmd, check=False, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"status": "timeout"}
    last = proc.stdout.strip().splitlines()[-1:] or [""]
    if proc.returncode == 0 and last[0].startswith("{"):
        return {"status": "ok", **json.loads(last[0])}
    err = proc.stderr.strip().splitlines()
    oom = any("OutOfMemoryError" in line or "out of memory" in line for line in err)
    return {"status": "oom" if oom else "failed", "error": (err or ["?"])[-1][:300]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shape", choices=["auto", *SHAPES], default="auto")
    ap.add_argument("--lengths", default="4096,8192,12288,16384")
    ap.add_argument("--methods", default="lora,qlora")
    ap.add_argument("--steps", type=int, default=3)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--timeout", type=int, default=900, help="seconds per configuration")
    ap.add_argument("--out", default=str(RESULTS))
    ap.add_argument("--quick", action="store_true",
                    help="smoke run: the tiny shape, LoRA, 128 tokens, one step")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.quick:
        a.shape, a.lengths, a.methods, a.steps, a.warmup = "tiny", "128", "lora", 1, 0
    if a.worker:
        print(json.dumps(worker(**json.loads(a.worker))))
        return
    import importlib.util

    import torch

    cuda = torch.cuda.is_available()
    shape = a.shape if a.shape != "auto" else ("mistral-7b" if cuda else "tiny")
    methods = a.methods.split(",")
    can_qlora = cuda and importlib.util.find_spec("bitsandbytes") is not None
    weights = tempfile.mkdtemp(prefix="bench-weights-") if "qlora" in methods and can_qlora else None
    if weights:  # random weights saved once, then quantized by each QLoRA worker on load
        build_model(shape, "lora", None).save_pretrained(weights)
        torch.cuda.empty_cache()
    rows = []
    for method in methods:
        for length in (int(x) for x in a.lengths.split(",")):
            for gc in ((True,) if a.quick else (True, False)):
                row = {"method": method, "length": length, "gradient_checkpointing": gc}
                if method == "qlora" and not can_qlora:
                    row.update(status="skipped", error="QLoRA needs CUDA and bitsandbytes")
                else:
                    spec = {"shape": shape, "method": method, "length": length, "gc": gc,
                            "steps": a.steps, "warmup": a.warmup, "weights_dir": weights}
                    row.update(run_one(spec, a.timeout))
                if shape == "mistral-7b" and length == TARGET_LENGTH and row["status"] == "ok":
                    row["meets_target"] = meets_target(method, row)
                rows.append(row)
                print(f"{method:6} {length:6} gc={gc!s:5} {row['status']:8} "
                      f"{row.get('tokens_per_s', '-'):>9} tok/s  peak {row.get('peak_gib', '-')} GiB"
                      + (f"  target {'met' if row['meets_target'] else 'MISSED'}"
                         if "meets_target" in row else ""), flush=True)
    if weights:
        shutil.rmtree(weights, ignore_errors=True)
    device = torch.cuda.get_device_name(0) if cuda else f"cpu ({os.cpu_count()} cores)"
    result = {"benchmark": "train_throughput", "device": device, "shape": shape,
              "shape_config": SHAPES[shape], "attn_implementation": attention(),
              "precision": "bf16" if cuda else "fp32", "batch_size": 1, "lora_r": 16,
              "lora_target": "all-linear", "steps": a.steps, "warmup": a.warmup,
              "targets": TARGETS if shape == "mistral-7b" else None,
              "note": None if cuda else "CPU run of a tiny shape: checks the pipeline end to end; "
                      "the figures say nothing about GPU throughput (process RSS includes torch)",
              "versions": _versions(), "results": rows}
    Path(a.out).parent.mkdir(parents=True, exist_ok=True)
    Path(a.out).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {a.out}")


def _versions() -> dict:
    from importlib import metadata

    return {p: metadata.version(p) for p in ("torch", "transformers", "peft", "trl")}


if __name__ == "__main__":
    main()
