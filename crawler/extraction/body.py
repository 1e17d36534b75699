"""Extract the article body: trafilatura's output unless another candidate proves better."""

from __future__ import annotations

import logging
import re

import trafilatura
from lxml import html

from .agree import TextIndex
from .boilerplate import drop_boilerplate
from .chooser import Candidate, Choice, contains, coverage, decide, find_lead, tokens
from .cleanup import drop_server_errors, keep_confirmed, trim_furniture
from .landmarks import Landmarks, find_heading, find_heading_holding, find_landmarks
from .nodes import ZWNJ, ZWNJ_STAND_IN, protect_zwnj
from .standfirst import restore_standfirst
from .structured import PageSignals, jsonld_text

_WORD = re.compile(r"\w+")
MIN_JSONLD = 300
SHORT_BODY = 300  # characters: an extracted body this short is a teaser or a label
MISSED = 0.6  # below this share of the publisher's words in the text, the publisher's body wins
SAME_WORDS = 0.98
MIN_CONFIRMED = 0.5  # share of the extracted text that trimming to the publisher's body keeps
# some templates (news plugins, old themes) set the headline as a minor heading
MINOR_HEADINGS = ("h3", "h4", "h5", "h6")
PAGE_AGREEMENT = 0.8  # share of the JSON-LD body's words that must be visible on the page
_VISIBLE = (
    "//body//text()[not(ancestor::script) and not(ancestor::style) and not(ancestor::noscript)]"
)

# trafilatura and htmldate report routine misses at WARNING/INFO; they are not our errors
for _name in ("trafilatura", "htmldate"):
    logging.getLogger(_name).setLevel(logging.ERROR)

__all__ = ["choose_body", "coverage", "drop_title", "run_trafilatura", "tokens"]


def _paragraphs(text: str | None) -> str:
    lines = [" ".join(line.split()) for line in (text or "").splitlines()]
    return "\n\n".join(line for line in lines if line)


def run_trafilatura(
    tree: html.HtmlElement | str,
    url: str | None,
    *,
    fast: bool = True,
) -> str:
    """Main-text extraction; fast mode skips trafilatura's own fallback extractors."""
    try:
        out = trafilatura.extract(
            tree,
            url=url,
            fast=fast,
            include_comments=False,
            include_tables=True,
            with_metadata=False,
            deduplicate=False,
        )
    except Exception:  # a broken page must yield empty text, not a crash
        return ""
    return _paragraphs(out)


def _jsonld_body(signals: PageSignals) -> str:
    node = signals.article
    if not node.get("articleBody"):
        return ""
    free = node.get("isAccessibleForFree")
    if free is False or str(free).lower() in ("false", "no", "0"):
        return ""  # paywalled: the JSON-LD holds text the reader cannot see
    body = jsonld_text(node.get("articleBody"))
    return _paragraphs(body) if len(body) >= MIN_JSONLD else ""


def drop_title(body: str, title: str | None) -> str:
    """Remove a leading paragraph that only repeats the headline."""
    if not title or not body:
        return body
    first, _, rest = body.partition("\n\n")
    if _WORD.findall(first.lower()) == _WORD.findall(title.lower()):
        return rest
    return body


def choose_body(
    tree: html.HtmlElement,
    text: str,
    url: str | None,
    signals: PageSignals,
    title: str | None = None,
    landmarks: Landmarks | None = None,
) -> Choice:
    """The body as plain text with blank-line paragraphs, its source and the reason."""
    drop_server_errors(tree)  # after title and dates, which read the page as it is
    marks = landmarks or find_landmarks(tree, title)
    protected = ZWNJ in text and protect_zwnj(tree)
    if protected and marks.scope is not None:
        protect_zwnj(marks.scope)
    index = TextIndex(tree)
    choice = _choose(tree, url, signals, marks, index)
    heading = marks.heading if marks.heading is not None else find_heading_holding(tree, title)
    if heading is None:
        heading = find_heading(tree, title, MINOR_HEADINGS)
    body = restore_standfirst(choice.text, tree, heading, index)
    if body != choice.text:
        choice.reason += "; the standfirst between the headline and the body was put back"
    if protected:
        body = body.replace(ZWNJ_STAND_IN, ZWNJ)
    trimmed = trim_furniture(drop_title(body, title))
    choice.text = drop_boilerplate(trimmed, index)
    if choice.text != trimmed:
        choice.reason += "; boxes, teasers and notes of the page inside the body were dropped"
    if not choice.text:
        choice.source = None
    return choice


def _choose(
    tree: html.HtmlElement,
    url: str | None,
    signals: PageSignals,
    marks: Landmarks,
    index: TextIndex,
) -> Choice:
    default = Candidate("trafilatura", run_trafilatura(tree, url, fast=False))
    block_of = None
    scope = marks.scope
    if scope is not None:

        def block_of() -> Candidate:
            # the block holding the headline and the densest paragraphs, extracted on its own
            return Candidate("article-block", run_trafilatura(scope, url))

    choice = decide(default, block_of, find_lead(marks.heading), index)
    publisher = _jsonld_body(signals)
    if publisher:
        _with_publisher(choice, publisher, tree)
    return choice


def _with_publisher(choice: Choice, publisher: str, tree: html.HtmlElement) -> None:
    """Reconcile the chosen body with the publisher's JSON-LD articleBody."""
    candidate = Candidate("jsonld", publisher)
    choice.candidates.append(candidate)
    pub_tokens = tokens(publisher)
    visible_text = " ".join(tree.xpath(_VISIBLE))
    seen = coverage(pub_tokens, tokens(visible_text))
    opening = next((p for p in publisher.split("\n\n") if len(_WORD.findall(p)) >= 12), "")
    if seen < PAGE_AGREEMENT and not contains(visible_text, opening):
        # neither its words nor its opening are on the page: another article, or a summary
        candidate.flaws.append(f"not on the page ({seen:.0%} of its words visible)")
        return
    main = choice.text
    main_tokens = tokens(main)
    found = coverage(pub_tokens, main_tokens)
    if found < MISSED or len(main) < SHORT_BODY:
        # the chosen text missed much of what the publisher calls the article
        choice.text, choice.source = publisher, "jsonld"
        choice.reason = f"jsonld: the extracted text holds only {found:.0%} of the publisher's body"
        return
    if min(found, coverage(main_tokens, pub_tokens)) >= SAME_WORDS and (
        publisher.count("\n\n") > main.count("\n\n")
    ):
        choice.text, choice.source = publisher, "jsonld"
        choice.reason = "jsonld: same words, and the publisher kept the paragraphs"
        return
    # a short or cut-off articleBody is a summary, not a full account of the article
    complete = publisher.rstrip()[-1:] in '.!?"”»)' and sum(pub_tokens.values()) >= 120
    if complete or len(publisher) >= 0.6 * len(main):
        # both agree on the body: keep the extractor's layout, drop what the publisher
        # does not count as article text (captions, teasers, bios)
        confirmed = keep_confirmed(main, publisher)
        # leaving less than half the text, the publisher's body is the first part (a forum's
        # opening post, a body cut at a sentence), not a list of the article's paragraphs
        if (
            confirmed != main
            and len(confirmed) >= MIN_CONFIRMED * len(main)
            and coverage(pub_tokens, tokens(confirmed)) >= 0.85
        ):
            choice.text = confirmed
            choice.source = f"{choice.source}+jsonld"
            choice.reason += "; paragraphs the publisher's body does not hold were dropped"
