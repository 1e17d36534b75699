"""Where the crawler may go: http(s) only, and from a public source never to a private address.

A feed on the public internet may announce links, or redirect, to ``localhost``, ``10.x`` or
``169.254.169.254``; fetching them would store an internal page (or a cloud's metadata) as
news. The rule: a request that a source on a public address led to may only reach public
addresses, checked after DNS resolution. A source configured on a private address (an intranet,
a test server on 127.0.0.1) may lead anywhere; ``crawl.allow_private_links`` lifts the rule.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request

from newswatch.weburl import HTTP_SCHEMES, mask_url

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler

ORIGIN_META = "newswatch_origin"  # the configured URL (feed, or the URL given to discovery)
IP = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str], list[str]]


class LinkRefused(IgnoreRequest):
    """A request the crawler will not make (wrong scheme, or a private address)."""


def is_private(ip: IP) -> bool:
    """Loopback, private, link-local, shared, reserved, unspecified or multicast: not the internet."""
    mapped = getattr(ip, "ipv4_mapped", None)
    if mapped is not None:
        ip = mapped
    return not ip.is_global or ip.is_multicast


def any_private(addresses: Iterable[IP]) -> IP | None:
    """The first private address among ``addresses``, or None."""
    for ip in addresses:
        if is_private(ip):
            return ip
    return None


def refusal(origin: list[IP], target: list[IP], *, allow_private: bool) -> str | None:
    """Why a request to ``target`` led to by a source on ``origin`` may not be made, or None.

    An unresolvable origin counts as public: the rule fails closed.
    """
    if allow_private or not target:
        return None
    if origin and any_private(origin) is not None:
        return None  # the source itself is private: its links may be too
    bad = any_private(target)
    if bad is None:
        return None
    return f"a public source may not lead to the private address {bad}"


def system_resolver(host: str) -> list[str]:
    """Every address ``host`` resolves to (blocking: run it in a thread)."""
    infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


class AddressGuardMiddleware:
    """Downloader middleware applying the scheme and address rules to every request.

    It sits before robots.txt (100), so no robots.txt is fetched from a refused host either;
    redirects come back through it as new requests, so they are checked the same way.
    """

    def __init__(self, allow_private: bool, resolver: Resolver | None = None) -> None:
        self.allow_private = allow_private
        self.resolver = resolver or system_resolver
        self._cache: dict[str, list[IP]] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        resolver = crawler.settings.get("NEWSWATCH_RESOLVER")
        return cls(crawler.settings.getbool("NEWSWATCH_ALLOW_PRIVATE_LINKS", False), resolver)

    async def addresses(self, host: str) -> list[IP]:
        """The addresses of ``host`` (an IP literal is its own), cached for the crawl."""
        host = host.strip("[]").split("%")[0]
        try:
            return [ipaddress.ip_address(host)]
        except ValueError:
            pass
        cached = self._cache.get(host)
        if cached is not None:
            return cached
        try:
            found = await asyncio.get_running_loop().run_in_executor(None, self.resolver, host)
        except (OSError, UnicodeError):
            found = []  # the download fails with its own "cannot resolve" message
        out = []
        for text in found:
            try:
                out.append(ipaddress.ip_address(text.split("%")[0]))
            except ValueError:
                continue
        self._cache[host] = out
        return out

    async def process_request(self, request: Request) -> None:
        parts = urlsplit(request.url)
        if parts.scheme.lower() not in HTTP_SCHEMES:
            raise LinkRefused(
                f"only http(s) links are followed, not {parts.scheme}: ({mask_url(request.url)})"
            )
        await self._check_address(request, parts.hostname)

    async def _check_address(self, request: Request, host: str | None) -> None:
        origin_url = request.meta.get(ORIGIN_META)
        if self.allow_private or not origin_url or not host:
            return
        origin_host = urlsplit(origin_url).hostname or ""
        origin = await self.addresses(origin_host) if origin_host else []
        why = refusal(origin, await self.addresses(host), allow_private=False)
        if why is not None:
            raise LinkRefused(f"refused {mask_url(request.url)}: {why}")


def origin_meta(url: str) -> dict[str, Any]:
    """The request meta naming the configured URL a request descends from."""
    return {ORIGIN_META: url}


__all__ = [
    "ORIGIN_META",
    "AddressGuardMiddleware",
    "LinkRefused",
    "any_private",
    "is_private",
    "origin_meta",
    "refusal",
    "system_resolver",
]
