"""news-please's RSS crawler over the bench site; run by crawl_throughput.py with news-please's venv.

Not part of newswatch: it imports only news-please (whose pins clash with ours), so it runs with
the interpreter of a separate venv (and sits outside bench/*.py, which `make bench` runs with
ours) and prints one JSON line for the bench to read:

    bench/.venv-newsplease/bin/python bench/tools/newsplease_crawl.py --base URL --feeds 4 --workdir DIR

It runs news-please's own crawler process (SingleCrawler → Scrapy CrawlerProcess → RssCrawler →
ArticleMasterExtractor → JsonFileStorage) with the bench profile: robots.txt obeyed, no delay,
16 requests per host, no AutoThrottle. Two things differ from `news-please -c DIR`, both needed to
start from the same feeds as newswatch and neither slows it down:
  - RssCrawler reads the first `<link type="application/rss+xml">` of a site's home page and crawls
    that one feed, so one site with several feeds cannot be expressed in sitelist.hjson; the spider
    here starts from every feed URL with RssCrawler's own rss_parse.
  - the crawler probe (`supports_site`, one extra request to the home page) is skipped.
Every feed item is an article (our feeds list nothing else), so the site's heuristics condition is
news-please's `crawler_contains_only_article_alikes`, true for RssCrawler; its default needs
og:type=article, which the generated pages do not carry.
"""

from __future__ import annotations

import argparse
import json
import re
import time
from pathlib import Path
from typing import Any

import newsplease
import scrapy
from newsplease.crawler.spiders.rss_crawler import RssCrawler
from newsplease.single_crawler import SingleCrawler

SCRAPY_OVERRIDES = {
    "ROBOTSTXT_OBEY": "True",
    "CONCURRENT_REQUESTS": "32",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "16",
    "DOWNLOAD_DELAY": "0",
    "AUTOTHROTTLE_ENABLED": "False",
    # its default INFO logs two lines per article; newswatch's crawl logs at WARNING too
    "LOG_LEVEL": "WARNING",
    # extraction + JSON files; newswatch keeps no raw HTML either, so HtmlFileStorage is left out
    "ITEM_PIPELINES": "{'newsplease.pipeline.pipelines.ArticleMasterExtractor': 100, "
    "'newsplease.pipeline.pipelines.JsonFileStorage': 300}",
}


def write_config(workdir: Path, site_url: str) -> tuple[Path, Path]:
    """news-please's packaged config.cfg with the bench profile, and a one-site sitelist.hjson."""
    default = Path(newsplease.__file__).parent / "config" / "config.cfg"
    text = default.read_text()
    text = re.sub(r"(?m)^working_path = .*$", f"working_path = {workdir}", text)
    section = text.index("[Scrapy]")
    head, scrapy_part = text[:section], text[section:]
    for key, value in SCRAPY_OVERRIDES.items():
        # ITEM_PIPELINES spans several lines: drop its continuation lines with it
        pattern = (
            rf"(?ms)^{key}\s*=.*?(?=^\S|\Z)" if key == "ITEM_PIPELINES" else rf"(?m)^{key}\s*=.*$"
        )
        scrapy_part = re.sub(pattern, "", scrapy_part)
        scrapy_part = scrapy_part.replace("[Scrapy]", f"[Scrapy]\n{key} = {value}", 1)
    cfg = workdir / "config.cfg"
    cfg.write_text(head + scrapy_part)
    sites = workdir / "sitelist.hjson"
    sites.write_text(
        json.dumps(
            {
                "base_urls": [
                    {
                        "url": site_url,
                        "crawler": "RssCrawler",
                        "overwrite_heuristics": {
                            "og_type": False,
                            "linked_headlines": False,
                            "self_linked_headlines": False,
                            "crawler_contains_only_article_alikes": True,
                        },
                        "pass_heuristics_condition": "crawler_contains_only_article_alikes",
                    }
                ]
            }
        )
    )
    return cfg, sites


def feeds_spider(feed_urls: list[str]) -> type[RssCrawler]:
    class FeedsRssCrawler(RssCrawler):
        async def start(self) -> Any:
            for url in feed_urls:
                yield scrapy.Request(url, callback=self.rss_parse, dont_filter=True)

    return FeedsRssCrawler


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--base", required=True)
    ap.add_argument("--feeds", type=int, required=True)
    ap.add_argument("--workdir", required=True)
    args = ap.parse_args()
    workdir = Path(args.workdir).resolve()
    cfg, sites = write_config(workdir, args.base + "/")
    spider = feeds_spider([f"{args.base}/feed-{f}.xml" for f in range(args.feeds)])

    class BenchCrawler(SingleCrawler):
        def get_crawler(self, crawler: str, url: str) -> type[RssCrawler]:
            return spider

    t0, cpu0 = time.perf_counter(), time.process_time()
    BenchCrawler(str(cfg), str(sites), 0, False, False)  # returns when the crawl has finished
    seconds, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    stored = with_text = 0
    for path in (workdir / "data").rglob("*.json"):
        stored += 1
        with_text += bool((json.loads(path.read_text()).get("maintext") or "").strip())
    print(
        json.dumps(
            {
                "seconds": seconds,
                "cpu": cpu,
                "stored": stored,
                "with_text": with_text,
                "version": newsplease_version(),
            }
        )
    )


def newsplease_version() -> str:
    from importlib.metadata import version

    return version("news-please")


if __name__ == "__main__":
    main()
