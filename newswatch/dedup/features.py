"""What is known of an article or a story for grouping, and the weights that compare them."""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from typing import Any

from newswatch.dedup.names import name_keys
from newswatch.dedup.stopwords import STOPWORDS
from newswatch.dedup.text import normalise, words

# How much an entity kind says about *which* development a report is about: a named person or
# body pins it down, a country name barely does.
ENTITY_KIND_WEIGHTS: dict[str, float] = {
    "person": 1.0,
    "event": 1.0,
    "org": 0.8,
    "law": 0.8,
    "place": 0.5,
    # A kind of event ("verdict", "shooting") says what happened, not who: scored apart.
    "act": 0.0,
}
ACT_PREFIX = "act:"
SUBJECT_PREFIX = "org:"
DATE_PREFIX = "date:"
DEFAULT_KIND_WEIGHT = 0.6
# Grouped thousands ("250,000", "250 000") or a plain/decimal number; the group form needs a
# 1-3 digit head so "in 2023 100,000 people" stays two numbers.
_NUMBER = re.compile(r"\d{1,3}(?:[.,\u00a0\u202f ]\d{3})+(?!\d)|\d+(?:[.,]\d+)?")
_YEAR = re.compile(r"^(?:19|20)\d\d$")
# Only the start of a long report is the news; the rest is background shared across stories.
LEAD_WORDS = 250
BACKGROUND_DOCS = 20


@dataclass
class StoryFeatures:
    """What is known of an article for grouping."""

    article_id: int | str
    title: str
    text: str
    language: str | None
    published: datetime | None
    first_seen: datetime
    categories: list[str]
    entities: set[str]
    source: str
    # The institution the report is about first (a parliament, a ministry, a court), if any:
    # a resolution and the other side's reply to it name both bodies, but lead with different ones.
    subject: str | None = None
    # The kind of event the report is about (``lead_act_of``): a reply names the resolution it
    # answers, a ceasefire report the offensive it ends, but each leads with its own event.
    lead_act: str | None = None

    @property
    def when(self) -> datetime:
        """Publication time when known, else when the crawler first saw it (aware, UTC if naive)."""
        return as_utc(self.published or self.first_seen)

    @cached_property
    def terms(self) -> Counter[str]:
        """Content-word counts of the title (counted twice) and the lead."""
        title = content_words(self.title)
        return Counter(title + title + content_words(self.text)[:LEAD_WORDS])

    @cached_property
    def names(self) -> frozenset[str]:
        """Script-independent keys of capitalised words in title and lead."""
        lead = " ".join(self.text.split()[:LEAD_WORDS])
        return frozenset(name_keys(f"{self.title}\n{lead}"))

    @cached_property
    def numbers(self) -> frozenset[str]:
        """Multi-digit numbers and day-month dates in title and lead (any language)."""
        lead = " ".join(normalise(self.text).split()[:LEAD_WORDS])
        text = f"{self.title}\n{lead}"
        dates = _date_mentions(text)
        # A day of the month counts once, as its date: as a bare number too it would dilute
        # the figures that identify a development (17 prisoners, 20 dead).
        for _, start, end in dates:
            text = text[:start] + " " * (end - start) + text[end:]
        return frozenset(extract_numbers(text) + [key for key, _, _ in dates])

    @cached_property
    def report_dates(self) -> frozenset[str]:
        """Date keys named only as the day something was said or reported (``report_dates``)."""
        lead = " ".join(normalise(self.text).split()[:LEAD_WORDS])
        return frozenset(report_dates(f"{self.title}\n{lead}"))

    @cached_property
    def acts(self) -> frozenset[str]:
        """Kinds of event the judge found (verdict, release, shooting...)."""
        return frozenset(e for e in self.entities if e.startswith(ACT_PREFIX))

    @cached_property
    def actors(self) -> frozenset[str]:
        """The entities that are people, places and bodies (not kinds of event)."""
        return frozenset(e for e in self.entities if not e.startswith(ACT_PREFIX))


@dataclass
class StoryCandidate:
    """An existing story, summarised."""

    story_id: int | str
    categories: list[str]
    entities: dict[str, int]
    first_seen: datetime
    last_seen: datetime
    titles: list[str]
    keywords: dict[str, float] | None = None
    members: list[StoryFeatures] = field(default_factory=list)


