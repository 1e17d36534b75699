"""Configuration: typed settings, their sources and their precedence.

Precedence, lowest first: built-in defaults < ``seeds/`` (default feeds and topic profile) < the
user's YAML file < ``NEWSWATCH_*`` environment variables < command-line flags. Only this module
reads the environment. Unknown keys are errors; an error names the file, line and key and says
what was expected.
"""

from __future__ import annotations

import difflib
import logging
import os
import re
import typing
from datetime import timedelta
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import ErrorDetails
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from newswatch.errors import ConfigError
from newswatch.sourceurls import SEARCH_KINDS, channel_name, search_query, search_url
from newswatch.weburl import check_http_url, mask_secrets, quote_credentials

log = logging.getLogger(__name__)
DEFAULT_CONFIG_NAME = "newswatch.yaml"
ENV_PREFIX = "NEWSWATCH_"
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|sec|m|min|h|d|w)?\s*$", re.IGNORECASE)
_UNITS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_duration(value: Any) -> timedelta:
    """Accept seconds (int/float), a timedelta, or strings like '90s', '30m', '2h', '1d'."""
    if isinstance(value, timedelta):
        return value
    if isinstance(value, bool):
        raise ValueError("expected a duration such as 30m, 2h or 1d")
    if isinstance(value, int | float):
        return timedelta(seconds=float(value))
    if isinstance(value, str):
        m = _DURATION.match(value)
        if m:
            unit = (m.group(2) or "s").lower()
            return timedelta(seconds=float(m.group(1)) * _UNITS[unit])
    raise ValueError(f"expected a duration such as 30m, 2h or 1d, got {value!r}")


def show_seconds(d: timedelta) -> str:
    """A duration as parse_duration reads it: whole seconds, or up to microseconds."""
    secs = d.total_seconds()
    return f"{int(secs)}s" if secs.is_integer() else f"{secs:.6f}".rstrip("0") + "s"


def show_duration(d: timedelta) -> str:
    """A duration as a user writes it: 30m, 2h, 1d, 90s (the largest unit that divides it)."""
    secs = d.total_seconds()
    if not secs.is_integer():
        return show_seconds(d)
    for unit, size in (("w", 604800), ("d", 86400), ("h", 3600), ("m", 60)):
        if secs and secs % size == 0:
            return f"{int(secs // size)}{unit}"
    return f"{int(secs)}s"


# JSON carries durations as seconds ("90s"), which parse_duration reads back (ISO "PT1M" not)
Duration = Annotated[
    timedelta,
    BeforeValidator(parse_duration),
    PlainSerializer(lambda d: show_seconds(d), return_type=str, when_used="json"),
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_default=True)


class Selectors(_Strict):
    """Selectors for HTML listing pages (CSS, or XPath when starting with '/' or '(')."""

    links: str = Field(description="selector of the article links (href is followed)")
    title: str | None = Field(
        None, description="selector of each link's title, relative to the link"
    )
    date: str | None = Field(None, description="selector of each link's date, relative to the link")


FeedKind = Literal["rss", "atom", "json", "html", "sitemap", "telegram", "google-news", "gdelt"]


