"""What each task asks and answers: default instructions, the model's input text, the gold
output, label rules, and parsing a model's answer back into a prediction.

The defaults are the wording the public projects trained with: ChatGenTitle's instruction for
titles, the iFLYTEK/Datawhale challenge's instructions for keywords and the medical-paper label.

>>> gold_output("keywords", Item(id="1", abstract="a", keywords=["ROS", "HDACi"]))
'ROS, HDACi'
>>> label_of(Item(id="1", abstract="a", categories=["q-bio.NC", "cs.LG"]), "primary:q-bio")
'1'
>>> parse_answer("keywords", "Keywords: flow cytometry; ROS, leukemia.")
['flow cytometry', 'ROS', 'leukemia']
"""

from __future__ import annotations

import re

from ..errors import ConfigError
from .readers import Item, split_keywords

TASKS = ("title", "keywords", "classify")

TITLE_INSTRUCTION = ("If you are an expert in writing papers, please generate a good paper title "
                     "for this paper based on other authors' descriptions of their abstracts.")
KEYWORDS_INSTRUCTION = ("Please extract keywords from the given paper title and abstract in the "
                        "text below, separated by commas -->")
MEDICAL_INSTRUCTION = ("Please judge whether it is a medical field paper according to the given "
                       "paper title and abstract, output 1 or 0, the following is the paper title "
                       "and abstract -->")


def default_instruction(task: str, label: str | None = None, classes: list[str] | None = None
                        ) -> str:
    """The instruction for ``task``; for ``classify`` it follows the label rule."""
    if task == "title":
        return TITLE_INSTRUCTION
    if task == "keywords":
        return KEYWORDS_INSTRUCTION
    rule = label or "column"
    if rule == "column":
        return MEDICAL_INSTRUCTION
    if rule == "archive":
        names = ", ".join(classes or [])
        return ("Please judge which arXiv archive this paper belongs to according to the given "
                f"paper title and abstract, output only the archive name{f' ({names})' if names else ''}"
                ", the following is the paper title and abstract -->")
    _, _, target = rule.partition(":")
    return (f"Please judge whether it is a {target} paper according to the given paper title and "
            "abstract, output 1 or 0, the following is the paper title and abstract -->")


def input_text(task: str, item: Item) -> str:
    """The model's input: the abstract for titles (ChatGenTitle), title + author + abstract for
    keywords and classification (the challenge's input); a record's own input as written."""
    if item.text is not None:
        return item.text
    if task == "title":
        return item.abstract
    parts = [("title", item.title), ("author", item.authors), ("abstract", item.abstract)]
    return "\n".join(f"{k}: {v}" for k, v in parts if v)


def check_label_rule(rule: str) -> str:
    if rule in ("column", "archive") or re.fullmatch(r"(primary|any):[\w.-]+", rule):
        return rule
    raise ConfigError(f"--label '{rule}': unknown label rule",
                      "use 'column' (the CSV's label), 'archive' (primary arXiv archive), "
                      "'primary:q-bio' or 'any:q-bio' (1 if the paper is in that archive, else 0)")


def _in(category: str, target: str) -> bool:
    # 'q-bio' matches q-bio.NC; 'cs.LG' matches only cs.LG
    return category == target or ("." not in target and category.split(".")[0] == target)


def label_of(item: Item, rule: str) -> str | None:
    """The class of ``item`` under ``rule`` (None when the item has nothing to label it by)."""
    if rule == "column":
        return item.label
    if not item.categories:
        return None
    if rule == "archive":
        return item.primary_archive
    kind, _, target = rule.partition(":")
    cats = item.categories[:1] if kind == "primary" else item.categories
    return "1" if any(_in(c, target) for c in cats) else "0"


def gold_output(task: str, item: Item, rule: str = "column") -> str | None:
    """The target text of a training record (None: this item cannot serve the task)."""
    if task == "title":
        return item.title or None
    if task == "keywords":
        return ", ".join(item.keywords) or None
    return label_of(item, rule)


def gold_value(task: str, item: Item, rule: str = "column"):
    """The gold answer in prediction form: a title, a list of keywords, or a class."""
    if item.output is not None and task != "keywords":
        return item.output
    if task == "keywords":
        return item.keywords or (split_keywords(item.output) if item.output else [])
    return gold_output(task, item, rule)


_PREFIX = re.compile(r"^\s*(title|keywords?|key words|label|answer|output)\s*[:：]\s*",
                     re.IGNORECASE)


def parse_answer(task: str, text: str, classes: list[str] | None = None):
    """A model's raw answer -> prediction; None when nothing usable is in it."""
    text = (text or "").strip()
    if not text:
        return None
    if task == "title":
        first = next((ln for ln in text.splitlines() if ln.strip()), "")
        first = _PREFIX.sub("", first).strip().strip('"“”*').strip()
        return first or None
    if task == "keywords":
        body = _PREFIX.sub("", text)  # a model may mix commas, semicolons and lines
        parts = [k.strip().rstrip(".").strip() for k in re.split(r"[;,\n]", body)]
        out = [re.sub(r"^[-*\d.\s]+(?=\w)", "", k).strip().strip('"') for k in parts if k]
        return [k for k in dict.fromkeys(out) if k] or None
    body = _PREFIX.sub("", text)
    if classes:  # the first class named in the answer (longest names first: q-fin before q)
        for c in sorted(classes, key=len, reverse=True):
            if re.search(rf"(?<![\w-]){re.escape(c)}(?![\w-])", body, re.IGNORECASE):
                return c
    m = re.search(r"\b([01])\b", body)
    return m.group(1) if m else None
