"""Which failures are worth retrying (a busy or restarting database) and how long to wait."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from newswatch.errors import StorageError

BASE_DELAY = timedelta(seconds=2)
MAX_DELAY = timedelta(minutes=5)


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    cur: BaseException | None = exc
    while cur is not None and cur not in seen:
        seen.append(cur)
        cur = cur.__cause__ or cur.__context__
    return seen


def is_transient(exc: BaseException) -> bool:
    """True for a locked, unreachable or restarting database anywhere in the exception chain."""
    for err in _chain(exc):
        if isinstance(
            err, sa.exc.OperationalError | sa.exc.InterfaceError | sa.exc.DisconnectionError
        ):
            return True
        if isinstance(err, sa.exc.DBAPIError) and err.connection_invalidated:
            return True
        if isinstance(err, StorageError | ConnectionError):  # storage's DatabaseError among them
            return True
    return False


def backoff(attempt: int, base: timedelta = BASE_DELAY, cap: timedelta = MAX_DELAY) -> timedelta:
    """Exponential delay for the n-th consecutive failure (1-based), capped."""
    factor: int = 2 ** max(attempt - 1, 0)  # typeshed: int ** int may be a float
    return min(base * factor, cap)