class FeedConfig(_Strict):
    """One source: a feed, an HTML listing page, a news sitemap, a Telegram channel or a search."""

    name: str = Field(description="unique short name, used on the command line")
    url: str = Field(
        description="the feed, listing, sitemap or t.me/s/NAME URL (search kinds: the endpoint)"
    )
    kind: FeedKind = Field(
        "rss",
        description="rss, atom, json, html, sitemap, telegram, google-news or gdelt"
        " (see Sources beyond feeds)",
    )
    interval: Duration = Field(timedelta(minutes=30), description="how often to poll")
    language: str | None = Field(None, description="ISO 639-1 language of the outlet")
    title: str | None = Field(None, description="the outlet's display name")
    tags: dict[str, str] = Field(
        default_factory=dict, description="e.g. country: AM, perspective: armenian"
    )
    enabled: bool = Field(True, description="poll this source")
    robots: bool | None = Field(None, description="obey robots.txt (default: crawl.obey_robots)")
    verified: bool = Field(True, description="false for URLs not yet confirmed by `feeds check`")
    selectors: Selectors | None = Field(None, description="for kind: html")
    lookback: Duration = Field(
        timedelta(days=2), description="sitemaps, searches: ignore entries older than this"
    )
    render: bool = Field(
        False,
        description="html: load the listing in headless Chromium"
        " (pages built by JavaScript; extra newswatch[render])",
    )
    pages: int = Field(
        3,
        ge=1,
        le=20,
        description="telegram: preview pages read per poll (older ones via ?before=ID)",
    )
    follow_links: bool = Field(
        False,
        description="telegram: fetch the article a post mostly links to and store it instead of the post",
    )
    query: str | None = Field(
        None, description="google-news, gdelt: the search query (written into the URL)"
    )
    params: dict[str, str] = Field(
        default_factory=dict,
        description="other URL parameters; google-news: hl, gl, ceid; gdelt: timespan, maxrecords, sort",
    )

    @field_validator("params", mode="before")
    @classmethod
    def _params(cls, v: Any) -> Any:
        # URL parameters are text; YAML reads `maxrecords: 100` as a number
        if isinstance(v, dict):
            return {k: str(x).lower() if isinstance(x, bool) else str(x) for k, x in v.items()}
        return v

    @model_validator(mode="before")
    @classmethod
    def _search_url(cls, data: Any) -> Any:
        """Search kinds: the endpoint (default: the public one) with the query in its parameters."""
        if isinstance(data, dict) and data.get("kind") in SEARCH_KINDS:
            data = dict(data)
            data["url"] = search_url(
                str(data["kind"]), data.get("url"), data.get("query"), data.get("params") or {}
            )
        return data

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", v):
            raise ValueError("expected letters, digits, '.', '_' or '-' (no spaces)")
        return v

    @field_validator("url")
    @classmethod
    def _url(cls, v: str) -> str:
        # fully, here: a URL Scrapy refuses at crawl time would otherwise fail only then
        return check_http_url(v)

    @model_validator(mode="after")
    def _html_needs_selectors(self) -> FeedConfig:
        if self.kind == "html" and self.selectors is None:
            raise ValueError("kind: html needs selectors (at least selectors.links)")
        if self.render and self.kind != "html":
            raise ValueError("render: true is for kind: html (listing pages built by JavaScript)")
        if (self.query or self.params) and self.kind not in SEARCH_KINDS:
            raise ValueError("query and params are for kind: google-news or gdelt")
        if self.kind in SEARCH_KINDS and not search_query(self.kind, self.url):
            raise ValueError(f"kind: {self.kind} needs a query (query: ...)")
        if self.kind == "telegram" and channel_name(self.url) is None:
            raise ValueError(
                "kind: telegram needs a channel preview URL such as https://t.me/s/NAME"
            )
        return self


class StorageConfig(_Strict):
    url: str = Field("sqlite:///newswatch.db", description="SQLAlchemy database URL")


class StoreProcess(StrEnum):
    """``crawl.store_process``: whether judging and storing get a process of their own
    (``newswatch.crawler.store.placement`` turns it into where the store stage runs)."""

    AUTO = "auto"  # big crawls of `newswatch crawl`; every crawl of `newswatch run`
    ON = "on"  # every crawl, one process kept between crawls
    OFF = "off"  # in the crawl process


class CrawlConfig(_Strict):
    user_agent: str = Field(
        "newswatch/0.1 (+{contact})", description="User-Agent; {contact} is replaced"
    )
    contact_url: str = Field(
        "https://github.com/newswatch/newswatch", description="contact URL in the UA"
    )
    obey_robots: bool = Field(True, description="obey robots.txt")
    concurrent_requests: int = Field(16, ge=1, description="requests in flight overall")
    concurrent_per_host: int = Field(2, ge=1, description="requests in flight per host")
    download_delay: float = Field(1.0, ge=0, description="seconds between requests to one host")
    autothrottle: bool = Field(True, description="adapt the delay to server latency")
    timeout: float = Field(30.0, gt=0, description="download timeout in seconds")
    retries: int = Field(3, ge=0, description="retries on 5xx/429/timeouts")
    max_page_bytes: int = Field(5_000_000, ge=1024, description="largest article page")
    max_feed_bytes: int = Field(20_000_000, ge=1024, description="largest feed or sitemap")
    max_redirects: int = Field(5, ge=0, description="redirects followed per request")
    allow_private_links: bool = Field(
        False,
        description="let feeds on public addresses lead to private, loopback or link-local ones",
    )
    min_interval: Duration = Field(timedelta(minutes=5), description="shortest poll interval")
    max_interval: Duration = Field(
        timedelta(hours=12), description="longest adaptive poll interval"
    )
    failure_backoff_cap: Duration = Field(
        timedelta(hours=24), description="cap of failure back-off"
    )
    max_entries_per_feed: int = Field(500, ge=1, description="entries followed per poll")
    browser: str = Field(
        "/usr/bin/chromium", description="Chromium for sources with render: true (name or path)"
    )
    render_max_pages: int = Field(
        20, ge=1, description="pages rendered in a browser per crawl, at most"
    )
    render_timeout: float = Field(
        20.0, gt=0, description="seconds a rendered page may take to show its links"
    )
    store_process: StoreProcess = Field(
        StoreProcess.AUTO,
        description="judge, deduplicate and store in a second process (auto: big crawls; "
        "every crawl of `newswatch run`)",
    )


