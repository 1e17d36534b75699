"""Author names of a page: JSON-LD, meta tags, rel=author, then the visible byline; names only."""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterator
from html import unescape
from typing import Any
from urllib.parse import urlsplit

from lxml import html

from .bylines import line_after_headline, marked_bylines
from .structured import PageSignals, clean_space, person_names

log = logging.getLogger(__name__)
_PREFIX = re.compile(
    r"^(?:(?:view|see|show) all (?:posts|articles|stories) (?:by|of)|interview(?: mit| with)?"
    r"|(?:all )?(?:posts|articles|stories) by"
    r"|(?:zeige )?alle (?:beiträge|artikel) von|(?:posted|written|reported|words|story|text)"
    r" by|(?:erstellt|geschrieben|veröffentlicht|verfasst) von|(?:publié|écrit) par"
    r"|(?:publicado|escrito) por|(?:scritto|pubblicato) da|by|von|par|por|de|door|di|af|av"
    r"|ein (?:beitrag|artikel) von|(?:artikel|beitrag) von"
    r"|auteur|author|autor(?:in)?|text|texte|vom|redaktion:)\s*:?\s+",
    re.IGNORECASE,
)
_ROLE = re.compile(
    r"\b(?:reporter|editor|correspondent|journalist|staff writer|contributor|columnist"
    r"|photographer|redakteur(?:in)?|korrespondent(?:in)?|rédacteur|rédactrice|chefredakteur"
    r"|editor-in-chief|senior|writer|producer)\b",
    re.IGNORECASE,
)
# a user name keeps its digits ("freeman1984"); elsewhere a digit starts the date
_USER_NAME = re.compile(r"^[^\W\d_][\w.-]*\d+$")
_SEGMENT = re.compile(r"\s+[|·•]\s+")
# a role written as one word before the name: "FOCUS-Online-Experte Ana Lind", "Redakteurin Ana Lind"
_ROLE_WORD = re.compile(
    r"^\S*(?:experte|expertin|expert|redakteur|redakteurin|reporter|reporterin|autorin"
    r"|korrespondent|korrespondentin|editor|columnist|kolumnist|kolumnistin)\s+(?=\S+\s+\S)",
    re.IGNORECASE,
)
_SPLIT = re.compile(r"\s*(?:,|;|\s&\s|\band\b|\bund\b|\bet\b|\s\|\s)\s*", re.IGNORECASE)
_CONTACT = re.compile(r"@|\[at\]|\(at\)|https?://|www\.", re.IGNORECASE)
MAX_NAME_WORDS, MAX_AUTHORS = 6, 8
_DOMAIN = re.compile(r"\w\.(?:com|net|org|de|fr|it|es|ch|at|co|uk|info|io)\b", re.IGNORECASE)
_UNKNOWN = {
    "unknown",
    "admin",
    "administrator",
    "posted",
    "no author",
    "username",
    "follow",
    "stand",
    # a byline's label whose name stands in another element
    *("by", "von", "par", "por", "door", "di", "av", "af", "author", "autor", "auteur", "text"),
}
# academic degrees written after a name ("Grant Tinsley, PhD"): not a second author
_DEGREE = re.compile(r"^(?:Ph\.?\s?D|PHD|M\.?D|M\.?A|M\.?Sc?|B\.?Sc?|R\.?D|R\.?N|MPH|MBA)\.?$")
# a date label left after the date itself is cut ("Sara Zinnecker Stand: 3. März")
_DATE_LABEL = re.compile(
    r"(?:^|\s+)(?:stand|(?:last )?updated|(?:zuletzt )?aktualisiert|published|veröffentlicht|am|on"
    r"|le|el|il|den|der"
    # the month of a date written month first ("Joshua Sokol May 3, 2019")
    r"|jan(?:uary|uar)?|feb(?:ruary|ruar)?|mar(?:ch)?|märz|apr(?:il)?|may|mai|june?|juni"
    r"|july?|juli|aug(?:ust)?|sep(?:t|tember)?|oct(?:ober)?|okt(?:ober)?|nov(?:ember)?"
    r"|dec(?:ember)?|dez(?:ember)?"
    # and the weekday before it ("Ana Lind Fr, 3. Mai")
    r"|mon(?:day)?|tue(?:sday)?|wed(?:nesday)?|thu(?:rsday)?|fri(?:day)?|sat(?:urday)?"
    r"|sun(?:day)?|mo|di|mi|do|fr|sa|so|montag|dienstag|mittwoch|donnerstag|freitag|samstag"
    r"|sonntag)\W*$",
    re.IGNORECASE,
)
_MIN_SITE_KEY = 4
_MAX_CO_AUTHORS = 4
_MAX_REL = 5
_HANDLE = re.compile(r"(?:^|\s)@\w+\b")
_LABELS = {"name", "author", "autor", "profile", "profil", "more", "weiter", "mehr"}


