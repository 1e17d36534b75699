"""Write the encoding regression corpus: feeds whose bytes and declarations are known exactly.

Run ``python tests/data/encodings/build.py`` after changing a case and commit the files it
writes; ``manifest.json`` says for each file how it is served, which titles a browser shows and
how the one decoding rule should read it (encoding, which step chose it, whether it notes a
mislabel or a guess). The texts are our own, on the topic's facts.
"""

from __future__ import annotations

import codecs
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent

TEXTS = {
    "fr": (
        "Revue du Caucase",
        [
            "Très bientôt, la délimitation de la frontière empêche-t-elle la reprise des hostilités ?",
            "L’œuvre des démineurs à Fuzuli : « déjà 300 hectares »",
        ],
    ),
    "fr-latin1": (
        "Dépêches d'Erevan",
        [
            "Arménie : la médiation européenne reprend à Bruxelles",
            "Où en est la délimitation ? Les commissions se réunissent à Gabala",
        ],
    ),
    "pt": (
        "Notícias do Cáucaso",
        [
            "Simulações mostram que a prisão dos detidos em Baku não é legal",
            "Ministério arménio pede libertação imediata dos prisioneiros",
        ],
    ),
    "de": (
        "Kaukasus-Nachrichten",
        [
            "Grenzverhandlungen: größere Fortschritte über Straßen nach Latschin",
            "Außenminister äußern sich zur Lage in Bergkarabach",
        ],
    ),
    "ru": (
        "Новости Кавказа",
        [
            "Пашинян и Алиев обсудили проект мирного договора в Брюсселе",
            "Делимитация границы: комиссии встретятся в Ереване",
        ],
    ),
    "hy": (
        "Կովկասյան լուրեր",
        [
            "Հայաստանը և Ադրբեջանը քննարկեցին խաղաղության պայմանագիրը",
            "Սահմանազատման հանձնաժողովները կհանդիպեն Երևանում",
        ],
    ),
    "az": (
        "Qafqaz xəbərləri",
        [
            "Azərbaycan və Ermənistan sülh müqaviləsini müzakirə etdilər",
            "Şuşa şəhərində yeni məktəb açıldı",
        ],
    ),
}


def rss2(lang: str, decl: str | None, slug: str) -> str:
    channel, titles = TEXTS[lang]
    items = "".join(
        f"<item><title>{t}</title><link>http://wire.test/{slug}/{i}</link>"
        f"<description>{t} ({channel})</description></item>\n"
        for i, t in enumerate(titles, 1)
    )
    head = f'<?xml version="1.0" encoding="{decl}"?>\n' if decl else ""
    return (
        f'{head}<rss version="2.0"><channel><title>{channel}</title><link>http://wire.test/</link>'
        f"<description>{channel}</description>\n{items}</channel></rss>\n"
    )


def atom(lang: str, decl: str | None, slug: str) -> str:
    channel, titles = TEXTS[lang]
    entries = "".join(
        f'<entry><title>{t}</title><link href="http://wire.test/{slug}/{i}"/><id>urn:{slug}:{i}</id>'
        f"<updated>2025-11-0{i}T10:00:00Z</updated><summary>{t}</summary></entry>\n"
        for i, t in enumerate(titles, 1)
    )
    head = f'<?xml version="1.0" encoding="{decl}"?>\n' if decl else ""
    return (
        f'{head}<feed xmlns="http://www.w3.org/2005/Atom"><title>{channel}</title>'
        f"<id>urn:{slug}</id><updated>2025-11-02T10:00:00Z</updated>\n{entries}</feed>\n"
    )


def rss1(lang: str, decl: str | None, slug: str) -> str:
    channel, titles = TEXTS[lang]
    items = "".join(
        f'<item rdf:about="http://wire.test/{slug}/{i}"><title>{t}</title>'
        f"<link>http://wire.test/{slug}/{i}</link></item>\n"
        for i, t in enumerate(titles, 1)
    )
    head = f'<?xml version="1.0" encoding="{decl}"?>\n' if decl else ""
    return (
        f'{head}<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        f'xmlns="http://purl.org/rss/1.0/"><channel rdf:about="http://wire.test/{slug}">'
        f"<title>{channel}</title><link>http://wire.test/</link><description>{channel}</description>"
        f"</channel>\n{items}</rdf:RDF>\n"
    )


