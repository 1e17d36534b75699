"""Files written for users appear whole or not at all: temp file, fsync, rename."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from newswatch.errors import DeliveryError


def write_atomic(path: Path, data: str | bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder."""
    try:
        return _write_atomic(path, data)
    except OSError as exc:  # a folder that is a file, no permission, a full disk: a sentence
        folder = path.parent
        blocker = next((p for p in (folder, *folder.parents) if p.exists() and not p.is_dir()), None)
        if blocker is not None:
            message = f"cannot write {path}: {blocker} is a file, not a folder"
        else:
            message = f"cannot write {path}: {exc.strerror or exc}"
        raise DeliveryError(message, hint=f"the output folder ({folder}) must be a folder newswatch can "
                            "write to: check digest.output_dir") from exc


def _write_atomic(path: Path, data: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; digests are meant to be read or served
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
