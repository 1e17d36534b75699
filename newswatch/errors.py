"""The error tree of newswatch.

Every error a user can cause or meet derives from :class:`NewswatchError`, carries a message
for the user and, where useful, a hint. Other libraries' errors are translated at the boundary;
the command line turns these into an exit code in one place (``newswatch.cli.app.main``), and
every exit code is an :class:`ExitCode`: 0 done, 1 an error, 2 bad configuration or usage, 3 another
``newswatch run`` holds the database, 4 some feeds failed (the others were done), 130 interrupted.

This module imports nothing of ours, so every package may build on it, ``storage/`` included
(which otherwise imports no other package of ours): storage's own errors are part of the tree.

    NewswatchError
    ├── ConfigError          bad configuration file, key or value (file, line, key, expected)
    ├── StorageError         database unreachable, locked, migration failure, disk full
    │   ├── storage.db.DatabaseError      cannot open, migrate or use the database
    │   │   └── storage.copy.CopyError    a copy between databases refused or not verified
    │   └── LockHeldError    another ``newswatch run`` holds this database
    │       └── storage.locks.LockHeld    ... and names it (``info``)
    ├── MissingExtraError    a feature needs an optional dependency that is not installed
    ├── FetchError           a source could not be fetched or parsed
    │   └── FeedsFailedError some feeds of a crawl or check failed (the others were done)
    ├── ExtractionError      a saved page could not be read
    ├── InputError           a bad line in an import / classify file
    └── DeliveryError        email or alert channel failed
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Exit codes of the command line and the service (documented in the README)."""

    OK = 0
    FAILED = 1  # an error, or some items failed (bad input lines, unreadable pages)
    CONFIG = 2  # the configuration or an input file is unusable; nothing was done
    LOCKED = 3  # another `newswatch run` holds the database, or the service lost its lock
    FEEDS_FAILED = 4  # some feeds of a crawl or check failed; the others were done
    INTERRUPTED = 130  # Ctrl-C (128 + SIGINT, as shells report it)


class NewswatchError(Exception):
    """Base class: a message for the user and an optional hint."""

    exit_code: ExitCode = ExitCode.FAILED

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\n  hint: {self.hint}"


class ConfigError(NewswatchError):
    """The configuration is invalid; ``problems`` lists every finding."""

    exit_code = ExitCode.CONFIG

    def __init__(self, message: str, *, problems: list[str] | None = None, hint: str | None = None):
        self.problems = problems or []
        full = (
            message
            if not self.problems
            else message + "\n" + "\n".join(f"  - {p}" for p in self.problems)
        )
        super().__init__(full, hint=hint)


class StorageError(NewswatchError):
    """The database cannot be used as asked."""


class LockHeldError(StorageError):
    """Another instance holds the single-instance lock."""

    exit_code = ExitCode.LOCKED


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

    exit_code = ExitCode.FEEDS_FAILED


class ExtractionError(NewswatchError):
    """A saved page could not be read."""


class InputError(NewswatchError):
    """A bad record in an input file."""


class DeliveryError(NewswatchError):
    """A digest or alert could not be delivered."""
