"""Choose the page's own headline among JSON-LD, og:title, <h1> and <title>."""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher

from .sitenames import (
    LABEL_WORDS,
    SEPARATORS,
    fold_key,
    is_site,
    join_segments,
    site_keys,
    strip_site,
    strip_unknown_site,
)
from .structured import PageSignals, clean_space, jsonld_text


def _variants(title: str) -> list[str]:
    """The title and every run of segments cut at separators, to match against <h1>."""
    parts = SEPARATORS.split(title)[:8]
    seps = SEPARATORS.findall(title)
    out = [title]
    for i in range(len(parts)):
        for j in range(i + 1, len(parts) + 1):
            if (i, j) != (0, len(parts)):
                out.append(join_segments(parts[i:j], seps[i : j - 1]))
    return out


MIN_PART_WORDS = 3


_KICKER_COLON = re.compile(r"^(?P<kicker>[^:]{2,60}?\S):\s+(?P<headline>\S.*)$")


def after_kicker(text: str) -> str | None:
    """The headline after a "Kicker: " label ("Corona-Lockerungen: Autohäuser rechnen ...");
    None without one."""
    match = _KICKER_COLON.match(text.strip())
    return match.group("headline").strip() if match else None


def _named_after_kicker(part: str, named: list[tuple[str, str]], sites: set[str]) -> bool:
    """Another source names part as its headline after a "Kicker: " label, or as all of it."""
    key = fold_key(part)
    for _source, cand in named:
        stripped = strip_site(cand, sites)
        tail = after_kicker(stripped)
        if key in (fold_key(stripped), fold_key(tail or "")):
            return True
    return False


def _confirms(h1: str, named: list[tuple[str, str]]) -> bool:
    """Another source names this <h1>: as a whole, or as a segment; a short segment that is
    not the first of its title is a section label ("Site | Culture | Books | Headline")."""
    key = fold_key(h1)
    for _source, cand in named:
        if fold_key(cand) == key:
            return True
        first = fold_key(SEPARATORS.split(cand)[0])
        for variant in _variants(cand)[1:]:
            if fold_key(variant) == key and (len(key.split()) > LABEL_WORDS or first == key):
                return True
        if _begins(key, fold_key(SEPARATORS.split(cand)[0])):
            return True
        if len(key) >= FUZZY_CHARS and any(_alike(key, fold_key(v)) for v in _variants(cand)):
            return True
    return False


FUZZY_CHARS, FUZZY_RATIO = 20, 0.9


def _alike(key: str, other: str) -> bool:
    """The same headline but for a typo or a mangled character ("ll Climate" and "Il Climate",
    "NPC’s" and a mis-decoded "NPCÂ´s")."""
    if len(key.split()) != len(other.split()):
        return False  # a word more or less is another title ("Label" and "Label (abbr)")
    matcher = SequenceMatcher(None, key, other, autojunk=False)
    return matcher.real_quick_ratio() >= FUZZY_RATIO and matcher.ratio() >= FUZZY_RATIO


def _begins(key: str, longer: str) -> bool:
    """The headline's words begin a longer one's and make most of it ("Headline: the subline",
    "Recipe name by a user", "Headline, Country")."""
    words = len(key.split())
    return words > LABEL_WORDS and longer.startswith(key + " ") and 2 * words >= len(longer.split())


# a day in a comparison key: "02 02 2022", "1 februar 2022", "2022 02 01"
_DATE_KEY = re.compile(r"\d{1,4} (?:\d{1,2}|[^\W\d]{3,}) \d{2,4}\b")


def _confirmed_part(h1: str, named: list[tuple[str, str]]) -> str | None:
    """The longest segment of another source that the <h1> starts with before a dateline or a
    host name, or ends with after a separator; a longer <h1> is otherwise its own title."""
    key = fold_key(h1)
    best = ""
    for _source, cand in named:
        for variant in _variants(cand):
            part = fold_key(variant)
            if (
                len(part.split()) < MIN_PART_WORDS
                or part == key
                or len(part) <= len(fold_key(best))
            ):
                continue
            dateline = key.startswith(part + " ") and bool(_DATE_KEY.match(key[len(part) + 1 :]))
            # "Headline | othersite.net": a host name after a separator, the headline before it
            tagged = key.startswith(part + " ") and _is_suffix_tag(h1, variant)
            # '"Slogan" / Headline': a lead set off by a separator that the other source leaves out
            lead = part in (fold_key(cand), fold_key(SEPARATORS.split(cand)[0]))  # not its subline
            kicked = (
                lead
                and key.endswith(" " + part)
                and any(fold_key(tail) == part for tail in _variants(h1)[1:] if h1.endswith(tail))
            )
            if dateline or tagged or kicked:
                best = variant.strip()
    return best or None