class JudgeConfig(_Strict):
    profile: Path | None = Field(
        None, description="topic profile YAML (default: seeds/profile.yaml)"
    )
    seed_dirs: list[Path] = Field(
        default_factory=list, description="extra folders of seed documents"
    )


# The story grouper's one threshold and window (newswatch.dedup.stories uses these too), tuned
# on real cross-language reports with bench/judge_real.py.
STORY_THRESHOLD = 0.3
STORY_WINDOW = timedelta(hours=72)


class DedupConfig(_Strict):
    near_duplicate_threshold: float = Field(
        0.7, gt=0, le=1, description="MinHash Jaccard threshold"
    )
    story_window: Duration = Field(STORY_WINDOW, description="reports this close form a story")
    story_threshold: float = Field(
        STORY_THRESHOLD, gt=0, le=1, description="score needed to join a story"
    )


class SmtpConfig(_Strict):
    host: str = Field("localhost", description="SMTP server")
    port: int = Field(587, ge=1, le=65535, description="SMTP port")
    security: Literal["starttls", "ssl", "none"] = Field(
        "starttls", description="transport security"
    )
    username: str | None = Field(None, description="login (password from NEWSWATCH_SMTP_PASSWORD)")
    password: SecretStr | None = Field(None, description="from the environment only")
    timeout: float = Field(30.0, gt=0, description="seconds")


class DigestConfig(_Strict):
    time: str = Field("07:00", description="local time of the daily digest (HH:MM)")
    timezone: str = Field("UTC", description="IANA timezone of the digest time")
    output_dir: Path = Field(Path("digests-out"), description="folder for digest files")
    recipients: list[str] = Field(default_factory=list, description="email recipients")
    sender: str = Field("newswatch <newswatch@localhost>", description="From: address")
    subject: str = Field("newswatch digest {date}", description="subject; {date} is replaced")
    list_id: str = Field("newswatch.digest.localhost", description="List-Id header")
    include_offtopic: bool = Field(False, description="list off-topic articles in an appendix")
    lookback: Duration | None = Field(
        timedelta(days=3),
        description="old news: entries of a feed's first poll published this long before they"
        " were seen are stored, not reported, and never alert (null: report all)",
    )
    language: str = Field(
        "en",
        description="the reader's language: stories are shown by a report in it when one exists",
    )
    base_url: str | None = Field(
        None,
        description="public URL of output_dir, for absolute links in the Atom feed and email"
        " (default: its file: URL)",
    )
    smtp: SmtpConfig = Field(default_factory=SmtpConfig, description="the mail server")

    @field_validator("time")
    @classmethod
    def _time(cls, v: str) -> str:
        if not re.fullmatch(r"([01]?\d|2[0-3]):[0-5]\d", v):
            raise ValueError("expected HH:MM, e.g. 07:30")
        return v

    @field_validator("timezone")
    @classmethod
    def _tz(cls, v: str) -> str:
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                "expected an IANA timezone such as Europe/Paris or Asia/Yerevan"
            ) from None
        return v


class AlertRule(_Strict):
    name: str = Field(description="rule name, shown in the alert")
    categories: list[str] = Field(default_factory=list, description="match these categories (any)")
    cues: list[str] = Field(default_factory=list, description="words that must appear (any)")
    min_outlets: int = Field(1, ge=1, description="story reported by at least this many outlets")
    within: Duration = Field(timedelta(hours=1), description="...within this time")
    min_score: float = Field(0.0, ge=0, le=1, description="minimum relevance score")


