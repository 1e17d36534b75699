"""JS-rendered listing pages: sources with ``render: true`` are fetched through headless Chromium.

scrapy-playwright (the ``newswatch[render]`` extra) drives the system's Chromium by its
executable path (Debian: ``apt-get install chromium``); nothing downloads a browser at run time.
Only requests marked here go through the browser, and only crawls that include such a source
install the handler, so a crawl of plain feeds never starts Playwright.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterable
from typing import Any

from newswatch.config import CrawlConfig, FeedConfig
from newswatch.errors import ConfigError, require_extra

HANDLER = "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler"
_PSEUDO = re.compile(r"::(attr\([^)]*\)|text)\s*$")  # parsel's extensions, unknown to a browser


def needs_browser(feeds: Iterable[FeedConfig]) -> bool:
    return any(f.render and f.enabled for f in feeds)


def render_settings(crawl: CrawlConfig, feeds: Iterable[FeedConfig]) -> dict[str, Any]:
    """Scrapy settings that route marked requests through Chromium (empty when none is needed)."""
    if not needs_browser(feeds):
        return {}
    require_extra("scrapy_playwright", "render", "render: true (pages built by JavaScript)")
    browser = shutil.which(crawl.browser) or (
        crawl.browser if os.access(crawl.browser, os.X_OK) else None
    )
    if browser is None:
        raise ConfigError(
            f"crawl.browser: {crawl.browser!r} is not an executable browser, and a source has render: true",
            hint="install Chromium (Debian/Ubuntu: apt-get install chromium) "
            "or set crawl.browser to its path",
        )
    args = ["--disable-dev-shm-usage", "--disable-gpu"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args.append("--no-sandbox")  # Chromium refuses to start as root with its sandbox on
    return {
        "DOWNLOAD_HANDLERS": {"http": HANDLER, "https": HANDLER},
        "PLAYWRIGHT_BROWSER_TYPE": "chromium",
        "PLAYWRIGHT_LAUNCH_OPTIONS": {"executable_path": browser, "headless": True, "args": args},
        "PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT": int(crawl.render_timeout * 1000),
        "PLAYWRIGHT_MAX_CONTEXTS": 1,
        "PLAYWRIGHT_MAX_PAGES_PER_CONTEXT": 2,
        # images, fonts and media are not needed to find links
        "PLAYWRIGHT_ABORT_REQUEST": "newswatch.crawler.render.skip_heavy",
    }


def skip_heavy(request: Any) -> bool:
    """Playwright request filter: do not download what cannot hold a link."""
    return request.resource_type in ("image", "media", "font")


def browser_selector(selector: str) -> str:
    """A listing selector as Playwright reads it (XPath prefixed, parsel pseudo-elements dropped)."""
    if selector.startswith(("/", "(", "./")):
        return "xpath=" + selector
    return _PSEUDO.sub("", selector)


def render_meta(feed: FeedConfig, crawl: CrawlConfig) -> dict[str, Any]:
    """Request meta that renders the page and waits until the listing's links exist."""
    from scrapy_playwright.page import PageMethod

    methods = []
    if feed.selectors is not None:
        methods.append(
            PageMethod(
                "wait_for_selector",
                browser_selector(feed.selectors.links),
                state="attached",
                timeout=crawl.render_timeout * 1000,
            )
        )
    return {"playwright": True, "playwright_page_methods": methods}


def with_render(
    conf: dict[str, Any], crawl: CrawlConfig, feeds: Iterable[FeedConfig]
) -> dict[str, Any]:
    """``conf`` plus the browser's settings when a source needs one.

    The download handlers are merged, not replaced: the crawl's own table switches off the
    schemes a news crawler must never fetch (file:, data:, ftp:, s3:), and the browser only
    takes over http and https.
    """
    extra = render_settings(crawl, feeds)
    if not extra:
        return conf
    handlers = {**conf.get("DOWNLOAD_HANDLERS", {}), **extra.pop("DOWNLOAD_HANDLERS")}
    return {**extra, **conf, "DOWNLOAD_HANDLERS": handlers}
