"""Extract the article body: trafilatura first, then JSON-LD text or fallbacks when needed."""
from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Callable

import trafilatura
from lxml import html
from readability import Document

from .agree import TextIndex, add_missing, confine_to_article, merge_by_agreement, missing_prose
from .cleanup import keep_confirmed, trim_furniture
from .decode import parse
from .landmarks import Landmarks, as_document, find_landmarks, heading_block
from .nodes import ZWNJ, ZWNJ_STAND_IN, protect_zwnj
from .structured import PageSignals, jsonld_text

_WORD = re.compile(r"\w+")
_BLOCKS = ("p", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "figcaption", "tr")
SHORT_BODY = 500  # characters; below this the cheap pass probably missed the body
MIN_JSONLD = 300
TAIL, SHORT_TAIL_WORDS, TOO_MANY_PARAGRAPHS = 4, 12, 20
MIN_MISSING = 300  # characters of skipped prose worth a recall pass
RESCUE_BELOW, RESCUE_GAIN = 0.4, 0.3  # share of the headline block's words in the body

# trafilatura and readability report routine misses at WARNING/INFO; they are not our errors
for _name in ("trafilatura", "readability", "readability.readability", "htmldate"):
    logging.getLogger(_name).setLevel(logging.ERROR)


def tokens(text: str) -> Counter[str]:
    """Bag of lower-cased word tokens."""
    return Counter(_WORD.findall(text.lower()))


def coverage(part: Counter[str], whole: Counter[str]) -> float:
    """Share of part's tokens that also occur in whole (bag semantics)."""
    total = sum(part.values())
    return sum((part & whole).values()) / total if total else 0.0


def _paragraphs(text: str | None) -> str:
    lines = [" ".join(line.split()) for line in (text or "").splitlines()]
    return "\n\n".join(line for line in lines if line)


def run_trafilatura(
    tree: html.HtmlElement | str, url: str | None, *, recall: bool = False,
    precision: bool = False,
) -> str:
    """Main-text extraction; the cheap pass skips trafilatura's own fallback extractors."""
    try:
        out = trafilatura.extract(
            tree, url=url, fast=not recall, favor_recall=recall, favor_precision=precision,
            include_comments=False,
            include_tables=True, with_metadata=False, deduplicate=False,
        )
    except Exception:  # a broken page must yield empty text, not a crash
        return ""
    return _paragraphs(out)


def run_readability(text: str) -> str:
    """Second opinion from readability-lxml, as paragraphs."""
    try:
        summary = Document(text).summary(html_partial=True)
    except Exception:  # readability raises on many malformed pages
        return ""
    root = parse(f"<html><body>{summary}</body></html>")
    if root is None:
        return ""
    # nested blocks (a <p> inside an <li>) would otherwise be counted twice
    blocks = [" ".join(el.text_content().split()) for el in root.iter(*_BLOCKS)
              if next(el.iterdescendants(*_BLOCKS), None) is None]
    blocks = [b for b in blocks if b]
    if not blocks:
        return _paragraphs(root.text_content())
    return "\n\n".join(blocks)


def _jsonld_body(signals: PageSignals) -> str:
    node = signals.article
    if not node.get("articleBody"):
        return ""
    free = node.get("isAccessibleForFree")
    if free is False or str(free).lower() in ("false", "no", "0"):
        return ""  # paywalled: the JSON-LD holds text the reader cannot see
    body = jsonld_text(node.get("articleBody"))
    return _paragraphs(body) if len(body) >= MIN_JSONLD else ""


def looks_padded(text: str) -> bool:
    """Short lines at the end or a very long run of paragraphs: typical of rails and bios."""
    paragraphs = text.split("\n\n")
    if len(paragraphs) >= TOO_MANY_PARAGRAPHS:
        return True
    return any(len(_WORD.findall(p)) < SHORT_TAIL_WORDS for p in paragraphs[-TAIL:])


def drop_title(body: str, title: str | None) -> str:
    """Remove a leading paragraph that only repeats the headline."""
    if not title or not body:
        return body
    first, _, rest = body.partition("\n\n")
    if _WORD.findall(first.lower()) == _WORD.findall(title.lower()):
        return rest
    return body


def choose_body(
    tree: html.HtmlElement, text: str, url: str | None, signals: PageSignals,
    title: str | None = None, landmarks: Landmarks | None = None,
) -> tuple[str, str | None]:
    """Return (plain text with blank-line paragraphs, source); may prune the tree."""
    marks = landmarks or find_landmarks(tree, title)
    protected = ZWNJ in text and protect_zwnj(tree)
    if protected and marks.scope is not None:
        protect_zwnj(marks.scope)
    body, source = _choose(tree, text, url, signals, marks)
    if protected:
        body = body.replace(ZWNJ_STAND_IN, ZWNJ)
    return trim_furniture(drop_title(body, title)), source


