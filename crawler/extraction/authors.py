"""Author names of a page: JSON-LD, meta tags, rel=author, then the visible byline; names only.

Which source names the author, and whom: the site's own name, teasers' authors and a desk's
initials give way to a person. Cleaning one byline into names is names.py's job."""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from lxml import html

from .bylines import labelled_bylines, line_after_headline, marked_bylines
from .names import after_dated_by, before_date, clean_name, looks_like_name, names_from, split_names
from .structured import PageSignals, clean_space, person_names

log = logging.getLogger(__name__)
_MIN_SITE_KEY = 4
_MAX_CO_AUTHORS = 4
_MAX_REL = 5
_COMPANY = re.compile(r"\b(?:GmbH|AG|e\.\s?V|Verlag|Ltd|Inc|LLC|S\.A|SAS|S\.p\.A)\b\.?")


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _head_metas(root: html.HtmlElement) -> list[tuple[str, str | None, str]]:
    """(name in ASCII lower case, property, content) of each <meta> right under <head>: one
    walk of the page for all author keys."""
    found = []
    for head in root.getroottree().iter("head"):
        for meta in head:
            content = meta.get("content") if meta.tag == "meta" else None
            if content is not None:
                name = meta.get("name")
                lowered = name.translate(_ASCII_LOWER) if name is not None else ""
                found.append((lowered, meta.get("property"), content))
    return found


def _head_meta(metas: list[tuple[str, str | None, str]], key: str) -> list[str]:
    """The contents of several <meta> tags named key in <head>; [] for one or none."""
    values = [
        clean_space(content)
        for name, prop, content in metas
        if (name == key or prop == key) and content.strip()
    ]
    return values if len(values) > 1 else []


def _may_have_byline(root: html.HtmlElement) -> bool:
    """Whether any of trafilatura's author expressions matches the page: it copies and prunes
    the whole page before running them, and pruning only removes, so no match here means none
    there."""
    from trafilatura.xpaths import AUTHOR_XPATHS

    return any(expression(root) for expression in AUTHOR_XPATHS)


def _byline(root: html.HtmlElement) -> str | None:
    """The visible byline, found with trafilatura's author expressions."""
    if not _may_have_byline(root):
        return None
    try:
        from trafilatura.metadata import extract_author

        return extract_author(root)
    except Exception:  # third-party heuristics must not break extraction
        log.debug("byline search failed", exc_info=True)
        return None


# JSON-LD objects other than articles that describe the page itself and may name its author
_PAGE_WORK = re.compile(
    r"\b(?:webpage|itempage|recipe|howto|creativework|review|qapage|question|course)\b", re.I
)


def _kinds(node: dict[str, Any]) -> str:
    kind = node.get("@type", "")
    return " ".join(map(str, kind)) if isinstance(kind, list) else str(kind)


def _jsonld_authors(signals: PageSignals) -> list[str]:
    """The article's authors in JSON-LD, else those of the page, recipe or other work it is."""
    nodes = [signals.article] + [
        node
        for node in signals.ld_nodes
        if node is not signals.article and _PAGE_WORK.search(_kinds(node))
    ]
    for node in nodes:
        names = names_from(person_names(node.get("author"), signals.ld_nodes))
        if names:
            return names
    return []


_META_KEYS = (
    "author",
    "article:author",
    "og:article:author",
    "article:author_name",
    "byl",
    "dc.creator",
    "dc:creator",
    "dcterms.creator",
    "parsely-author",
    "sailthru.author",
    "sailthru.byline_name",
    "cxenseparse:author",
    "shareaholic:article_author_name",
    "citation_author",
)
# the label of a "twitter:labelN"/"twitter:dataN" pair that carries the author (Yoast writes one)
_AUTHOR_LABEL = re.compile(
    r"^(?:written by|author|by|verfasst von|geschrieben von|autor(?:in)?|von|écrit par|auteur"
    r"|escrito por|autor|scritto da|autore|geschreven door|skrivet av|napisane przez)\W*$",
    re.IGNORECASE,
)


def _labelled_meta(signals: PageSignals) -> str:
    """The author a "twitter:labelN" tag announces in its "twitter:dataN" partner."""
    for number in range(1, 6):
        label = signals.first_meta(f"twitter:label{number}") or ""
        if _AUTHOR_LABEL.match(label.strip()):
            return signals.first_meta(f"twitter:data{number}") or ""
    return ""


