"""Dates written out in text: full dates in the numeric orders and month names of the
languages most of the web is written in, and in the digits of other scripts; a day and month
without the year."""

from __future__ import annotations

import re
from datetime import UTC, datetime

__all__ = ["date_end", "day_months", "text_date"]

# month names (and their usual abbreviations) of the languages most of the web is written in
# (Arabic: the Gregorian names of Egypt and the Gulf);
# a name is matched whole, so "mar" never reads "Marseille"
_MONTHS: dict[int, tuple[str, ...]] = {
    1: (
        "january",
        "jan",
        "januar",
        "jänner",
        "janvier",
        "janv",
        "enero",
        "ene",
        "gennaio",
        "gen",
        "janeiro",
        "januari",
        "tammikuuta",
        "styczeń",
        "stycznia",
        "ocak",
        "يناير",
    ),
    2: (
        "february",
        "feb",
        "februar",
        "feber",
        "février",
        "févr",
        "fevrier",
        "febrero",
        "febbraio",
        "fevereiro",
        "februari",
        "helmikuuta",
        "lutego",
        "şubat",
        "فبراير",
    ),
    3: (
        "march",
        "mar",
        "märz",
        "maerz",
        "mars",
        "marzo",
        "março",
        "marco",
        "maart",
        "maaliskuuta",
        "marca",
        "mart",
        "مارس",
    ),
    4: (
        "april",
        "apr",
        "avril",
        "abril",
        "abr",
        "aprile",
        "huhtikuuta",
        "kwietnia",
        "nisan",
        "أبريل",
    ),
    5: (
        "may",
        "mai",
        "mayo",
        "maggio",
        "mag",
        "maio",
        "mei",
        "toukokuuta",
        "maja",
        "mayıs",
        "مايو",
    ),
    6: (
        "june",
        "jun",
        "juni",
        "juin",
        "junio",
        "giugno",
        "giu",
        "junho",
        "kesäkuuta",
        "czerwca",
        "haziran",
        "يونيو",
    ),
    7: (
        "july",
        "jul",
        "juli",
        "juillet",
        "juil",
        "julio",
        "luglio",
        "lug",
        "julho",
        "heinäkuuta",
        "lipca",
        "temmuz",
        "يوليو",
    ),
    8: (
        "august",
        "aug",
        "août",
        "aout",
        "agosto",
        "ago",
        "augustus",
        "elokuuta",
        "sierpnia",
        "ağustos",
        "أغسطس",
    ),
    9: (
        "september",
        "sep",
        "sept",
        "septembre",
        "septiembre",
        "setiembre",
        "settembre",
        "set",
        "setembro",
        "syyskuuta",
        "września",
        "eylül",
        "سبتمبر",
    ),
    10: (
        "october",
        "oct",
        "oktober",
        "okt",
        "octobre",
        "octubre",
        "ottobre",
        "ott",
        "outubro",
        "out",
        "lokakuuta",
        "października",
        "ekim",
        "أكتوبر",
    ),
    11: (
        "november",
        "nov",
        "novembre",
        "noviembre",
        "novembro",
        "marraskuuta",
        "listopada",
        "kasım",
        "نوفمبر",
    ),
    12: (
        "december",
        "dec",
        "dezember",
        "dez",
        "décembre",
        "déc",
        "decembre",
        "diciembre",
        "dic",
        "dicembre",
        "dezembro",
        "joulukuuta",
        "grudnia",
        "aralık",
        "ديسمبر",
    ),
}
_MONTH_OF = {name: number for number, names in _MONTHS.items() for name in names}
_NAME = "|".join(sorted(map(re.escape, _MONTH_OF), key=len, reverse=True))
_NUM = r"\d{1,2}"
_DATE = re.compile(
    # 2021-03-05
    rf"(?<![\d.])(?P<iy>(?:19|20)\d\d)-(?P<im>{_NUM})-(?P<id>{_NUM})(?!\d)"
    # 2021年3月5日 (Chinese, Japanese), 2021년 3월 5일 (Korean)
    rf"|(?<!\d)(?P<cy>(?:19|20)\d\d)\s*[年년]\s*(?P<cm>{_NUM})\s*[月월]\s*(?P<cd>{_NUM})\s*[日일]"
    # 5.3.2021, 05.03.2021
    rf"|(?<![\d.])(?P<dd>{_NUM})\.\s?(?P<dm>{_NUM})\.\s?(?P<dy>(?:19|20)\d\d)(?!\d)"
    # 26/12/2021 (used only when the day is over 12, so the order is certain)
    rf"|(?<![\d/])(?P<sa>{_NUM})/(?P<sb>{_NUM})/(?P<sy>(?:19|20)\d\d)(?![\d/])"
    # 5. März 2021, 5 mars 2021, 5 de marzo de 2021 (del 2021), 5th of March, 2021
    rf"|(?<![\w.])(?P<nd>{_NUM})(?:st|nd|rd|th|er|º)?\.?\s+(?:de\s+|of\s+)?(?P<nm>{_NAME})\.?[,،]?"
    rf"\s+(?:del?\s+)?(?P<ny>(?:19|20)\d\d)(?!\d)"
    # March 5, 2021 / Mar. 5 2021
    rf"|(?<!\w)(?P<mm>{_NAME})\.?\s+(?P<md>{_NUM})(?:st|nd|rd|th)?,?\s+(?P<my>(?:19|20)\d\d)(?!\d)",
    re.IGNORECASE,
)