class AlertsConfig(_Strict):
    enabled: bool = Field(False, description="send instant alerts")
    urls: list[str] = Field(default_factory=list, description="apprise URLs (secrets via env)")
    rules: list[AlertRule] = Field(default_factory=list, description="when to alert")
    retry_backoff: Duration = Field(
        timedelta(minutes=1),
        description="wait before a failed alert is sent again (doubles each time, up to 1 h)",
    )
    retry_for: Duration = Field(
        timedelta(hours=6), description="give up a failed alert this long after it fired"
    )

    @property
    def active(self) -> bool:
        """Whether alerts can fire at all: enabled, with a channel and a rule."""
        return bool(self.enabled and self.urls and self.rules)


class ServiceConfig(_Strict):
    role: Literal["standalone", "scheduler"] = Field(
        "standalone", description="scheduler: enqueue to Redis"
    )
    log_format: Literal["text", "json"] = Field("text", description="log line format")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        "INFO", description="log level of the service"
    )
    metrics_port: int | None = Field(None, description="Prometheus endpoint port (off when unset)")
    jitter: Duration = Field(timedelta(seconds=30), description="random delay added to feed polls")
    misfire_grace: Duration = Field(
        timedelta(hours=12), description="late jobs still run this late"
    )
    redis_url: str | None = Field(None, description="Redis URL for distributed crawling")
    worker_concurrency: int = Field(16, ge=1, description="requests in flight per worker")
    digest_every: Duration | None = Field(
        None, description="build digests on this interval instead of daily at digest.time"
    )
    poll_tick: Duration | None = Field(
        None,
        description="how often due feeds are checked"
        " (default: shortest feed interval / 4, within 50 ms to 1 min)",
    )
    stop_timeout: Duration = Field(
        timedelta(seconds=60),
        description="on SIGTERM, wait this long for in-flight work to be stored",
    )
    heartbeat: Duration = Field(
        timedelta(seconds=30),
        description="how often the service refreshes its lock and `status` facts",
    )
    web_port: int | None = Field(
        None,
        ge=1,
        le=65535,
        description="serve the web pages on this port inside `newswatch run` (off when unset)",
    )

    @field_validator("redis_url")
    @classmethod
    def _quoted(cls, v: str | None) -> str | None:
        # a password with "/" or "@" in it is percent-encoded so Redis clients parse the URL
        return quote_credentials(v) if v else v

    @field_validator("digest_every", "poll_tick", "stop_timeout", "heartbeat")
    @classmethod
    def _positive(cls, v: timedelta | None) -> timedelta | None:
        if v is not None and v.total_seconds() <= 0:
            raise ValueError("expected a duration above zero")
        return v


class WebConfig(_Strict):
    """`newswatch serve`: who may read the pages when they are reachable from other machines."""

    host: str = Field(
        "127.0.0.1", description="address the pages are served on (another needs web.auth)"
    )
    auth: Literal["none", "token", "basic"] = Field(
        "none",
        description="token: NEWSWATCH_WEB_TOKEN as a Bearer token;"
        " basic: web.user and NEWSWATCH_WEB_PASSWORD",
    )
    user: str | None = Field(
        None, description="user name of basic auth (and of feedback without auth)"
    )
    token: SecretStr | None = Field(
        None, description="from the environment only (NEWSWATCH_WEB_TOKEN)"
    )
    password: SecretStr | None = Field(
        None, description="from the environment only (NEWSWATCH_WEB_PASSWORD)"
    )

    @model_validator(mode="after")
    def _credentials(self) -> WebConfig:
        if self.auth == "token" and not self.token:
            raise ValueError("web.auth is token but NEWSWATCH_WEB_TOKEN is not set")
        if self.auth == "basic" and not (self.user and self.password):
            raise ValueError("web.auth is basic: set web.user and NEWSWATCH_WEB_PASSWORD")
        return self


