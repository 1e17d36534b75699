"""Checks on the bundled demo news site data under seeds/demo/."""

from __future__ import annotations

import filecmp
import importlib.util
import sys
from collections import Counter
from datetime import datetime
from pathlib import Path
from types import ModuleType

import feedparser
import lxml.html
import pytest
from ruamel.yaml import YAML

from newswatch.categories import CATEGORIES

DEMO = Path(__file__).resolve().parent.parent / "seeds" / "demo"
PREFIX = "http://demo.invalid/"
PERSPECTIVES = {"armenian", "azerbaijani", "russian", "international"}


def _load_yaml(name: str) -> dict:
    return YAML(typ="safe").load((DEMO / name).read_text(encoding="utf-8"))


def _build_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("demo_build", DEMO / "_build" / "build.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    # dataclasses resolve string annotations through sys.modules, so register first.
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


SITE = _load_yaml("site.yaml")
TRUTH = _load_yaml("truth.yaml")["articles"]
FEEDS = SITE["feeds"]


def _local(url: str) -> Path:
    assert url.startswith(PREFIX), url
    return DEMO / url.removeprefix(PREFIX)


def _parse(feed: dict) -> feedparser.FeedParserDict:
    return feedparser.parse(_local(feed["url"]).read_bytes())


def _article_pages() -> list[str]:
    return sorted(
        p.relative_to(DEMO).as_posix() for p in DEMO.glob("*/[0-9][0-9][0-9][0-9]/*.html")
    )


def _paragraphs(path: str) -> list[str]:
    tree = lxml.html.fromstring((DEMO / path).read_bytes())
    return [" ".join(p.text_content().split()) for p in tree.iter("p")]


def test_site_yaml_lists_six_outlets_of_every_perspective() -> None:
    assert len(FEEDS) >= 6
    assert len({f["name"] for f in FEEDS}) == len(FEEDS)
    assert {f["kind"] for f in FEEDS} == {"rss", "atom"}
    assert {f["tags"]["perspective"] for f in FEEDS} == PERSPECTIVES
    assert {"en", "hy", "ru"} <= {f["language"] for f in FEEDS}
    for feed in FEEDS:
        assert feed["title"] and feed["tags"]["country"]
        assert _local(feed["url"]).is_file()


@pytest.mark.parametrize("feed", FEEDS, ids=lambda f: f["name"])
def test_feed_parses_cleanly_and_links_resolve(feed: dict) -> None:
    parsed = _parse(feed)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == {"rss": "rss20", "atom": "atom10"}[feed["kind"]]
    assert parsed.entries
    for entry in parsed.entries:
        assert entry.get("id"), entry.link
        assert entry.title
        assert _local(entry.link).is_file(), entry.link


def test_feed_guids_mix_permalinks_and_urns() -> None:
    ids = [e.id for f in FEEDS for e in _parse(f).entries]
    assert len(ids) == len(set(ids))
    assert any(i.startswith(PREFIX) for i in ids)
    assert any(i.startswith(("urn:", "tag:")) for i in ids)


def test_only_one_or_two_entries_lack_a_date() -> None:
    undated = [e.link for f in FEEDS for e in _parse(f).entries if not e.get("published_parsed")]
    assert 1 <= len(undated) <= 2, undated


def test_every_article_is_in_exactly_one_feed() -> None:
    links = Counter(e.link.removeprefix(PREFIX) for f in FEEDS for e in _parse(f).entries)
    assert set(links) == set(_article_pages())
    assert max(links.values()) == 1


def test_truth_covers_every_article_page_exactly_once() -> None:
    paths = [t["path"] for t in TRUTH]
    assert len(paths) == len(set(paths))
    assert sorted(paths) == _article_pages()


@pytest.mark.parametrize("item", TRUTH, ids=lambda t: t["path"])
def test_truth_entry_matches_its_page(item: dict) -> None:
    outlet = next(f for f in FEEDS if item["path"].startswith(f["name"] + "/"))
    assert item["language"] == outlet["language"]
    assert item["relevant"] == bool(item["categories"])
    assert set(item["categories"]) <= set(CATEGORIES)
    assert len(item["categories"]) == len(set(item["categories"]))
    published = datetime.fromisoformat(item["published"])
    assert published.tzinfo is not None
    assert "2025-07" <= f"{published:%Y-%m}" <= "2026-11"
    assert item["path"].split("/")[1] == str(published.year)
    page = lxml.html.fromstring((DEMO / item["path"]).read_bytes())
    headings = [" ".join(h.text_content().split()) for h in page.iter("h1", "h2")]
    assert item["title"] in headings


def test_counts_of_articles_languages_and_off_topic_items() -> None:
    assert len(TRUTH) >= 48
    assert sum(not t["relevant"] for t in TRUTH) >= 12
    languages = Counter(t["language"] for t in TRUTH)
    assert languages["ru"] >= 1 and languages["hy"] >= 1
    assert sum(1 for t in TRUTH if t["syndicated_of"]) >= 1


@pytest.mark.parametrize("category", CATEGORIES)
def test_each_category_has_two_relevant_articles(category: str) -> None:
    assert sum(1 for t in TRUTH if t["relevant"] and category in t["categories"]) >= 2


def test_syndicated_copies_repeat_the_original_word_for_word() -> None:
    by_path = {t["path"]: t for t in TRUTH}
    copies = [t for t in TRUTH if t["syndicated_of"]]
    for copy in copies:
        original = by_path[copy["syndicated_of"]]
        assert original["story"] == copy["story"] and not original["syndicated_of"]
        assert copy["path"].split("/")[0] != original["path"].split("/")[0]
        body = [p for p in _paragraphs(original["path"]) if len(p.split()) >= 30]
        assert len(body) >= 4
        copied = set(_paragraphs(copy["path"]))
        # The first paragraph carries each outlet's own dateline, so compare the rest.
        assert all(p in copied for p in body[1:])


def test_one_development_is_told_by_three_outlets_in_several_languages() -> None:
    stories: dict[str, list[dict]] = {}
    for t in TRUTH:
        if t["relevant"] and not t["syndicated_of"]:
            stories.setdefault(t["story"], []).append(t)
    wide = [
        s
        for s, items in stories.items()
        if len({i["path"].split("/")[0] for i in items}) >= 3
        and len({i["language"] for i in items}) >= 2
    ]
    assert wide


def test_article_bodies_are_within_word_limits() -> None:
    _, articles = _build_module().load()
    assert {a.path for a in articles} == {t["path"] for t in TRUTH}
    for a in articles:
        assert 250 <= a.words <= 900, (a.path, a.words)


def test_committed_site_matches_its_sources(tmp_path: Path) -> None:
    written = _build_module().render(tmp_path)
    assert written
    for target in written:
        rel = target.relative_to(tmp_path)
        assert filecmp.cmp(target, DEMO / rel, shallow=False), f"stale {rel}: rerun build.py"


def test_pages_use_the_demo_prefix_for_absolute_links() -> None:
    for path in [*_article_pages(), "index.html"]:
        tree = lxml.html.fromstring((DEMO / path).read_bytes())
        for href in tree.xpath("//a/@href | //link/@href"):
            assert href.startswith((PREFIX, "#")), (path, href)


def test_robots_allows_all_but_private() -> None:
    lines = (DEMO / "robots.txt").read_text(encoding="utf-8").splitlines()
    assert "User-agent: *" in lines and "Disallow: /private/" in lines