_HOST = re.compile(r"^[\w-]+(?:\.[\w-]+)+$")


def _is_suffix_tag(h1: str, part: str) -> bool:
    """The <h1> is part, then a separator and a host name ("Headline | othersite.net")."""
    pieces = SEPARATORS.split(h1)
    return (
        len(pieces) >= 2
        and bool(_HOST.match(pieces[-1].strip()))
        and fold_key(join_segments(pieces[:-1], SEPARATORS.findall(h1)[:-1])) == fold_key(part)
    )


SITE_WORDS = 5


def _names_the_site(h1: str, title: str | None) -> bool:
    """The <h1> is the <title>'s trailing segment after a longer headline ("Headline words |
    Blog Name" with <h1>Blog Name</h1>): the site's or blog's name in its header."""
    if not title:
        return False
    parts = SEPARATORS.split(title)
    if (
        len(parts) < 2
        or fold_key(parts[-1]) != fold_key(h1)
        or len(fold_key(h1).split()) > SITE_WORDS
    ):
        return False
    head = fold_key(title[: title.rfind(parts[-1])])
    return len(head.split()) > len(fold_key(h1).split())


H2_MAX_CHARS = 150
SHORT_H1_CHARS = 15  # a longer sole <h1> of three words is taken above, before the <title>
COMPOUND_PART_CHARS = 5


def _shares_word(text: str, named: list[tuple[str, str]]) -> bool:
    """A source shares a word with the heading (or a part of its compound word), and does not
    set it apart as a label of its own before or after the headline ("Politics: Headline",
    "Headline - Politics - Site" for a section label <h1>Politics</h1>)."""
    key = fold_key(text)
    words = {word for word in key.split() if not word.isdigit()}
    if any(fold_key(part) == key for _source, cand in named for part in SEPARATORS.split(cand)[1:]):
        return False
    if any(fold_key(cand).startswith(key + " ") for _source, cand in named):
        return False  # a label before the headline ("Politics: Headline")
    others = {word for _source, cand in named for word in fold_key(cand).split()}
    # or a word of theirs inside the heading's compound ("Clubgeschichte" for "Geschichte")
    return bool(words & others) or any(
        len(other) >= COMPOUND_PART_CHARS and other in word for word in words for other in others
    )


def _content_h2(signals: PageSignals, named: list[tuple[str, str]], sites: set[str]) -> str | None:
    """The first <h2> inside the article content that is a headline: not the site's name, more
    than a short label, not a teaser paragraph, not a lead-in ending in a colon, and not a
    heading that quotes another source's title ('3 thoughts on "Headline"')."""
    others = {fold_key(cand) for _source, cand in named} - {""}
    for text in signals.h2s:
        key = fold_key(text)
        if (
            text in signals.h2s_inside
            and not is_site(text, sites)
            and sum(not word.isdigit() for word in key.split()) > LABEL_WORDS
            and len(text) <= H2_MAX_CHARS
            and not text.rstrip().endswith(":")
            and not any(other != key and other in key for other in others)
        ):
            return signals.headlines.get(text) or text
    return None


def _named_by(text: str, named: list[tuple[str, str]]) -> int:
    """How many sources name the heading (twitter:title, a copy of og:title, not counted)."""
    return sum(_confirms(text, [pair]) for pair in named if pair[0] in ("jsonld", "og", "title"))


def _social_h2(
    signals: PageSignals, h1s: list[tuple[str, bool]], named: list[tuple[str, str]], sites: set[str]
) -> str | None:
    """An <h2> that og:title gives word for word when no <h1> is og:title or a segment of it: the
    headline the article shows under an <h1> written for search engines, when that <h1> stands
    outside the article content or fewer sources name it than the <h2>."""
    og = next((cand for source, cand in named if source == "og"), None)
    if not h1s or not og:
        return None
    og_key = fold_key(strip_site(og, sites))
    if len(og_key.split()) <= LABEL_WORDS:
        return None
    h2 = next((text for text in signals.h2s if fold_key(text) == og_key), None)
    og_keys = {fold_key(variant) for variant in _variants(og)}
    if h2 is None or any(fold_key(text) in og_keys for text, _inside in h1s):
        return None
    inside = [text for text, inside in h1s if inside]
    if inside and _named_by(h2, named) <= max(_named_by(text, named) for text in inside):
        return None
    return signals.headlines.get(h2) or h2


