"""Read the page's own structured signals once: JSON-LD, meta tags, links, headings, <time>."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from lxml import html

from .headings import Part, heading_parts, is_logo, without_kicker
from .nodes import hidden_by_markup

_ARTICLE_TYPES = re.compile(r"(article|posting|report|newsarticle|blog)", re.IGNORECASE)
_PAGE_TYPES = re.compile(r"(webpage|itempage)", re.IGNORECASE)
_WS = re.compile(r"\s+")
_MAX_H2S = 8
_TAGS = re.compile(r"<[^>]+>")
_BLOCK_END = re.compile(r"<(?:/p|br\s*/?|/div|/h[1-6]|/li|/blockquote)\s*>", re.IGNORECASE)
_CONTENT_XPATH = (
    "//article | //main | //*[@role='main'] | //*[@itemprop='articleBody']"
    " | //*[contains(concat(' ', normalize-space(@class), ' '), ' article')]"
)


def clean_space(text: str | None) -> str:
    """Collapse whitespace runs to single spaces."""
    return _WS.sub(" ", text or "").strip()


@dataclass
class PageSignals:
    """Everything the title, date, author and language choosers need from one page."""

    meta: dict[str, list[str]] = field(default_factory=dict)
    article: dict[str, Any] = field(default_factory=dict)
    articles: list[dict[str, Any]] = field(default_factory=list)
    webpage: dict[str, Any] = field(default_factory=dict)
    site_names: list[str] = field(default_factory=list)
    title_tag: str = ""
    h1s: list[tuple[str, bool]] = field(default_factory=list)  # (text, inside article content)
    h1_parts: dict[str, list[str]] = field(default_factory=dict)  # texts of an <h1>'s children
    # a heading's (<h1>, <h2>) text without the kicker its markup sets apart
    headlines: dict[str, str] = field(default_factory=dict)
    h2s: list[str] = field(default_factory=list)  # the first few <h2> texts
    h2s_inside: set[str] = field(default_factory=set)  # those inside the article content
    times: list[tuple[str, bool]] = field(default_factory=list)  # (datetime attr, inside content)
    canonical: str | None = None
    html_lang: str | None = None
    ld_nodes: list[dict[str, Any]] = field(default_factory=list)  # every JSON-LD object, in order

    def first_meta(self, *keys: str) -> str | None:
        """Return the first non-empty content among meta keys, in the order given."""
        for key in keys:
            for value in self.meta.get(key, []):
                if value.strip():
                    return value.strip()
        return None


def _iter_nodes(data: Any) -> list[dict[str, Any]]:
    """Flatten JSON-LD lists, @graph containers and mainEntity into a list of objects."""
    out: list[dict[str, Any]] = []
    stack = [data]
    while stack and len(out) < 200:
        item = stack.pop(0)
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            out.append(item)
            for key in ("@graph", "mainEntity", "hasPart"):
                if key in item:
                    stack.append(item[key])
    return out


def _types(node: dict[str, Any]) -> str:
    kind = node.get("@type", "")
    return " ".join(str(k) for k in kind) if isinstance(kind, list) else str(kind)


def _load_json(raw: str) -> Any:
    raw = raw.strip()
    for wrapper in ("<!--", "-->", "//<![CDATA[", "//]]>", "<![CDATA[", "]]>"):
        raw = raw.replace(wrapper, "")
    try:
        return json.loads(raw, strict=False)
    except ValueError:
        # trailing commas are the most common publisher mistake
        try:
            return json.loads(re.sub(r",\s*([}\]])", r"\1", raw), strict=False)
        except ValueError:
            return None


def _read_jsonld(root: html.HtmlElement, signals: PageSignals) -> None:
    for script in root.iterfind(".//script"):
        if "ld+json" not in (script.get("type") or "").lower():
            continue
        data = _load_json(script.text or "")
        if data is None:
            continue
        for node in _iter_nodes(data):
            signals.ld_nodes.append(node)
            kinds = _types(node)
            if _ARTICLE_TYPES.search(kinds):
                signals.articles.append(node)
            elif _PAGE_TYPES.search(kinds) and not signals.webpage:
                signals.webpage = node
            publisher = node.get("publisher")
            if isinstance(publisher, dict) and isinstance(publisher.get("name"), str):
                signals.site_names.append(publisher["name"])
            if "WebSite" in kinds and isinstance(node.get("name"), str):
                signals.site_names.append(node["name"])


def _read_meta(root: html.HtmlElement, signals: PageSignals) -> None:
    for meta in root.iterfind(".//meta"):
        content = meta.get("content")
        if content is None:
            continue
        for attr in ("name", "property", "itemprop", "http-equiv"):
            key = meta.get(attr)
            if key:
                signals.meta.setdefault(key.strip().lower(), []).append(content)


def _main_article(signals: PageSignals) -> dict[str, Any]:
    """The JSON-LD article describing this page, not a related one listed beside it."""
    if len(signals.articles) < 2:
        return signals.articles[0] if signals.articles else {}
    visible = {_fold(text) for text, _ in signals.h1s}
    visible.add(_fold(signals.first_meta("og:title") or ""))
    for node in signals.articles:
        if _fold(str(node.get("headline") or node.get("name") or "")) in visible:
            return node
    return signals.articles[0]


def _fold(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.casefold()))


def _in_content(el: html.HtmlElement, content: set[html.HtmlElement]) -> bool:
    return any(anc in content for anc in el.iterancestors()) or el in content


def _visible_text(el: html.HtmlElement) -> str:
    """Text of an element without the CSS or scripts some frameworks put inside headings."""
    if next(el.iter("style", "script"), None) is None:
        return clean_space(el.text_content())
    parts = [t for t in el.xpath(".//text()[not(ancestor::style) and not(ancestor::script)]")]
    return clean_space(" ".join(str(t) for t in parts))


# what themes call a heading kept for screen readers only ("sr-only", "visually-hidden")
_HIDDEN_CLASS = re.compile(
    r"(?:^|\s)(?:sr-only|visually-?hidden|screen-reader-text|text-hide|hidden|invisible"
    r"|element-invisible|a11y-hidden|offscreen)(?:\s|$)",
    re.IGNORECASE,
)


# an <h1> the theme names the line above the headline (a kicker, a strapline), not the headline
_BESIDE_CLASS = re.compile(
    r"strapline|kicker|dachzeile|spitzmarke|overline|roofline|eyebrow|supertitle"
    r"|surtitre|occhiello|volanta|antetitulo",
    re.IGNORECASE,
)


def _not_headline(el: html.HtmlElement) -> bool:
    """The <h1>'s class names it the kicker above the headline (an <h2> then holds it)."""
    return bool(_BESIDE_CLASS.search(el.get("class") or ""))


