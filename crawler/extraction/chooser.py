"""Choose the article body among candidate extractions, with the reason for the choice.

trafilatura's own output on the whole page is the default: on real pages it is the best single
candidate. The block around the headline is extracted too only when the default is in doubt
(it fails a guard, lacks the lead paragraph under the headline, is short, or ends in a run of
short lines), and replaces it only on positive evidence and when it passes the guards that catch
the usual wrong blocks (too short, mostly links, a comment thread): it holds the lead the
default misses, or the same article with more prose, or the default adds only a teaser grid.
The publisher's JSON-LD articleBody is weighed afterwards in `body`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from lxml import html

from .agree import TextIndex
from .nodes import marker, norm

_WORD = re.compile(r"\w+")
MIN_OVERRIDE = 250  # characters: shorter candidates are teasers or labels, never the article
MAX_LINK_SHARE = 0.5  # share of located text inside links: a menu or a list of teasers
MAX_COMMENT_SHARE = 0.3  # share of located text inside a comment thread
MIN_COMMENTS = 2
LEAD_CHARS = 150  # the first paragraph this long after the headline is the lead
# a block that holds the lead and little more (a newsletter's greeting, an intro over sections
# set outside it) is not an article that could replace a usable default on the lead alone
MIN_ARTICLE = 2 * MIN_OVERRIDE
SHORT_DEFAULT = 500  # characters: a default this short may have missed the article
_COMMENT_BLOCK = re.compile(
    r"comment|respond|reply|disqus|discussion|kommentar|forum", re.IGNORECASE
)
# the box presenting the author (name, photo, a paragraph of biography): on a page whose
# article is rendered by script it is the only prose near the headline, never the article
_AUTHOR_BOX = re.compile(
    r"author-?(?:bio|box|info|card|desc|profile)|about-?the-?author|byline|saboxplugin"
    r"|(?:^|[\s_-])bio(?:$|[\s_-])",
    re.IGNORECASE,
)
AUTHOR_DEPTH = 6  # ancestors looked at above a paragraph's own element
MAX_AUTHOR_SHARE = 0.5  # share of located text inside an author box
# the page's navigation and footer (menus with descriptions, the imprint, the site's address);
# by element and role only, as widget ids like "nav_menu-8" end up around the article when a
# page leaves its sidebar's <div>s open
_CHROME_TAGS = ("nav", "footer")
_CHROME_ROLES = ("navigation", "contentinfo")
MAX_CHROME_SHARE = 0.5  # share of located text inside the navigation or footer
_COMMENT_LINE = re.compile(
    r"^(?:reply|antworten|répondre|responder|rispondi|report|melden)\W*$"
    r"|\b(?:says|sagt|schreibt|wrote|a écrit|dice):\s*$",
    re.IGNORECASE,
)


def tokens(text: str) -> Counter[str]:
    """Bag of lower-cased word tokens."""
    return Counter(_WORD.findall(text.lower()))


def coverage(part: Counter[str], whole: Counter[str]) -> float:
    """Share of part's tokens that also occur in whole (bag semantics)."""
    total = sum(part.values())
    return sum((part & whole).values()) / total if total else 0.0


@dataclass
class Candidate:
    """One extraction of the body and what the guards found in it."""

    name: str
    text: str
    flaws: list[str] = field(default_factory=list)

    @property
    def usable(self) -> bool:
        return bool(self.text) and not self.flaws


@dataclass
class Choice:
    """The body chosen, the candidate it came from and why."""

    text: str
    source: str | None
    reason: str
    candidates: list[Candidate] = field(default_factory=list)

    def explain(self) -> dict[str, Any]:
        """JSON-ready account of the decision, as `newswatch extract --explain` prints it."""
        return {
            "winner": self.source,
            "reason": self.reason,
            "candidates": [
                {"name": c.name, "chars": len(c.text), "flaws": list(c.flaws)}
                for c in self.candidates
            ],
        }


def _ancestry_matches(
    el: html.HtmlElement, pattern: re.Pattern[str], depth: int | None = None
) -> bool:
    for i, node in enumerate([el, *el.iterancestors()]):
        if node.tag in ("body", "html") or (depth is not None and i > depth):
            return False
        marks = marker(node)
        if marks.strip() and pattern.search(marks):
            return True
    return False


def _in_chrome(el: html.HtmlElement) -> bool:
    """True when el sits in the page's navigation or footer."""
    for node in [el, *el.iterancestors()]:
        if node.tag in ("body", "html"):
            return False
        if node.tag in _CHROME_TAGS or node.get("role") in _CHROME_ROLES:
            return True
    return False


def _link_share(el: html.HtmlElement) -> float:
    total = len(el.text_content())
    if not total:
        return 0.0
    linked = sum(len(a.text_content()) for a in el.iter("a"))
    if el.tag == "a":
        linked = total
    else:
        parent = next((a for a in el.iterancestors("a")), None)
        if parent is not None:
            linked = total
    return min(1.0, linked / total)


