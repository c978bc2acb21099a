"""The one prompt mechanism: versioned Jinja2 templates, rendered through one cached Environment.

Prompt files live under ``src/paperreview/prompts/<stage>/`` (YAML with ``name``, ``version`` and
the prompt text); the version is part of every request's ``prompt_version`` and so of its LLM job
key, so a changed prompt makes new requests while old answers stay in the journal. Variables are
strict: an unknown name is an error, not an empty string.

>>> render("Hello {{ name }}{% for x in xs %}, {{ x }}{% endfor %}.", name="A", xs=[1, 2])
'Hello A, 1, 2.'
>>> load_prompt_file("evaluate/match.yaml")["name"]
'evaluate.match'
"""

from __future__ import annotations

import functools
from importlib import resources
from typing import TYPE_CHECKING, Any

from .errors import InputError

if TYPE_CHECKING:
    import jinja2

HINT = "fix the prompt (Jinja2 syntax: {{ variable }}, {% for x in xs %}...{% endfor %})"


@functools.cache
def environment() -> jinja2.Environment:
    """The shared Environment: strict variables, block tags that leave no blank lines, no HTML
    escaping (prompts are plain text)."""
    import jinja2

    return jinja2.Environment(undefined=jinja2.StrictUndefined, trim_blocks=True,
                              lstrip_blocks=True, keep_trailing_newline=False, autoescape=False)


@functools.lru_cache(maxsize=512)
def compile_prompt(text: str, where: str = "prompt") -> jinja2.Template:
    """Compile (once per text) a Jinja2 prompt; a syntax error names ``where`` and the line."""
    import jinja2

    try:
        return environment().from_string(text)
    except jinja2.TemplateSyntaxError as exc:
        raise InputError(f"{where}: prompt line {exc.lineno}: {exc.message}", HINT) from None


def render(text: str, /, **values: Any) -> str:
    """Render a prompt text with ``values`` (strict: a missing variable raises)."""
    return compile_prompt(text).render(**values)


@functools.cache
def load_prompt_file(relpath: str) -> dict[str, Any]:
    """A packaged prompt file, ``paperreview/prompts/<relpath>`` (YAML), as a dict."""
    import yaml

    text = resources.files("paperreview.prompts").joinpath(relpath).read_text(encoding="utf-8")
    return yaml.safe_load(text)
