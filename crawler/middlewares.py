"""Downloader middlewares: per-feed robots.txt policy and retries with back-off."""

from __future__ import annotations

import asyncio
import email.utils
import time
import zlib
from typing import TYPE_CHECKING, Any

from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import DownloadTimeoutError
from scrapy.http import Request, Response
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.response import response_status_message
from twisted.internet.error import TimeoutError as TwistedTimeoutError

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler

ROBOTS_META = "newswatch_robots"
# timeouts of the download (Scrapy), of the connection (Twisted) and of the socket (Python)
TIMEOUTS: tuple[type[BaseException], ...] = (
    DownloadTimeoutError,
    TwistedTimeoutError,
    TimeoutError,
)


class RobotsPolicyMiddleware:
    """Decide per request whether Scrapy's RobotsTxtMiddleware applies.

    ROBOTSTXT_OBEY stays on so Scrapy's middleware is built; the default and each feed's
    ``robots:`` override arrive here (the ``newswatch_robots`` meta key) and switch it per request.
    """

    def __init__(self, obey_default: bool) -> None:
        self.obey_default = obey_default

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler.settings.getbool("NEWSWATCH_OBEY_ROBOTS", True))

    def process_request(self, request: Request) -> None:
        obey = request.meta.get(ROBOTS_META)
        if obey is None:
            obey = self.obey_default
        if not obey:
            request.meta["dont_obey_robotstxt"] = True


class SharedRobotsTxtMiddleware(RobotsTxtMiddleware):
    """RobotsTxtMiddleware whose concurrent waiters all get the parsed robots.txt.

    In Scrapy 2.19 every request waiting for a host's robots.txt awaits the same Deferred; the
    first waiter's callback returns None into the chain, so the others see no parser and are
    let through unchecked. One asyncio future per host can be awaited by any number of waiters.
    """

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self._waiters: dict[str, asyncio.Future[Any]] = {}

    async def robot_parser(self, request: Request) -> Any:
        netloc = urlparse_cached(request).netloc
        waiter = self._waiters.get(netloc)
        if waiter is not None:
            return await asyncio.shield(waiter)
        waiter = asyncio.get_running_loop().create_future()
        self._waiters[netloc] = waiter
        try:
            parser = await super().robot_parser(request)
        except BaseException:
            waiter.set_result(None)
            raise
        waiter.set_result(parser)
        return parser


TRUNCATED_META = "newswatch_truncated"
DOCUMENT_META = "newswatch_document"


def gzip_complete(body: bytes, limit: int) -> bool:
    """Whether a gzip body runs to its end (up to ``limit`` decompressed bytes are looked at)."""
    d = zlib.decompressobj(16 + zlib.MAX_WBITS)
    seen = 0
    data = body
    try:
        while data and not d.eof:
            seen += len(d.decompress(data, 1 << 16))
            data = d.unconsumed_tail
            if limit and seen > limit:
                return True  # too big to judge here; the size limit speaks for itself
    except zlib.error:
        return False
    return d.eof


class TruncatedGzipMiddleware:
    """Note feed documents whose gzip stream ends early.

    Scrapy's decompression keeps whatever decodes from a cut stream, which is right for the
    entries (they are followed), but the poll must then count as failed: saving its ETag would
    answer the next poll with 304 and the lost half would never be read.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler.settings.getint("NEWSWATCH_MAX_FEED_BYTES", 0))

    def process_response(self, request: Request, response: Response) -> Response:
        encoding = (response.headers.get(b"Content-Encoding") or b"").strip().lower()
        gzipped = encoding in (b"gzip", b"x-gzip") and response.body
        if (
            request.meta.get(DOCUMENT_META)
            and gzipped
            and not gzip_complete(response.body, self.limit)
        ):
            request.meta[TRUNCATED_META] = "the compressed feed ended early (truncated gzip stream)"
        return response


def retry_after_seconds(value: bytes | str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


class BackoffRetryMiddleware(RetryMiddleware):
    """RetryMiddleware that waits before retrying: Retry-After when given, else exponential.

    Scrapy 2.19 retries at once; a server answering 429/503 is better served by waiting.
    A Retry-After longer than NEWSWATCH_RETRY_MAX_DELAY ends the request instead. Timeouts
    are not retried within a crawl.
    """

    def __init__(self, settings: Any) -> None:
        super().__init__(settings)
        self.base: float = settings.getfloat("NEWSWATCH_RETRY_BACKOFF", 1.0)
        self.max_delay: float = settings.getfloat("NEWSWATCH_RETRY_MAX_DELAY", 60.0)

    def _backoff(self, request: Request) -> float:
        factor: int = 2 ** request.meta.get("retry_times", 0)  # typeshed: int ** int may be a float
        return min(self.max_delay, self.base * factor)

    # Scrapy awaits coroutine middleware methods; RetryMiddleware declares the synchronous ones
    async def process_response(  # type: ignore[override]
        self, request: Request, response: Response
    ) -> Request | Response:
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        wait = retry_after_seconds(response.headers.get(b"Retry-After"))
        if wait is not None and wait > self.max_delay:
            return response
        retry = self._retry(request, response_status_message(response.status))
        if retry is None:
            return response
        await asyncio.sleep(self._backoff(request) if wait is None else wait)
        return retry

    async def process_exception(  # type: ignore[override]  # coroutine, as process_response
        self, request: Request, exception: Exception
    ) -> Request | Response | None:
        if not isinstance(exception, self.exceptions_to_retry) or request.meta.get(
            "dont_retry", False
        ):
            return None
        if isinstance(exception, TIMEOUTS):
            # a server that did not answer within the timeout rarely answers the retry: three
            # more waits made one stalled feed hold the crawl 4x the timeout. The next poll retries.
            return None
        retry = self._retry(request, exception)
        if retry is not None:
            await asyncio.sleep(self._backoff(request))
        return retry
