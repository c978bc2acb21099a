"""Speed and memory of `dataset build` and `dataset stats` on synthetic papers and reviews.

Figures (written to benchmarks/results/dataset_speed.json):
- tokenizer: a byte-level BPE with a 32,000-token vocabulary and a Llama-3-style chat template,
  trained here on the synthetic text (no download); its characters per token
- data: N synthetic records (default 15,000): papers of ~7.8k tokens (normal, sd 1.5k, 5k-16k)
  in sections of paragraphs, reviews of ~1k tokens, so ~10k tokens per record
- build: seconds (wall and CPU), tokens/s in total, per core and per CPU-second, records
  shortened to fit, peak memory of the process tree (main + workers, sampled every 0.2 s)
- stats: the same figures for counting the built set (the "whole set counted" target:
  150M tokens in < 5 min on 2 cores, < 4 GiB)

Usage: python benchmarks/dataset_speed.py [--records 15000] [--workers 2] [--max-tokens 12288]
       [--work DIR (keep data)] [--tokenizer DIR (reuse DIR/tok of an earlier --work)]
Each phase runs in its own process so its peak memory is its own.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Self

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
RESULTS = REPO / "benchmarks" / "results" / "dataset_speed.json"

CHAT_TEMPLATE = (
    "{{ bos_token }}{% for m in messages %}<|start_header_id|>{{ m['role'] }}<|end_header_id|>"
    "\n\n{{ m['content'] }}<|eot_id|>{% endfor %}"
    "{% if add_generation_prompt %}<|start_header_id|>assistant<|end_header_id|>\n\n{% endif %}")
SPECIAL = ["<|begin_of_text|>", "<|end_of_text|>", "<|start_header_id|>", "<|end_header_id|>",
           "<|eot_id|>"]
FUNCTION = ["the", "of", "and", "to", "in", "a", "is", "that", "for", "we", "on", "with", "as", "by", "are", "this", "our", "be", "from", "an", "which", "can", "it", "at", "not", "or", "model", "results", "method", "data", "using", "than", "these", "show", "each", "table", "figure", "learning", "training", "performance", "proposed", "approach", "set", "two", "also", "more"]


class TextGen:
    """Zipf-distributed pseudo-words (syllables) mixed with function words and numbers."""

    def __init__(self, seed: int = 0, lexicon: int = 60000):
        self.rng = random.Random(seed)
        syl = [c + v for c in "bcdfghklmnprstvwz" for v in ("a", "e", "i", "o", "u", "ai", "ou")]
        self.words = ["".join(self.rng.choice(syl) for _ in range(self.rng.choice((1, 2, 2, 3, 3, 4))))
                      for _ in range(lexicon)]
        self.weights = [1 / (r + 1) ** 1.07 for r in range(lexicon)]

    def paragraph(self, n_sent: int) -> str:
        out = []
        for _ in range(n_sent):
            n = self.rng.randint(8, 30)
            ws = self.rng.choices(self.words, self.weights, k=n)
            ws = [self.rng.choice(FUNCTION) if self.rng.random() < 0.45 else w for w in ws]
            if self.rng.random() < 0.3:
                ws.insert(self.rng.randrange(n), f"{self.rng.uniform(0, 100):.1f}%")
            if self.rng.random() < 0.15:
                ws.insert(self.rng.randrange(n), "$\\alpha_{t}$ (Eq. 3)")
            out.append(" ".join(ws).capitalize() + ".")
        return " ".join(out)


def train_tokenizer(out: Path, gen: TextGen, n_corpus: int = 3000, vocab: int = 32000) -> float:
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    corpus = [gen.paragraph(5) for _ in range(n_corpus)]
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    tok.train_from_iterator(corpus, trainers.BpeTrainer(
        vocab_size=vocab, special_tokens=SPECIAL, initial_alphabet=pre_tokenizers.ByteLevel.alphabet()))
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, bos_token="<|begin_of_text|>",
                                   eos_token="<|eot_id|>")
    fast.chat_template = CHAT_TEMPLATE
    fast.save_pretrained(out)
    sample = "\n\n".join(corpus[:200])
    return len(sample) / len(tok.encode(sample).ids)


def make_data(d: Path, n: int, gen: TextGen, tok_dir: Path, pool_size: int = 3000) -> dict:
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(tok_dir / "tokenizer.json"))
    pool = [gen.paragraph(gen.rng.randint(3, 8)) for _ in range(pool_size)]
    sizes = [len(e.ids) for e in tok.encode_batch(pool)]
    heads = ["Introduction", "Related Work", "Background", "Method", "Experiments", "Results",
             "Analysis", "Discussion", "Conclusion", "Appendix A: Proofs"]
    rng = gen.rng
    total = 0
    with (d / "papers.jsonl").open("w") as pf, (d / "aggregated.jsonl").open("w") as rf:
        for i in range(n):
            target = min(16000, max(5000, int(rng.gauss(7800, 1500))))
            sections, got = [], 0
            per = target // len(heads)
            for j, h in enumerate(heads):
                paras, s = [], 0
                while s < per:
                    k = rng.randrange(len(pool))
                    paras.append(pool[k])
                    s += sizes[k]
                got += s
                sections.append({"heading": f"{j + 1} {h}" if j < 9 else h, "text": "\n\n".join(paras),
                                 "appendix": j == 9})
            paper = {"id": f"paper{i}", "title": f"Synthetic study {i}: " + pool[i % 3000][:60],
                     "abstract": pool[(i * 7) % 3000], "sections": sections,
                     "captions": [{"kind": "figure", "label": "1", "text": pool[(i * 3) % 3000][:200]}]}
            n_rev = min(3000, max(200, int(rng.gauss(1000, 300))))
            points, s = [], 0
            while s < n_rev:
                k = rng.randrange(len(pool))
                points.append(f"<Point {len(points)}> {pool[k]}")
                s += sizes[k]
            text = "[Significance and novelty]\n" + "\n".join(points[: len(points) // 2]) + \
                   "\n[Potential reasons for rejection]\n" + "\n".join(points[len(points) // 2:])
            pf.write(json.dumps(paper) + "\n")
            rf.write(json.dumps({"id": f"sub{i}", "paper_id": f"paper{i}", "template": "four-aspect",
                                 "template_version": "1", "status": "ok", "text": text}) + "\n")
            total += got + s
    return {"records": n, "approx_tokens": total}


def usage() -> dict:
    me, kids = (resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    return {"main_mib": round(me.ru_maxrss / 1024), "largest_worker_mib": round(kids.ru_maxrss / 1024),
            "cpu_seconds": round(me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime, 1)}


class TreeMemory:
    """Samples the summed RSS of this process and its children every 0.2 s: the real peak of
    the process tree (rusage of a spawned child also counts its pre-exec fork of the parent)."""

    def __init__(self) -> None:
        import threading

        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        try:
            import psutil
        except ImportError:
            return
        me = psutil.Process()
        while not self._stop.wait(0.2):
            total = 0
            for p in [me, *me.children(recursive=True)]:
                try:
                    total += p.memory_info().rss
                except psutil.Error:
                    pass
            self.peak = max(self.peak, total)

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def phase(name: str, d: Path, workers: int, max_tokens: int) -> dict:
    """Run one phase in this process (called in a fresh subprocess) and return its figures."""
    with TreeMemory() as mem:
        out = _phase(name, d, workers, max_tokens)
    return out | {"peak_tree_mib": round(mem.peak / 2**20) or None}


def _phase(name: str, d: Path, workers: int, max_tokens: int) -> dict:
    t0 = time.perf_counter()
    if name == "build":
        from paperreview.dataset.build import BuildConfig, run

        s = run(BuildConfig(papers=str(d / "papers.jsonl"), reviews=str(d / "aggregated.jsonl"),
                            out_dir=str(d / "out"), tokenizer=str(d / "tok"), workers=workers,
                            max_tokens=max_tokens))
        rep = json.loads((d / "out" / "build_report.json").read_text())
        tokens = int(rep["tokens"]["mean"] * rep["tokens"]["records"])
        extra = {"ok": s.ok, "failed": s.failed, "reasons": s.reasons}
    else:
        from paperreview.dataset.stats import compute_stats

        st = compute_stats(d / "out", str(d / "tok"), workers=workers)
        tokens = st["total_tokens"]
        extra = {"recommended_cutoff": st["recommended_cutoff"], "fields": st["fields"]}
    sec = time.perf_counter() - t0
    mem = usage()  # CPU time of this process and its (joined) workers, imports included
    return {"seconds": round(sec, 1), "tokens": tokens, "tokens_per_s": round(tokens / sec),
            "tokens_per_s_per_core": round(tokens / sec / workers),
            "tokens_per_cpu_second": round(tokens / max(mem["cpu_seconds"], 1e-9)),
            "load_avg_after": os.getloadavg(),
            "peak_mib_upper_bound": mem["main_mib"] + workers * mem["largest_worker_mib"],
            **mem, **extra}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--records", type=int, default=15000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--max-tokens", type=int, default=12288)
    ap.add_argument("--tokenizer", help="reuse the tokenizer directory of an earlier run")
    ap.add_argument("--work", help="keep (and reuse) the tokenizer and data in this directory")
    ap.add_argument("--out", type=Path, default=RESULTS)
    ap.add_argument("--quick", action="store_true", help="smoke run: 60 records, 1 worker")
    ap.add_argument("--phase", choices=["build", "stats"], help=argparse.SUPPRESS)
    ap.add_argument("--dir", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.quick:
        args.records, args.workers, args.max_tokens = 20, 1, 2048
    if args.phase:
        print(json.dumps(phase(args.phase, Path(args.dir), args.workers, args.max_tokens)))
        return
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    with tempfile.TemporaryDirectory(prefix="ds-bench-") as tmp:
        d = Path(args.work or tmp)
        d.mkdir(parents=True, exist_ok=True)
        gen = TextGen()
        t0 = time.perf_counter()
        info = d / "data.json"
        if info.exists() and json.loads(info.read_text())["data"]["records"] == args.records:
            chars_per_token, data = (json.loads(info.read_text())[k] for k in ("cpt", "data"))
        else:
            if args.tokenizer:  # a tokenizer this script trained before: skip the training
                import shutil

                shutil.copytree(args.tokenizer, d / "tok", dirs_exist_ok=True)
                from tokenizers import Tokenizer

                sample = "\n\n".join(gen.paragraph(5) for _ in range(200))
                ids = Tokenizer.from_file(str(d / "tok" / "tokenizer.json")).encode(sample).ids
                chars_per_token = len(sample) / len(ids)
            else:
                chars_per_token = (train_tokenizer(d / "tok", gen, 300, 2000) if args.quick
                                   else train_tokenizer(d / "tok", gen))
            data = make_data(d, args.records, gen, d / "tok", 300 if args.quick else 3000)
            info.write_text(json.dumps({"cpt": chars_per_token, "data": data}))
        print(f"data: {data['records']} records, ~{data['approx_tokens']:,} tokens, "
              f"{chars_per_token:.2f} chars/token, made in {time.perf_counter() - t0:.0f}s")
        result = {"records": args.records, "workers": args.workers, "cpu_count": os.cpu_count(),
                  "max_tokens": args.max_tokens, "chars_per_token": round(chars_per_token, 2),
                  "data": data, "load_avg_at_start": os.getloadavg()}
        for name in ("build", "stats"):
            cmd = [sys.executable, __file__, "--phase", name, "--dir", str(d),
                   "--workers", str(args.workers), "--max-tokens", str(args.max_tokens)]
            out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
            result[name] = json.loads(out.strip().splitlines()[-1])
            r = result[name]
            print(f"{name}: {r['seconds']}s wall, {r['cpu_seconds']}s CPU, {r['tokens']:,} tokens, "
                  f"{r['tokens_per_s']:,} tok/s ({r['tokens_per_s_per_core']:,}/core wall, "
                  f"{r['tokens_per_cpu_second']:,}/CPU-second), peak {r['peak_tree_mib']} MiB "
                  f"(process tree, sampled)")
        full = 150_000_000
        per_s = result["stats"]["tokens_per_s"]
        result["projected_seconds_for_150M_tokens"] = round(full / per_s) if per_s else None
        # what 2 uncontended cores would take, from the CPU time actually used
        per_cpu = result["stats"]["tokens_per_cpu_second"]
        result["projected_seconds_for_150M_tokens_on_2_free_cores"] = round(full / per_cpu / 2)
        result["targets"] = {"count_150M_under_s": 300, "memory_under_mib": 4096}
    from paperreview.io import atomic_write_json

    atomic_write_json(args.out, result)
    print(f"projected time to count 150M tokens: {result['projected_seconds_for_150M_tokens']}s "
          f"(target < 300 s); written {args.out}")


if __name__ == "__main__":
    main()
