"""Merge each paper's human reviews into one structured review (templates, bracket text, stage).

See ``docs/aggregate.md``. Importing this package imports no heavy dependency.
"""
