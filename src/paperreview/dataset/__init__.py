"""Instruction data from papers and merged reviews: budget fitting, splits, token statistics.

Heavy libraries (transformers, datasets, matplotlib) are imported only when used.

>>> from paperreview.dataset import default_instruction
>>> default_instruction("sea").startswith("You are an expert reviewer")
True
"""

from .budget import FitResult, fit_paper
from .instructions import default_instruction, user_prompt
from .tokens import TokenCounter, load_tokenizer

__all__ = ["FitResult", "TokenCounter", "default_instruction", "fit_paper", "load_tokenizer",
           "user_prompt"]