def _fuller_h2(signals: PageSignals, title: str, sites: set[str]) -> str | None:
    """The page's first <h2> when it begins with the whole headline chosen and goes on ("Ten
    tips" above "Ten tips for a calm week"): the headline shortened for the <h1> or the
    <title>, shown in full under it. A headline of a few words that a section's first heading
    continues ("Bee game" and "Bee game multiplayer") is too short to tell; one that the <h2>
    continues after a colon is the headline before its subline, and one the <h2> follows
    with the site's name only is the headline without it."""
    if not signals.h2s:
        return None
    key = fold_key(title)
    if len(key.split()) <= MIN_PART_WORDS:
        return None
    first = signals.headlines.get(signals.h2s[0]) or signals.h2s[0]
    if len(first) > H2_MAX_CHARS or not fold_key(first).startswith(key + " "):
        return None
    # "Headline: the subline" sets a subline apart from the headline (taken as in _begins);
    # "Headline | Site" adds only the site's name
    rest = first[len(title) :] if first.casefold().startswith(title.casefold()) else ""
    if rest.lstrip().startswith(":") or is_site(rest.strip(" |-–—:·•/«»"), sites):
        return None
    return first


def choose_title(
    signals: PageSignals, url: str | None, feed_title: str | None
) -> tuple[str | None, str | None]:
    """Return (title, source) preferring the candidate that agrees with the visible <h1>;
    in Unicode's composed form (NFC), so the same headline always compares equal."""
    title, source, _heading = choose_headline(signals, url, feed_title)
    return title, source


def choose_headline(
    signals: PageSignals, url: str | None, feed_title: str | None
) -> tuple[str | None, str | None, str | None]:
    """Return (title, source, heading): the title as choose_title gives it, and the text of
    the heading that marks where the article starts, which is the title but where an <h2>
    gives the headline in full or in the wording og:title names, under an <h1> that still
    heads the article."""
    heading, source, social = _choose(signals, url, feed_title)
    if not heading:
        return heading, source, heading
    title, better = heading, social or _fuller_h2(signals, heading, site_keys(signals, url))
    if better:
        title, source = better, "h2"
    return _tidy(title), source, _tidy(heading)


def _tidy(title: str) -> str:
    title = title.rstrip(" ¶")  # the permalink mark of documentation themes
    title = _DANGLING.sub("", title) or title  # "Site name -" with the headline left out
    dated = _LEADING_DAY.match(title)
    if dated:
        title = title[dated.end() :]  # "23.01.2022 - Headline": the day is the page's date
    return unicodedata.normalize("NFC", title)


_DANGLING = re.compile(r"\s+[-|–—:·•/]+$")
# a full day (with its year) set before the headline with a dash, a bar or a colon
_LEADING_DAY = re.compile(
    r"^(?:\d{1,2}[./]\d{1,2}[./](?:\d{4}|\d{2})|\d{4}-\d{2}-\d{2})\s*[-–—|:]\s+(?=\w.{9,})"
)


def _choose(
    signals: PageSignals, url: str | None, feed_title: str | None
) -> tuple[str | None, str | None, str | None]:
    """(title, source, an <h2> that og:title names over the <h1>s) from the page's sources."""
    sites = site_keys(signals, url)
    named: list[tuple[str, str]] = []
    headline = jsonld_text(signals.article.get("headline") or signals.article.get("name"))
    if headline:
        named.append(("jsonld", clean_space(headline)))
    for key, source in (("og:title", "og"), ("twitter:title", "twitter")):
        value = signals.first_meta(key)
        if value:
            named.append((source, clean_space(value)))
    if signals.title_tag:
        named.append(("title", signals.title_tag))
    if feed_title and clean_space(feed_title):
        named.append(("feed", clean_space(feed_title)))
    h1s = [
        (text, inside)
        for text, inside in signals.h1s
        if not is_site(text, sites) and not _names_the_site(text, signals.title_tag)
    ]
    h1s.sort(key=lambda pair: not pair[1])
    return *_pick(signals, sites, named, h1s), _social_h2(signals, h1s, named, sites)