class Settings(_Strict):
    """The whole configuration."""

    storage: StorageConfig = Field(
        default_factory=StorageConfig, description="where articles are stored"
    )
    default_feeds: bool | None = Field(
        None,
        description="the feeds of seeds/feeds.yaml: true beside the file's feeds, false never, "
        "unset only when the file lists none",
    )
    feeds: list[FeedConfig] = Field(default_factory=list, description="the sources to poll")
    crawl: CrawlConfig = Field(
        default_factory=CrawlConfig, description="politeness and limits of the crawler"
    )
    judge: JudgeConfig = Field(default_factory=JudgeConfig, description="the topic profile")
    dedup: DedupConfig = Field(
        default_factory=DedupConfig, description="near-duplicates and stories"
    )
    digest: DigestConfig = Field(
        default_factory=DigestConfig, description="the daily digest and its email"
    )
    alerts: AlertsConfig = Field(
        default_factory=AlertsConfig, description="instant alerts through apprise"
    )
    service: ServiceConfig = Field(
        default_factory=ServiceConfig, description="`newswatch run` and workers"
    )
    web: WebConfig = Field(
        default_factory=WebConfig, description="`newswatch serve`: the pages in a browser"
    )

    @model_validator(mode="after")
    def _unique_names(self) -> Settings:
        seen: set[str] = set()
        for feed in self.feeds:
            if feed.name in seen:
                raise ValueError(f"feed name {feed.name!r} is used twice")
            seen.add(feed.name)
        return self

    def feed(self, name: str) -> FeedConfig:
        for f in self.feeds:
            if f.name == name:
                return f
        raise ConfigError(f"no feed named {name!r}", hint="`newswatch feeds list` shows the names")

    @property
    def user_agent(self) -> str:
        return self.crawl.user_agent.replace("{contact}", self.crawl.contact_url)


# --- loading -------------------------------------------------------------------------------


def _yaml() -> YAML:
    y = YAML(typ="rt")
    y.allow_duplicate_keys = False
    return y


def seed_feeds() -> list[dict[str, Any]]:
    """The default feed list shipped in ``seeds/feeds.yaml``."""
    text = resources.files("newswatch.seeds").joinpath("feeds.yaml").read_text(encoding="utf-8")
    data = YAML(typ="safe").load(text) or {}
    return list(data.get("feeds", []))


def _line_of(doc: Any, loc: tuple[Any, ...]) -> int | None:
    """1-based line of the deepest node of ``loc`` found in a ruamel round-trip document."""
    line: int | None = None
    node = doc
    for part in loc:
        try:
            if isinstance(part, int) and isinstance(node, CommentedSeq):
                line = node.lc.item(part)[0] + 1
                node = node[part]
            elif isinstance(node, CommentedMap) and part in node:
                line = node.lc.key(part)[0] + 1
                node = node[part]
            else:
                break
        except (KeyError, IndexError, TypeError, AttributeError):
            break
    return line


