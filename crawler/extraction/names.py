"""A person's name out of a byline or an author field: no "By", dates, roles, handles or
web addresses; several names split apart."""

from __future__ import annotations

import re
from html import unescape

from .structured import clean_space

_PREFIX = re.compile(
    r"^(?:(?:view|see|show) all (?:posts|articles|stories) (?:by|of)|interview(?: mit| with)?"
    r"|(?:all )?(?:posts|articles|stories) by"
    r"|(?:zeige )?alle (?:beiträge|artikel) von|(?:posted|written|reported|words|story|text)"
    r" by|(?:erstellt|geschrieben|veröffentlicht|verfasst) von|(?:publié|écrit) par"
    r"|(?:publicado|escrito) por|(?:scritto|pubblicato) da|by|von|par|por|de|door|di|af|av"
    r"|ein (?:beitrag|artikel) von|(?:artikel|beitrag) von|edited by|herausgegeben von"
    r"|(?:eine? )?(?:pressemitteilung|presseinformation|gastbeitrag|kommentar) von"
    r"|(?:a )?(?:press release|guest post|commentary) by"
    r"|auteur|author|autor(?:in|/in|\*in)?|text|texte|vom|redaktion:)\s*:?\s+",
    re.IGNORECASE,
)
_ROLE = re.compile(
    r"\b(?:reporter|editor|correspondent|journalist|staff writer|contributor|columnist"
    r"|photographer|redakteur(?:in)?|korrespondent(?:in)?|rédacteur|rédactrice|chefredakteur"
    r"|editor-in-chief|senior|writer|producer|kolumnist(?:in)?|chroniqueur|chroniqueuse"
    r"|rechtsanwalt|rechtsanwältin|anwalt|anwältin|lawyer|attorney|pressesprecher(?:in)?)\b",
    re.IGNORECASE,
)
# a user name keeps its digits ("freeman1984"); elsewhere a digit starts the date
_USER_NAME = re.compile(r"^[^\W\d_][\w.-]*\d+$")
_SEGMENT = re.compile(r"\s+[|·•]\s+")
# a role written as one word before the name: "FOCUS-Online-Experte Ana Lind", "Redakteurin Ana Lind"
_ROLE_WORD = re.compile(
    r"^\S*(?:experte|expertin|expert|redakteur|redakteurin|reporter|reporterin|autorin"
    r"|korrespondent|korrespondentin|editor|columnist|kolumnist|kolumnistin|rechtsanwalt"
    r"|rechtsanwältin|anwalt|anwältin|attorney|lawyer|pressesprecher|pressesprecherin)\s+(?=\S+\s+\S)",
    re.IGNORECASE,
)
# an interview's two names: "Ana Lind im Gespräch mit Jan Koch"
_SPLIT = re.compile(
    r"\s*(?:,|;|\s&\s|\band\b|\bund\b|\bet\b|\s\|\s|\bim gespräch mit\b|\bin conversation with\b"
    r"|\bin an interview with\b)\s*",
    re.IGNORECASE,
)
_CONTACT = re.compile(r"@|\[at\]|\(at\)|https?://|www\.", re.IGNORECASE)
MAX_NAME_WORDS, MAX_AUTHORS = 6, 8
_DOMAIN = re.compile(r"\w\.(?:com|net|org|de|fr|it|es|ch|at|co|uk|info|io)\b", re.IGNORECASE)
_UNKNOWN = {
    "unknown",
    "admin",
    "administrator",
    "posted",
    "no author",
    "username",
    "follow",
    "stand",
    # a byline's label whose name stands in another element
    *("by", "von", "par", "por", "door", "di", "av", "af", "author", "autor", "auteur", "text"),
    *("name", "publisher", "unbenannt"),
    # a date's or category's label whose value stands elsewhere
    *("datum", "date", "published", "updated", "kategorie", "category", "rubrik", "quelle"),
    *("source",),
    # an advertisement's label
    *("gesponserte inhalte", "sponsored content", "sponsored", "anzeige", "advertisement"),
    # the place in a publisher's address ("Example GmbH, Munich, Germany")
    *("germany", "deutschland", "austria", "österreich", "switzerland", "schweiz", "suisse"),
    *("france", "italy", "italia", "spain", "españa", "usa", "united states", "uk"),
    *("united kingdom",),
}
# academic degrees written after a name ("Grant Tinsley, PhD"): not a second author
_DEGREE = re.compile(r"^(?:Ph\.?\s?D|PHD|M\.?D|M\.?A|M\.?Sc?|B\.?Sc?|R\.?D|R\.?N|MPH|MBA)\.?$")
# a date label left after the date itself is cut ("Sara Zinnecker Stand: 3. März")
_DATE_LABEL = re.compile(
    r"(?:^|\s+)(?:stand|(?:last )?updated|(?:zuletzt )?aktualisiert|published|veröffentlicht|am|on"
    r"|le|el|il|den|der"
    # the month of a date written month first ("Joshua Sokol May 3, 2019")
    r"|jan(?:uary|uar)?|feb(?:ruary|ruar)?|mar(?:ch)?|märz|apr(?:il)?|may|mai|june?|juni"
    r"|july?|juli|aug(?:ust)?|sep(?:t|tember)?|oct(?:ober)?|okt(?:ober)?|nov(?:ember)?"
    r"|dec(?:ember)?|dez(?:ember)?"
    # and the weekday before it ("Ana Lind Fr, 3. Mai")
    r"|mon(?:day)?|tue(?:sday)?|wed(?:nesday)?|thu(?:rsday)?|fri(?:day)?|sat(?:urday)?"
    r"|sun(?:day)?|mo|di|mi|do|fr|sa|so|montag|dienstag|mittwoch|donnerstag|freitag|samstag"
    r"|sonntag)\W*$",
    re.IGNORECASE,
)
_HANDLE = re.compile(r"(?:^|\s)@\w+\b")
# a date's label glued to the name by markup without a space ("Ana LindUpdated 3 hours ago")
_GLUED_LABEL = re.compile(
    r"(?<=[a-zà-ÿ])(?:Updated|Published|Hace|Actualizado|Publicado|Aktualisiert|Veröffentlicht"
    r"|Stand|Publié|Mis à jour)\b.*$"
)
# a byline's label whose name stands elsewhere: "Artikel von", "Story by"
# and a commenter's name before what they said: "Ana Lind said", "Ana Lind sagt"
_LABEL_END = re.compile(
    r"\s(?:by|von|par|por|door|di|da|said|says|sagt|schreibt|meint|dit)$", re.IGNORECASE
)
_LABELS = {"name", "author", "autor", "profile", "profil", "more", "weiter", "mehr"}


