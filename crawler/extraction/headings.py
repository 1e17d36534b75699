"""Split a headline element into the lines it sets apart: a kicker, the headline, a subline."""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import html

from .nodes import marker

# markup inside a line of text; any other child element (a span, <small>, a <div>) or a line
# break sets a kicker, an overline or a subline apart from the headline
_INLINE = frozenset(
    (
        *("a", "abbr", "acronym", "b", "cite", "code", "dfn", "em", "font", "i", "mark"),
        *("q", "s", "strong", "sub", "sup", "time", "u"),
    )
)
# what themes call the line above a headline, in their class names
_KICKER_CLASS = re.compile(
    r"kicker|dachzeile|overline|roofline|top-?line|top-?title|eyebrow|sub-?heading|subheadline"
    r"|small|label|section|categor|rubri|ressort|spitzmarke|supertitle|pre-?title|pre-?head"
    r"|surtitre|antetitul|volanta|occhiello|bovenkop|nadtytu",
    re.IGNORECASE,
)
_WS = re.compile(r"\s+")


# what themes call the headline line itself (not a "subtitle" or a "subheadline")
_HEADLINE_CLASS = re.compile(r"(?<!sub)(?<!sub-)(?:headline|title)", re.IGNORECASE)


@dataclass(frozen=True)
class Part:
    """One line of a heading; kicker when its own markup names it the line above, headline
    when it names it the headline."""

    text: str
    kicker: bool = False
    headline: bool = False


def _clean(text: str | None) -> str:
    return _WS.sub(" ", text or "").strip()


def _marked_kicker(el: html.HtmlElement) -> bool:
    return el.tag == "small" or bool(_KICKER_CLASS.search(el.get("class") or ""))


def heading_parts(el: html.HtmlElement) -> list[Part]:
    """The lines a heading sets apart ("Kicker" and "Headline" in two spans, or a span and the
    text after it); a sole wrapper element is looked into."""
    parts: list[Part] = []
    run: list[str] = [el.text or ""]

    def close(kicker: bool = False, headline: bool = False) -> None:
        text = _clean("".join(run))
        run.clear()
        if re.search(r"\w", text):
            parts.append(Part(text, kicker, headline))

    children = [child for child in el if isinstance(child.tag, str)]
    for child in el:
        tag = child.tag.lower() if isinstance(child.tag, str) else "script"  # a comment
        if tag in ("script", "style"):
            pass
        elif tag == "br":
            close()
        elif tag in _INLINE:
            run.append(child.text_content())
        else:
            close()
            run.append(child.text_content())
            close(_marked_kicker(child), bool(_HEADLINE_CLASS.search(child.get("class") or "")))
        run.append(child.tail or "")
    close()
    sole = len(children) == 1 and not _clean(el.text) and not _clean(children[0].tail)
    if len(parts) <= 1 and sole:
        return heading_parts(children[0])
    return parts


_HOME_PATH = re.compile(r"^(?:https?://[^/]+)?/?(?:index\.\w+)?(?:[?#].*)?$", re.IGNORECASE)


# what themes call the site's name, logo or motto in the header
# (a whole part of a class or id between dashes: "main-logo", "navbar-brand", "site-title")
_BRAND = re.compile(
    r"(?:^|[-_\s])(?:logo|brand|branding|site-?(?:title|name|description|logo)|tagline|slogan)"
    r"(?:$|[-_\s])",
    re.IGNORECASE,
)


def is_logo(el: html.HtmlElement) -> bool:
    """The heading is the site's logo, name or motto in the header, not a page's headline:
    marked so, or a link to the site's front page."""
    marks = " ".join(
        marker(node) for node in (el, *el.iterdescendants()) if isinstance(node.tag, str)
    )
    return bool(_BRAND.search(marks)) or _links_home(el)


def _links_home(el: html.HtmlElement) -> bool:
    text = _clean(el.text_content())
    for anchor in el.iter("a"):
        href = (anchor.get("href") or "").strip()
        home = "home" in (anchor.get("rel") or "").lower().split() or bool(
            href and not href.startswith("#") and _HOME_PATH.match(href)  # not an anchor link
        )
        if home and _clean(anchor.text_content()) == text:
            return True
    return False


def without_kicker(parts: list[Part]) -> str | None:
    """The headline's text when the heading's first line is a kicker its markup sets apart
    (named so, or followed by the line named the headline: "dachzeile" and "headline" spans),
    or its last line a topline or a <small> subline."""
    if len(parts) < 2:
        return None
    lines = list(parts)
    if lines[-1].kicker and not lines[0].kicker:
        lines.pop()  # a topline that the theme moves above the headline, or a <small> subline
    marked = lines[0].kicker or any(part.headline for part in lines[1:])
    if len(lines) >= 2 and not lines[0].headline and marked:
        lines.pop(0)
    return " ".join(part.text for part in lines) if len(lines) < len(parts) else None
