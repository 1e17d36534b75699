"""Packaging: every folder of the program ships in the wheel under ``newswatch.*``, nothing else does,
and optional features name the extra they need when it is missing."""

from __future__ import annotations

import importlib
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from newswatch.errors import MissingExtraError, require_extra

ROOT = Path(__file__).resolve().parent.parent
MAPPED = ("crawler", "scheduler", "storage", "digests", "seeds")


def _setup_packages() -> tuple[list[str], dict[str, str]]:
    spec = importlib.util.spec_from_file_location("_nw_setup", ROOT / "setup.py")
    assert spec and spec.loader
    import setuptools

    captured: dict[str, object] = {}
    real = setuptools.setup
    setuptools.setup = lambda **kw: captured.update(kw)  # type: ignore[assignment]
    try:
        spec.loader.exec_module(importlib.util.module_from_spec(spec))
    finally:
        setuptools.setup = real
    return captured["packages"], captured["package_dir"]  # type: ignore[return-value]


def test_every_python_folder_is_a_package_of_the_wheel() -> None:
    packages, package_dir = _setup_packages()
    assert package_dir["newswatch"] == "newswatch"
    for root in ("newswatch", *MAPPED):
        for py in (ROOT / root).rglob("*.py"):
            rel = py.parent.relative_to(ROOT / root)
            if "_build" in rel.parts or "__pycache__" in rel.parts:
                continue
            prefix = "newswatch" if root == "newswatch" else f"newswatch.{root}"
            name = ".".join([prefix, *rel.parts])
            assert name in packages, f"{py.relative_to(ROOT)} is in no package of the wheel"
    assert not any(p.split(".")[1:2] == ["tests"] for p in packages)


def test_top_level_names_are_not_installed() -> None:
    """Installed, the folders are newswatch.crawler etc.; no top-level ``crawler`` or ``storage``."""
    packages, _ = _setup_packages()
    assert all(p == "newswatch" or p.startswith("newswatch.") for p in packages)


def test_metadata_is_modern() -> None:
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert meta["license"] == "MIT"  # an SPDX expression, not a table (deprecated)
    deps = " ".join(meta["dependencies"])
    for optional in ("psycopg", "redis", "scrapy-redis", "click", "prometheus"):
        assert optional not in deps, f"{optional} is a required dependency"
    extras = meta["optional-dependencies"]
    assert {"postgres", "distributed", "metrics", "all", "test"} <= set(extras)


def test_missing_extra_names_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "redis", None)
    with pytest.raises(MissingExtraError) as err:
        require_extra("redis", "distributed", "distributed crawling")
    assert "distributed crawling" in str(err.value)
    assert "newswatch[distributed]" in str(err.value)


def test_missing_postgres_driver_names_the_extra() -> None:
    code = (
        "import sys; sys.modules['psycopg'] = None\n"
        "from newswatch.storage.db import make_engine, DatabaseError\n"
        "try:\n    make_engine('postgresql+psycopg://127.0.0.1/test')\n"
        "except DatabaseError as e:\n    print(e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "newswatch[postgres]" in out.stdout, out.stdout + out.stderr


def test_service_counts_without_the_metrics_extra() -> None:
    code = (
        "import sys; sys.modules['prometheus_client'] = None\n"
        "from newswatch.scheduler.metrics import Metrics\n"
        "from newswatch.errors import MissingExtraError\n"
        "m = Metrics(); m.crawls.labels(outcome='ok').inc(); m.feeds.set(3)\n"
        "m.crawl_seconds.observe(1.5)\n"
        "try:\n    m.serve(0)\nexcept MissingExtraError as e:\n    print(e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "newswatch[metrics]" in out.stdout, out.stdout + out.stderr
