"""Choose the page's own headline among JSON-LD, og:title, <h1> and <title>."""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher
from urllib.parse import urlsplit

from .structured import PageSignals, clean_space, jsonld_text

_SEPARATORS = re.compile(r"\s+(?:\||-|–|—|::|·|•|«|»|/|:)\s+")


# soft hyphens and zero-width marks split words for \w without being seen
_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")


def _key(text: str) -> str:
    """Comparison key: case-folded words without punctuation."""
    return " ".join(re.findall(r"\w+", _INVISIBLE.sub("", text).casefold()))


def site_keys(signals: PageSignals, url: str | None) -> set[str]:
    """Comparison keys of the site's names: publisher, og:site_name, the host's words."""
    keys = {_key(name) for name in signals.site_names if name}
    if url:
        host = urlsplit(url).hostname or ""
        parts = [p for p in host.split(".") if p not in ("www", "m", "amp")]
        if parts:
            keys.add(_key(parts[0]))
            keys.add(_key(".".join(parts)))
    keys.discard("")
    return keys


def _initials(key: str) -> str:
    return "".join(word[0] for word in key.split() if word != "the")


# an organisation's legal form beside its name ("Verein e.V.", "Media GmbH")
_LEGAL_FORM = re.compile(r"\b(?:e v|gmbh|ag|ltd|inc|llc|sa|srl|plc)$")


def is_site(segment: str, sites: set[str]) -> bool:
    """True when the segment is the site's name (or its initials, or its host)."""
    key = _key(segment)
    compact = key.replace(" ", "")
    if not compact:
        return False
    initials = _initials(key) if len(key.split()) <= 5 else ""
    words = _LEGAL_FORM.sub("", key).split()
    # how many words stand beside the run of words that spells the name
    beside = {
        "".join(words[i:j]): len(words) - (j - i)
        for i in range(len(words))
        for j in range(i + 1, len(words) + 1)
    }
    for site in sites:
        flat = site.replace(" ", "")
        if compact == flat:
            return True
        # a word or two more than the name ("ZEIT ONLINE", "BBC News" for bbc.co.uk); one at
        # most beside an acronym, a word of many headlines ("Frauen im THW: ..."), and not a
        # headline that names the site ("Best of Houzz 2022: ...")
        extra = beside.get(flat)
        if (
            extra is not None
            and extra <= (1 if len(flat) <= 4 else 2)
            and len(key) <= len(site) + 12
        ):
            return True
        if len(initials) >= 2 and flat.startswith(initials) and len(flat) <= len(compact):
            return True  # "The New York Times" for nytimes.com
    return False


_CRUMB_SEPARATORS = ("|", "»", "/", "::", "·", "•")
LABEL_WORDS = 2
_PREFIX = re.compile(r"^([^:|]{2,40}):\s+(?=\S)")


def strip_site(title: str, sites: set[str]) -> str:
    """Remove leading or trailing site-name segments such as ' | Outlet'."""
    prefix = _PREFIX.match(title)
    if prefix and is_site(prefix.group(1), sites):
        title = title[prefix.end() :]  # "Outlet e.V.: Headline"
    parts = _SEPARATORS.split(title)
    if len(parts) < 2:
        return _strip_tight_site(title, sites)
    seps = _SEPARATORS.findall(title)
    # a site name that holds a separator itself ("Headline - Section - Site" for "Section - Site")
    for start in range(1, len(parts) - 1):
        if is_site(_join(parts[start:], seps[start:]), sites):
            parts, seps = parts[:start], seps[: start - 1]
            break
    while len(parts) > 1 and is_site(parts[-1], sites):
        parts.pop()
        seps.pop()
    # "Headline : Site | tagline | more": the site's name ends the headline, taglines follow
    cut = next((i for i in range(1, len(parts)) if is_site(parts[i], sites)), None)
    if cut is not None:
        parts, seps = parts[:cut], seps[: cut - 1]
    while len(parts) > 1 and is_site(parts[0], sites):
        parts.pop(0)
        seps.pop(0)
    # leading breadcrumb labels ("Culture | Books | Headline") before a longer segment
    while (
        len(parts) > 1
        and seps[0].strip() in _CRUMB_SEPARATORS
        and len(parts[0].split()) <= LABEL_WORDS
        and max(len(p.split()) for p in parts[1:]) > LABEL_WORDS + 1
    ):
        parts.pop(0)
        seps.pop(0)
    if len(parts) > 1 and "|" in seps[-1] and len(parts[-1]) <= len(parts[0]):
        # "Headline | Whatever" is the overwhelmingly common template even for unknown sites
        parts.pop()
        seps.pop()
    out = parts[0]
    for sep, part in zip(seps, parts[1:], strict=False):
        out += sep + part
    return out.strip()