def as_utc(dt: datetime) -> datetime:
    """Naive datetimes are taken as UTC, so naive and aware times from different parts compare."""
    return dt if dt.tzinfo is not None else dt.replace(tzinfo=UTC)


def content_words(text: str) -> list[str]:
    """Tokens worth comparing: letters only, at least 3 long, not a stop word."""
    return [w for w in words(normalise(text)) if len(w) >= 3 and w.isalpha() and w not in STOPWORDS]


def extract_numbers(text: str) -> list[str]:
    """Numbers with their thousands separators removed, so 250,000 and 250 000 match."""
    out = []
    for raw in _NUMBER.findall(text):
        digits = re.sub(r"[.,\u00a0\u202f ](?=\d{3}\b)", "", raw).replace(",", ".")
        if len(digits.replace(".", "")) >= 2:
            out.append(digits)
    return out


# Month names (stems) in the languages reports arrive in, so that "25 November", "25 ноября",
# "25 noyabr" and "25 novembre" give one date key.
_MONTHS: dict[int, str] = {
    1: (
        "januar janvier enero gennaio января январ січня yanvar ocak հունվար styczn "
        "januari ιανουαρ იანვარ қаңтар ژانویه يناير"
    ),
    2: (
        "februar fevrier febrero febbraio февраля феврал лютого fevral şubat subat "
        "փետրվար lutego februari φεβρουαρ თებერვალ ақпан فوریه فبراير"
    ),
    3: ("march mars marzo märz marz марта березня mart մարտ marca maart μαρτ მარტ наурыз مارس"),
    4: (
        "april avril abril aprile апреля апрел квітня aprel nisan ապրիլ kwietnia απριλ "
        "აპრილ сәуір آوریل أبريل ابريل"
    ),
    5: (
        "may mai mayo maggio мая травня ماي mayıs mayis մայիս maja mei μαΐου μαιου მაის "
        "мамыр مه مايو"
    ),
    6: (
        "june juin junio giugno juni июня июн червня iyun haziran հունիս czerwca ιουν "
        "ივნის маусым ژوئن يونيو"
    ),
    7: (
        "july juillet julio luglio juli июля июл липня iyul temmuz հուլիս lipca ιουλ "
        "ივლის шілде ژوئیه يوليو"
    ),
    8: (
        "august aout agosto августа август серпня avqust ağustos agustos օգոստոս sierpnia "
        "augustus αυγουστ აგვისტო тамыз اوت أغسطس"
    ),
    9: (
        "septemb septembre septiembre settembre сентября сентябр вересня sentyabr eylül "
        "eylul սեպտեմբեր września wrzesnia σεπτεμβρ სექტემბერ қыркүйек سپتامبر سبتمبر"
    ),
    10: (
        "octob octobre octubre ottobre oktober октября октябр жовтня oktyabr ekim "
        "հոկտեմբեր października pazdziernika οκτωβρ ოქტომბერ қазан اکتبر أكتوبر اكتوبر"
    ),
    11: (
        "novemb novembre noviembre ноября ноябр листопада noyabr kasım kasim նոյեմբեր "
        "listopada νοεμβρ ნოემბერ қараша نوامبر نوفمبر"
    ),
    12: (
        "decemb decembre diciembre dicembre dezember декабря декабр грудня dekabr aralık "
        "aralik դեկտեմբեր grudnia δεκεμβρ დეკემბერ желтоқсан دسامبر ديسمبر"
    ),
}
_MONTH_OF = sorted(
    ((stem, month) for month, stems in _MONTHS.items() for stem in stems.split()),
    key=lambda sm: -len(sm[0]),
)
# "25 ноября", "November 25", "25-го ноября", "noyabrın 25-i", "25 Kasım"
_DAY_MONTH = re.compile(r"\b(\d{1,2})(?:-?(?:го|ի|i|ı|u|ü|er|st|nd|rd|th))?\.?\s+(\w+)")
_MONTH_DAY = re.compile(r"\b(\w+?)(?:ın|in|un|ün|nın|nin)?\s+(\d{1,2})(?!\d)")


