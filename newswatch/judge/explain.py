"""Why an article matched, in plain words, and an English gloss, from the words in its text.

The judge's own reasons are a scoring trace: they name profile spellings (a French cue that
prefix-matched an English word) and group entities under the language of a shared spelling
("Armenia" is also Italian). A reader needs the words the article itself uses. This module
finds the profile's entities, topic terms and category cues again, keeping the span of every
match in the original text, so that each quoted word is a slice of the article, and renders
the matches as short reasons and, for other languages, as an English line built from the
profile's labels (entity labels and cue-group names): no translation service is involved.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import regex

from newswatch.judge.evidence import drop_nested_cues
from newswatch.judge.lexicon import Lexicon, Term, terms_of
from newswatch.judge.normalise import fold, in_capitals
from newswatch.judge.profile import Profile, cue_acts, load_profile

# English names of the languages the profile and the feeds use (ISO 639-1, a few scripts).
LANGUAGE_NAMES = {
    "en": "English", "hy": "Armenian", "az": "Azerbaijani", "az-Cyrl": "Azerbaijani",
    "ru": "Russian", "uk": "Ukrainian", "tr": "Turkish", "fa": "Persian", "ar": "Arabic",
    "ka": "Georgian", "fr": "French", "de": "German", "es": "Spanish", "it": "Italian",
    "pt": "Portuguese", "pl": "Polish", "nl": "Dutch", "el": "Greek", "zh": "Chinese",
    "ja": "Japanese", "ko": "Korean", "cs": "Czech", "hu": "Hungarian", "sv": "Swedish",
    "da": "Danish", "ro": "Romanian", "bg": "Bulgarian", "he": "Hebrew",
}  # fmt: skip
# How each kind of entity is introduced in a reason.
_VERBS = {"person": "names", "place": "mentions", "org": "refers to", "event": "refers to"}
# Category names as a reader says them ("about detainees and trials: …").
_CATEGORY_WORDS = {
    "resolutions": "a parliamentary resolution",
    "detainees": "detainees and trials",
    "peace-treaty": "the peace treaty",
    "displacement": "displacement and return",
    "humanitarian": "humanitarian aid and demining",
    "heritage": "cultural heritage",
    "security": "security incidents",
    "diplomacy": "diplomacy",
}
MAX_QUOTES = 3
MAX_CATEGORIES = 2  # the article's leading categories explained
MAX_GLOSS_ITEMS = 6
MAX_TEXT = 4000  # characters of the text looked at
_WORD = regex.compile(r"\w+")
_CJK = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}]")
_CJK_TOKEN = regex.compile(
    r"[\p{Han}\p{Hiragana}\p{Katakana}ー]|[^\W\p{Han}\p{Hiragana}\p{Katakana}]+"
)
_SPACE = regex.compile(r"\s+")
_BREAK = regex.compile(r"[.,;:!?()\[\]«»“”\"]")


def language_name(code: str | None) -> str | None:
    """The English name of a language code ("hy" → "Armenian"), or None when unknown."""
    if not code:
        return None
    return LANGUAGE_NAMES.get(code) or LANGUAGE_NAMES.get(code.split("-")[0].split("_")[0].lower())


def category_words(category: str) -> str:
    return _CATEGORY_WORDS.get(category) or category.replace("-", " ")


@dataclass
class Match:
    """One lexicon key found in a text: its quotes (slices of the text) in order of appearance."""

    key: str
    quotes: list[str] = field(default_factory=list)
    first: int = 0
    seen: set[str] = field(default_factory=set)  # quotes case-folded, to keep each once


def _spans(line: str) -> list[tuple[str, int, int]]:
    """Folded tokens of one line with the span of the original word each came from."""
    pattern = _CJK_TOKEN if _CJK.search(line) else _WORD
    out: list[tuple[str, int, int]] = []
    for m in pattern.finditer(line):
        # folding can split a word (a zero-width non-joiner becomes a space): both parts keep it
        for part in _folded(m.group()):
            out.append((part, m.start(), m.end()))
    return out


@lru_cache(maxsize=200_000)
def _folded(word: str) -> tuple[str, ...]:
    # vocabularies repeat across reports: fold each distinct word once
    return tuple(_WORD.findall(fold(word)))


class Explainer:
    """Finds the profile's words in an article and says in plain words what was found."""

    def __init__(self, profile: Profile) -> None:
        self.profile = profile
        terms: list[Term] = []
        for entity_id, entity in profile.entities.items():
            terms += terms_of(f"e:{entity_id}", entity.names)
        for name, group in profile.topic.items():
            terms += terms_of(f"t:{name}", group.terms)
        for cat, spec in profile.categories.items():
            for name, group in spec.groups.items():
                # weightless groups only swallow look-alikes ("conflict resolution"): keep them
                # so that the nested-cue rule drops the shorter cue inside them, as the judge does
                terms += terms_of(f"c:{cat}:{name}", group.terms)
        self._lexicon = Lexicon(terms, profile.min_stem, profile.max_suffix)
        self._side_ids = {e for side in profile.sides for e in side}
        self._cue_acts = cue_acts(profile)

    def matches(self, title: str, text: str) -> dict[str, Match]:
        """Every key found in the title and text, with the words as the article writes them."""
        found: dict[str, Match] = {}
        position = 0
        # a reader's reasons come from the lead: past it, a long page only adds time
        lines, budget = [title], MAX_TEXT
        for line in text.split("\n"):
            if budget <= 0:
                break
            lines.append(line[:budget])
            budget -= len(line) + 1
        for line in lines:
            spans = _spans(line)
            if not spans:
                continue
            upper = [in_capitals(line[s:e]) for _, s, e in spans]
            found_here = self._lexicon.find([s[0] for s in spans], upper)
            hits = drop_nested_cues(found_here, self._cue_acts)
            for term, i in hits:
                k = len(term.parts)
                start, end = spans[i][1], spans[i + k - 1][2]
                quote = _SPACE.sub(" ", line[start:end]).strip()
                if k > 1 and _BREAK.search(quote):
                    continue  # "war, crimes" is two words that happen to meet, not the term
                match = found.setdefault(term.key, Match(term.key, first=position + i))
                folded = quote.casefold()
                if quote and folded not in match.seen and len(match.quotes) < MAX_QUOTES * 2:
                    match.seen.add(folded)
                    match.quotes.append(quote)
            position += len(spans) + 1000
        return found

    def _weightless(self, key: str) -> bool:
        _c, cat, name = key.split(":", 2)
        return self.profile.categories[cat].groups[name].weight == 0

    def explain(
        self, title: str, text: str, categories: Sequence[str] = (), *, gloss: bool = False
    ) -> tuple[list[str], str]:
        """Reasons and (when asked) the English gloss, from one pass over the article."""
        found = self.matches(title, text)
        return (
            self.reasons(title, text, categories, found=found),
            self.gloss(title, text, categories, found=found) if gloss else "",
        )

    def reasons(
        self,
        title: str,
        text: str,
        categories: Sequence[str] = (),
        *,
        limit: int = 6,
        found: dict[str, Match] | None = None,
    ) -> list[str]:
        """Plain reasons, each quoting the matched words of the article ("names “…”")."""
        found = self.matches(title, text) if found is None else found
        ordered = sorted(found.values(), key=lambda m: m.first)
        by_verb: dict[str, list[str]] = {}
        used: set[str] = set()  # a word quoted once is not quoted again by a later reason
        entity_ids = [m.key[2:] for m in ordered if m.key.startswith("e:")]
        # the two countries and capitals are named in nearly every report: they say why only
        # when nothing more specific was found
        specific = [e for e in entity_ids if e not in self._side_ids]
        for m in ordered:
            if not m.key.startswith("e:"):
                continue
            entity_id = m.key[2:]
            if specific and entity_id in self._side_ids and entity_id.startswith("place:"):
                continue
            entity = self.profile.entities[entity_id]
            quote = m.quotes[0]
            shown = f"“{quote}”"
            if (
                fold(entity.label).find(fold(quote)) < 0
                and fold(quote).find(fold(entity.label)) < 0
            ):
                shown += f" ({entity.label})"  # the English label beside another spelling
            verb = _VERBS.get(entity_id.split(":")[0], "mentions")
            if len(by_verb.get(verb, [])) < MAX_QUOTES:
                by_verb.setdefault(verb, []).append(shown)
                used.add(quote.casefold())
        # people first, then institutions and events, then places: who before where
        verbs = sorted(by_verb, key=lambda v: ("names", "refers to", "mentions").index(v))
        out = [f"{verb} {', '.join(by_verb[verb][:MAX_QUOTES])}" for verb in verbs]
        topic = _quotes((m for m in ordered if m.key.startswith("t:")), used)
        if topic:
            out.append(f"speaks of {topic}")
        cue_cats = [m.key.split(":")[1] for m in ordered if m.key.startswith("c:")]
        wanted = (list(categories) or list(dict.fromkeys(cue_cats)))[:MAX_CATEGORIES]
        for cat in wanted:
            cue_matches = [
                m for m in ordered if m.key.startswith(f"c:{cat}:") and not self._weightless(m.key)
            ]
            cues = _quotes(cue_matches, used)
            if cues:
                out.append(f"about {category_words(cat)}: {cues}")
        unique: list[str] = []
        for reason in out:
            if all(reason.casefold() != u.casefold() for u in unique):
                unique.append(reason)
        return unique[:limit]

    def gloss(
        self,
        title: str,
        text: str,
        categories: Sequence[str] = (),
        *,
        found: dict[str, Match] | None = None,
    ) -> str:
        """One English line of what the article is about, from the profile's labels."""
        found = self.matches(title, text) if found is None else found
        ordered = sorted(found.values(), key=lambda m: m.first)
        items: list[str] = []
        kinds = ("person", "org", "event", "place")
        entities = [m.key[2:] for m in ordered if m.key.startswith("e:")]
        entities.sort(key=lambda e: kinds.index(e.split(":")[0]) if e.split(":")[0] in kinds else 4)
        # the sides' own places last: "Baku" says more after the people than before them
        entities.sort(key=lambda e: e in self._side_ids and e.startswith("place:"))
        for entity_id in entities:
            label = self.profile.entities[entity_id].label
            if label not in items:
                items.append(label)
        labels = items[: MAX_GLOSS_ITEMS - 2]
        events: list[str] = []
        cats = list(categories) or [m.key.split(":")[1] for m in ordered if m.key.startswith("c:")]
        for m in ordered:
            if (
                m.key.startswith("c:")
                and m.key.split(":")[1] in cats
                and not self._weightless(m.key)
            ):
                event = m.key.split(":", 2)[2].replace("-", " ")
                if event not in events:
                    events.append(event)
        return " · ".join(labels + events[: MAX_GLOSS_ITEMS - len(labels)])


def _quotes(matches: Iterable[Match], used: set[str]) -> str:
    """Up to MAX_QUOTES quotes not quoted before (``used`` grows with the ones taken)."""
    quotes: list[str] = []
    for m in matches:
        for q in m.quotes:
            if len(quotes) < MAX_QUOTES and q.casefold() not in used:
                used.add(q.casefold())
                quotes.append(q)
    return ", ".join(f"“{q}”" for q in quotes)


def quoted(reason: str) -> list[str]:
    """The quoted words of a reason (what must occur in its article)."""
    return [str(q) for q in regex.findall(r"“([^”]*)”", reason)]


@lru_cache(maxsize=4)
def explainer_for(profile: Path | None) -> Explainer:
    """The explainer of a profile file (default: the packaged one), built once per process."""
    return Explainer(load_profile(profile))