def choose_authors(signals: PageSignals, root: html.HtmlElement) -> list[str]:
    """Names of the page's authors, in order, without duplicates.

    The first source that names anyone wins, but the site's own name stands in for an author
    on many pages ("Madame Figaro", "LAOLA1"): it is kept only when no source names a person.
    """
    try:
        return _choose(signals, root)
    except Exception:  # a page's odd markup must cost its authors, not the whole extraction
        log.exception("author search failed")
        return []


def _choose(signals: PageSignals, root: html.HtmlElement) -> list[str]:
    site = _site_keys(signals)
    fallback: list[str] = []
    for names, metadata in _sources(signals, root, site):
        names = list(dict.fromkeys(_without_site_tail(name, site) for name in names))
        people = [name for name in names if not _is_site(_key(name), site)]
        if people and not _shorter(people, fallback):
            people = _spelled_out(people, root, signals)
            return _with_co_authors(people, root, site) if metadata else people
        fallback = fallback or names
    return fallback


# the desk's word after the site's name that follows a person's ("Ana Lind Example News Staff")
_DESK_WORDS = {"staff", "team", "redaktion", "editors", "reporter", "writer"}
# a desk's name holds the site's name as its own: "Redacción Diario Example", "Editorial Team X"
_DESK = re.compile(r"redak|redac|rédac|redaz|editor|staff|team|desk|newsroom", re.IGNORECASE)


def _without_site_tail(name: str, site: tuple[set[str], set[str]]) -> str:
    """A person's name without the site's name (and "Staff") written after it."""
    words = name.split()
    names, hosts = site
    for start in range(2, len(words)):
        tail = words[start:]
        if tail[-1].casefold() in _DESK_WORDS:
            tail = tail[:-1]
        if (
            tail
            and _key(" ".join(tail)) in names | hosts
            and not _DESK.search(" ".join(words[:start]))
        ):
            return " ".join(words[:start])
    return name


def _spelled_out(people: list[str], root: html.HtmlElement, signals: PageSignals) -> list[str]:
    """A lone first name or user name ("Todd", "arianschlichenmayer") as the byline under the
    headline spells it out ("Todd Bates", "Arian Schlichenmayer"), or the author's own
    description ("Todd Bates writes about..."), or a personal site's name ("Dr. Todd Bates")."""
    if len(people) != 1 or " " in people[0]:
        return people
    line = line_after_headline(root)
    fuller = clean_name(line) if line else None
    if fuller and " " in fuller and looks_like_name(fuller):
        short, long = _folded(people[0]), _folded(fuller)
        if long == short or fuller.split()[0].casefold() == people[0].casefold():
            return [fuller]
    for text in _self_descriptions(people[0], signals):
        match = _LEADING_NAME.match(text)
        words = match.group(0).split() if match else []
        if len(words) >= 2 and words[0] == people[0]:
            return [" ".join(words)]
    return people


# a name's words at the start of a text: "Todd Bates ist Autor", "Dr. Todd Bates"
_TITLE = re.compile(r"^(?:(?:dr|prof|mag|dipl)\.[ -]?)+\s*", re.IGNORECASE)
_LEADING_NAME = re.compile(r"[^\W\d_][\w'’-]*(?:\s+[A-ZÀ-ÖØ-Þ][\w'’-]+){1,2}(?=[\s,.:;–—-]|$)")


def _self_descriptions(name: str, signals: PageSignals) -> Iterator[str]:
    """Texts that may begin with the person's full name: the description of the JSON-LD
    person so named, and the site's name (without a title) on a personal site."""
    for node in signals.ld_nodes:
        if "Person" in _kinds(node) and node.get("name") == name:
            description = node.get("description")
            if isinstance(description, str):
                yield clean_space(description)
    for site_name in signals.site_names:
        text = _TITLE.sub("", clean_space(site_name))
        if len(text.split()) <= 3 and looks_like_name(text):
            yield text


def _folded(name: str) -> str:
    """Letters and digits only, without accents: how a user name writes a name."""
    plain = unicodedata.normalize("NFKD", name)
    return "".join(ch for ch in plain.casefold() if ch.isalnum())


def _with_co_authors(
    people: list[str], root: html.HtmlElement, site: tuple[set[str], set[str]]
) -> list[str]:
    """The names found, or the byline's when it adds co-authors to all of them.

    Metadata often names the first author only where the byline names two or three.
    """
    keys = {_key(name) for name in people}
    more = [name for name in _marked(root) if not _is_site(_key(name), site)]
    added = [name for name in more if _key(name) not in keys]
    # a co-author has a full name; "Online-Redaktion" or initials are the desk's mark
    full = all(len(name.split()) >= 2 for name in added)
    if full and keys < {_key(name) for name in more} and len(more) <= _MAX_CO_AUTHORS:
        return more
    return people


