"""paperreview: build, run and evaluate LLM reviewers of scientific papers.

Importing the package is cheap: no torch, transformers or other heavy library is loaded here.
"""

__version__ = "0.1.0"
