"""The runnable examples in the aggregate modules' docstrings stay true."""

from __future__ import annotations

import doctest
import importlib

import pytest


@pytest.mark.parametrize("name", ["bracket", "filter", "schema", "templates"])
def test_docstring_examples(name):
    module = importlib.import_module(f"paperreview.aggregate.{name}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