def clean_name(raw: str) -> str | None:
    """A person's (or desk's) name from a byline: no "By", dates, roles, e-mail or web address."""
    name = clean_space(unescape(raw))  # "Redacci&oacute;n" escaped twice by the page
    name = _HANDLE.sub(" ", name).strip(" ©")  # "Ana Lind @analind", "© Ana Lind"
    # "10. Mai 2019 · von Ana Lind · in News": the segment the "von" opens holds the name
    name = next((seg for seg in _SEGMENT.split(name) if _PREFIX.match(seg)), name)
    previous = None
    while name != previous:
        previous = name
        name = _ROLE_WORD.sub("", _PREFIX.sub("", name)).strip(" :-–—|·•,")
    name = _before_date(name)
    parts = [p for p in re.split(r"\s+[-–—|/·•]\s+|\s*[(,]|\)", name) if p and p.strip()]
    parts = [p for p in parts if not _ROLE.search(p)]
    name = clean_space(parts[0]) if parts else ""
    name = name.strip(" :-–—|·•,.")
    if not name or _CONTACT.search(name) or not any(ch.isalpha() for ch in name):
        return None
    if len(name.split()) > MAX_NAME_WORDS or name.casefold() in _UNKNOWN or _DEGREE.match(name):
        return None
    if _DOMAIN.search(name):
        return None  # a web address is the outlet, not an author ("tagesschau.de")
    return name


def _before_date(name: str) -> str:
    """The text before a date: "Lucas Nolan 22 Dec 2016", "Ana Lind Fr, 3. Mai" (user names
    such as "freeman1984" keep their digits)."""
    digit = re.search(r"\d", name)
    if not digit or _USER_NAME.match(name):
        return name
    return _DATE_LABEL.sub("", _DATE_LABEL.sub("", name[: digit.start()]))


def _split(value: str) -> list[str]:
    return [part for part in _SPLIT.split(value) if part and part.strip()]


def _head_meta(root: html.HtmlElement, key: str) -> list[str]:
    """The contents of several <meta> tags named key in <head>; [] for one or none."""
    values = [
        clean_space(v)
        for v in root.xpath(
            "//head/meta[translate(@name, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', "
            "'abcdefghijklmnopqrstuvwxyz') = $key or @property = $key]/@content",
            key=key,
        )
        if v.strip()
    ]
    return values if len(values) > 1 else []


def _byline(root: html.HtmlElement) -> str | None:
    """The visible byline, found with trafilatura's author expressions."""
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
        names = _names(person_names(node.get("author"), signals.ld_nodes))
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
    site = _site_keys(signals)
    fallback: list[str] = []
    for names, metadata in _sources(signals, root):
        people = [name for name in names if not _is_site(_key(name), site)]
        if people and not _shorter(people, fallback):
            people = _spelled_out(people, root)
            return _with_co_authors(people, root, site) if metadata else people
        fallback = fallback or names
    return fallback


def _spelled_out(people: list[str], root: html.HtmlElement) -> list[str]:
    """A lone first name or user name ("Todd", "arianschlichenmayer") as the byline under the
    headline spells it out ("Todd Bates", "Arian Schlichenmayer")."""
    if len(people) != 1 or " " in people[0]:
        return people
    line = line_after_headline(root)
    fuller = clean_name(line) if line else None
    if fuller and " " in fuller and looks_like_name(fuller):
        short, long = _folded(people[0]), _folded(fuller)
        if long == short or fuller.split()[0].casefold() == people[0].casefold():
            return [fuller]
    return people


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


def _sources(signals: PageSignals, root: html.HtmlElement) -> Iterator[tuple[list[str], bool]]:
    """Each source's names, the most explicit first, and whether it is the page's metadata."""
    yield _jsonld_authors(signals), True
    for key in _META_KEYS:
        # the first tag only: more of them usually belong to teasers of other articles,
        # unless all of them sit in <head>, where they name this article's co-authors
        values = _head_meta(root, key) or [
            next((v for v in signals.meta.get(key, []) if v.strip()), "")
        ]
        yield _names([part for value in values for part in _split(value)]), True
    yield _names(_split(_labelled_meta(signals))), True
    # link texts and page text hold labels too ("More articles", "Show profile"): there
    # only what is written like a name counts
    yield _names(_rel_authors(root), written_as_name=True), True
    yield _marked(root), False
    byline = _byline(root)  # trafilatura's expressions: slow, so last but one
    yield _names(byline.split(";") if byline else [], written_as_name=True), False
    line = line_after_headline(root)
    yield _names([line] if line else [], written_as_name=True), False


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
        names = _names(_split(_before_date(text)), written_as_name=not card)
        if names:
            return names
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
    """Whether a visible byline only shortens the site name already found ("Pamela")."""
    keys = [_key(name) for name in fallback]
    return any(_key(person) in key for person in people for key in keys)


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


_PARTICLES = frozenset(
    {
        "von",
        "van",
        "de",
        "der",
        "den",
        "la",
        "le",
        "du",
        "da",
        "di",
        "del",
        "dos",
        "bin",
        "al",
        "y",
        "zu",
        "ten",
        "ter",
    }
)


def looks_like_name(name: str) -> bool:
    """Capitalised words (particles aside), as names are written in bylines."""
    words = [w for w in name.split() if w.casefold() not in _PARTICLES]
    return (
        bool(words)
        and all(w[:1].isupper() or not w[:1].isalpha() for w in words)
        and (name.casefold() not in _LABELS)
    )


def _names(raw: list[str], *, written_as_name: bool = False) -> list[str]:
    seen: dict[str, None] = {}
    for value in raw:
        for part in _split(value) if len(value) > 40 else [value]:
            name = clean_name(part)
            if name and (not written_as_name or looks_like_name(name)):
                seen.setdefault(name, None)
    return list(seen)[:MAX_AUTHORS]
