"""What every command shares: the loaded configuration and the database, built on demand."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import typer

from newswatch.config import LoadedConfig, Settings, load_config
from newswatch.errors import StorageError
from newswatch.storage.db import Database, DatabaseError


@dataclass
class AppState:
    config_path: Path | None = None
    db_url: str | None = None
    verbose: bool = False
    log_format: str | None = None
    overrides: dict[str, Any] = field(default_factory=dict)
    _loaded: LoadedConfig | None = None
    _db: Database | None = None

    @property
    def loaded(self) -> LoadedConfig:
        if self._loaded is None:
            over = dict(self.overrides)
            if self.db_url:
                over.setdefault("storage", {})["url"] = self.db_url
            if self.log_format:
                over.setdefault("service", {})["log_format"] = self.log_format
            self._loaded = load_config(self.config_path, overrides=over)
        return self._loaded

    @property
    def settings(self) -> Settings:
        return self.loaded.settings

    def database(self, *, migrate: bool = True, create: bool = True) -> Database:
        """The database; ``create=False`` (read-only commands) refuses to make a new SQLite file."""
        if self._db is None:
            url = self.settings.storage.url
            missing = None if create else Database.missing_file(url)
            if missing is not None:
                raise StorageError(
                    f"no database at {missing} yet",
                    hint="`newswatch crawl` or `newswatch import` creates it; "
                    "or point storage.url / --db at yours",
                )
            try:
                self._db = Database.open(url, migrate=migrate)
            except DatabaseError as exc:
                hint = "check storage.url / --db / NEWSWATCH_DB"
                if "not a database" in str(exc):
                    hint = (
                        "the file is not a newswatch database or is damaged; it was left unchanged "
                        "(restore a backup, or point --db at another file)"
                    )
                raise StorageError(str(exc), hint=hint) from exc
        return self._db

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None


def state(ctx: typer.Context) -> AppState:
    obj = ctx.find_root().obj
    if not isinstance(obj, AppState):
        obj = AppState()
        ctx.find_root().obj = obj
    return obj