def _month(word: str) -> int | None:
    word = unicodedata.normalize("NFKD", word.casefold())
    word = "".join(ch for ch in word if not unicodedata.combining(ch))
    for stem, month in _MONTH_OF:
        # Short month names ("may", "mai", "mart") must match whole; longer ones as a prefix.
        if word == stem or (
            len(stem) >= 4 and word.startswith(stem) and len(word) - len(stem) <= 4
        ):
            return month
    return None


def _date_mentions(text: str) -> list[tuple[str, int, int]]:
    """(date key, start, end) of each day-month date written with a month name."""
    out = []
    for pattern, day_first in ((_DAY_MONTH, True), (_MONTH_DAY, False)):
        for m in pattern.finditer(text):
            day, word = (m.group(1), m.group(2)) if day_first else (m.group(2), m.group(1))
            month = _month(word)
            if month is not None and 1 <= int(day) <= 31:
                out.append((f"{DATE_PREFIX}{int(day)}.{month}", m.start(), m.end()))
    return out


def extract_dates(text: str) -> list[str]:
    """Day-month dates written with a month name, as language-blind keys ("date:25.11")."""
    return [key for key, _, _ in _date_mentions(text)]


# Verbs of saying and reporting (casefolded stems): a date right next to one is the day a
# statement or report came out ("confirmed on 17 April", "26 сентября сообщили"), which reports
# of one development published a day apart name differently; it is not the event's day.
_REPORTING_STEMS = (
    "said says report announc confirm told stated wrote "
    "сообщ заяв написал подтверд объяв рассказал передает передаёт "
    "повідом підтверд оголос "
    "bildir açıqla xəbər deyib qeyd açıkla duyur "
    "հայտն հայտարար "
    "annonc déclar indiqu rapport "
    "teilte sagte erklärt bericht bestätig meldet "
    "inform anunci dijo declar dichiar detto conferm riferi "
    "أعلن قال أفاد اعلام گفت"
)
_REPORTING = tuple(_REPORTING_STEMS.split())
# Words that start the reported content ("said that on 14 March..."): the date after them is
# the event's.
_THAT_WORDS = "that что що ki que dass որ che أن که"
_THAT = frozenset(_THAT_WORDS.split())
_REPORT_REACH = 2
_TOKEN = re.compile(r"\w+")
# A dateline ("YEREVAN, May 16, ARMENPRESS", "Баку, 7 октября"): a place of up to three words
# at the start of a line, then a comma, then the date, which is the day the report was filed.
_DATELINE = re.compile(r"(?:^|\n)\W*\w+(?:[ -]\w+){0,2}\s*,\s*$")


def _reporting(word: str) -> bool:
    return word.startswith(_REPORTING)


def report_dates(text: str) -> list[str]:
    """Date keys whose every mention is a dateline or within two words of a verb of saying."""
    reported: set[str] = set()
    other: set[str] = set()
    for key, start, end in _date_mentions(text):
        before = [w.casefold() for w in _TOKEN.findall(text[max(0, start - 80) : start])]
        after = [w.casefold() for w in _TOKEN.findall(text[end : end + 80])][:_REPORT_REACH]
        near = []
        for w in reversed(before[-_REPORT_REACH:]):
            if w in _THAT:
                break
            near.append(w)
        dateline = _DATELINE.search(text, max(0, start - 80), start) is not None
        said = dateline or any(_reporting(w) for w in near + after)
        (reported if said else other).add(key)
    return sorted(reported - other)


# "Yesterday" in the opening sentence: the report opens by recalling the day before's event
# ("Yesterday the Senate adopted a resolution; the Milli Majlis must answer it") and its own
# news, with its own actor, comes after.
_YESTERDAY_WORDS = (
    "yesterday вчера вчора dünən dün երեկ hier gestern ayer ieri أمس دیروز გუშინ кеше"
)
_YESTERDAY = frozenset(_YESTERDAY_WORDS.split())
_FIRST_SENTENCE = re.compile(r"[^.!?։\n]*")


