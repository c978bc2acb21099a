"""Instructions are files, one per template; tokenizers load or fail with a way to fix it."""

from __future__ import annotations

import pytest

from paperreview.dataset.instructions import (
    available_instructions,
    default_instruction,
    resolve_instruction,
    user_prompt,
)
from paperreview.dataset.tokens import TokenCounter, load_tokenizer
from paperreview.errors import InputError


def test_every_template_has_an_instruction_naming_its_aspects():
    assert set(available_instructions()) >= {"four-aspect", "seven-aspect", "sea"}
    assert "[Suggestions for improvement]" in default_instruction("four-aspect")
    assert "[Other important review comments]" in default_instruction("seven-aspect")
    assert "[Rating]" in default_instruction("sea")
    with pytest.raises(InputError, match="known: four-aspect, sea, seven-aspect"):
        default_instruction("nine-aspect")


def test_resolve_instruction_from_text_or_file(tmp_path):
    f = tmp_path / "ins.txt"
    f.write_text("Review carefully.\n")
    assert resolve_instruction(str(f), "sea") == "Review carefully."
    assert resolve_instruction("Just review.", "sea") == "Just review."
    assert resolve_instruction(None, "sea") == default_instruction("sea")
    assert user_prompt("I", "P") == user_prompt("I", "P\n") == "I\nP"


def test_load_tokenizer_errors_say_what_to_do(tmp_path):
    with pytest.raises(InputError, match="must hold a Hugging Face tokenizer"):
        load_tokenizer(tmp_path)
    (tmp_path / "f.txt").write_text("x")
    with pytest.raises(InputError, match="is a file"):
        load_tokenizer(tmp_path / "f.txt")


def test_counter_counts_like_the_tokenizer_in_workers(tokenizer_dir):
    texts = [f"The paper proposes {i} methods. <|end|>" * (i % 5 + 1) for i in range(100)]
    tok = load_tokenizer(tokenizer_dir)
    expected = [len(tok(t, add_special_tokens=False)["input_ids"]) for t in texts]
    with TokenCounter(tokenizer_dir, workers=2, chunk=16) as c:
        assert c.count_many(texts) == expected
        assert c.count_many(texts[:3]) == expected[:3]  # small batch: in process
        text = c.render_chat("Hi", "Yo")
        assert text.startswith("<|user|>\nHi<|end|>") and "<|assistant|>\nYo" in text
        assert c.chat_overhead() == c.count(text) - c.count("Hi") - c.count("Yo")


def test_importing_the_stage_stays_light():
    import subprocess
    import sys

    code = ("import sys, paperreview.dataset.commands, paperreview.dataset.build, "
            "paperreview.dataset.stats; "
            "print(sorted(m for m in ('torch', 'transformers', 'datasets', 'matplotlib') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                         check=False)
    assert out.stdout.strip() == "[]", out.stderr
