"""Configuration: precedence, validation errors naming file, line and key."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from newswatch.config import load_config, masked_dump, parse_duration
from newswatch.errors import ConfigError


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "newswatch.yaml"
    p.write_text(text, encoding="utf-8")
    return p


def test_defaults_come_from_seeds_without_a_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    loaded = load_config(None, env={})
    assert not loaded.from_file
    names = [f.name for f in loaded.settings.feeds]
    assert "armenpress" in names and "apa" in names and "kavkaz-uzel" in names
    assert all(not f.verified for f in loaded.settings.feeds)
    perspectives = {f.tags.get("perspective") for f in loaded.settings.feeds}
    assert {"armenian", "azerbaijani", "international"} <= perspectives


def test_user_file_replaces_default_feeds_and_overrides(tmp_path: Path) -> None:
    p = write(
        tmp_path,
        "storage:\n  url: sqlite:///x.db\nfeeds:\n  - name: one\n    url: https://example.org/feed\n"
        "    interval: 2h\n    tags: {country: AM}\n",
    )
    s = load_config(p, env={}).settings
    assert [f.name for f in s.feeds] == ["one"]
    assert s.feeds[0].interval == timedelta(hours=2)
    assert s.storage.url == "sqlite:///x.db"


def test_precedence_env_over_file_and_flags_over_env(tmp_path: Path) -> None:
    p = write(tmp_path, "storage:\n  url: sqlite:///file.db\ndigest:\n  time: '06:00'\n")
    env = {"NEWSWATCH_DB": "sqlite:///env.db", "NEWSWATCH_DIGEST_TIME": "08:15"}
    s = load_config(p, env=env).settings
    assert s.storage.url == "sqlite:///env.db"
    assert s.digest.time == "08:15"
    s2 = load_config(p, env=env, overrides={"storage": {"url": "sqlite:///flag.db"}}).settings
    assert s2.storage.url == "sqlite:///flag.db"


def test_env_var_from_environment_selects_file(tmp_path: Path) -> None:
    p = write(tmp_path, "digest:\n  timezone: Asia/Yerevan\n")
    s = load_config(None, env={"NEWSWATCH_CONFIG": str(p)}).settings
    assert s.digest.timezone == "Asia/Yerevan"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "feeds:\n  - name: ok\n    url: https://a.b/feed\n    colour: red\n",
            ":4: feeds[0].colour: unknown key",
        ),
        (
            "feeds:\n  - name: ok\n    url: ftp://a.b/feed\n",
            ":3: feeds[0].url: expected an http:// or https:// URL",
        ),
        (
            "feeds:\n  - name: ok\n    url: https://a.b/\n    kind: podcast\n",
            ":4: feeds[0].kind: Input should be",
        ),
        ("digest:\n  time: '25:00'\n", ":2: digest.time: expected HH:MM"),
        ("digest:\n  timezone: Mars/Olympus\n", ":2: digest.timezone: expected an IANA timezone"),
        ("crawl:\n  timeout: -1\n", ":2: crawl.timeout: Input should be greater than 0"),
        (
            "feeds:\n  - name: ok\n    url: https://a.b/\n    interval: often\n",
            ":4: feeds[0].interval: expected a duration",
        ),
        ("storge:\n  url: x\n", ":1: storge: unknown key"),
        (
            "feeds:\n  - name: a\n    url: https://a.b/\n  - name: a\n    url: https://c.d/\n",
            "used twice",
        ),
        (
            "feeds:\n  - name: h\n    url: https://a.b/\n    kind: html\n",
            "kind: html needs selectors",
        ),
        # URLs Scrapy would refuse at crawl time are refused here, where the line is known
        (
            "feeds:\n  - name: p\n    url: http://a.b:99999/feed\n",
            ":3: feeds[0].url: not a valid URL (Port out of range",
        ),
        (
            "feeds:\n  - name: p\n    url: http://a.b:http/feed\n",
            ":3: feeds[0].url: not a valid URL",
        ),
        (
            "feeds:\n  - name: s\n    url: http://exa mple.org/feed\n",
            ":3: feeds[0].url: a URL may not contain spaces",
        ),
        (
            "feeds:\n  - name: v\n    url: http://[::1/feed\n",
            ":3: feeds[0].url: not a valid URL (Invalid IPv6 URL)",
        ),
        ("feeds:\n  - name: v\n    url: http://[::zz]/feed\n", ":3: feeds[0].url: not a valid URL"),
        (
            "feeds:\n  - name: h\n    url: http://a..b/feed\n",
            ":3: feeds[0].url: not a valid host name",
        ),
        (
            "feeds:\n  - name: h\n    url: 'http:///feed'\n",
            ":3: feeds[0].url: the URL has no host name",
        ),
    ],
)
def test_errors_name_file_line_and_key(tmp_path: Path, text: str, expected: str) -> None:
    p = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_config(p, env={})
    assert str(p) in str(info.value)
    assert expected in str(info.value)


def test_not_yaml_names_line(tmp_path: Path) -> None:
    p = write(tmp_path, "feeds:\n  - name: [unclosed\n")
    with pytest.raises(ConfigError, match=r"newswatch.yaml:\d+: not valid YAML"):
        load_config(p, env={})


def test_missing_explicit_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "nope.yaml", env={})


def test_secrets_only_from_environment(tmp_path: Path) -> None:
    p = write(tmp_path, "digest:\n  smtp:\n    password: hunter2\n")
    with pytest.raises(
        ConfigError, match=r":3: digest.smtp.password: secrets are not read from files"
    ):
        load_config(p, env={})
    s = load_config(None, env={"NEWSWATCH_SMTP_PASSWORD": "hunter2"}).settings
    assert s.digest.smtp.password is not None
    assert masked_dump(s)["digest"]["smtp"]["password"] == "********"
    assert "hunter2" not in str(masked_dump(s))


@pytest.mark.parametrize(
    ("value", "seconds"),
    [("90s", 90), ("30m", 1800), ("2h", 7200), ("1d", 86400), (45, 45), ("1.5h", 5400)],
)
def test_durations(value: object, seconds: int) -> None:
    assert parse_duration(value).total_seconds() == seconds


def test_every_scalar_key_has_its_environment_variable(tmp_path: Path) -> None:
    env = {
        "NEWSWATCH_DIGEST_SMTP_PORT": "2525",
        "NEWSWATCH_DIGEST_SMTP_HOST": "mail.example",
        "NEWSWATCH_DEFAULT_FEEDS": "false",
        "NEWSWATCH_DIGEST_RECIPIENTS": "[a@b.example]",
        "NEWSWATCH_CRAWL_ALLOW_PRIVATE_LINKS": "true",
    }
    s = load_config(None, env=env).settings
    assert (s.digest.smtp.port, s.digest.smtp.host) == (2525, "mail.example")
    assert s.feeds == [] and s.digest.recipients == ["a@b.example"] and s.crawl.allow_private_links


def test_unknown_environment_variable_warns_with_a_suggestion(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level("WARNING", logger="newswatch.config"):
        load_config(None, env={"NEWSWATCH_SMTP_HOST": "mail.example", "NEWSWATCH_TEST_PG": "x"})
    assert [r.getMessage() for r in caplog.records] == [
        "ignoring the unknown environment variable NEWSWATCH_SMTP_HOST (did you mean NEWSWATCH_DIGEST_SMTP_HOST?)"
    ]


@pytest.mark.parametrize(
    "value,words",
    [
        ("[", "environment variable NEWSWATCH_CRAWL_TIMEOUT: not a valid value"),
        (
            "soon",
            "environment NEWSWATCH_CRAWL_TIMEOUT: crawl.timeout: Input should be a valid number",
        ),
    ],
)
def test_environment_errors_name_the_variable_not_a_line(
    tmp_path: Path, value: str, words: str
) -> None:
    p = write(tmp_path, "crawl:\n  timeout: 10\n")
    with pytest.raises(ConfigError) as info:
        load_config(p, env={"NEWSWATCH_CRAWL_TIMEOUT": value})
    assert words in str(info.value) and f"{p}:2" not in str(info.value)


@pytest.mark.parametrize(
    "text,expected",
    [
        ("storge:\n  url: x\n", ":1: storge: unknown key (did you mean storage?)"),
        ("crawl:\n  timout: 3\n", ":2: crawl.timout: unknown key (did you mean timeout?)"),
        (
            "digest:\n  smtp:\n    prot: 25\n",
            ":3: digest.smtp.prot: unknown key (did you mean port?)",
        ),
        (
            "feeds:\n  - name: a\n    url: https://a.b/\n    intervall: 1h\n",
            "feeds[0].intervall: unknown key (did you mean interval?)",
        ),
        ("crawl:\n  zzzz: 1\n", ":2: crawl.zzzz: unknown key\n"),
    ],
)
def test_unknown_keys_suggest_the_nearest(tmp_path: Path, text: str, expected: str) -> None:
    p = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_config(p, env={})
    assert expected in str(info.value) + "\n"