def opens_with_yesterday(title: str, text: str) -> bool:
    """Whether the opening sentence (the title's, else the lead's) speaks of the day before."""
    opening = _FIRST_SENTENCE.match((title or text).strip()[:400].casefold())
    return opening is not None and not _YESTERDAY.isdisjoint(_TOKEN.findall(opening.group()))


def _own(found: list[str], recalled: bool) -> str | None:
    """The report's own item: the first named, or the next one after a recalled first."""
    if not found:
        return None
    return found[1] if recalled and len(found) > 1 else found[0]


def subject_of(entities: Iterable[str], *, recalled: bool = False) -> str | None:
    """The first institution among entities listed in order of first mention.

    ``recalled``: the report opens with the day before's event (``opens_with_yesterday``), so
    the first institution is that event's and the next is the report's own.
    """
    return _own([e for e in entities if e.startswith(SUBJECT_PREFIX)], recalled)


# Outcomes that reports name after the event they end or answer ("a day after the offensive
# began, a ceasefire was agreed"): when both are named, the outcome is the report's event.
OUTCOMES: dict[str, frozenset[str]] = {
    "act:ceasefire": frozenset({"act:offensive", "act:shooting"}),
    "act:verdict": frozenset({"act:trial"}),
}


# Kinds of event that end or answer another: a report leading with one and a story leading with
# the other are related but distinct developments (the ceasefire after an offensive, the reply
# to a resolution), however many actors and words they share.
SEQUELS: dict[str, frozenset[str]] = {
    "act:ceasefire": frozenset({"act:offensive", "act:shooting"}),
    "act:reply": frozenset({"act:resolution", "act:verdict", "act:ruling", "act:sanctions"}),
    "act:verdict": frozenset({"act:trial"}),
}


REPLY = "act:reply"


def sequel_of(one: str, other: str) -> bool:
    """Whether one kind of event ends or answers the other, either way round."""
    return other in SEQUELS.get(one, ()) or one in SEQUELS.get(other, ())


def lead_act_of(entities: Iterable[str], *, recalled: bool = False) -> str | None:
    """The report's own kind of event, from entities in order of first mention (title first).

    The first kind named leads (the second when the first is the day before's, ``recalled``),
    unless an outcome of it is named too.
    """
    acts = [e for e in entities if e.startswith(ACT_PREFIX)]
    lead = _own(acts, recalled)
    if lead is None:
        return None
    for outcome, ended in OUTCOMES.items():
        if lead in ended and outcome in acts:
            return outcome
    return lead


def entity_kind_weight(entity: str) -> float:
    """Prior weight of an entity id from its 'kind:' prefix."""
    kind = entity.partition(":")[0] if ":" in entity else ""
    return ENTITY_KIND_WEIGHTS.get(kind, DEFAULT_KIND_WEIGHT)


