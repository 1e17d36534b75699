"""Scrapy settings built from newswatch's configuration (polite by default)."""

from __future__ import annotations

from typing import Any

from newswatch.config import Settings

PIPELINES = {
    "newswatch.crawler.pipelines.NormalizePipeline": 100,
    "newswatch.crawler.pipelines.ExtractPipeline": 200,
    "newswatch.crawler.pipelines.StorePipeline": 500,
    "newswatch.crawler.pipelines.IngestedHookPipeline": 800,
}

DOWNLOADER_MIDDLEWARES = {
    # http(s) only, and no private address reached from a public source (before robots.txt)
    "newswatch.crawler.guard.AddressGuardMiddleware": 50,
    "newswatch.crawler.middlewares.RobotsPolicyMiddleware": 99,  # just before the robots.txt check (100)
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "newswatch.crawler.middlewares.SharedRobotsTxtMiddleware": 100,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "newswatch.crawler.middlewares.BackoffRetryMiddleware": 550,
    # sees the body before HttpCompressionMiddleware (590) decompresses it
    "newswatch.crawler.middlewares.TruncatedGzipMiddleware": 595,
}

# Turns politeness off for benchmarks on a local server: no delay, no throttle, 16 per host.
BENCH_PROFILE: dict[str, Any] = {
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "CONCURRENT_REQUESTS": 32,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
    "DOWNLOAD_DELAY_JITTER": 0,
}


def scrapy_settings(settings: Settings, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """The Scrapy settings for one crawl; ``extra`` (bench or test profiles) wins."""
    c = settings.crawl
    out: dict[str, Any] = {
        "BOT_NAME": "newswatch",
        "USER_AGENT": settings.user_agent,
        "TWISTED_REACTOR": "twisted.internet.asyncioreactor.AsyncioSelectorReactor",
        # robots.txt: Scrapy's middleware stays on, RobotsPolicyMiddleware applies the default
        # and each feed's override per request
        "ROBOTSTXT_OBEY": True,
        "NEWSWATCH_OBEY_ROBOTS": c.obey_robots,
        "CONCURRENT_REQUESTS": c.concurrent_requests,
        "CONCURRENT_REQUESTS_PER_DOMAIN": c.concurrent_per_host,
        "DOWNLOAD_DELAY": c.download_delay,
        "AUTOTHROTTLE_ENABLED": c.autothrottle,
        "AUTOTHROTTLE_START_DELAY": max(c.download_delay, 1.0),
        "AUTOTHROTTLE_MAX_DELAY": 60.0,
        "AUTOTHROTTLE_TARGET_CONCURRENCY": float(c.concurrent_per_host),
        "DOWNLOAD_TIMEOUT": c.timeout,
        "RETRY_ENABLED": c.retries > 0,
        "RETRY_TIMES": c.retries,
        "RETRY_GIVE_UP_LOG_LEVEL": "WARNING",
        "NEWSWATCH_RETRY_BACKOFF": 1.0,
        "NEWSWATCH_RETRY_MAX_DELAY": 60.0,
        "DOWNLOAD_MAXSIZE": c.max_page_bytes,
        "DOWNLOAD_WARNSIZE": 0,
        "NEWSWATCH_MAX_FEED_BYTES": c.max_feed_bytes,
        "REDIRECT_MAX_TIMES": c.max_redirects,
        "NEWSWATCH_ALLOW_PRIVATE_LINKS": c.allow_private_links,
        # a news crawler reads the web: no local files, data: URLs, FTP or S3, whatever a
        # feed or a homepage links to
        "DOWNLOAD_HANDLERS": {"file": None, "data": None, "ftp": None, "s3": None},
        "DOWNLOAD_FAIL_ON_DATALOSS": True,
        # Scrapy starts this many workers per response to handle its output; our callbacks
        # yield one item (or a feed's requests), and 100 idle workers per page cost more than the
        # page itself
        "CONCURRENT_ITEMS": 4,
        "COOKIES_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        # Scrapy >= 2.19 starts a code-execution HTTP server per crawl and leaves a job file in
        # ~/.local/state/scrapy for each: a service polling every few minutes needs neither
        "REMOTE_CONTROL_ENABLED": False,
        "STATS_DUMP": False,
        "LOG_ENABLED": False,
        "LOGSTATS_INTERVAL": 0,
        "HTTPCACHE_ENABLED": False,
        "DOWNLOADER_MIDDLEWARES": dict(DOWNLOADER_MIDDLEWARES),
        "ITEM_PIPELINES": dict(PIPELINES),
        "SPIDER_MODULES": ["newswatch.crawler.spiders"],
        "NEWSPIDER_MODULE": "newswatch.crawler.spiders",
    }
    if extra:
        out.update(extra)
    return out
