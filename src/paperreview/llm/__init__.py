"""The one way to call a model: backends, scheduler (rate limits), journal, structured output.

>>> from paperreview.llm import Engine, EngineConfig, Request, Result

See docs/llm.md. Importing this package pulls in neither torch nor transformers.
"""

from .engine import Engine
from .types import EndpointConfig, EngineConfig, Request, Result

__all__ = ["EndpointConfig", "Engine", "EngineConfig", "Request", "Result"]
