"""`feeds import` / `feeds export`: OPML from other readers, and a round trip that loses nothing."""

from __future__ import annotations

from typer.testing import CliRunner

from newswatch.cli.app import app, main
from newswatch.config import FeedConfig, load_config
from newswatch.opml import export_opml, import_opml

ENV = {"COLUMNS": "200", "NEWSWATCH_CONFIG": ""}

READER_OPML = b"""<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0">
  <head><title>My reader</title></head>
  <body>
    <outline text="Caucasus">
      <outline text="Armenia">
        <outline text="Yerevan Wire" type="rss" xmlUrl="https://wire.test/rss" htmlUrl="https://wire.test/"/>
      </outline>
      <outline text="Baku Daily" type="rss" xmlUrl="https://daily.test/feed" language="az"/>
    </outline>
    <outline text="Old copy of the wire" type="rss" xmlUrl="https://wire.test/rss"/>
    <outline text="Already here" type="rss" xmlUrl="https://known.test/rss"/>
    <outline text="Not a URL" type="rss" xmlUrl="ftp://nowhere.test/feed"/>
  </body>
</opml>
"""

FEEDS = [
    FeedConfig(
        name="wire",
        url="https://wire.test/rss",
        title="Wire & Co",
        interval="1h",
        tags={"perspective": "armenian", "country": "AM"},
        language="hy",
    ),
    FeedConfig(
        name="listing",
        url="https://list.test/latest",
        kind="html",
        selectors={"links": "li.story a", "date": "./following-sibling::span"},
        robots=False,
    ),
    FeedConfig(
        name="tg-mfa",
        url="https://t.me/s/mfa_test",
        kind="telegram",
        pages=2,
        follow_links=True,
        verified=False,
    ),
    FeedConfig(
        name="gn-en",
        kind="google-news",
        url="https://news.google.com/rss/search",
        query='"Armenia" "Azerbaijan"',
        params={"hl": "en-GB", "gl": "GB", "ceid": "GB:en"},
    ),
    FeedConfig(
        name="map",
        url="https://map.test/sitemap.xml",
        kind="sitemap",
        lookback="36h",
        enabled=False,
    ),
]


def _name(url: str, taken: set[str]) -> str:
    from newswatch.cli.feeds import suggest_name

    return suggest_name(url, taken)


def test_round_trip_loses_nothing():
    doc = export_opml(FEEDS)
    assert (
        b'xmlns:nw="https://github.com/newswatch/newswatch/opml/1"' in doc
        and b'version="2.0"' in doc
    )
    result = import_opml(doc, [], _name)
    assert not result.duplicates and not result.invalid
    assert [FeedConfig.model_validate(f) for f in result.feeds] == FEEDS


def test_reader_opml_folders_duplicates_and_invalid_outlines():
    known = [FeedConfig(name="known", url="https://known.test/rss")]
    result = import_opml(READER_OPML, known, _name)
    by_url = {f["url"]: f for f in result.feeds}
    assert set(by_url) == {"https://wire.test/rss", "https://daily.test/feed"}
    wire = by_url["https://wire.test/rss"]
    assert wire["name"] == "wire-test" and wire["title"] == "Yerevan Wire" and wire["kind"] == "rss"
    assert wire["tags"] == {"folder": "Caucasus/Armenia"}
    assert by_url["https://daily.test/feed"]["language"] == "az"
    assert any("listed 2 times" in d for d in result.duplicates)
    assert any("already configured as known" in d for d in result.duplicates)
    assert (
        len(result.invalid) == 1
        and "Not a URL" in result.invalid[0]
        and "http" in result.invalid[0]
    )


def test_cli_import_dry_run_then_import_then_export(tmp_path):
    cfg = tmp_path / "newswatch.yaml"
    cfg.write_text("# mine\nfeeds:\n  - {name: known, url: 'https://known.test/rss'}\n")
    opml = tmp_path / "reader.opml"
    opml.write_bytes(READER_OPML)
    dry = CliRunner().invoke(
        app, ["--config", str(cfg), "feeds", "import", str(opml), "--dry-run"], env=ENV
    )
    assert dry.exit_code == 0, dry.output
    assert (
        "would add wire-test" in dry.output
        and "2 feeds would be added; 2 duplicates, 1 invalid" in dry.output
    )
    assert [f.name for f in load_config(cfg).settings.feeds] == ["known"]

    done = CliRunner().invoke(app, ["--config", str(cfg), "feeds", "import", str(opml)], env=ENV)
    assert done.exit_code == 0, done.output
    assert cfg.read_text().startswith("# mine")
    assert [f.name for f in load_config(cfg).settings.feeds] == ["known", "wire-test", "daily-test"]

    out = tmp_path / "out.opml"
    exported = CliRunner().invoke(
        app, ["--config", str(cfg), "feeds", "export", "-o", str(out)], env=ENV
    )
    assert exported.exit_code == 0, exported.output
    again = import_opml(out.read_bytes(), [], _name)
    assert [FeedConfig.model_validate(f) for f in again.feeds] == load_config(cfg).settings.feeds

    as_yaml = CliRunner().invoke(
        app, ["--config", str(cfg), "feeds", "export", "--format", "yaml"], env=ENV
    )
    assert as_yaml.exit_code == 0 and "name: wire-test" in as_yaml.output


def test_cli_import_of_a_file_that_is_not_opml_fails(tmp_path, capsys):
    bad = tmp_path / "bad.opml"
    bad.write_text("this is not xml")
    assert (
        main(["--config", str(tmp_path / "n.yaml"), "feeds", "import", str(bad)]) == 2
    )  # a configuration error
    assert "not an OPML subscription list" in capsys.readouterr().err
    assert not (tmp_path / "n.yaml").exists()