def sitemap(lang: str, decl: str | None, slug: str) -> str:
    channel, titles = TEXTS[lang]
    urls = "".join(
        f"<url><loc>http://wire.test/{slug}/{i}</loc><news:news><news:publication>"
        f"<news:name>{channel}</news:name><news:language>{lang[:2]}</news:language></news:publication>"
        f"<news:publication_date>2025-11-0{i}T10:00:00Z</news:publication_date>"
        f"<news:title>{t}</news:title></news:news></url>\n"
        for i, t in enumerate(titles, 1)
    )
    head = f'<?xml version="1.0" encoding="{decl}"?>\n' if decl else ""
    return (
        f'{head}<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        f'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">\n{urls}</urlset>\n'
    )


def listing(lang: str, decl: str | None, slug: str) -> str:
    channel, titles = TEXTS[lang]
    links = "".join(
        f'<li class="story"><a href="/{slug}/{i}">{t}</a></li>\n' for i, t in enumerate(titles, 1)
    )
    meta = f'<meta http-equiv="Content-Type" content="text/html; charset={decl}">' if decl else ""
    return (
        f"<!DOCTYPE html><html><head>{meta}<title>{channel}</title></head>"
        f"<body><h1>{channel}</h1><ul>\n{links}</ul></body></html>\n"
    )


FORMATS = {"rss": rss2, "atom": atom, "rdf": rss1, "sitemap": sitemap, "html": listing}

