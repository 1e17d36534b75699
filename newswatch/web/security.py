"""Who may read the pages, forged-form protection and the headers every response carries.

Bound to 127.0.0.1 the pages are the local user's; any other address needs ``web.auth``: a
token (``Authorization: Bearer``, or as the password of basic auth so a browser can send it)
or basic-auth credentials, both from the environment. Feedback forms carry a CSRF token: an
HMAC of the user and the time under a key made at start-up, so a page from another site
cannot post feedback in the reader's name.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import ipaddress
import secrets
import time
from dataclasses import dataclass, field

from newswatch.config import WebConfig
from newswatch.errors import ConfigError

# no script at all (the pages work without it), styles and images only from the server itself
CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    # same-origin: links to outlets carry no referrer, and forms keep their Origin (no-referrer
    # would send "Origin: null", which the feedback check must refuse)
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
]
CSRF_TTL = 12 * 3600  # a form older than this is refused (reload the page)
LOCAL_USER = "local"


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_bind(host: str, web: WebConfig) -> None:
    """Refuse to serve to other machines without authentication."""
    if not is_loopback(host) and web.auth == "none":
        raise ConfigError(
            f"serving on {host} would open the archive and feedback to anyone who can reach it",
            hint="set web.auth to token (NEWSWATCH_WEB_TOKEN) or basic (web.user, NEWSWATCH_WEB_PASSWORD)",
        )


@dataclass
class Guard:
    """Authentication and CSRF tokens for one running app."""

    web: WebConfig
    key: bytes = field(default_factory=lambda: secrets.token_bytes(32))

    def user(self, authorization: str | None) -> str | None:
        """The reader's name when the request may read the pages, else None."""
        if self.web.auth == "none":
            return self.web.user or LOCAL_USER
        if not authorization:
            return None
        scheme, _, value = authorization.partition(" ")
        scheme = scheme.casefold()
        if self.web.auth == "token":
            token = self.web.token.get_secret_value() if self.web.token else ""
            if scheme == "bearer":
                return "token" if _same(value.strip(), token) else None
            if scheme == "basic":
                name, password = _basic(value)
                return (
                    (name or "token") if password is not None and _same(password, token) else None
                )
            return None
        if scheme != "basic":
            return None
        name, password = _basic(value)
        expected = self.web.password.get_secret_value() if self.web.password else ""
        if name is None or password is None:
            return None
        # both compared every time: how long a refusal takes says nothing about which was wrong
        ok_user = _same(name, self.web.user or "")
        ok_password = _same(password, expected)
        return name if ok_user and ok_password else None

    def csrf_token(self, user: str, now: float | None = None) -> str:
        stamp = str(int(now if now is not None else time.time()))
        return f"{stamp}.{self._mac(user, stamp)}"

    def check_csrf(self, user: str, token: str | None, now: float | None = None) -> bool:
        if not token or "." not in token:
            return False
        stamp, _, mac = token.partition(".")
        if not stamp.isdigit():
            return False
        age = (now if now is not None else time.time()) - int(stamp)
        return 0 <= age <= CSRF_TTL and hmac.compare_digest(mac, self._mac(user, stamp))

    def _mac(self, user: str, stamp: str) -> str:
        return hmac.new(self.key, f"{user}\n{stamp}".encode(), hashlib.sha256).hexdigest()


def _same(given: str, expected: str) -> bool:
    return bool(expected) and hmac.compare_digest(given.encode(), expected.encode())


def _basic(value: str) -> tuple[str | None, str | None]:
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None, None
    name, sep, password = decoded.partition(":")
    return (name, password) if sep else (None, None)
