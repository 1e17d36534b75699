"""The error tree of newswatch.

Every error a user can cause or meet derives from :class:`NewswatchError`, carries a message
for the user and, where useful, a hint. Other libraries' errors are translated at the boundary;
the command line turns these into an exit code in one place (``newswatch.cli.app.main``):
0 done, 1 an error, 2 bad configuration or usage, 3 another ``newswatch run`` holds the
database, 4 some feeds failed (the others were done), 130 interrupted.

    NewswatchError
    ├── ConfigError          bad configuration file, key or value (file, line, key, expected)
    ├── StorageError         database unreachable, locked, migration failure, disk full
    │   └── LockHeldError    another ``newswatch run`` holds this database
    ├── MissingExtraError    a feature needs an optional dependency that is not installed
    ├── FetchError           a source could not be fetched or parsed
    │   └── FeedsFailedError some feeds of a crawl or check failed (the others were done)
    ├── ExtractionError      a saved page could not be read
    ├── InputError           a bad line in an import / classify file
    └── DeliveryError        email or alert channel failed
"""

from __future__ import annotations


class NewswatchError(Exception):
    """Base class: a message for the user and an optional hint."""

    exit_code = 1

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\n  hint: {self.hint}"


class ConfigError(NewswatchError):
    """The configuration is invalid; ``problems`` lists every finding."""

    exit_code = 2

    def __init__(self, message: str, *, problems: list[str] | None = None, hint: str | None = None):
        self.problems = problems or []
        full = message if not self.problems else message + "\n" + "\n".join(
            f"  - {p}" for p in self.problems
        )
        super().__init__(full, hint=hint)


class StorageError(NewswatchError):
    """The database cannot be used as asked."""


class LockHeldError(StorageError):
    """Another instance holds the single-instance lock."""

    exit_code = 3


class MissingExtraError(NewswatchError):
    """A feature needs an optional dependency (an extra of the distribution) that is missing."""

    def __init__(self, feature: str, module: str, extra: str) -> None:
        super().__init__(
            f"{feature} needs the Python package {module!r}, which is not installed",
            hint=f"pip install 'newswatch[{extra}]' (or pipx inject newswatch '{module}')",
        )
        self.extra = extra


def require_extra(module: str, extra: str, feature: str) -> None:
    """Import ``module`` or raise :class:`MissingExtraError` naming the extra that provides it."""
    import importlib

    try:
        importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name and module.startswith(exc.name.split(".")[0]):
            raise MissingExtraError(feature, module, extra) from exc
        raise


class FetchError(NewswatchError):
    """A source could not be fetched or parsed."""


class FeedsFailedError(FetchError):
    """Some feeds of a crawl failed; the others were polled and stored."""

    exit_code = 4


class ExtractionError(NewswatchError):
    """A saved page could not be read."""


class InputError(NewswatchError):
    """A bad record in an input file."""


class DeliveryError(NewswatchError):
    """A digest or alert could not be delivered."""