def _pick(
    signals: PageSignals,
    sites: set[str],
    named: list[tuple[str, str]],
    h1s: list[tuple[str, bool]],
) -> tuple[str | None, str | None]:
    # a kicker and the headline in two spans of one <h1>: the span another source names,
    # the later one when both are named (the kicker comes first)
    # (or writes after its own "Kicker: ", when no source names the whole <h1>)
    for text, inside in h1s:
        whole = _confirms(text, named)
        # the line above the headline that the theme marks as such ("kicker", "Dachzeile")
        rest = signals.headlines.get(text)
        if rest and (whole or inside or _confirms(rest, named)):
            return rest, "h1"
        for part in reversed(signals.h1_parts.get(text, [])):
            key = fold_key(part)
            if (
                len(key.split()) >= MIN_PART_WORDS
                and not is_site(part, sites)
                and (
                    any(fold_key(v) == key for _source, cand in named for v in _variants(cand))
                    or (not whole and _named_after_kicker(part, named, sites))
                )
            ):
                return part, "h1"
    # the visible headline wins when another source confirms it; the longest one when several
    # are (a section label such as "News" is often an <h1> too), the one inside the article
    # first (the site's name in the header is an <h1> on some themes, and the <title> names it)
    confirmed = [(inside, text) for text, inside in h1s if _confirms(text, named)]
    if confirmed:
        best = max(confirmed, key=lambda pair: (pair[0], len(pair[1].split())))[1]
        stripped = strip_site(best, sites)
        # og:title or JSON-LD giving the <h1> word for word: a first segment that only looks
        # like the site's name (the name and an everyday word: "Puppies to buy – Tips ...")
        # is part of the headline; the name itself or a label ("Update | ...") is not
        cut = best[: len(best) - len(stripped)] if best.endswith(stripped) else ""
        cut_key = fold_key(cut).replace(" ", "")
        if (
            cut_key
            and is_site(cut, sites)
            and cut_key not in {site.replace(" ", "") for site in sites}
            and any(fold_key(cand) == fold_key(best) for source, cand in named if source != "title")
        ):
            return best, "h1"
        return stripped, "h1"
    # a dateline or a host name set in the same <h1> ("Headline 02.02.2022 • Press"): the part
    # another source names is the headline; a lead before a colon in plain text is kept, since
    # readers see it in the headline (a kicker set apart by markup was dropped above)
    for text, _inside in h1s:
        kicked = _confirmed_part(text, named)
        if kicked:
            return kicked, "h1"
    # no <h1> is the headline (a section label, a logo): an <h2> that the <title> or og:title
    # names beyond a short label is
    for text in signals.h2s:
        if (
            not is_site(text, sites)
            and len(fold_key(text).split()) > LABEL_WORDS
            and _confirms(text, named)
        ):
            return signals.headlines.get(text) or strip_site(text, sites), "h2"
    # a substantial headline inside the article body, or the page's only one, is what
    # readers see as the title
    content_h1 = [text for text, inside in h1s if inside or len(h1s) == 1]
    if content_h1 and len(content_h1[0]) >= 15 and len(content_h1[0].split()) >= 3:
        return content_h1[0], "h1"
    keys: dict[str, list[str]] = {}
    for source, cand in named:
        stripped = strip_site(cand, sites)
        keys.setdefault(fold_key(stripped), []).append(source)
    for source, cand in named:
        stripped = strip_site(cand, sites)
        agreeing = set(keys[fold_key(stripped)])
        if "og" in agreeing:  # twitter:title copies og:title: one source, not two
            agreeing.discard("twitter")
        if len(agreeing) > 1 and stripped:
            return stripped, source
    # no <h1> at all and no two sources agree: the article's first <h2> that reads as a
    # headline is the one readers see (CMS themes that start the content at <h2>)
    if not h1s:
        h2 = _content_h2(signals, named, sites)
        if h2:
            return h2, "h2"
    # the page's only <h1>, short as it is ("Design", "Blockhaus 3"), when the <title> or
    # og:title shares a word with it: the page's own heading (not a stray "Lorem" or a logo)
    if len(h1s) == 1 and len(h1s[0][0]) < SHORT_H1_CHARS and _shares_word(h1s[0][0], named):
        return h1s[0][0], "h1"
    for source, cand in named:
        stripped = strip_site(cand, sites)
        if source == "title" and stripped == cand:
            stripped = strip_unknown_site(cand)
        if stripped:
            return stripped, source
    if h1s:
        return h1s[0][0], "h1"
    return None, None
