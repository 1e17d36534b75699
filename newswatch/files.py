"""Files written for users (digests, the configuration file) appear whole or not at all.

The one atomic-write helper: temp file in the same folder, fsync, rename, fsync the folder.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from newswatch.errors import DeliveryError


def write_atomic(path: Path, data: str | bytes, *, setting: str | None = None) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder.

    A folder that cannot be written is a DeliveryError; ``setting`` names the configuration key
    that chose the folder, for the hint (digests: ``digest.output_dir``).

    A file written again keeps its permissions (a configuration file the user made private stays
    so); a new one is 0644, since digests are meant to be read or served (mkstemp makes 0600).
    """
    try:
        return _write_atomic(path, data)
    except OSError as exc:  # a folder that is a file, no permission, a full disk: a sentence
        folder = path.parent
        blocker = next(
            (p for p in (folder, *folder.parents) if p.exists() and not p.is_dir()), None
        )
        if blocker is not None:
            message = f"cannot write {path}: {blocker} is a file, not a folder"
        else:
            message = f"cannot write {path}: {exc.strerror or exc}"
        hint = f"the output folder ({folder}) must be a folder newswatch can write to"
        raise DeliveryError(message, hint=f"{hint}: check {setting}" if setting else hint) from exc


def _write_atomic(path: Path, data: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, path.stat().st_mode & 0o777 if path.exists() else 0o644)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    _fsync_dir(path.parent)
    return path


def _fsync_dir(folder: Path) -> None:
    # the rename itself is durable only once the folder entry is flushed (POSIX only)
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