# "Posted on May 3, 2020 by Ana Lind", "3. Mai 2020 von Ana Lind": the name after the date
_BY_AFTER_DATE = re.compile(
    r"^\D{0,25}\d[^|·•]*?\s(?:by|von|par|por)\s+(?=[^\W\d_])", re.IGNORECASE
)


def after_dated_by(text: str) -> str:
    """The byline after a date that opens it: "Posted on May 3, 2020 by Ana Lind"."""
    return _BY_AFTER_DATE.sub("", clean_space(text), count=1)


def clean_name(raw: str) -> str | None:
    """A person's (or desk's) name from a byline: no "By", dates, roles, e-mail or web address."""
    name = clean_space(unescape(raw))  # "Redacci&oacute;n" escaped twice by the page
    name = after_dated_by(name)
    name = _HANDLE.sub(" ", name).strip(" ©")  # "Ana Lind @analind", "© Ana Lind"
    name = _GLUED_LABEL.sub("", name)
    # "10. Mai 2019 · von Ana Lind · in News": the segment the "von" opens holds the name
    name = next((seg for seg in _SEGMENT.split(name) if _PREFIX.match(seg)), name)
    previous = None
    while name != previous:
        previous = name
        name = _ROLE_WORD.sub("", _PREFIX.sub("", name)).strip(" :-–—|·•,/")
    name = before_date(name)
    parts = [p for p in re.split(r"\s+[-–—|/·•]\s+|\s*[(,]|\)", name) if p and p.strip()]
    parts = [p for p in parts if not _ROLE.search(p)]
    name = clean_space(parts[0]) if parts else ""
    name = name.strip(" :-–—|·•,./")
    # "Ana Lind/dpa", "Ana Lind/SP-X": the agency written after a person's full name
    person, slash, agency = name.rpartition("/")
    if slash and len(person.split()) >= 2 and re.fullmatch(r"[\w-]{1,8}", agency.strip()):
        name = person.strip()
    if not name or _CONTACT.search(name) or not any(ch.isalpha() for ch in name):
        return None
    if _LABEL_END.search(name):
        return None
    if len(name.split()) > MAX_NAME_WORDS or name.casefold() in _UNKNOWN or _DEGREE.match(name):
        return None
    if _DOMAIN.search(name):
        return None  # a web address is the outlet, not an author ("tagesschau.de")
    return name


def before_date(name: str) -> str:
    """The text before a date: "Lucas Nolan 22 Dec 2016", "Ana Lind Fr, 3. Mai" (user names
    such as "freeman1984" keep their digits)."""
    digit = re.search(r"\d", name)
    if not digit or _USER_NAME.match(name):
        return name
    return _DATE_LABEL.sub("", _DATE_LABEL.sub("", name[: digit.start()]))


# "Ana Lind y Juan Pérez", "Mario Rossi e Luca Bianchi": but "José Ortega y Gasset" is one name
_AND_SOUTH = re.compile(r"\s+(?:y|e)\s+(?=[^\W\d_])")


def split_names(value: str) -> list[str]:
    # an entity's ";" ("O&#039;Neill") is no separator
    parts = [part for part in _SPLIT.split(unescape(value)) if part and part.strip()]
    return [piece for part in parts for piece in _full_names(part)]


def _full_names(part: str) -> list[str]:
    """A part split at "y" or "e" when each side is a full name of two words or more."""
    pieces = _AND_SOUTH.split(part)
    if len(pieces) > 1 and all(len(piece.split()) >= 2 for piece in pieces):
        return pieces
    return [part]


_PARTICLES = frozenset(
    {
        "von",
        "van",
        "de",
        "der",
        "den",
        "la",
        "le",
        "du",
        "da",
        "di",
        "del",
        "dos",
        "bin",
        "al",
        "y",
        "zu",
        "ten",
        "ter",
    }
)


def looks_like_name(name: str) -> bool:
    """Capitalised words (particles aside), as names are written in bylines."""
    words = [w for w in name.split() if w.casefold() not in _PARTICLES]
    return (
        bool(words)
        and all(w[:1].isupper() or not w[:1].isalpha() for w in words)
        and (name.casefold() not in _LABELS)
    )


def names_from(raw: list[str], *, written_as_name: bool = False) -> list[str]:
    seen: dict[str, None] = {}
    for value in raw:
        value = after_dated_by(unescape(value))
        value = before_date(value)  # "Ana Lind Monday, February 3, 2014": one name
        for part in split_names(value) if len(value) > 40 else [value]:
            name = clean_name(part)
            if name and (not written_as_name or looks_like_name(name)):
                seen.setdefault(name, None)
    return list(seen)[:MAX_AUTHORS]
