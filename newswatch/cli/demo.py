"""`newswatch demo`: crawl the bundled sample site on 127.0.0.1 and write a digest."""

from __future__ import annotations

import time
from importlib import resources
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from ruamel.yaml import YAML

from newswatch.config import Settings
from newswatch.siteserver import SiteServer

DEMO_PORT = 8765  # preferred, so URLs stay the same between runs; any free port otherwise


def demo_root() -> Path:
    return Path(str(resources.files("newswatch.seeds").joinpath("demo")))


def demo_feeds(base_url: str) -> list[dict[str, Any]]:
    data = YAML(typ="safe").load((demo_root() / "site.yaml").read_text(encoding="utf-8"))
    feeds = []
    for feed in data["feeds"]:
        feed = dict(feed)
        feed["url"] = feed["url"].replace("http://demo.invalid/", base_url)
        feeds.append(feed)
    return feeds


def demo_settings(base_url: str, workdir: Path) -> Settings:
    """A configuration pointing at the local demo site; fast, since the server is ours."""
    overrides = {
        "feeds": demo_feeds(base_url),
        "storage": {"url": f"sqlite:///{workdir / 'newswatch.db'}"},
        # the sample site is an archive of past months: report it whole, as a backfill would
        "digest": {"output_dir": str(workdir / "digests"), "lookback": None},
        "crawl": {
            "download_delay": 0,
            "autothrottle": False,
            "concurrent_per_host": 8,
            "timeout": 20,
        },
    }
    # hermetic on purpose: the user's file and environment do not apply to the demo
    return Settings.model_validate(overrides)


def _server() -> SiteServer:
    try:
        return SiteServer(demo_root(), port=DEMO_PORT)
    except OSError:
        return SiteServer(demo_root())


def register(app: typer.Typer) -> None:
    @app.command("demo")
    def demo(
        workdir: Annotated[
            Path, typer.Option("--workdir", help="where the demo keeps its database and digests")
        ] = Path("newswatch-demo"),
    ) -> None:
        """Crawl the bundled sample news site on 127.0.0.1 and write a digest (offline)."""
        from newswatch.cli.crawl import report_table
        from newswatch.crawler.runner import crawl_sync
        from newswatch.digests.service import build_digest, label_for
        from newswatch.storage.db import Database
        from newswatch.storage.models import utcnow

        console = Console()
        workdir.mkdir(parents=True, exist_ok=True)
        started = time.monotonic()
        with _server() as server:
            settings = demo_settings(server.base_url, workdir.resolve())
            console.print(f"demo site served at {server.base_url} ({len(settings.feeds)} outlets)")
            db = Database.open(settings.storage.url)
            try:
                report = crawl_sync(settings, db)
                console.print(report_table(report, title="demo crawl"))
                now = utcnow()
                result = build_digest(
                    settings, db, cutoff=now, label=label_for(settings, now), now=now
                )
            finally:
                db.close()
        new = report.totals["new"]
        if new == 0:
            console.print("nothing new: every article of the demo site is already stored")
        if result is None or not result.created:
            console.print("no new digest: everything collected was already reported")
        if result is not None:
            console.print(f"digest: [bold]{result.files.get('html')}[/]", highlight=False)
        console.print(f"done in {time.monotonic() - started:.1f}s")
