"""Web addresses as users write them: full validation of http(s) URLs, credentials, masking.

One masking function (``mask_secrets``) serves every place a URL can be shown: ``config
check``, log lines, error messages, ``feeds list`` and ``feeds status``. It hides the password
of ``user:pass@``, the values of secret-looking query parameters and the tokens that apprise
URLs carry in their path (``tgram://TOKEN/CHAT``, ``slack://A/B/C``, ``discord://ID/TOKEN``).
"""

from __future__ import annotations

import ipaddress
import re
from base64 import b64encode
from urllib.parse import SplitResult, quote, unquote, urlsplit, urlunsplit

MASK = "****"
HTTP_SCHEMES = ("http", "https")

# query parameters whose value is a secret (matched case-insensitively, "_"/"-" ignored)
_SECRET_PARAMS = {
    "pass",
    "password",
    "passwd",
    "pwd",
    "secret",
    "token",
    "accesstoken",
    "apikey",
    "key",
    "auth",
    "authorization",
    "sig",
    "signature",
    "clientsecret",
    "privatekey",
    "session",
    "sessionid",
}
# apprise schemes whose path segments are tokens (only the host part, if any, stays readable)
_TOKEN_SCHEMES = {
    "tgram",
    "slack",
    "slacks",
    "discord",
    "msteams",
    "pover",
    "pushover",
    "json",
    "jsons",
    "ntfys",
    "ntfy",
    "gotify",
    "gotifys",
    "matrix",
    "matrixs",
    "rocket",
    "rockets",
    "mmost",
    "mmosts",
    "zulip",
    "pbul",
    "join",
    "ifttt",
    "bark",
    "barks",
    "signal",
    "signals",
    "twist",
    "webex",
    "wxteams",
}
# of those, the ones whose first part (where a host would be) is itself a token
_HOST_IS_TOKEN = {
    "tgram",
    "discord",
    "slack",
    "slacks",
    "pover",
    "pushover",
    "pbul",
    "join",
    "ifttt",
    "twist",
}
_HOST_LABEL = re.compile(r"^[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$")
# a URL inside free text: scheme://, then anything up to whitespace or a closing quote/bracket
_TELEGRAM_PATH = re.compile(r"/bot\d+:[A-Za-z0-9_-]+")
_URL_IN_TEXT = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^\s'\"<>]+")


def check_http_url(url: str) -> str:
    """``url`` if it is a complete http(s) URL Scrapy can fetch, else ValueError saying why."""
    if not isinstance(url, str) or not url:
        raise ValueError("expected an http:// or https:// URL")
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in url):
        raise ValueError(
            "a URL may not contain spaces or control characters (write a space as %20)"
        )
    try:
        parts = urlsplit(url)
        port = parts.port  # raises for a port that is not a number or out of range
    except ValueError as exc:
        raise ValueError(f"not a valid URL ({exc})") from None
    if parts.scheme.lower() not in HTTP_SCHEMES:
        raise ValueError("expected an http:// or https:// URL")
    host = parts.hostname
    if not host:
        raise ValueError("the URL has no host name")
    if port == 0:
        raise ValueError("port 0 is not a port that can be fetched")
    if "[" in parts.netloc:
        try:
            ipaddress.IPv6Address(host.split("%")[0])
        except ValueError:
            raise ValueError(f"not a valid IPv6 address: [{host}]") from None
    elif not _valid_hostname(host):
        raise ValueError(f"not a valid host name: {host!r}")
    try:  # the same check Scrapy's Request applies, so nothing passes here and fails there
        from w3lib.url import safe_url_string

        safe_url_string(strip_credentials(url))
    except (ValueError, UnicodeError) as exc:
        raise ValueError(f"not a valid URL ({exc})") from None
    return url


def _valid_hostname(host: str) -> bool:
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        return False
    labels = ascii_host.rstrip(".").split(".")
    return (
        bool(labels)
        and len(ascii_host) <= 253
        and all(_HOST_LABEL.match(label) for label in labels)
    )


def is_http_url(url: str) -> bool:
    """Whether ``url`` is a complete http(s) URL (discovery and followed links accept no other)."""
    try:
        check_http_url(url)
    except ValueError:
        return False
    return True


def _netloc_without_credentials(parts: SplitResult) -> str:
    return parts.netloc.rpartition("@")[2]