def _adds_to(candidate: str, base: str) -> bool:
    """True when candidate is substantially longer than base and still contains it."""
    return len(candidate) > max(len(base) * 1.3, len(base) + 100) and (
        not base or coverage(tokens(base), tokens(candidate)) >= 0.7
    )


def _choose(
    tree: html.HtmlElement, text: str, url: str | None, signals: PageSignals, marks: Landmarks
) -> tuple[str, str | None]:
    scope, short_confirmed = marks.scope, False
    source = tree if scope is None else scope
    balanced = run_trafilatura(source, url)
    if scope is not None and len(balanced) < SHORT_BODY:
        whole = run_trafilatura(tree, url)
        if _adds_to(whole, balanced):
            source, balanced = tree, whole  # the landmark misled us
        else:
            short_confirmed = True  # the whole page has no more to say: a genuinely short piece
    index = TextIndex(tree)
    main = balanced
    if looks_padded(balanced):
        # trafilatura copies the tree it is given, so the same tree serves the second opinion
        precise = run_trafilatura(source, url, precision=True)
        main = merge_by_agreement(balanced, precise, index)
    main = confine_to_article(main, index, marks.heading)
    main, rescued = _rescue_near_headline(main, url, marks)
    missing = missing_prose(main, source)
    if sum(map(len, missing)) > max(MIN_MISSING, 0.3 * len(main)):
        # whole paragraphs of prose were skipped (trafilatura's fast mode stops at the first
        # <article>); a recall pass may bring them, and only they are let in
        fuller = add_missing(main, run_trafilatura(source, url, recall=True), missing)
        if _adds_to(fuller, main):
            main = fuller
    publisher = _jsonld_body(signals)
    if publisher:
        return _with_publisher(main, publisher)
    if rescued:
        return main, "trafilatura-headline-block"
    if len(main) >= SHORT_BODY or short_confirmed:
        return main, ("trafilatura" if main else None)
    return _fallback(tree, text, url, main, index)


def _rescue_near_headline(main: str, url: str | None, marks: Landmarks) -> tuple[str, bool]:
    """When the text around the headline is mostly absent from the body, the extractor locked
    onto something else (a teaser grid, a comment thread): extract that block on its own."""
    block = heading_block(marks.heading)
    if block is None:
        return main, False
    near = tokens(block.text_content())
    found = coverage(near, tokens(main))
    if found >= RESCUE_BELOW:
        return main, False
    candidate = run_trafilatura(as_document(block), url)
    if coverage(near, tokens(candidate)) >= found + RESCUE_GAIN:
        return candidate, True
    return main, False


def _with_publisher(main: str, publisher: str) -> tuple[str, str | None]:
    """Reconcile the extracted body with the publisher's JSON-LD articleBody."""
    main_tokens, pub_tokens = tokens(main), tokens(publisher)
    # the publisher text wins when the extractor missed a good part of it
    if coverage(pub_tokens, main_tokens) < 0.85:
        return publisher, "jsonld"
    if coverage(main_tokens, pub_tokens) >= 0.95 and publisher.count("\n\n") > main.count("\n\n"):
        return publisher, "jsonld"  # same words, but the publisher kept the paragraphs
    # a short or cut-off articleBody is a summary, not a full account of the article
    complete = publisher.rstrip()[-1:] in '.!?"”»)' and sum(pub_tokens.values()) >= 120
    if complete or len(publisher) >= 0.6 * len(main):
        # both agree on the body: keep the extractor's layout, drop what the publisher
        # does not count as article text (captions, teasers, bios)
        confirmed = keep_confirmed(main, publisher)
        if coverage(pub_tokens, tokens(confirmed)) >= 0.85:
            return confirmed, "trafilatura+jsonld"
    return main, "trafilatura"


def _fallback(
    tree: html.HtmlElement, text: str, url: str | None, main: str, index: TextIndex
) -> tuple[str, str | None]:
    """Try recall-oriented extractors one at a time while the body still looks too short."""
    fallbacks: list[tuple[str, Callable[[], str]]] = [
        ("trafilatura-recall", lambda: run_trafilatura(tree, url, recall=True)),
        ("readability", lambda: run_readability(text)),
    ]
    best_text, best_label = main, "trafilatura"
    for label, run in fallbacks:
        if len(best_text) >= SHORT_BODY:
            break  # each fallback costs a full extraction; stop once the body looks whole
        # the first pass anchors the body; a fallback may only fill in around it
        candidate = run()
        candidate = merge_by_agreement(candidate, main, index) if main else candidate
        if _adds_to(candidate, best_text):
            best_text, best_label = candidate, label
    return best_text, (best_label if best_text else None)