_TIGHT = re.compile(r"(?<=\S)(?:\||｜|_|-|–|—)(?=\S)")


def _strip_tight_site(title: str, sites: set[str]) -> str:
    """Cut the site's name set off without spaces ("Headline-新华网", "SITE|Headline"), only
    when it is the site's name: a hyphen without spaces also joins words ("Covid-19")."""
    marks = list(_TIGHT.finditer(title))
    if not marks:
        return title
    names = {site.replace(" ", "") for site in sites}

    def named(segment: str) -> bool:  # the whole name, not a word of it ("DITIB Türkisch-")
        return _key(segment).replace(" ", "") in names

    last, first = marks[-1], marks[0]
    if named(title[last.end() :]) and _key(title[: last.start()]):
        return title[: last.start()].strip()
    if named(title[: first.start()]) and _key(title[first.end() :]):
        return title[first.end() :].strip()
    return title


def _strip_unknown_site(title: str) -> str:
    """Drop a short trailing ' - Name' from a <title> when nothing else names the site."""
    parts = _SEPARATORS.split(title)
    if len(parts) < 2:
        return title
    tail, head = parts[-1], title[: title.rfind(parts[-1])]
    head = head.rstrip(" |-–—:·•/«»")
    words = tail.split()
    # a hyphen also joins names in headlines ("Armenia - Azerbaijan talks"), so after one the
    # tail must look like a name; after a dash or a bar any short tail is the site's
    sep = _SEPARATORS.findall(title)[-1].strip()
    named = sep not in ("-", ":") or all(w[:1].isupper() or not w[:1].isalpha() for w in words)
    if 1 <= len(words) <= 4 and len(head.split()) >= len(words) + 2 and named:
        return head.strip()
    return title


def _variants(title: str) -> list[str]:
    """The title and every run of segments cut at separators, to match against <h1>."""
    parts = _SEPARATORS.split(title)[:8]
    seps = _SEPARATORS.findall(title)
    out = [title]
    for i in range(len(parts)):
        for j in range(i + 1, len(parts) + 1):
            if (i, j) != (0, len(parts)):
                out.append(_join(parts[i:j], seps[i : j - 1]))
    return out


def _join(parts: list[str], seps: list[str]) -> str:
    out = parts[0]
    for sep, part in zip(seps, parts[1:], strict=False):
        out += sep + part
    return out.strip()


MIN_PART_WORDS = 3


_KICKER_COLON = re.compile(r"^(?P<kicker>[^:]{2,60}?\S):\s+(?P<headline>\S.*)$")


def after_kicker(text: str) -> str | None:
    """The headline after a "Kicker: " label ("Corona-Lockerungen: Autohäuser rechnen ...");
    None without one."""
    match = _KICKER_COLON.match(text.strip())
    return match.group("headline").strip() if match else None


def _named_after_kicker(part: str, named: list[tuple[str, str]], sites: set[str]) -> bool:
    """Another source names part as its headline after a "Kicker: " label, or as all of it."""
    key = _key(part)
    for _source, cand in named:
        stripped = strip_site(cand, sites)
        tail = after_kicker(stripped)
        if key in (_key(stripped), _key(tail or "")):
            return True
    return False


