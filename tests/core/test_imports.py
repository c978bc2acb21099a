"""No import cycles between the modules that used to import each other, and no private name of
one module imported by another (the Batch API uses the engine's public methods)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import paperreview

PKG = Path(paperreview.__file__).parent


def imports_of(module: str) -> set[str]:
    """Modules of the package ``module`` imports anywhere (inside functions and under
    ``if TYPE_CHECKING:`` too: a cycle for the type checker is still a tangle)."""
    path = PKG.joinpath(*module.split(".")).with_suffix(".py")
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = ["paperreview", *module.split(".")[:-1]]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.ImportFrom):
                base = package[: len(package) - child.level + 1] if child.level else []
                name = ".".join([*base, child.module] if child.module else base)
                found.add(name.removeprefix("paperreview."))
                found.update(f"{name}.{a.name}".removeprefix("paperreview.") for a in child.names)
            elif isinstance(child, ast.Import):
                found.update(a.name.removeprefix("paperreview.") for a in child.names)
            visit(child)

    visit(tree)
    return found


@pytest.mark.parametrize("a,b", [
    ("llm.batch_api", "llm.engine"),
    ("aggregate.templates", "aggregate.prompt"),
    ("aggregate.templates", "aggregate.schema"),
    ("parse.sample", "parse._layout"),
])
def test_no_cycle(a, b):
    assert not (b in imports_of(a) and a in imports_of(b)), f"{a} <-> {b}"


def test_batch_api_uses_no_private_engine_names():
    text = (PKG / "llm" / "batch_api.py").read_text(encoding="utf-8")
    for private in ("engine._", "backend._", "_JobState"):
        assert private not in text