def guard(candidate: Candidate, index: TextIndex) -> Candidate:
    """Record the flaws that make a candidate unfit to replace the default."""
    text = candidate.text
    if len(text) < MIN_OVERRIDE:
        candidate.flaws.append(f"short ({len(text)} chars)")
        return candidate
    paragraphs = text.split("\n\n")
    located = linked = in_comments = in_author_box = in_chrome = 0.0
    comment_lines = comment_paragraphs = 0
    for paragraph in paragraphs:
        if _COMMENT_LINE.search(paragraph.strip()):
            comment_lines += 1
        el = index.find(paragraph)
        if el is None:
            continue
        size = len(paragraph)
        located += size
        linked += size * _link_share(el)
        if _ancestry_matches(el, _COMMENT_BLOCK):
            in_comments += size
            comment_paragraphs += 1
        if _ancestry_matches(el, _AUTHOR_BOX, AUTHOR_DEPTH):
            in_author_box += size
        if _in_chrome(el):
            in_chrome += size
    if located and linked / located > MAX_LINK_SHARE:
        candidate.flaws.append(f"link-dense ({linked / located:.0%} of text in links)")
    # a thread is several comments; one paragraph echoed in a comment form is not one
    thread = comment_paragraphs >= MIN_COMMENTS and in_comments / located > MAX_COMMENT_SHARE
    if located and in_author_box / located > MAX_AUTHOR_SHARE:
        candidate.flaws.append("author box")
    if located and in_chrome / located > MAX_CHROME_SHARE:
        candidate.flaws.append(f"navigation or footer ({in_chrome / located:.0%} of text)")
    if thread or (comment_lines >= 2 and comment_lines / len(paragraphs) > 0.1):
        candidate.flaws.append("comment-like")
    return candidate


def find_lead(heading: html.HtmlElement | None) -> str | None:
    """The first long paragraph after the headline in document order, outside links/comments."""
    if heading is None:
        return None
    for el in heading.xpath("following::p[position() <= 60]"):
        text = norm(el.text_content())
        if len(text) < LEAD_CHARS or _link_share(el) > MAX_LINK_SHARE:
            continue
        if _ancestry_matches(el, _COMMENT_BLOCK):
            continue
        return text
    return None


def contains(text: str, passage: str | None) -> bool:
    """True when the passage's words appear in the text (whitespace and case aside)."""
    if not passage:
        return False
    if norm(passage) in norm(text.replace("\n\n", " ")):
        return True
    return coverage(tokens(passage), tokens(text)) >= 0.9


TEASER_WORDS, MIN_TEASERS = 25, 3


def _teasers_only(default: str, block: str) -> bool:
    """The default is the block's text followed by several short lines (cards of a grid)."""
    have = {norm(p) for p in block.split("\n\n")}
    paragraphs = default.split("\n\n")
    shared = [i for i, p in enumerate(paragraphs) if norm(p) in have]
    if not shared:
        return False
    extra = [p for i, p in enumerate(paragraphs) if norm(p) not in have]
    tail = paragraphs[shared[-1] + 1 :]
    return len(tail) == len(extra) >= MIN_TEASERS and all(
        len(_WORD.findall(p)) < TEASER_WORDS for p in extra
    )


def _has_lead(candidate: Candidate, lead: str | None) -> bool:
    return contains(candidate.text, lead)


def _worth_asking(default: Candidate, lead: str | None) -> str | None:
    """Why the block around the headline should be extracted too; None when nothing points to
    a better body (most pages: the block costs a second extraction and would agree)."""
    if not default.usable:
        return f"default failed a guard ({', '.join(default.flaws) or 'empty'})"
    if lead and not _has_lead(default, lead):
        return "default misses the lead under the headline"
    if len(default.text) < SHORT_DEFAULT:
        return "default is short"
    tail = default.text.split("\n\n")[-MIN_TEASERS:]
    if len(tail) == MIN_TEASERS and all(len(_WORD.findall(p)) < TEASER_WORDS for p in tail):
        return "default ends in a run of short lines"
    return None


def decide(
    default: Candidate,
    block_of: Callable[[], Candidate] | None,
    lead: str | None,
    index: TextIndex,
) -> Choice:
    """trafilatura's whole-page output unless the headline's block brings positive evidence."""
    guard(default, index)
    candidates = [default]
    if block_of is None:
        return Choice(
            default.text,
            default.name if default.text else None,
            "default: no article block around the headline",
            candidates,
        )
    doubt = _worth_asking(default, lead)
    if doubt is None:
        return Choice(
            default.text,
            default.name,
            "default: it holds the lead and passes the guards",
            candidates,
        )
    block = guard(block_of(), index)
    candidates.append(block)
    if not block.usable:
        return Choice(
            default.text,
            default.name if default.text else None,
            f"default: {doubt}, but the article block is rejected ({', '.join(block.flaws)})",
            candidates,
        )
    if not default.usable:
        return Choice(block.text, block.name, f"article block: {doubt}", candidates)
    block_words, default_words = tokens(block.text), tokens(default.text)
    if (
        lead
        and len(block.text) >= MIN_ARTICLE
        and _has_lead(block, lead)
        and not _has_lead(default, lead)
        and coverage(block_words, default_words) < 0.5
    ):
        return Choice(
            block.text,
            block.name,
            "article block: the default misses the lead under the headline",
            candidates,
        )
    if coverage(block_words, default_words) >= 0.9 and _teasers_only(default.text, block.text):
        return Choice(
            block.text,
            block.name,
            "article block: the default adds only a run of teaser lines outside it",
            candidates,
        )
    inside = coverage(default_words, block_words)  # share of the default found in the block
    if inside >= 0.9 and sum(block_words.values()) >= 1.3 * sum(default_words.values()):
        return Choice(
            block.text, block.name, "article block: same article with more prose", candidates
        )
    return Choice(
        default.text, default.name, f"default: {doubt}, but no evidence for the block", candidates
    )