def _sources(
    signals: PageSignals, root: html.HtmlElement, site: tuple[set[str], set[str]]
) -> Iterator[tuple[list[str], bool]]:
    """Each source's names, the most explicit first, and whether it is the page's metadata."""
    yield _jsonld_authors(signals), True
    metas = _head_metas(root)
    for key in _META_KEYS:
        # the first tag only: more of them usually belong to teasers of other articles,
        # unless all of them sit in <head>, where they name this article's co-authors
        values = _head_meta(metas, key) or [
            next((v for v in signals.meta.get(key, []) if v.strip()), "")
        ]
        yield names_from([part for value in values for part in _meta_parts(value, site)]), True
    yield names_from(split_names(_labelled_meta(signals))), True
    # link texts and page text hold labels too ("More articles", "Show profile"): there
    # only what is written like a name counts
    yield names_from(_rel_authors(root), written_as_name=True), True
    yield _marked(root), False
    byline = _byline(root)  # trafilatura's expressions: slow, so last but one
    yield names_from(byline.split(";") if byline else [], written_as_name=True), False
    line = line_after_headline(root)
    yield names_from([line] if line else [], written_as_name=True), False
    # "Autor:" in an element of its own, the name in the next: the last resort, a walk of all text
    for text in labelled_bylines(root):
        names = names_from([text], written_as_name=True)
        if names:
            yield names, False
            break


def _meta_parts(value: str, site: tuple[set[str], set[str]]) -> list[str]:
    """The names in one author tag; after the publisher ("SPIEGEL ONLINE, Hamburg, Germany",
    "Example.de GmbH, Munich") comes its address, not co-authors."""
    parts = split_names(value)
    first = clean_name(parts[0]) if parts else None
    publisher = first is None or _is_site(_key(first), site) or _COMPANY.search(first)
    if len(parts) > 1 and publisher:
        return parts[:1]
    return parts


def _place(name: str) -> bool:
    return " " not in name and name[:1].isupper() and name[1:] != name[1:].upper()


def _rel_authors(root: html.HtmlElement) -> list[str]:
    """Texts of rel=author links in the first one's byline; others are teasers' authors."""
    links = root.xpath("//a[contains(concat(' ', normalize-space(@rel), ' '), ' author ')]")
    if not links:
        return []
    box = links[0].getparent()
    box = box.getparent() if box is not None and box.getparent() is not None else box
    near = [link for link in links[:_MAX_REL] if box is None or box in link.iterancestors()]
    return [clean_space(link.text_content()) for link in near]


def _marked(root: html.HtmlElement) -> list[str]:
    """The first marked byline that holds a name."""
    for text, card in marked_bylines(root):
        names = names_from(split_names(before_date(after_dated_by(text))), written_as_name=not card)
        if names:
            # "Von Ana Lind, Berlin": a single capitalised word after a full name is the
            # dateline's place; an agency or desk is written in capitals ("NDR") or small ("dpa")
            full = len(names[0].split()) >= 2
            return names[:1] + [name for name in names[1:] if not (full and _place(name))]
    return []


def _is_site(key: str, site: tuple[set[str], set[str]]) -> bool:
    """The site's name, maybe with an article or legal form ("Die FURCHE", "Verein e.V."), or
    a part of it ("LAOLA" of laola1.at); a person named like the host (helge.at) stays one."""
    names, hosts = site
    if key in names or key in hosts:
        return True
    if len(key) < _MIN_SITE_KEY:
        return False
    return any(key in other for other in names | hosts) or any(
        other in key for other in names if len(other) >= _MIN_SITE_KEY
    )


def _shorter(people: list[str], fallback: list[str]) -> bool:
    """Whether a visible byline only shortens the site's name already found ("Pamela"), or
    repeats it with more words ("Joe Wee Monday" after the date was cut)."""
    keys = [_key(name) for name in fallback]
    return any(
        _key(person) in key or key in _key(person) for person in people for key in keys if key
    )


def _key(name: str) -> str:
    return "".join(ch for ch in name.casefold() if ch.isalnum())


def _site_keys(signals: PageSignals) -> tuple[set[str], set[str]]:
    """The site's names and its host's main label, compared without spaces or case."""
    names = {_key(name) for name in signals.site_names} - {""}
    url = signals.canonical or signals.first_meta("og:url") or ""
    host = urlsplit(url.strip()).hostname or ""
    labels = [label for label in host.split(".") if label not in ("www", "m", "amp")]
    hosts = {_key(labels[-2]), _key(".".join(labels[-2:]))} if len(labels) >= 2 else set()
    return names, hosts - {""}
