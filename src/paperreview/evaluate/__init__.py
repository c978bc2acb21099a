"""Evaluate generated reviews against human ones.

* :mod:`.points` split reviews into points and tag aspects; :mod:`.embed` MiniLM embeddings;
  :mod:`.match` one-to-one (Hungarian) matching and the embedding matcher; :mod:`.llm_match` the
  Stanford extraction + matching protocol through the LLM engine; :mod:`.hitrate` hit rate,
  recall, per-aspect numbers and the human-vs-human baseline.
* :mod:`.scores` score agreement; :mod:`.decisions` accept/reject metrics; :mod:`.judge`
  pairwise LLM judge; :mod:`.accept_baseline` + :mod:`.features` the classical acceptance
  predictor; :mod:`.report` / :mod:`.render` reports; :mod:`.pipeline` the commands as functions.

Importing this package loads neither torch nor sentence-transformers; see docs/evaluate.md.
"""
