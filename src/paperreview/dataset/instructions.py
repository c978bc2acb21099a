"""The instruction given to the reviewer model, in training and at review time alike.

Instruction texts are plain files under ``paperreview/prompts/instructions/<template>.txt``, one per
aggregation template, so ``paperreview review`` can prompt a fine-tuned model exactly as it was
trained. The user turn is ``instruction + "\\n" + paper`` (:func:`user_prompt`), which is how
LLaMA-Factory joins an Alpaca record's ``instruction`` and ``input``.

>>> text = default_instruction("four-aspect")
>>> "[Potential reasons for rejection]" in text
True
>>> user_prompt("Review it.", "[TITLE] T").splitlines()
['Review it.', '[TITLE] T']
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from ..errors import InputError

# package data (pyproject: prompts/**/*), found beside the code so no import of prompts/ is needed
INSTRUCTION_DIR = Path(__file__).resolve().parent.parent / "prompts" / "instructions"


def available_instructions() -> list[str]:
    """Names of the built-in instructions (one per aggregation template)."""
    return sorted(p.name[:-4] for p in INSTRUCTION_DIR.iterdir() if p.name.endswith(".txt"))


def default_instruction(template_name: str) -> str:
    """The built-in instruction for an aggregation template (``four-aspect``, ``seven-aspect``,
    ``sea``), without a trailing newline. Unknown names raise :class:`InputError` listing the
    known ones."""
    path = INSTRUCTION_DIR / f"{template_name}.txt"
    if not template_name or "/" in template_name or not path.is_file():
        known = ", ".join(available_instructions())
        raise InputError(
            f"no built-in instruction for template '{template_name}' (known: {known})",
            "pass --instruction TEXT or --instruction FILE, or add "
            f"src/paperreview/prompts/instructions/{template_name}.txt",
        )
    return path.read_text(encoding="utf-8").strip()


def resolve_instruction(value: str | None, template_name: str) -> str:
    """``--instruction`` as given: ``None`` -> the template's default, an existing file -> its
    text, anything else -> the text itself."""
    if value is None:
        return default_instruction(template_name)
    if len(value) < 4096 and "\n" not in value:
        p = Path(value)
        if p.is_file():
            text = p.read_text(encoding="utf-8").strip()
            if not text:
                raise InputError(f"{p}: the instruction file is empty", "write the instruction in it")
            return text
    if not value.strip():
        raise InputError("--instruction is empty", "give the instruction text or a file with it")
    return value.strip()


def instruction_version(text: str) -> str:
    """A short content hash of an instruction, recorded in build reports (12 hex chars)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def user_prompt(instruction: str, paper_text: str) -> str:
    """The user turn: instruction, newline, tagged paper (LLaMA-Factory's Alpaca join).

    Trailing whitespace of the paper is dropped, as in the built records' ``input``, so a
    ``fit_paper(...).text`` (which ends with a newline) gives the very same prompt as training."""
    paper_text = paper_text.rstrip()
    return f"{instruction}\n{paper_text}" if paper_text else instruction
