"""Search sources: a query followed across outlets instead of one outlet's feed.

``google-news``: the RSS of Google News search. Its item links lead through Google to the
publisher's page (the fetch follows the redirect); the publisher named in ``<source>`` is kept
as the report's outlet. ``gdelt``: the GDELT DOC 2.0 API (``mode=ArtList``, JSON), whose
articles carry the source's domain, country and language.
"""

from __future__ import annotations

import json
from datetime import datetime
from functools import lru_cache

from newswatch.crawler.parsing.entries import Entry, Parsed, absolute, parse_date
from newswatch.crawler.parsing.feeds import parse_feed, read_feed


def _keep_recent(parsed: Parsed, since: datetime | None) -> Parsed:
    if since is None:
        return parsed
    recent = [e for e in parsed.entries if e.published is None or e.published >= since]
    if len(recent) < len(parsed.entries):
        parsed.warning = (
            f"{len(parsed.entries) - len(recent)} results older than the look-back window skipped"
        )
    parsed.entries = recent
    return parsed


def parse_google_news(
    body: bytes, url: str, *, content_type: str | None = None, since: datetime | None = None
) -> Parsed:
    """Results of a Google News RSS search, each with its publisher's name and site."""
    parsed = parse_feed(body, url, content_type=content_type)
    if parsed.error:
        return parsed
    sources = {}
    for e in read_feed(body, url, content_type)[0].entries:
        src = e.get("source") or {}
        link = absolute(url, e.get("link"))
        if link and src.get("title"):
            sources[link] = (src["title"].strip(), src.get("href"))
    for entry in parsed.entries:
        outlet, site = sources.get(entry.url, (None, None))
        if not outlet:
            continue
        # Google titles read "Headline - Publisher"
        if entry.title and entry.title.endswith(f" - {outlet}"):
            entry.title = entry.title[: -len(outlet) - 3].strip()
        entry.meta = {
            "search": {
                "engine": "google-news",
                "outlet": outlet,
                **({"outlet_url": site} if site else {}),
            }
        }
        entry.summary = None  # Google's description is a link list, not the article's summary
    return _keep_recent(parsed, since)


@lru_cache(maxsize=1)
def _names() -> tuple[dict[str, str], dict[str, str]]:
    """English language and country names → ISO codes (GDELT reports names)."""
    from babel import Locale

    en = Locale("en")
    languages = {name.lower(): code for code, name in en.languages.items() if "_" not in code}
    countries = {name.lower(): code for code, name in en.territories.items() if code.isalpha()}
    return languages, countries


def parse_gdelt(body: bytes, url: str, *, since: datetime | None = None) -> Parsed:
    """Articles of a GDELT DOC 2.0 ``ArtList`` answer in JSON."""
    text = body.decode("utf-8", "replace").strip()
    if not text:
        return Parsed(error="empty response")
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        # GDELT answers a query it refuses (too short, bad operator) with a line of plain text
        return Parsed(error=f"GDELT refused the query: {text.splitlines()[0][:200]}")
    if not isinstance(data, dict):
        return Parsed(error="not a GDELT ArtList answer: expected a JSON object")
    articles = data.get("articles", [])  # GDELT answers {} when nothing matched
    if not isinstance(articles, list):
        return Parsed(error="not a GDELT ArtList answer: articles is not a list")
    languages, countries = _names()
    entries = []
    for art in articles:
        if not isinstance(art, dict):
            continue
        link = absolute(url, art.get("url"))
        if link is None:
            continue
        language = str(art.get("language") or "")
        country = str(art.get("sourcecountry") or "")
        search = {
            "engine": "gdelt",
            "outlet": art.get("domain") or None,
            "language": languages.get(language.lower()) or None,
            "language_name": language or None,
            "country": countries.get(country.lower()) or None,
            "country_name": country or None,
        }
        entries.append(
            Entry(
                url=link,
                guid=link,
                title=(art.get("title") or "").strip() or None,
                published=parse_date(art.get("seendate")),
                meta={"search": {k: v for k, v in search.items() if v}},
            )
        )
    return _keep_recent(Parsed(entries=entries, title="GDELT search"), since)