def _model_at(loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The settings model that holds the key at ``loc`` (list indices skipped)."""
    model: type[BaseModel] | None = Settings
    for part in loc[:-1]:
        if isinstance(part, int) or model is None:
            continue
        field = model.model_fields.get(str(part))
        if field is None:
            return None
        ann = field.annotation
        args = [a for a in typing.get_args(ann) if _submodel(a) is not None]
        model = _submodel(ann) or (_submodel(args[0]) if args else None)
        if model is None and typing.get_origin(ann) is list:
            inner = typing.get_args(ann)
            model = _submodel(inner[0]) if inner else None
    return model


def _describe(err: ErrorDetails) -> str:
    if err["type"] == "extra_forbidden":
        loc = tuple(err["loc"])
        model = _model_at(loc)
        close = (
            difflib.get_close_matches(str(loc[-1]), list(model.model_fields), n=1) if model else []
        )
        return f"unknown key (did you mean {close[0]}?)" if close else "unknown key"
    msg = err["msg"]
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    return msg


def _key_path(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(top level)"


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for k, v in over.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = _merge(out[k], v)
        else:
            out[k] = v
    return out


def _plain(node: Any) -> Any:
    if isinstance(node, dict):
        return {str(k): _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    return node


# Variables with their own names (secrets and the two most used settings), beside the
# NEWSWATCH_<SECTION>_<KEY> of every scalar key.
ENV_ALIASES: dict[str, tuple[str, ...]] = {
    "NEWSWATCH_DB": ("storage", "url"),
    "NEWSWATCH_SMTP_PASSWORD": ("digest", "smtp", "password"),
    "NEWSWATCH_REDIS_URL": ("service", "redis_url"),
    "NEWSWATCH_WEB_TOKEN": ("web", "token"),
    "NEWSWATCH_WEB_PASSWORD": ("web", "password"),
}
# Secrets are taken as written (YAML would read a token of digits as a number).
SECRET_KEYS = {("digest", "smtp", "password"), ("web", "token"), ("web", "password")}
# Read by the project's own tooling, not settings: never reported as unknown.
ENV_OTHER = {
    "NEWSWATCH_CONFIG",
    "NEWSWATCH_REQUIRE_SERVICES",
    "NEWSWATCH_UPDATE_GOLDEN",
    "NEWSWATCH_TEST_PG",
    "NEWSWATCH_TEST_REDIS",
}


def _submodel(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


def env_keys() -> dict[str, tuple[str, ...]]:
    """Every ``NEWSWATCH_*`` variable that sets a key, and the key's path."""
    out: dict[str, tuple[str, ...]] = {}

    def walk(model: type[BaseModel], path: tuple[str, ...]) -> None:
        for key, field in model.model_fields.items():
            sub = _submodel(field.annotation)
            if sub is not None:
                walk(sub, (*path, key))
                continue
            args = typing.get_args(field.annotation)
            if (
                typing.get_origin(field.annotation) is list
                and args
                and _submodel(args[0]) is not None
            ):
                continue  # feeds and alert rules are lists of records: the file's job
            out[ENV_PREFIX + "_".join((*path, key)).upper()] = (*path, key)

    walk(Settings, ())
    out.update(ENV_ALIASES)
    return out


def _env_overrides(env: dict[str, str]) -> tuple[dict[str, Any], dict[tuple[str, ...], str]]:
    """The settings ``env`` sets, and which variable set each key (for error messages)."""
    out: dict[str, Any] = {}
    sources: dict[tuple[str, ...], str] = {}
    known = env_keys()
    safe = YAML(typ="safe")
    for name in sorted(env):
        if not name.startswith(ENV_PREFIX):
            continue
        path = known.get(name)
        if path is None:
            if name not in ENV_OTHER:
                close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.75)
                log.warning(
                    "ignoring the unknown environment variable %s%s",
                    name,
                    f" (did you mean {close[0]}?)" if close else "",
                )
            continue
        raw = env[name]
        if path in SECRET_KEYS or raw == "":
            value: Any = raw or None  # a secret is taken as written, never parsed
        else:
            try:
                value = safe.load(raw)
            except YAMLError as exc:
                raise ConfigError(
                    f"environment variable {name}: not a valid value: {getattr(exc, 'problem', None) or exc}",
                    hint=f"{name} sets {'.'.join(path)}; its value is read as in the file "
                    "(30, 30m, true, [a, b], or plain text)",
                ) from None
        node = out
        for part in path[:-1]:
            node = node.setdefault(part, {})
        node[path[-1]] = value
        sources[path] = name
    return out, sources


def _env_source(loc: tuple[Any, ...], sources: dict[tuple[str, ...], str]) -> str | None:
    for n in range(len(loc), 0, -1):
        name = sources.get(tuple(str(p) for p in loc[:n]))
        if name is not None:
            return name
    return None


class LoadedConfig:
    """Settings plus where they came from (for messages and for `feeds add`)."""

    def __init__(self, settings: Settings, path: Path | None, *, from_file: bool) -> None:
        self.settings = settings
        self.path = path
        self.from_file = from_file


def config_path(explicit: str | Path | None = None, env: dict[str, str] | None = None) -> Path:
    """The config file in force: flag, then ``NEWSWATCH_CONFIG``, then ./newswatch.yaml."""
    env = dict(os.environ) if env is None else env
    if explicit:
        return Path(explicit)
    if env.get("NEWSWATCH_CONFIG"):
        return Path(env["NEWSWATCH_CONFIG"])
    return Path(DEFAULT_CONFIG_NAME)


def base_interval(feed: FeedConfig, crawl: CrawlConfig) -> timedelta:
    """A feed's poll interval before adaptation: as configured, never below crawl.min_interval.

    The one rule for "how often is this feed polled": the crawler's adaptive interval starts
    from it (stretched for quiet feeds up to crawl.max_interval, backed off on failures) and the
    scheduler's tick, jitter and reload use it. crawl.max_interval bounds only the stretching,
    never a longer interval the user configured.
    """
    return max(feed.interval, crawl.min_interval)