def _confirms(h1: str, named: list[tuple[str, str]]) -> bool:
    """Another source names this <h1>: as a whole, or as a segment; a short segment that is
    not the first of its title is a section label ("Site | Culture | Books | Headline")."""
    key = _key(h1)
    for _source, cand in named:
        if _key(cand) == key:
            return True
        first = _key(_SEPARATORS.split(cand)[0])
        for variant in _variants(cand)[1:]:
            if _key(variant) == key and (len(key.split()) > LABEL_WORDS or first == key):
                return True
        if _begins(key, _key(_SEPARATORS.split(cand)[0])):
            return True
        if len(key) >= FUZZY_CHARS and any(_alike(key, _key(v)) for v in _variants(cand)):
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
    key = _key(h1)
    best = ""
    for _source, cand in named:
        for variant in _variants(cand):
            part = _key(variant)
            if len(part.split()) < MIN_PART_WORDS or part == key or len(part) <= len(_key(best)):
                continue
            dateline = key.startswith(part + " ") and bool(_DATE_KEY.match(key[len(part) + 1 :]))
            # "Headline | othersite.net": a host name after a separator, the headline before it
            tagged = key.startswith(part + " ") and _is_suffix_tag(h1, variant)
            # '"Slogan" / Headline': a lead set off by a separator that the other source leaves out
            lead = part in (_key(cand), _key(_SEPARATORS.split(cand)[0]))  # not its subline
            kicked = (
                lead
                and key.endswith(" " + part)
                and any(_key(tail) == part for tail in _variants(h1)[1:] if h1.endswith(tail))
            )
            if dateline or tagged or kicked:
                best = variant.strip()
    return best or None


_HOST = re.compile(r"^[\w-]+(?:\.[\w-]+)+$")


def _is_suffix_tag(h1: str, part: str) -> bool:
    """The <h1> is part, then a separator and a host name ("Headline | othersite.net")."""
    pieces = _SEPARATORS.split(h1)
    return (
        len(pieces) >= 2
        and bool(_HOST.match(pieces[-1].strip()))
        and _key(_join(pieces[:-1], _SEPARATORS.findall(h1)[:-1])) == _key(part)
    )


SITE_WORDS = 5


def _names_the_site(h1: str, title: str | None) -> bool:
    """The <h1> is the <title>'s trailing segment after a longer headline ("Headline words |
    Blog Name" with <h1>Blog Name</h1>): the site's or blog's name in its header."""
    if not title:
        return False
    parts = _SEPARATORS.split(title)
    if len(parts) < 2 or _key(parts[-1]) != _key(h1) or len(_key(h1).split()) > SITE_WORDS:
        return False
    head = _key(title[: title.rfind(parts[-1])])
    return len(head.split()) > len(_key(h1).split())


def choose_title(
    signals: PageSignals, url: str | None, feed_title: str | None
) -> tuple[str | None, str | None]:
    """Return (title, source) preferring the candidate that agrees with the visible <h1>;
    in Unicode's composed form (NFC), so the same headline always compares equal."""
    title, source = _choose(signals, url, feed_title)
    if not title:
        return title, source
    title = title.rstrip(" ¶")  # the permalink mark of documentation themes
    title = _DANGLING.sub("", title) or title  # "Site name -" with the headline left out
    dated = _LEADING_DAY.match(title)
    if dated:
        title = title[dated.end() :]  # "23.01.2022 - Headline": the day is the page's date
    return unicodedata.normalize("NFC", title), source


_DANGLING = re.compile(r"\s+[-|–—:·•/]+$")
# a full day (with its year) set before the headline with a dash, a bar or a colon
_LEADING_DAY = re.compile(
    r"^(?:\d{1,2}[./]\d{1,2}[./](?:\d{4}|\d{2})|\d{4}-\d{2}-\d{2})\s*[-–—|:]\s+(?=\w.{9,})"
)


def _choose(
    signals: PageSignals, url: str | None, feed_title: str | None
) -> tuple[str | None, str | None]:
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
            key = _key(part)
            if (
                len(key.split()) >= MIN_PART_WORDS
                and not is_site(part, sites)
                and (
                    any(_key(v) == key for _source, cand in named for v in _variants(cand))
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
        return strip_site(best, sites), "h1"
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
            and len(_key(text).split()) > LABEL_WORDS
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
        keys.setdefault(_key(stripped), []).append(source)
    for source, cand in named:
        stripped = strip_site(cand, sites)
        if len(keys[_key(stripped)]) > 1 and stripped:
            return stripped, source
    for source, cand in named:
        stripped = strip_site(cand, sites)
        if source == "title" and stripped == cand:
            stripped = _strip_unknown_site(cand)
        if stripped:
            return stripped, source
    if h1s:
        return h1s[0][0], "h1"
    return None, None
