"""Recognise the site's own name in a headline candidate and cut it off ("Headline | Outlet")."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from .structured import PageSignals

SEPARATORS = re.compile(r"\s+(?:\||-|–|—|::|·|•|«|»|/|:)\s+")


# soft hyphens and zero-width marks split words for \w without being seen
_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")


def fold_key(text: str) -> str:
    """Comparison key: case-folded words without punctuation."""
    return " ".join(re.findall(r"\w+", _INVISIBLE.sub("", text).casefold()))


_ARCHIVED = re.compile(r"^https?://web\.archive\.org/web/[^/]+/(https?://.+)$", re.IGNORECASE)


def site_keys(signals: PageSignals, url: str | None) -> set[str]:
    """Comparison keys of the site's names: publisher, og:site_name, the host's words."""
    keys = {fold_key(name) for name in signals.site_names if name}
    if url:
        archived = _ARCHIVED.match(url)  # a page kept by a web archive names its own site
        host = urlsplit(archived.group(1) if archived else url).hostname or ""
        parts = [p for p in host.split(".") if p not in ("www", "m", "amp")]
        if parts:
            keys.add(fold_key(parts[0]))
            keys.add(fold_key(".".join(parts)))
    keys.discard("")
    return keys


def _initials(key: str) -> str:
    return "".join(word[0] for word in key.split() if word != "the")


# an organisation's legal form beside its name ("Verein e.V.", "Media GmbH")
_LEGAL_FORM = re.compile(r"\b(?:e v|gmbh|ag|ltd|inc|llc|sa|srl|plc)$")


def is_site(segment: str, sites: set[str]) -> bool:
    """True when the segment is the site's name (or its initials, or its host)."""
    key = fold_key(segment)
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


_CRUMBSEPARATORS = ("|", "»", "/", "::", "·", "•")
LABEL_WORDS = 2
_PREFIX = re.compile(r"^([^:|]{2,40}):\s+(?=\S)")


def strip_site(title: str, sites: set[str]) -> str:
    """Remove leading or trailing site-name segments such as ' | Outlet'."""
    prefix = _PREFIX.match(title)
    if prefix and is_site(prefix.group(1), sites):
        title = title[prefix.end() :]  # "Outlet e.V.: Headline"
    parts = SEPARATORS.split(title)
    if len(parts) < 2:
        return _strip_tight_site(title, sites)
    seps = SEPARATORS.findall(title)
    # a site name that holds a separator itself ("Headline - Section - Site" for "Section - Site")
    for start in range(1, len(parts) - 1):
        if is_site(join_segments(parts[start:], seps[start:]), sites):
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
        and seps[0].strip() in _CRUMBSEPARATORS
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
    return _strip_glued_site(out.strip(), sites)


def _strip_glued_site(title: str, sites: set[str]) -> str:
    """Cut a site name of several words glued to the end of the headline without a space
    ("Harbour fees riseCoast Post Online"), as a theme writes it that leaves out its separator;
    a one-word name may end a word of the headline itself."""
    names = {site.replace(" ", "") for site in sites if " " in site}
    if not names:
        return title
    for i in range(1, len(title)):
        glued = title[i].isupper() and title[i - 1].isalnum()
        if glued and fold_key(title[:i]) and fold_key(title[i:]).replace(" ", "") in names:
            return title[:i].strip()
    return title


_TIGHT = re.compile(r"(?<=\S)(?:\||｜|_|-|–|—)(?=\S)")


def _strip_tight_site(title: str, sites: set[str]) -> str:
    """Cut the site's name set off without spaces ("Headline-新华网", "SITE|Headline"), only
    when it is the site's name: a hyphen without spaces also joins words ("Covid-19")."""
    marks = list(_TIGHT.finditer(title))
    if not marks:
        return title
    names = {site.replace(" ", "") for site in sites}

    def named(segment: str) -> bool:  # the whole name, not a word of it ("DITIB Türkisch-")
        return fold_key(segment).replace(" ", "") in names

    last, first = marks[-1], marks[0]
    if named(title[last.end() :]) and fold_key(title[: last.start()]):
        return title[: last.start()].strip()
    if named(title[: first.start()]) and fold_key(title[first.end() :]):
        return title[first.end() :].strip()
    return title


def strip_unknown_site(title: str) -> str:
    """Drop a short trailing ' - Name' from a <title> when nothing else names the site."""
    parts = SEPARATORS.split(title)
    if len(parts) < 2:
        return _strip_tight_unknown(title)
    tail, head = parts[-1], title[: title.rfind(parts[-1])]
    head = head.rstrip(" |-–—:·•/«»")
    words = tail.split()
    # a hyphen also joins names in headlines ("Armenia - Azerbaijan talks"), so after one the
    # tail must look like a name; after a dash or a bar any short tail is the site's
    sep = SEPARATORS.findall(title)[-1].strip()
    named = sep not in ("-", ":") or all(w[:1].isupper() or not w[:1].isalpha() for w in words)
    if 1 <= len(words) <= 4 and len(head.split()) >= len(words) + 2 and named:
        return head.strip()
    return title


# Chinese, Japanese and Korean letters
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
_CJK_NAME_CHARS = 8


def _strip_tight_unknown(title: str) -> str:
    """Drop a short name set off without spaces after a headline in Chinese or Japanese
    ("标题-新华网", "見出し_サイト名"), where a hyphen does not join the words of a headline."""
    marks = list(_TIGHT.finditer(title))
    if len(marks) != 1:
        return title  # a chain ("标题_频道_网站") names sections too: which is the site's?
    head, tail = title[: marks[-1].start()].strip(), title[marks[-1].end() :].strip()
    if (
        _CJK.search(head)
        and _CJK.search(tail)
        and " " not in tail
        and len(tail) <= _CJK_NAME_CHARS
        and len(head) >= 2 * len(tail)
    ):
        return head
    return title


def join_segments(parts: list[str], seps: list[str]) -> str:
    out = parts[0]
    for sep, part in zip(seps, parts[1:], strict=False):
        out += sep + part
    return out.strip()
