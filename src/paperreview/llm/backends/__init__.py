"""Model backends: ``openai_backend`` (any OpenAI-compatible endpoint), ``transformers_backend``."""
