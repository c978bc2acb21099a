"""Error hierarchy. Every message says what went wrong *and* how to fix it.

Only errors about configuration, authentication or the environment stop a run; per-item problems
(a bad PDF, an unparseable answer) are recorded as data rows with a ``status`` and an ``error``.
"""

from __future__ import annotations


class PaperReviewError(Exception):
    """Base class. ``hint`` is the "what to do" half of the message."""

    exit_code = 1

    def __init__(self, message: str, hint: str | None = None):
        self.message = message
        self.hint = hint
        super().__init__(message if not hint else f"{message}\n  -> {hint}")


class InputError(PaperReviewError):
    """A file or item given by the user is missing, malformed or unusable."""

    exit_code = 2


class ConfigError(PaperReviewError):
    """Invalid configuration: unknown key, bad value, conflicting flags."""

    exit_code = 2


class BackendError(PaperReviewError):
    """A model backend could not be reached, authenticated or used."""

    exit_code = 3


class MissingExtraError(PaperReviewError):
    """An optional dependency group is not installed."""

    exit_code = 4

    def __init__(self, package: str, extra: str, feature: str = ""):
        what = f" for {feature}" if feature else ""
        super().__init__(
            f"the optional package '{package}' is needed{what} but is not installed",
            f"pip install 'paperreview[{extra}]'",
        )
        self.package = package
        self.extra = extra


def require(module: str, extra: str, feature: str = ""):
    """Import ``module`` or raise :class:`MissingExtraError` naming the pip command."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as exc:  # pragma: no cover - exercised only without the extra
        raise MissingExtraError(module.split(".")[0], extra, feature) from exc