def strip_credentials(url: str) -> str:
    """``url`` without ``user:pass@``."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=_netloc_without_credentials(parts)))


def basic_auth(url: str) -> str | None:
    """The ``Authorization`` header value for the credentials in ``url``, or None."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return None
    user = unquote(parts.username or "")
    password = unquote(parts.password or "")
    return "Basic " + b64encode(f"{user}:{password}".encode()).decode("ascii")


def _mask_query(query: str) -> str:
    out = []
    for pair in query.split("&"):
        name, eq, value = pair.partition("=")
        key = unquote(name).lower().replace("_", "").replace("-", "")
        if (
            eq
            and value
            and (key in _SECRET_PARAMS or key.endswith(("token", "secret", "password", "key")))
        ):
            pair = f"{name}={MASK}"
        out.append(pair)
    return "&".join(out)


def _first_of(text: str, start: int, chars: str) -> int:
    positions = [p for p in (text.find(c, start) for c in chars) if p != -1]
    return min(positions) if positions else len(text)


def _split_authority(rest: str) -> tuple[str | None, str, str]:
    """(credentials or None, host[:port], path+query+fragment) of what follows ``scheme://``.

    Passwords are often pasted unescaped, with "/" or "@" in them: the credentials end at the
    last "@" before the query, as long as what precedes it cannot be a host and path
    (``medium.com/@user`` is a path; ``:pa/ss@host`` and ``u:p@ss@host`` are credentials).
    """
    end = _first_of(rest, 0, "?#")
    at = rest.rfind("@", 0, end)
    if at != -1:
        before = rest[:at]
        slash = before.find("/")
        colon = before.find(":")
        port_like = colon != -1 and slash != -1 and before[colon + 1 : slash].isdigit()
        if slash == -1 or (colon != -1 and colon < slash and not port_like):
            host_end = _first_of(rest, at + 1, "/?#")
            return before, rest[at + 1 : host_end], rest[host_end:]
    host_end = _first_of(rest, 0, "/?#")
    return None, rest[:host_end], rest[host_end:]


def quote_credentials(url: str) -> str:
    """``url`` with its user name and password percent-encoded, as URL parsers expect.

    A password pasted as is may hold "/", "@" or ":"; redis-py and others then split the URL
    in the wrong place and echo a piece of the password in their error.
    """
    m = re.match(r"^([A-Za-z][A-Za-z0-9+.-]*)://(.*)$", url, re.DOTALL)
    if not m:
        return url
    creds, host, rest = _split_authority(m.group(2))
    if creds is None:
        return url
    user, colon, password = creds.partition(":")
    creds = quote(unquote(user), safe="") + (
        ":" + quote(unquote(password), safe="") if colon else ""
    )
    return f"{m.group(1)}://{creds}@{host}{rest}"


def mask_url(url: str) -> str:
    """``url`` with every credential masked: password, secret query values, apprise tokens."""
    m = re.match(r"^([A-Za-z][A-Za-z0-9+.-]*)://(.*)$", url, re.DOTALL)
    if not m:
        return url
    scheme, lower = m.group(1), m.group(1).lower()
    creds, host, rest = _split_authority(m.group(2))
    path, qmark, query = rest.partition("?")
    if not qmark:
        path, hash_, fragment = path.partition("#")
    else:
        query, hash_, fragment = query.partition("#")
    if creds is not None:
        user, colon, _ = creds.partition(":")
        # a user name alone is kept for web URLs (it names the account); apprise puts tokens there
        creds = f"{user}:{MASK}" if colon else (user if lower in HTTP_SCHEMES else MASK)
    if lower in _TOKEN_SCHEMES:
        if lower in _HOST_IS_TOKEN and host:
            host = MASK
        path = "/".join(MASK if s else s for s in path.split("/"))
    if qmark:
        query = _mask_query(query)
    netloc = f"{creds}@{host}" if creds is not None else host
    return f"{scheme}://{netloc}{path}{qmark}{query}{hash_}{fragment}"


def mask_secrets(text: str) -> str:
    """Every URL inside ``text`` masked with :func:`mask_url` (for logs and error messages)."""
    if "/bot" in text:  # Telegram's API path carries the bot token, also in logs without a scheme
        text = _TELEGRAM_PATH.sub("/bot" + MASK, text)
    if "://" not in text:
        return text
    return _URL_IN_TEXT.sub(lambda m: mask_url(m.group(0)), text)


__all__ = [
    "HTTP_SCHEMES",
    "MASK",
    "basic_auth",
    "check_http_url",
    "is_http_url",
    "mask_secrets",
    "mask_url",
    "quote_credentials",
    "strip_credentials",
]