# name, language, format, encoding of the bytes, declaration inside the document,
# charset of the HTTP header, byte-order mark, damage done to the bytes afterwards;
# then how the rule reads the bytes as served: encoding, step, whether a note is expected
CASES: list[tuple] = [
    (
        "fr-latin1-xmldecl",
        "fr-latin1",
        "rss",
        "latin-1",
        "ISO-8859-1",
        None,
        False,
        None,
        "windows-1252",
        "DOCUMENT",
        False,
    ),
    (
        "fr-cp1252-undeclared",
        "fr",
        "rss",
        "cp1252",
        None,
        None,
        False,
        None,
        "windows-1252",
        "DEFAULT",
        True,
    ),
    (
        "fr-cp1252-atom-undeclared",
        "fr",
        "atom",
        "cp1252",
        None,
        None,
        False,
        None,
        "windows-1252",
        "DEFAULT",
        True,
    ),
    (
        "fr-latin1-sitemap-xmldecl",
        "fr-latin1",
        "sitemap",
        "latin-1",
        "iso-8859-1",
        None,
        False,
        None,
        "windows-1252",
        "DOCUMENT",
        False,
    ),
    (
        "fr-utf8-few-invalid",
        "fr",
        "rss",
        "utf-8",
        "utf-8",
        "utf-8",
        False,
        "latin1-pasted",
        "UTF-8",
        "HTTP",
        True,
    ),
    (
        "pt-latin1-undeclared",
        "pt",
        "rss",
        "latin-1",
        None,
        None,
        False,
        None,
        "windows-1252",
        "DEFAULT",
        True,
    ),
    (
        "pt-latin1-header",
        "pt",
        "rss",
        "latin-1",
        None,
        "ISO-8859-1",
        False,
        None,
        "windows-1252",
        "HTTP",
        False,
    ),
    (
        "de-cp1252-header-decl-utf8",
        "de",
        "rss",
        "cp1252",
        "UTF-8",
        "windows-1252",
        False,
        None,
        "windows-1252",
        "HTTP",
        False,
    ),
    (
        "de-latin1-rdf-xmldecl",
        "de",
        "rdf",
        "latin-1",
        "ISO-8859-1",
        None,
        False,
        None,
        "windows-1252",
        "DOCUMENT",
        False,
    ),
    (
        "ru-cp1251-xmldecl",
        "ru",
        "rss",
        "cp1251",
        "windows-1251",
        None,
        False,
        None,
        "windows-1251",
        "DOCUMENT",
        False,
    ),
    (
        "ru-cp1251-undeclared",
        "ru",
        "rss",
        "cp1251",
        None,
        None,
        False,
        None,
        "windows-1251",
        "DETECTED",
        True,
    ),
    (
        "ru-cp1251-listing-meta",
        "ru",
        "html",
        "cp1251",
        "windows-1251",
        None,
        False,
        None,
        "windows-1251",
        "DOCUMENT",
        False,
    ),
    (
        "ru-koi8r-header",
        "ru",
        "rss",
        "koi8_r",
        None,
        "KOI8-R",
        False,
        None,
        "KOI8-R",
        "HTTP",
        False,
    ),
    (
        "ru-koi8r-undeclared",
        "ru",
        "atom",
        "koi8_r",
        None,
        None,
        False,
        None,
        "KOI8-U",
        "DETECTED",
        True,
    ),
    (
        "ru-utf8-header-latin1",
        "ru",
        "rss",
        "utf-8",
        None,
        "ISO-8859-1",
        False,
        None,
        "UTF-8",
        "UTF8",
        True,
    ),
    ("hy-utf8-undeclared", "hy", "rss", "utf-8", None, None, False, None, "UTF-8", "UTF8", False),
    (
        "hy-utf16le-bom",
        "hy",
        "rss",
        "utf-16-le",
        "UTF-16",
        None,
        True,
        None,
        "UTF-16LE",
        "BOM",
        False,
    ),
    (
        "hy-utf16be-xmldecl",
        "hy",
        "atom",
        "utf-16-be",
        "UTF-16",
        None,
        False,
        None,
        "UTF-16BE",
        "DOCUMENT",
        False,
    ),
    (
        "hy-utf8-bom-sitemap",
        "hy",
        "sitemap",
        "utf-8",
        "UTF-8",
        None,
        True,
        None,
        "UTF-8",
        "BOM",
        False,
    ),
    ("az-utf8-header", "az", "rss", "utf-8", None, "utf-8", False, None, "UTF-8", "HTTP", False),
    (
        "az-utf8-declared-utf16",
        "az",
        "rss",
        "utf-8",
        "UTF-16",
        None,
        False,
        None,
        "UTF-8",
        "UTF8",
        True,
    ),
    (
        "az-utf8-listing-meta-utf16",
        "az",
        "html",
        "utf-8",
        "utf-16",
        None,
        False,
        None,
        "UTF-8",
        "UTF8",
        True,
    ),
]

_BOMS = {
    "utf-8": codecs.BOM_UTF8,
    "utf-16-le": codecs.BOM_UTF16_LE,
    "utf-16-be": codecs.BOM_UTF16_BE,
}


def _damage(data: bytes, how: str | None) -> bytes:
    if how == "latin1-pasted":  # one title pasted from a Latin-1 page into a UTF-8 feed
        return data.replace("démineurs".encode(), "démineurs".encode("latin-1"), 1)
    return data


def build() -> list[dict]:
    manifest = []
    for name, lang, fmt, enc, decl, header, bom, damage, want_enc, want_origin, note in CASES:
        ext = ".html" if fmt == "html" else ".xml"
        text = FORMATS[fmt](lang, decl, name)
        data = _damage((_BOMS[enc] if bom else b"") + text.encode(enc), damage)
        (HERE / f"{name}{ext}").write_bytes(data)
        titles = TEXTS[lang][1]
        manifest.append(
            {
                "file": f"{name}{ext}",
                "kind": {"html": "html", "sitemap": "sitemap"}.get(fmt, "rss"),
                "content_type": (
                    ("text/html" if fmt == "html" else "application/xml")
                    + (f"; charset={header}" if header else "")
                ),
                "true_charset": {"latin-1": "iso-8859-1", "koi8_r": "koi8-r"}.get(enc, enc),
                "titles": titles,
                "encoding": want_enc,
                "origin": want_origin,
                "note": note,
            }
        )
    (HERE / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    return manifest


if __name__ == "__main__":
    for case in build():
        print(case["file"], case["encoding"], case["origin"])