# digits other scripts write a Gregorian date in: Arabic-Indic, Persian and full-width
# (Japanese, Chinese); one character for one, so positions keep. A year of another calendar
# (Persian 1402, Thai Buddhist 2566) does not look like 19xx/20xx and is not misread.
_DIGITS = str.maketrans(
    {
        **{chr(0x0660 + n): str(n) for n in range(10)},
        **{chr(0x06F0 + n): str(n) for n in range(10)},
        **{chr(0xFF10 + n): str(n) for n in range(10)},
    }
)


def text_date(text: str) -> list[tuple[int, datetime]]:
    """Every full calendar date written in text, with its position; a slashed date whose
    order of day and month depends on the country (5/3/2021) is left out."""
    found: list[tuple[int, datetime]] = []
    for match in _DATE.finditer(text.translate(_DIGITS)):
        g = match.groupdict()
        try:
            if g["iy"]:
                year, month, day = int(g["iy"]), int(g["im"]), int(g["id"])
            elif g["cy"]:
                year, month, day = int(g["cy"]), int(g["cm"]), int(g["cd"])
            elif g["dy"]:
                year, month, day = int(g["dy"]), int(g["dm"]), int(g["dd"])
            elif g["sy"]:
                first, second = int(g["sa"]), int(g["sb"])
                if (first > 12) == (second > 12):
                    continue
                day, month = max(first, second), min(first, second)
                year = int(g["sy"])
            elif g["ny"]:
                year, month, day = int(g["ny"]), _MONTH_OF[g["nm"].lower()], int(g["nd"])
            else:
                year, month, day = int(g["my"]), _MONTH_OF[g["mm"].lower()], int(g["md"])
            found.append((match.start(), datetime(year, month, day, tzinfo=UTC)))
        except (KeyError, ValueError):
            continue
    return found


def date_end(text: str, start: int) -> int | None:
    """Where the full date text_date found at start ends."""
    date = _DATE.match(text.translate(_DIGITS), start)
    return date.end() if date is not None else None


# a day and month without the year: "30.11. | Buch der Woche", "[06月24日 11時30分]"
_YEARLESS = re.compile(
    r"(?<![\d.])(?P<dd>\d{1,2})\.(?P<dm>\d{1,2})\.(?![\d.]|\s?(?:19|20)?\d\d\b)"
    r"|(?<!\d)(?P<cm>\d{1,2})\s*月\s*(?P<cd>\d{1,2})\s*日"
)


def day_months(line: str) -> list[tuple[int, int]]:
    """(month, day) of each date without a year in a line ("30.11.", "6月24日")."""
    out: list[tuple[int, int]] = []
    for match in _YEARLESS.finditer(line.translate(_DIGITS)):
        month = int(match.group("dm") or match.group("cm"))
        day = int(match.group("dd") or match.group("cd"))
        if 1 <= month <= 12 and 1 <= day <= 31:
            out.append((month, day))
    return out
