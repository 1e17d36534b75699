"""`newswatch worker` and `newswatch enqueue`: distributed crawling on a shared Redis frontier."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.console import Console

from newswatch.cli.context import state
from newswatch.config import Settings
from newswatch.errors import ConfigError, StorageError
from newswatch.weburl import quote_credentials
from newswatch.wording import counted

PREFIX_HELP = "Redis key prefix shared by the scheduler and its workers"


def _redis_url(settings: Settings, given: str | None) -> str:
    url = quote_credentials(given) if given else settings.service.redis_url
    if not url:
        raise ConfigError(
            "distributed crawling needs a Redis URL",
            hint="set service.redis_url, NEWSWATCH_REDIS_URL or --redis-url",
        )
    from newswatch.errors import require_extra

    require_extra("redis", "distributed", "distributed crawling")
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=5)
        client.ping()
        client.close()
    except (redis.RedisError, ValueError) as exc:
        raise StorageError(f"cannot reach Redis at {url}: {exc}") from exc
    return url


def register(app: typer.Typer) -> None:
    @app.command("worker")
    def worker(
        ctx: typer.Context,
        redis_url: Annotated[
            str | None, typer.Option("--redis-url", help="Redis URL (default service.redis_url)")
        ] = None,
        prefix: Annotated[str, typer.Option("--prefix", help=PREFIX_HELP)] = "newswatch",
        concurrency: Annotated[
            int | None,
            typer.Option(
                "--concurrency",
                min=1,
                help="requests in flight (default service.worker_concurrency)",
            ),
        ] = None,
        lease: Annotated[
            int,
            typer.Option(
                "--lease",
                min=1,
                help="seconds an article request is owned before a later poll may queue it again",
            ),
        ] = 600,
        max_idle: Annotated[
            int,
            typer.Option("--max-idle", min=0, help="stop after this many idle seconds (0: never)"),
        ] = 0,
    ) -> None:
        """Run a crawl worker: take feeds and articles from the shared Redis frontier, store them."""
        st = state(ctx)
        settings = st.settings
        if concurrency is not None:
            settings = settings.model_copy(
                update={
                    "service": settings.service.model_copy(
                        update={"worker_concurrency": concurrency}
                    )
                }
            )
        url = _redis_url(settings, redis_url)
        from newswatch.crawler.distributed_worker import (
            run_worker,  # Scrapy and the pipelines: only when needed
        )
        from newswatch.digests.alert_step import alert_step

        db = st.database()
        alerts = alert_step(settings, db)  # each rule still fires once per story across workers
        summary = run_worker(
            settings,
            db,
            url,
            prefix=prefix,
            lease=lease,
            max_idle=max_idle,
            on_ingested=alerts,
            every_minute=alerts.retry_due if alerts is not None else None,
        )
        # one JSON line, so benches and supervisors can read what the worker did
        print(json.dumps(summary.as_dict()), flush=True)

    @app.command("enqueue")
    def enqueue(
        ctx: typer.Context,
        feed: Annotated[
            list[str] | None,
            typer.Option("--feed", "-f", help="feed name (repeatable; default: all enabled)"),
        ] = None,
        redis_url: Annotated[
            str | None, typer.Option("--redis-url", help="Redis URL (default service.redis_url)")
        ] = None,
        prefix: Annotated[str, typer.Option("--prefix", help=PREFIX_HELP)] = "newswatch",
    ) -> None:
        """Put feeds on the shared frontier now (what `run --role scheduler` does when they are due)."""
        import redis

        from newswatch.crawler.distributed import enqueue_feeds

        st = state(ctx)
        url = _redis_url(st.settings, redis_url)
        client = redis.Redis.from_url(url)
        try:
            added = enqueue_feeds(
                st.settings, st.database(), feed or None, prefix=prefix, client=client
            )
        finally:
            client.close()
        Console().print(
            f"enqueued {counted(added, 'feed')} on {prefix}:start_urls", highlight=False
        )
