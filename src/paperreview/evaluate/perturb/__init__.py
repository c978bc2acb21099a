"""Error injection (after arXiv 2606.19749): perturbed PDFs, a manifest, and scoring."""
