"""One decoding rule for every fetched document: feeds, sitemaps, listing and article pages.

The order is the one browsers and feed readers use:

1. a byte-order mark;
2. the charset of the HTTP ``Content-Type``;
3. the document's own declaration: the XML declaration (feeds, sitemaps) or ``<meta charset>``
   (HTML), and for XML the UTF-16 signature of a declaration without a BOM;
4. valid UTF-8;
5. legacy bytes: windows-1252, the web's legacy default, unless the detector Firefox uses for
   undeclared pages (chardetng) names another legacy encoding and the windows-1252 reading is
   clearly wrong (a windows-1251 or KOI8 Russian feed, see ``_guess_legacy``). The detector is
   the last resort: it never overrides a declaration or a valid UTF-8 reading.

Labels are resolved by w3lib the WHATWG way (``latin1``/``iso-8859-1``/``ascii`` read as
windows-1252, ``gb2312`` as gb18030, ...), and labels w3lib does not know by the WHATWG table
of ``webencodings`` (``x-cp1251``, ``unicode-1-1-utf-8``...). A declaration the bytes contradict
is not followed blindly: declared UTF-16 without a UTF-16 byte pattern is skipped, declared UTF-8 with a few
invalid bytes keeps UTF-8 and reads those bytes as windows-1252 (no replacement characters),
and a legacy declaration on bytes that are valid UTF-8 with multi-byte sequences reads them as
UTF-8 (legacy text is practically never valid UTF-8). Each such recovery, and each guess, is
said in ``Decoded.note`` so that a feed's health can show it.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from enum import StrEnum

import webencodings
from chardetng_py import EncodingDetector
from w3lib.encoding import (
    html_body_declared_encoding,
    http_content_type_encoding,
    read_bom,
    resolve_encoding,
    to_unicode,
)

# The detector reads this much; a feed's first 64 KB say as much about its encoding as the rest.
_DETECT_BYTES = 64 * 1024
_SNIFF_BYTES = 512
_XML_DECL = re.compile(rb"^\s*<\?xml\s[^<>]*\?>")
_XML_DECL_TEXT = re.compile(r"^(\ufeff?\s*<\?xml\s[^<>]*?)\?>")
_XML_DECL_ENCODING = re.compile(r"""(\sencoding\s*=\s*)(["'])[^"']*\2""")
_CHARSET_LABEL = re.compile(r"""charset\s*=\s*["']?([^"';,\s]+)""", re.IGNORECASE)
_META_LABEL = re.compile(r"""<meta\s[^>]*?charset\s*=\s*["']?([^"'>;,\s/]+)""", re.IGNORECASE)
_ENCODING_LABEL = re.compile(r"""encoding\s*=\s*["']([^"']+)""", re.IGNORECASE)
_UTF8_BYTES = "newswatch-utf8-with-windows-1252"


class Markup(StrEnum):
    """What kind of document the bytes are: it decides which in-document declaration counts."""

    XML = "xml"  # feeds and sitemaps: the XML declaration
    HTML = "html"  # pages: <meta charset> (or an XHTML XML declaration)
    JSON = "json"  # JSON Feed: no in-document declaration


class Origin(StrEnum):
    """Which step of the rule chose the encoding."""

    BOM = "byte-order mark"
    HTTP = "HTTP Content-Type"
    DOCUMENT = "document's declaration"
    UTF8 = "valid UTF-8"
    DEFAULT = "legacy default"
    DETECTED = "detector"

    @property
    def guessed(self) -> bool:
        """Nothing declared the encoding and the bytes are not UTF-8: the reading is a guess."""
        return self in (Origin.DEFAULT, Origin.DETECTED)


@dataclass(frozen=True)
class Decoded:
    """Text of a document, the encoding it was read with, which step chose it, and why."""

    text: str
    encoding: str  # WHATWG name, e.g. "windows-1251"
    origin: Origin
    note: str | None = None  # a declaration the bytes contradicted, or a guess

    @property
    def guessed(self) -> bool:
        return self.origin.guessed


def _utf8_with_windows_1252(exc: UnicodeError) -> tuple[str, int]:
    """Read the bytes UTF-8 rejects as windows-1252 (a Latin-1 byte pasted into a UTF-8 feed)."""
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    bad = exc.object[exc.start : exc.end]
    return "".join(_windows_1252_byte(b) for b in bad), exc.end


def _windows_1252_byte(b: int) -> str:
    try:
        return bytes([b]).decode("cp1252")
    except UnicodeDecodeError:  # the five bytes cp1252 leaves out are C1 controls in WHATWG
        return chr(b)


codecs.register_error(_UTF8_BYTES, _utf8_with_windows_1252)


def whatwg_name(encoding: str) -> str:
    """The WHATWG name of a Python codec name, for messages (cp1251 → windows-1251)."""
    name = codecs.lookup(encoding).name
    if name.startswith("cp") and name[2:].isdigit() and len(name) == 6:
        return f"windows-{name[2:]}"
    if name.startswith("iso8859-"):
        return f"ISO-8859-{name[8:]}"
    return {
        "utf-8": "UTF-8",
        "koi8-r": "KOI8-R",
        "koi8-u": "KOI8-U",
        "utf-16-le": "UTF-16LE",
        "utf-16-be": "UTF-16BE",
        "cp866": "IBM866",
    }.get(name, name)


def _utf16_variant(body: bytes) -> str | None:
    """UTF-16LE/BE when the bytes have the NULs of UTF-16 markup (``<\\0`` or ``\\0<``), else None."""
    sample = body[: _SNIFF_BYTES & ~1]
    if len(sample) < 4:
        return None
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    half = len(sample) // 2
    # ASCII markup in UTF-16 puts a NUL in every other byte; some text has none (Armenian,
    # Cyrillic), so a fifth of the positions of one parity is plenty and text never has that
    if odd >= half // 5 and odd > even * 4:
        return "utf-16-le"
    if even >= half // 5 and even > odd * 4:
        return "utf-16-be"
    return None


def _resolve(label: str | None, resolved: str | None) -> str | None:
    """w3lib's reading of a label, else the WHATWG table's (w3lib misses x-cp1251, koi8-ru...)."""
    if resolved is not None or not label:
        return resolved
    found = webencodings.lookup(label)
    if found is None or found.name == "utf-7":
        return None
    return str(found.codec_info.name)


def _declared_label(text: str | None, pattern: re.Pattern[str]) -> str | None:
    if not text:
        return None
    match = pattern.search(text)
    return match.group(1) if match else None


def _document_declaration(body: bytes, markup: Markup, notes: list[str]) -> tuple[str, str] | None:
    """(label as written, resolved encoding) that the document declares, or None."""
    if markup is Markup.JSON:
        return None
    if markup is Markup.XML:
        variant = _utf16_variant(body)
        if variant is not None:  # XML 1.0 appendix F: a declaration in UTF-16 without a BOM
            return "UTF-16", variant
        match = _XML_DECL.match(body[:_SNIFF_BYTES])
        head = match.group().decode("latin-1") if match else None
    else:
        head = body[:4096].decode("latin-1")
    if head is None:
        return None
    label = _declared_label(head, _ENCODING_LABEL if markup is Markup.XML else _META_LABEL)
    resolved = _resolve(label, html_body_declared_encoding(head))
    if resolved is None:
        if label and markup is Markup.XML:
            notes.append(f"the XML declaration names an unknown encoding {label!r}: ignored")
        return None
    return label or resolved, resolved


def _http_declaration(content_type: str | None, notes: list[str]) -> tuple[str, str] | None:
    if not content_type:
        return None
    label = _declared_label(content_type, _CHARSET_LABEL)
    resolved = _resolve(label, http_content_type_encoding(content_type))
    if resolved is None:
        if label:
            notes.append(f"the Content-Type names an unknown charset {label!r}: ignored")
        return None
    return label or resolved, resolved


def _utf8(body: bytes) -> tuple[str, int, bool]:
    """UTF-8 text with invalid bytes read as windows-1252; the count of those; mostly UTF-8?

    "Mostly" means at least as many valid multi-byte characters as invalid bytes: a Latin-1 line
    pasted into a UTF-8 feed, not legacy bytes (GB2312, windows-1251) a few of whose byte pairs
    happen to be valid UTF-8.
    """
    try:
        text = body.decode("utf-8")
        return text, 0, len(text) != len(body)
    except UnicodeDecodeError:
        pass
    text = body.decode("utf-8", _UTF8_BYTES)
    valid = body.decode("utf-8", "ignore")
    bad = len(body) - len(valid.encode("utf-8"))
    multibyte = sum(1 for ch in valid if ord(ch) > 0x7F)
    return text, bad, multibyte >= bad


# Characters that stand inside words of correctly read Western text: apostrophes, soft hyphens.
_IN_WORD = frozenset("\u2019\u2018\u00ad\u00b7\u2010\u2011")
# Icelandic letters: in the windows-1252 reading of Turkish or Azerbaijani (windows-1254) bytes
# they stand for ğ, ş, ı; the outlets this project follows never write Icelandic.
_UNLIKELY_LETTERS = frozenset("ðþÐÞýÝ")


def _oddities(text: str) -> int:
    """Characters a correct reading of Latin-script text would not have inside a word."""
    odd = 0
    for i in range(1, len(text) - 1):
        c = text[i]
        if c.isascii() or c in _IN_WORD or not (text[i - 1].isalpha() and text[i + 1].isalpha()):
            continue
        if not c.isalpha() or c in _UNLIKELY_LETTERS:
            odd += 1  # "Za¿ó³æ" is Polish read as windows-1252
    return odd


def _latin_script(text: str) -> bool:
    """Whether words with non-ASCII letters are mostly ASCII letters (French, German, Polish...).

    Cyrillic, Greek or Hebrew bytes read as windows-1252 make words of accented letters only.
    """
    ascii_letters = foreign = 0
    word: list[str] = []
    for c in text + " ":
        if c.isalpha():
            word.append(c)
            continue
        if word and not all(ch.isascii() for ch in word):
            foreign += sum(1 for ch in word if not ch.isascii())
            ascii_letters += sum(1 for ch in word if ch.isascii())
        word = []
    return foreign <= ascii_letters


def _guess_legacy(body: bytes) -> tuple[str, Origin]:
    """windows-1252, unless the detector names an encoding whose reading is clearly better.

    Clearly better: the windows-1252 reading is not Latin-script text at all (Russian in
    windows-1251 or KOI8), or it has characters inside words that a right reading would not
    (Polish in windows-1250, Turkish in windows-1254) and the detector's reading has fewer.
    A French or Portuguese text the detector takes for windows-1250/1257 stays windows-1252.
    """
    sample = body[:_DETECT_BYTES]
    detector = EncodingDetector()
    detector.feed(sample, last=len(body) <= _DETECT_BYTES)
    name, confident = detector.guess_assess(tld=None, allow_utf8=False)
    encoding = resolve_encoding(name)
    if not confident or encoding is None or encoding == "cp1252":
        return "cp1252", Origin.DEFAULT
    western = to_unicode(sample, "cp1252")
    if not _latin_script(western):
        return encoding, Origin.DETECTED
    if _oddities(to_unicode(sample, encoding)) < _oddities(western):
        return encoding, Origin.DETECTED
    return "cp1252", Origin.DEFAULT


def _done(text: str, encoding: str, origin: Origin, notes: list[str]) -> Decoded:
    return Decoded(text, whatwg_name(encoding), origin, "; ".join(notes) or None)


def decode(body: bytes, content_type: str | None = None, markup: Markup = Markup.HTML) -> Decoded:
    """Decode ``body`` by the rule in the module docstring; never raises."""
    bom_encoding, bom = read_bom(body)
    if bom_encoding is not None and bom is not None:
        return Decoded(
            to_unicode(body[len(bom) :], bom_encoding), whatwg_name(bom_encoding), Origin.BOM
        )
    notes: list[str] = []
    declarations = [
        (Origin.HTTP, _http_declaration(content_type, notes)),
        (Origin.DOCUMENT, _document_declaration(body, markup, notes)),
    ]
    utf8: tuple[str, int, bool] | None = None
    for origin, declared in declarations:
        if declared is None:
            continue
        label, encoding = declared
        where = "the Content-Type" if origin is Origin.HTTP else "the document"
        if encoding.startswith(("utf-16", "utf-32")):
            variant = _utf16_variant(body)
            if variant is None or encoding.startswith("utf-32"):
                notes.append(f"{where} declares {label} but the bytes are not {label}")
                continue
            return _done(to_unicode(body, variant), variant, origin, notes)
        if utf8 is None:
            utf8 = _utf8(body)
        text, bad, multibyte = utf8
        if encoding == "utf-8":
            if not bad:
                return _done(text, "utf-8", origin, notes)
            if multibyte:
                notes.append(
                    f"{where} declares {label} but {bad} byte(s) are not UTF-8: read as windows-1252"
                )
                return _done(text, "utf-8", origin, notes)
            notes.append(f"{where} declares {label} but the bytes are not UTF-8")
            continue
        if not bad and multibyte:
            notes.append(f"{where} declares {label} but the bytes are UTF-8")
            return _done(text, "utf-8", Origin.UTF8, notes)
        return _done(to_unicode(body, encoding), encoding, origin, notes)
    if utf8 is None:
        utf8 = _utf8(body)
    text, bad, _ = utf8
    if not bad:
        return _done(text, "utf-8", Origin.UTF8, notes)
    encoding, origin = _guess_legacy(body)
    how = "by guess" if origin is Origin.DETECTED else "(the legacy default)"
    if not notes:
        notes.append("no charset declared and the bytes are not UTF-8")
    notes.append(f"read as {whatwg_name(encoding)} {how}")
    return _done(to_unicode(body, encoding), encoding, origin, notes)


def http_charset(content_type: str | None) -> str | None:
    """The charset label a Content-Type names, as written (resolved later, by ``decode``)."""
    return _declared_label(content_type, _CHARSET_LABEL)


def utf8_xml(text: str) -> bytes:
    """An XML document as UTF-8 bytes whose declaration says so (for parsers that read bytes)."""
    text = text.removeprefix("\ufeff")
    match = _XML_DECL_TEXT.match(text)
    if match is None:
        return b'<?xml version="1.0" encoding="utf-8"?>\n' + text.encode("utf-8")
    decl = match.group(1)
    if _XML_DECL_ENCODING.search(decl):
        decl = _XML_DECL_ENCODING.sub(r"\1\2utf-8\2", decl, count=1)
    else:
        decl += ' encoding="utf-8"'
    return (decl + "?>" + text[match.end() :]).encode("utf-8")


def utf8_content_type(content_type: str | None) -> str | None:
    """The same media type with ``charset=utf-8`` (the bytes handed on are UTF-8 now)."""
    if not content_type:
        return None
    mime = content_type.split(";", 1)[0].strip()
    return f"{mime}; charset=utf-8" if mime else None


__all__ = [
    "Decoded",
    "Markup",
    "Origin",
    "decode",
    "http_charset",
    "utf8_content_type",
    "utf8_xml",
    "whatwg_name",
]
