"""Author names of a page: JSON-LD, meta tags, rel=author, then the visible byline; names only."""
from __future__ import annotations

import logging
import re

from lxml import html

from .structured import PageSignals, clean_space, person_names
from .titles import site_keys

log = logging.getLogger(__name__)
_PREFIX = re.compile(
    r"^(?:(?:view|see) all (?:posts|articles|stories) by|(?:all )?(?:posts|articles|stories) by"
    r"|(?:zeige )?alle (?:beiträge|artikel) von|(?:posted|written|reported|words|story|text)"
    r" by|by|von|par|por|de|door|di|af|av|ein (?:beitrag|artikel) von|(?:artikel|beitrag) von"
    r"|auteur|author|autor(?:in)?|text|texte|verfasst von|redaktion:)\s*:?\s+",
    re.IGNORECASE,
)
_ROLE = re.compile(
    r"\b(?:reporter|editor|correspondent|journalist|staff writer|contributor|columnist"
    r"|photographer|redakteur(?:in)?|korrespondent(?:in)?|rédacteur|rédactrice|chefredakteur"
    r"|editor-in-chief|senior|writer|producer)\b",
    re.IGNORECASE,
)
_SPLIT = re.compile(r"\s*(?:,|;|\s&\s|\band\b|\bund\b|\bet\b|\s\|\s)\s*", re.IGNORECASE)
_CONTACT = re.compile(r"@|\[at\]|\(at\)|https?://|www\.", re.IGNORECASE)
MAX_NAME_WORDS, MAX_AUTHORS = 6, 8
_DOMAIN = re.compile(r"\w\.(?:com|net|org|de|fr|it|es|ch|at|co|uk|info|io)\b", re.IGNORECASE)
_UNKNOWN = {"unknown", "admin", "administrator", "redaktion", "editorial", "staff", "posted"}


def clean_name(raw: str, sites: set[str]) -> str | None:
    """A person's (or desk's) name from a byline: no "By", dates, roles, e-mail or site name."""
    name = clean_space(raw)
    previous = None
    while name != previous:
        previous = name
        name = _PREFIX.sub("", name).strip(" :-–—|·•,")
    digit = re.search(r"\d", name)
    if digit:
        name = name[: digit.start()]  # "Lucas Nolan 22 Dec 2016": the date follows the name
    parts = [p for p in re.split(r"\s+[-–—|/·•]\s+|\s*[(,]|\)", name) if p and p.strip()]
    parts = [p for p in parts if not _ROLE.search(p)]
    name = clean_space(parts[0]) if parts else ""
    name = name.strip(" :-–—|·•,.")
    if not name or _CONTACT.search(name) or not any(ch.isalpha() for ch in name):
        return None
    if len(name.split()) > MAX_NAME_WORDS or name.casefold() in _UNKNOWN:
        return None
    if _DOMAIN.search(name) or _fold(name) in sites:
        return None  # the outlet is not an author ("tagesschau.de"); its desk may be
    return name


def _fold(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.casefold()))


def _split(value: str) -> list[str]:
    return [part for part in _SPLIT.split(value) if part and part.strip()]


def _byline(root: html.HtmlElement) -> str | None:
    """The visible byline, found with trafilatura's author expressions."""
    try:
        from trafilatura.metadata import extract_author

        return extract_author(root)
    except Exception:  # third-party heuristics must not break extraction
        log.debug("byline search failed", exc_info=True)
        return None


def choose_authors(signals: PageSignals, root: html.HtmlElement, url: str | None) -> list[str]:
    """Names of the page's authors, in order, without duplicates."""
    sites = site_keys(signals, url)
    sources: list[list[str]] = [person_names(signals.article.get("author"))]
    for key in ("author", "article:author", "byl", "dc.creator", "parsely-author",
                "sailthru.author"):
        values = [v for v in signals.meta.get(key, []) if v.strip()]
        sources.append([part for v in values for part in _split(v)])
    sources.append(list(signals.rel_authors))
    for raw in sources:
        names = _names(raw, sites)
        if names:
            return names
    byline = _byline(root)
    return _names(byline.split(";") if byline else [], sites)


def _names(raw: list[str], sites: set[str]) -> list[str]:
    seen: dict[str, None] = {}
    for value in raw:
        for part in _split(value) if len(value) > 40 else [value]:
            name = clean_name(part, sites)
            if name:
                seen.setdefault(name, None)
    return list(seen)[:MAX_AUTHORS]