def load_config(
    path: str | Path | None = None,
    *,
    overrides: dict[str, Any] | None = None,
    env: dict[str, str] | None = None,
    require_file: bool = False,
) -> LoadedConfig:
    """Build the settings from every source in precedence order."""
    env = dict(os.environ) if env is None else env
    explicit = path is not None or bool(env.get("NEWSWATCH_CONFIG"))
    cfg_path = config_path(path, env)
    doc: Any = None
    user: dict[str, Any] = {}
    from_file = cfg_path.exists()
    if from_file:
        try:
            doc = _yaml().load(cfg_path.read_text(encoding="utf-8"))
        except YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"{cfg_path}:{mark.line + 1}" if mark is not None else str(cfg_path)
            raise ConfigError(f"{where}: not valid YAML: {getattr(exc, 'problem', exc)}") from exc
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{cfg_path}: cannot read: {exc}") from exc
        if doc is None:
            doc = {}
        if not isinstance(doc, dict):
            raise ConfigError(f"{cfg_path}:1: expected a mapping of settings at the top level")
        user = _plain(doc)
        secret = (
            user.get("digest", {}).get("smtp", {}) if isinstance(user.get("digest"), dict) else {}
        )
        if isinstance(secret, dict) and "password" in secret:
            line = _line_of(doc, ("digest", "smtp", "password"))
            raise ConfigError(
                f"{cfg_path}:{line}: digest.smtp.password: secrets are not read from files",
                hint="set NEWSWATCH_SMTP_PASSWORD in the environment instead",
            )
        web = user.get("web") if isinstance(user.get("web"), dict) else {}
        for secret in ("token", "password"):
            if isinstance(web, dict) and secret in web:
                line = _line_of(doc, ("web", secret))
                raise ConfigError(
                    f"{cfg_path}:{line}: web.{secret}: secrets are not read from files",
                    hint=f"set NEWSWATCH_WEB_{secret.upper()} in the environment instead",
                )
    elif explicit or require_file:
        raise ConfigError(f"{cfg_path}: configuration file not found")

    merged: dict[str, Any] = {}
    from_env, env_sources = _env_overrides(env)
    use_defaults = from_env.get("default_feeds", user.get("default_feeds"))
    seeds_before = 0  # seed feeds listed ahead of the file's (their indices shift the file's)
    if "feeds" not in user and use_defaults is not False:
        merged["feeds"] = seed_feeds()
    merged = _merge(merged, user)
    if use_defaults is True and isinstance(user.get("feeds"), list):
        # explicitly on: the defaults stay beside the file's own feeds; a file feed of the same
        # name replaces the default one
        own = {f.get("name") for f in user["feeds"] if isinstance(f, dict)}
        seeds = [f for f in seed_feeds() if f["name"] not in own]
        merged["feeds"] = seeds + list(user["feeds"])
        seeds_before = len(seeds)
    merged = _merge(merged, from_env)
    if overrides:
        merged = _merge(merged, overrides)
    try:
        settings = Settings.model_validate(merged)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = tuple(err["loc"])
            if seeds_before and len(loc) > 1 and loc[0] == "feeds" and isinstance(loc[1], int):
                loc = ("feeds", loc[1] - seeds_before, *loc[2:])
            variable = _env_source(loc, env_sources)
            line = _line_of(doc, loc) if doc is not None and variable is None else None
            if variable is not None:  # the environment's value is wrong, not the file's line
                where = f"environment {variable}"
            else:
                where = (
                    f"{cfg_path}:{line}"
                    if line
                    else str(cfg_path if from_file else "configuration")
                )
            problems.append(f"{where}: {_key_path(loc)}: {_describe(err)}")
        count = f"{len(problems)} problem" + ("s" if len(problems) != 1 else "")
        raise ConfigError(f"invalid configuration ({count})", problems=problems) from None
    return LoadedConfig(settings, cfg_path, from_file=from_file)


def masked_dump(settings: Settings) -> dict[str, Any]:
    """The effective configuration as plain data with secrets masked."""
    data = settings.model_dump(mode="json")
    smtp = data["digest"]["smtp"]
    if smtp.get("password"):
        smtp["password"] = "********"
    for secret in ("token", "password"):
        if (data.get("web") or {}).get(secret):
            data["web"][secret] = "********"
    masked: dict[str, Any] = _mask_all(data)
    return masked


def _mask_all(node: Any) -> Any:
    # every string is passed through the one masking function: URLs hide anywhere (storage,
    # redis, alerts, feeds), and a key added later is masked without anyone remembering to
    if isinstance(node, dict):
        return {k: _mask_all(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_mask_all(v) for v in node]
    if isinstance(node, str):
        return mask_secrets(node)
    return node
