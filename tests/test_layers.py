"""The error tree and the import layering hold: storage's errors are newswatch errors, storage
imports nothing of ours but the error tree, the scheduler reaches Scrapy and Twisted only through
the crawler, and the crawler's pipeline and store process do not import each other."""

from __future__ import annotations

import ast
import gzip
from pathlib import Path

import pytest

from newswatch.cli.app import main
from newswatch.errors import ExitCode, LockHeldError, NewswatchError, StorageError
from newswatch.storage.copy import CopyError
from newswatch.storage.db import Database, DatabaseError
from newswatch.storage.locks import LockHeld, LockInfo

ROOT = Path(__file__).resolve().parent.parent


def _imports(path: Path, top: tuple[str, ...] = ("newswatch",)) -> set[str]:
    """Modules under ``top`` that ``path`` imports, anywhere in the file (lazy imports count too)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        else:
            continue
        found.update(n for n in names if n.split(".")[0] in top)
    return found


def _our_imports(path: Path) -> set[str]:
    return _imports(path)


def test_storage_imports_only_itself_and_the_error_tree() -> None:
    for path in (ROOT / "storage").rglob("*.py"):
        for module in _our_imports(path):
            assert module.startswith("newswatch.storage") or module == "newswatch.errors", (
                f"{path.relative_to(ROOT)} imports {module}"
            )


def test_the_scheduler_uses_scrapy_and_twisted_only_through_the_crawler() -> None:
    for path in (ROOT / "scheduler").rglob("*.py"):
        assert not _imports(path, ("scrapy", "twisted")), path.relative_to(ROOT)


@pytest.mark.parametrize(("module", "other"), [("pipelines", "workers"), ("workers", "pipelines")])
def test_pipeline_and_store_process_do_not_import_each_other(module: str, other: str) -> None:
    assert f"newswatch.crawler.{other}" not in _our_imports(ROOT / "crawler" / f"{module}.py")


@pytest.mark.parametrize("path", ["crawler/spiders/news.py", "crawler/distributed_worker.py"])
def test_spiders_leave_the_database_to_the_crawl_context(path: str) -> None:
    # what a spider needs from the store (known articles, first poll, the poll log) is asked of
    # the CrawlContext; articles go to the pipeline as items
    source = (ROOT / path).read_text(encoding="utf-8")
    storage = {m for m in _our_imports(ROOT / path) if m.startswith("newswatch.storage")}
    assert storage <= {"newswatch.storage.db"}, storage  # the worker opens its database
    assert ".session(" not in source


def test_storage_errors_are_part_of_the_tree() -> None:
    assert issubclass(DatabaseError, StorageError) and issubclass(CopyError, DatabaseError)
    held = LockHeld(LockInfo("run", 4242, None))
    assert isinstance(held, LockHeldError) and isinstance(held, NewswatchError)
    assert held.exit_code == ExitCode.LOCKED == 3
    assert "PID 4242" in str(held)


def test_a_storage_error_reaches_the_user_with_its_exit_code(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(DatabaseError) as caught:
        Database.open(f"sqlite:///{tmp_path / 'missing' / 'n.db'}")
    assert caught.value.exit_code == ExitCode.FAILED
    rc = main(["--db", f"sqlite:///{tmp_path / 'missing' / 'n.db'}", "db", "upgrade"])
    assert rc == ExitCode.FAILED
    assert "folder of the database does not exist" in capsys.readouterr().err


def test_usage_errors_show_usage_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--no-such-option"]) == 2
    err = capsys.readouterr().err
    assert "Usage:" in err and "--no-such-option" in err
    assert main(["--log-format", "xml", "config", "check"]) == 2  # typer.BadParameter
    assert "--log-format" in capsys.readouterr().err


def test_an_unreadable_page_is_an_extraction_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from newswatch.cli.extract import read_page
    from newswatch.errors import ExtractionError

    broken = tmp_path / "page.html.gz"
    broken.write_bytes(gzip.compress(b"<html><p>text</p></html>")[:-8])  # cut short
    with pytest.raises(ExtractionError, match=r"page.html.gz"):
        read_page(broken)
    with pytest.raises(ExtractionError, match=r"missing.html"):
        read_page(tmp_path / "missing.html")
    assert main(["extract", str(broken)]) == ExitCode.FAILED
    assert "error: " in capsys.readouterr().err