@dataclass
class DocStats:
    """Document frequencies over a corpus, for IDF weights; without it every term weighs 1."""

    n: int = 0
    entity_df: Counter[str] = field(default_factory=Counter)
    term_df: Counter[str] = field(default_factory=Counter)
    number_df: Counter[str] = field(default_factory=Counter)
    name_df: Counter[str] = field(default_factory=Counter)
    _idf: dict[int, float] = field(default_factory=dict, repr=False, compare=False)
    _idf_n: int = field(default=-1, repr=False, compare=False)

    @classmethod
    def from_articles(cls, articles: Iterable[StoryFeatures]) -> DocStats:
        """Count document frequencies over a batch."""
        stats = cls()
        for a in articles:
            stats.add(a)
        return stats

    def add(self, a: StoryFeatures) -> None:
        """Count one more article."""
        self.n += 1
        for counter, keys in self._parts(a):
            counter.update(keys)

    def remove(self, a: StoryFeatures) -> None:
        """Forget an article that left the sliding window."""
        self.n = max(0, self.n - 1)
        for counter, keys in self._parts(a):
            counter.subtract(keys)
            for key in keys:
                if counter[key] <= 0:
                    del counter[key]

    def _parts(self, a: StoryFeatures) -> list[tuple[Counter[str], Iterable[str]]]:
        return [
            (self.entity_df, a.entities),
            (self.term_df, a.terms.keys()),
            (self.number_df, a.numbers),
            (self.name_df, a.names),
        ]

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form, for storage to persist between runs."""
        return {
            "n": self.n,
            "entity_df": dict(self.entity_df),
            "term_df": dict(self.term_df),
            "number_df": dict(self.number_df),
            "name_df": dict(self.name_df),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DocStats:
        """Inverse of to_dict."""
        return cls(
            n=int(data["n"]),
            entity_df=Counter(data.get("entity_df", {})),
            term_df=Counter(data.get("term_df", {})),
            number_df=Counter(data.get("number_df", {})),
            name_df=Counter(data.get("name_df", {})),
        )

    def idf(self, df: int) -> float:
        """Smoothed IDF scaled to (0, 1]: 1 for a term seen once, low for one seen everywhere."""
        # Most terms share a few small counts: story scoring asks for thousands per report,
        # so the values are kept for as long as the corpus size stays the same.
        if self._idf_n != self.n:
            self._idf.clear()
            self._idf_n = self.n
        value = self._idf.get(df)
        if value is None:
            # Background pseudo-documents lacking the term keep a small batch that is all about
            # one development from declaring that development's own names "common".
            total = self.n + BACKGROUND_DOCS + 1
            value = math.log(total / (df + 0.5)) / math.log(total / 1.5)
            self._idf[df] = value
        return value


def entity_weight(entity: str, stats: DocStats | None) -> float:
    """Kind prior times corpus rarity."""
    base = entity_kind_weight(entity)
    if stats is None:
        return base
    # Rarity already separates a village from a country, so the kind prior is softened.
    return math.sqrt(base) * stats.idf(stats.entity_df[entity])


def number_weight(number: str, stats: DocStats | None) -> float:
    """Rare figures identify a development; years and common counts barely do."""
    base = 0.3 if _YEAR.match(number) else 1.0
    return base * stats.idf(stats.number_df[number]) if stats else base


def name_weight(key: str, stats: DocStats | None) -> float:
    """Rarity of a name key."""
    return stats.idf(stats.name_df[key]) if stats else 1.0


def term_vector(terms: Mapping[str, int | float], stats: DocStats | None) -> dict[str, float]:
    """TF-IDF vector (sublinear tf)."""
    vec = {}
    for term, tf in terms.items():
        idf = stats.idf(stats.term_df[term]) if stats else 1.0
        vec[term] = (1.0 + math.log(tf)) * idf if tf > 0 else 0.0
    return vec


def keywords(a: StoryFeatures, stats: DocStats | None, top: int = 30) -> dict[str, float]:
    """The article's strongest TF-IDF terms, for StoryCandidate.keywords."""
    vec = term_vector(a.terms, stats)
    return dict(sorted(vec.items(), key=lambda kv: (-kv[1], kv[0]))[:top])


def cosine(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    """Cosine similarity of two sparse vectors."""
    if len(a) > len(b):
        a, b = b, a
    dot = sum(v * b[k] for k, v in a.items() if k in b)
    if dot <= 0:
        return 0.0
    na = math.sqrt(sum(v * v for v in a.values()))
    nb = math.sqrt(sum(v * v for v in b.values()))
    return dot / (na * nb)


def weighted_overlap(
    a: Iterable[str], b: Mapping[str, float], weight: Callable[[str], float]
) -> tuple[float, float]:
    """(cosine of the weighted sets, weight of what they share); b maps item -> presence 0..1."""
    a_set = set(a)
    shared = [x for x in a_set if x in b]
    if not shared:
        return 0.0, 0.0
    dot = sum(weight(x) ** 2 * b[x] for x in shared)
    na = math.sqrt(sum(weight(x) ** 2 for x in a_set))
    nb = math.sqrt(sum((weight(x) * p) ** 2 for x, p in b.items()))
    if na == 0 or nb == 0:
        return 0.0, 0.0
    return min(1.0, dot / (na * nb)), sum(weight(x) for x in shared)


def story_presence(counts: Mapping[str, int], members: Sequence[StoryFeatures]) -> dict[str, float]:
    """Share of a story's reports naming each entity (at least 1/n for anything named once)."""
    n = max(len(members), max(counts.values(), default=1), 1)
    return {e: min(1.0, c / n) for e, c in counts.items() if c > 0}
