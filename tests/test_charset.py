"""Feeds, sitemaps, listings and pages decode as a browser would: the one rule, its corpus, its notes.

The corpus (tests/data/encodings, written by its build.py) holds French, Portuguese, German,
Russian, Armenian and Azerbaijani feeds in ISO-8859-1, windows-1252, windows-1251, KOI8-R,
UTF-8 and UTF-16, declared in the header, in the document, not at all, or wrongly.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from ruamel.yaml import YAML
from typer.testing import CliRunner

from newswatch.cli.app import app
from newswatch.crawler.charset import Markup, Origin, decode, http_charset, utf8_xml
from newswatch.crawler.extraction import extract
from newswatch.crawler.parsing import parse_source
from newswatch.storage.db import Database
from newswatch.storage.models import Poll
from tests.plugins.crawl_fixtures import FAST_CRAWL, FaultServer, Reply

CORPUS = Path(__file__).parent / "data" / "encodings"
CASES = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))
IDS = [c["file"] for c in CASES]
# how each file is served: as the case says; with no charset at all; with its true charset
SERVINGS = ("as-declared", "bare", "true-charset")
SELECTORS = {"links": "li.story a"}


def _content_type(case: dict, serving: str) -> str:
    mime = case["content_type"].split(";")[0]
    if serving == "bare":
        return mime
    if serving == "true-charset":
        return f"{mime}; charset={case['true_charset']}"
    return case["content_type"]


def _markup(case: dict) -> Markup:
    return Markup.HTML if case["kind"] == "html" else Markup.XML


# --- the rule itself --------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_corpus_decodes_by_the_rule(case):
    body = (CORPUS / case["file"]).read_bytes()
    got = decode(body, case["content_type"], _markup(case))
    assert (got.encoding, got.origin.name) == (case["encoding"], case["origin"])
    assert (got.note is not None) == case["note"], got.note
    assert got.guessed == (got.origin in (Origin.DEFAULT, Origin.DETECTED))
    assert "\ufffd" not in got.text  # mislabels recover without replacement characters
    for title in case["titles"]:
        assert title in got.text


@pytest.mark.parametrize("serving", SERVINGS)
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_every_corpus_title_parses_as_a_browser_shows_it(case, serving):
    body = (CORPUS / case["file"]).read_bytes()
    parsed = parse_source(
        case["kind"],
        body,
        "http://wire.test/feed",
        content_type=_content_type(case, serving),
        selectors=_selectors(case),
        lookback_since=None,
    )
    assert parsed.error is None
    assert [e.title for e in parsed.entries] == case["titles"]


def _selectors(case: dict):
    from newswatch.config import Selectors

    return Selectors(**SELECTORS) if case["kind"] == "html" else None


def test_undeclared_latin_text_is_never_read_as_central_european():
    # the bug: a statistical guess read French as windows-1250 and Portuguese as windows-1257
    for text in ("très à empêche déjà où", "simulações prisão não é", "Größe über Straße"):
        for enc in ("latin-1", "cp1252"):
            got = decode(f"<p>{text}</p>".encode(enc), None, Markup.HTML)
            assert (got.text, got.encoding, got.origin) == (
                f"<p>{text}</p>",
                "windows-1252",
                Origin.DEFAULT,
            )


def test_the_detector_does_not_overrule_a_sound_windows_1252_reading():
    from chardetng_py import EncodingDetector

    body = (
        "<p>Negotiators met in Brussels to discuss the border commissions.</p>\n" * 30
        + "<p>Price: £120</p>"
    ).encode("cp1252")
    detector = EncodingDetector()
    detector.feed(body, last=True)
    assert detector.guess(tld=None, allow_utf8=False) == "windows-1250"  # would read "Ł120"
    got = decode(body)
    assert got.encoding == "windows-1252" and got.origin is Origin.DEFAULT and "£120" in got.text


@pytest.mark.parametrize(
    "text,encoding,name",
    [
        (
            "Zażółć gęślą jaźń: negocjacje pokojowe między Armenią a Azerbejdżanem",
            "cp1250",
            "windows-1250",
        ),
        (
            "Dışişleri Bakanlığı açıklama yaptı: Şuşa şehrinde barış görüşmesi",
            "cp1254",
            "windows-1254",
        ),
        ("Νέα για την Αρμενία και το Αζερμπαϊτζάν", "cp1253", "windows-1253"),
        ("Новости Армении и Азербайджана", "koi8_r", "KOI8-U"),
    ],
)
def test_other_legacy_encodings_are_found_when_windows_1252_reads_wrongly(text, encoding, name):
    got = decode(f"<p>{text}</p>".encode(encoding))
    assert (got.text, got.encoding, got.origin) == (f"<p>{text}</p>", name, Origin.DETECTED)
    assert "by guess" in got.note


def test_a_declaration_wins_over_the_detector():
    cyrillic = "<rss><channel><title>Новости Кавказа и Армении</title></channel></rss>".encode(
        "cp1251"
    )
    # declared windows-1252: that is what a browser shows, however Russian the bytes look
    got = decode(cyrillic, "application/xml; charset=windows-1252", Markup.XML)
    assert got.encoding == "windows-1252" and got.origin is Origin.HTTP and got.note is None
    assert decode(cyrillic, None, Markup.XML).encoding == "windows-1251"


@pytest.mark.parametrize(
    "label,encoding",
    [
        ("latin1", "windows-1252"),
        ("ISO-8859-1", "windows-1252"),
        ("us-ascii", "windows-1252"),
        ("cp1251", "windows-1251"),
        ("x-cp1251", "windows-1251"),
        ("koi8-r", "KOI8-R"),
    ],
)
def test_labels_resolve_the_whatwg_way(label, encoding):
    got = decode(
        "café".encode("latin-1") if "1252" in encoding else "кафе".encode(encoding.lower()),
        f"text/html; charset={label}",
    )
    assert got.encoding == encoding and got.origin is Origin.HTTP


def test_unknown_and_refused_labels_are_noted_and_skipped():
    body = "<p>Новости Кавказа и Армении</p>".encode("cp1251")
    for label in ("no-such-charset", "utf-7"):
        got = decode(body, f"text/html; charset={label}")
        assert got.encoding == "windows-1251" and got.origin is Origin.DETECTED
        assert label in got.note


def test_header_utf16_on_utf8_bytes_keeps_the_utf8_reading():
    body = "<p>Azərbaycan və Ermənistan</p>".encode()
    got = decode(body, "text/html; charset=utf-16")
    assert got.text == "<p>Azərbaycan və Ermənistan</p>" and got.encoding == "UTF-8"
    assert "utf-16" in got.note


def test_utf8_with_invalid_bytes_uses_the_fewest_replacements():
    body = "<p>Très bientôt</p><p>".encode() + "déjà".encode("latin-1") + b"</p>"
    got = decode(body, "text/html; charset=utf-8")
    assert got.text == "<p>Très bientôt</p><p>déjà</p>" and got.encoding == "UTF-8"
    assert "2 byte(s) are not UTF-8" in got.note


def test_legacy_bytes_declared_utf8_fall_through_to_the_next_step():
    body = '<?xml version="1.0" encoding="windows-1251"?><rss><title>Ереван</title></rss>'.encode(
        "cp1251"
    )
    got = decode(body, "application/xml; charset=utf-8", Markup.XML)
    assert (
        got.origin is Origin.DOCUMENT and got.encoding == "windows-1251" and "not UTF-8" in got.note
    )


def test_xml_comes_out_as_utf8_that_says_so():
    assert (
        utf8_xml("<?xml version='1.0' encoding='koi8-r'?><a>ы</a>")
        == "<?xml version='1.0' encoding='utf-8'?><a>ы</a>".encode()
    )
    assert utf8_xml('<?xml version="1.0"?><a/>') == b'<?xml version="1.0" encoding="utf-8"?><a/>'
    assert utf8_xml("<a>é</a>").startswith(b'<?xml version="1.0" encoding="utf-8"?>')


def test_json_feed_in_a_legacy_charset():
    doc = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "Новости",
        "items": [{"id": "1", "url": "http://wire.test/1", "title": "Делимитация границы"}],
    }
    body = json.dumps(doc, ensure_ascii=False).encode("cp1251")
    parsed = parse_source(
        "json",
        body,
        "http://wire.test/feed.json",
        content_type="application/json; charset=windows-1251",
    )
    assert [e.title for e in parsed.entries] == [
        "Делимитация границы"
    ] and not parsed.encoding_guessed


@pytest.mark.parametrize(
    "content_type,encoding",
    [
        (None, "cp1251"),
        ("text/html", "cp1251"),
        ("text/html; charset=windows-1251", "cp1251"),
        (None, "latin-1"),
        ("text/html; charset=iso-8859-1", "latin-1"),
        ('text/html; charset="x-cp1251"', "cp1251"),
    ],
)
def test_article_pages_follow_the_same_rule(content_type, encoding):
    title = (
        "Делимитация границы: комиссии встретятся в Ереване"
        if encoding == "cp1251"
        else "Arménie : la médiation européenne reprend à Bruxelles"
    )
    para = f"<p>{title}. " + " ".join([title] * 8) + "</p>"
    page = (
        f"<!DOCTYPE html><html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
        f"{para * 3}</article></body></html>"
    )
    declared = http_charset(content_type)
    got = extract(page.encode(encoding), "http://wire.test/a/1", declared_encoding=declared)
    assert got.title == title and title in got.text


# --- through the real crawl path --------------------------------------------------------------


def _serve(server: FaultServer, case: dict, serving: str) -> str:
    path = f"/{serving}/{case['file']}"
    reply = Reply(
        200, (CORPUS / case["file"]).read_bytes(), {"Content-Type": _content_type(case, serving)}
    )
    server.routes[path] = lambda s, h: reply
    return server.url(path)


def _feed_cfg(server: FaultServer, case: dict, serving: str, n: int) -> dict:
    cfg = {"name": f"enc{n}", "url": _serve(server, case, serving), "kind": case["kind"]}
    if case["kind"] == "html":
        cfg["selectors"] = SELECTORS
    if case["kind"] == "sitemap":
        cfg["lookback"] = "36500d"
    return cfg


def test_crawl_reads_every_corpus_title_however_served(
    fault_server, sqlite_url, make_settings, run_crawl
):
    db = Database.open(sqlite_url)
    try:
        for (
            serving
        ) in SERVINGS:  # one crawl each: a crawl follows a link once, whichever feed lists it
            feeds = [_feed_cfg(fault_server, case, serving, n) for n, case in enumerate(CASES)]
            report = run_crawl(make_settings(feeds), db, follow=False, record=False)
            for n, case in enumerate(CASES):
                f = report.feed(f"enc{n}")
                assert f.status == "ok", (case["file"], serving, f.error)
                assert [e.title for e in f.entries] == case["titles"], (case["file"], serving)
                if serving == "as-declared":
                    assert f.encoding_guessed == (case["origin"] in ("DEFAULT", "DETECTED")), case[
                        "file"
                    ]
                    assert (f.encoding_note is not None) == case["note"], (
                        case["file"],
                        f.encoding_note,
                    )
                    if f.encoding_note:
                        assert f.encoding_note in (f.warning or "")
                if serving == "true-charset":
                    assert not f.encoding_guessed, case["file"]
    finally:
        db.close()


def _config(tmp_path: Path, db_url: str, feeds: list[dict]) -> Path:
    path = tmp_path / "newswatch.yaml"
    YAML().dump({"storage": {"url": db_url}, "crawl": dict(FAST_CRAWL), "feeds": feeds}, path)
    return path


def test_feeds_check_warns_when_bytes_were_decoded_by_guess(tmp_path, fault_server, sqlite_url):
    by_file = {c["file"]: c for c in CASES}
    feeds = [
        {
            "name": "guessed",
            "url": _serve(fault_server, by_file["ru-cp1251-undeclared.xml"], "as-declared"),
        },
        {
            "name": "declared",
            "url": _serve(fault_server, by_file["ru-cp1251-xmldecl.xml"], "as-declared"),
        },
    ]
    path = _config(tmp_path, sqlite_url, feeds)
    result = CliRunner().invoke(
        app,
        ["--config", str(path), "feeds", "check", "--show", "1"],
        env={"COLUMNS": "200", "NEWSWATCH_CONFIG": ""},
    )
    assert result.exit_code == 0, result.output
    warnings = [ln for ln in result.output.splitlines() if ln.strip().startswith("warning")]
    assert (
        len(warnings) == 1 and "guessed:" in warnings[0] and "windows-1251 by guess" in warnings[0]
    )
    assert any(
        ln.strip().startswith("guessed:") and "Пашинян и Алиев" in ln
        for ln in result.output.splitlines()
    )


def test_mislabel_is_noted_with_the_poll_and_in_feeds_status(
    tmp_path, fault_server, db_url, make_settings, run_crawl
):
    by_file = {c["file"]: c for c in CASES}
    feeds = [
        {
            "name": "mislabelled",
            "url": _serve(fault_server, by_file["ru-utf8-header-latin1.xml"], "as-declared"),
        },
        {
            "name": "clean",
            "url": _serve(fault_server, by_file["az-utf8-header.xml"], "as-declared"),
        },
    ]
    db = Database.open(db_url)
    try:
        # the entries' links point at wire.test, which must not be fetched: record polls only
        report = run_crawl(make_settings(feeds), db, follow=False, record=True)
        assert all(f.ok for f in report.feeds)
        with db.session() as s:
            notes = dict(s.execute(sa.select(Poll.source_id, Poll.error)).all()).values()
        assert sorted(n or "" for n in notes)[1].endswith(
            "declares ISO-8859-1 but the bytes are UTF-8"
        )
    finally:
        db.close()
    path = _config(tmp_path, db_url, feeds)
    status = CliRunner().invoke(
        app,
        ["--config", str(path), "feeds", "status"],
        env={"COLUMNS": "250", "NEWSWATCH_CONFIG": ""},
    )
    assert status.exit_code == 0, status.output
    # notes are listed below the table, one line per feed
    line = next(ln for ln in status.output.splitlines() if ln.startswith("mislabelled:"))
    assert "declares ISO-8859-1 but the bytes are UTF-8" in line
    assert not [ln for ln in status.output.splitlines() if ln.startswith("clean:")]


@pytest.mark.parametrize(
    "name,title",
    [
        ("ru-cp1251-undeclared.xml", "Новости Кавказа"),
        ("pt-latin1-undeclared.xml", "Notícias do Cáucaso"),
    ],
)
def test_feeds_add_reads_the_title_by_the_same_rule(name, title):
    from newswatch.crawler.discovery import detect_feed

    assert detect_feed(
        (CORPUS / name).read_bytes(), "http://wire.test/feed", "application/xml"
    ) == ("rss", title, 2)


def _article(title: str, para: str) -> str:
    body = "".join(f"<p>{para} ({i})</p>" for i in range(5))
    return f"<!DOCTYPE html><html><head><title>{title}</title></head><body><article><h1>{title}</h1>{body}</article></body></html>"


ARTICLES = {  # path: (title, encoding of the page, Content-Type); no page has a <meta charset>
    "/legacy/ru-1": ("Делимитация границы: комиссии встретятся в Ереване", "cp1251", "text/html"),
    "/legacy/fr-1": (
        "Arménie : la médiation européenne reprend à Bruxelles",
        "latin-1",
        "text/html; charset=ISO-8859-1",
    ),
    # Scrapy's own guess (charset_normalizer) reads these two as windows-1250: "prisćo", "trčs"
    "/legacy/pt-1": (
        "Simulações mostram que a prisão dos detidos em Baku não é legal",
        "latin-1",
        "text/html",
    ),
    "/legacy/fr-2": (
        "Très bientôt, la délimitation de la frontière empêche-t-elle la reprise ?",
        "cp1252",
        "text/html",
    ),
}


def test_crawled_article_pages_decode_by_the_same_rule(
    fault_server, sqlite_url, make_settings, run_crawl
):
    from newswatch.storage.models import Article
    from tests.plugins.crawl_fixtures import rss

    paras = {  # distinct texts: near-duplicates would be stored once
        "ru-1": "Переговорщики Армении и Азербайджана снова обсудили мирный договор и судьбу задержанных в Баку",
        "fr-1": "Les négociateurs arméniens et azerbaïdjanais ont de nouveau discuté du traité de paix à Bruxelles",
        "pt-1": "As simulações mostram que a prisão preventiva não é necessária, disse o ministério em Erevan",
        "fr-2": "Les démineurs de Fuzuli ont déjà dégagé trois cents hectares, selon l’agence chargée du déminage",
    }
    for path, (title, enc, ct) in ARTICLES.items():
        page = _article(title, paras[path.rsplit("/", 1)[-1]]).encode(enc)
        fault_server.routes[path] = lambda s, h, page=page, ct=ct: Reply(
            200, page, {"Content-Type": ct}
        )
    feed = rss([("feed title", fault_server.url(p)) for p in ARTICLES])
    fault_server.routes["/legacy.xml"] = lambda s, h: Reply(
        200, feed, {"Content-Type": "application/rss+xml"}
    )
    db = Database.open(sqlite_url)
    try:
        report = run_crawl(
            make_settings([{"name": "legacy", "url": fault_server.url("/legacy.xml")}]), db
        )
        assert report.feed("legacy").new == len(ARTICLES)
        with db.session() as s:
            stored = dict(s.execute(sa.select(Article.url, Article.title)).all())
        assert stored == {fault_server.url(p): t for p, (t, _, _) in ARTICLES.items()}
    finally:
        db.close()