def _hidden(el: html.HtmlElement) -> bool:
    """The heading is not shown: marked for screen readers only, or hidden outright."""
    return hidden_by_markup(el, _HIDDEN_CLASS)


def _note_headline(signals: PageSignals, text: str, parts: list[Part]) -> None:
    headline = without_kicker(parts)
    if headline:
        signals.headlines[text] = headline


def read_signals(root: html.HtmlElement) -> PageSignals:
    """Collect the structured signals of a parsed page."""
    signals = PageSignals()
    _read_jsonld(root, signals)
    _read_meta(root, signals)
    head_title = root.find(".//title")
    if head_title is not None:
        signals.title_tag = clean_space(head_title.text_content())
    content = set(root.xpath(_CONTENT_XPATH))
    for h1 in root.iterfind(".//h1"):
        for br in h1.iter("br"):
            br.tail = " " + (br.tail or "")  # a line break in a headline separates words
        text = _visible_text(h1)
        if text and not _not_headline(h1):
            signals.h1s.append((text, _in_content(h1, content)))
            if is_logo(h1):
                signals.site_names.append(text)  # the logo's text is the site's name
            # a kicker and the headline are often two spans of one <h1>
            parts = heading_parts(h1)
            if len(parts) >= 2:
                signals.h1_parts[text] = [part.text for part in parts]
                _note_headline(signals, text, parts)
    for h2 in root.iterfind(".//h2"):
        text = _visible_text(h2)
        if text and not _hidden(h2):
            signals.h2s.append(text)
            if _in_content(h2, content):
                signals.h2s_inside.add(text)
            _note_headline(signals, text, heading_parts(h2))
            if len(signals.h2s) >= _MAX_H2S:
                break
    for node in root.xpath("//*[@itemprop='datePublished' and not(self::meta)]"):
        # microdata marks the publication date explicitly, wherever it sits
        value = node.get("datetime") or node.get("content") or clean_space(node.text_content())
        signals.times.append((value, True))
    for node in root.xpath("//time[@datetime]"):
        signals.times.append((node.get("datetime", ""), _in_content(node, content)))
    for link in root.iterfind(".//link"):
        rel = (link.get("rel") or "").lower().split()
        if "canonical" in rel and link.get("href") and signals.canonical is None:
            signals.canonical = link.get("href", "").strip()
    signals.article = _main_article(signals)
    signals.html_lang = root.get("lang") or root.get("xml:lang")
    site = signals.first_meta("og:site_name", "application-name", "twitter:site")
    if site:
        signals.site_names.append(site.lstrip("@"))
    return signals


def jsonld_text(value: Any) -> str:
    """Plain text of a JSON-LD string value that may carry HTML markup or entities."""
    if not isinstance(value, str):
        return ""
    text: str = value
    if "<" in text or "&" in text:
        text = _BLOCK_END.sub("\n", text)  # keep paragraphs apart once tags are gone
        try:
            text = str(html.fragment_fromstring(text, create_parent="div").text_content())
        except Exception:  # malformed markup in publisher JSON is common
            text = _TAGS.sub(" ", text)
    return text.strip()


def person_names(value: Any, nodes: Sequence[dict[str, Any]] = ()) -> list[str]:
    """Names from a JSON-LD author field (string, object or list of either).

    An object that only refers to another by its @id ("author": {"@id": "#/person/1"}) is
    looked up among the page's other JSON-LD objects (Yoast's @graph writes authors so).
    """
    items = value if isinstance(value, list) else [value]
    names: list[str] = []
    for item in items:
        if isinstance(item, dict) and "name" not in item and item.get("@id"):
            item = next((n for n in nodes if n.get("@id") == item["@id"] and "name" in n), item)
        name = item.get("name") if isinstance(item, dict) else item
        if isinstance(name, str) and clean_space(name) and not name.startswith("http"):
            names.append(clean_space(name))
    return names
