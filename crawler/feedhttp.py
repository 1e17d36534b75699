"""What a feed poll says to the server, and what the server's answer means for the source.

Requests carry the feed Accept header, the feed's basic auth (to its own origin only) and the
conditional GET validators kept from the last poll; a 301/308 moves the source, a 304 means not
modified (validators kept), a 410 means the source is gone.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from scrapy.http import Response
from twisted.python.failure import Failure

from newswatch.crawler.report import FeedState
from newswatch.weburl import basic_auth, strip_credentials

FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, text/html;q=0.5, */*;q=0.1"
)
PERMANENT = {301, 308}


def document_headers(state: FeedState, url: str, *, first: bool) -> tuple[str, dict[str, str]]:
    """The URL to request (without credentials) and the headers of a feed document request."""
    headers = {"Accept": FEED_ACCEPT}
    auth = basic_auth(url)
    if auth is not None:  # user:pass@ in a feed URL is HTTP basic auth (Scrapy drops it on
        # redirects to another origin)
        headers["Authorization"] = auth
        url = strip_credentials(url)
    if first and state.etag:
        headers["If-None-Match"] = state.etag
    if first and state.last_modified:
        headers["If-Modified-Since"] = state.last_modified
    return url, headers


def article_headers(feed_auth: str | None, url: str, feed_url: str) -> dict[str, str]:
    """Headers of an article request: the feed's login opens its own articles too."""
    if feed_auth is not None and same_origin(url, feed_url):
        return {"Authorization": feed_auth}
    return {}


def note_first_response(state: FeedState, response: Response) -> None:
    """What the first document's response says of the source: status, a move, validators."""
    report = state.report
    report.http_status = response.status
    reasons = response.meta.get("redirect_reasons") or []
    if reasons and all(r in PERMANENT for r in reasons) and response.url != state.url:
        report.status, report.new_url = "moved", response.url
    state.resp_etag = header(response, b"ETag")
    state.resp_last_modified = header(response, b"Last-Modified")


def note_first_failure(
    state: FeedState, failure: Failure, message: str, status: int | None
) -> None:
    """The first document failed: 304 is not modified (validators kept), 410 gone, else an error."""
    if status == 304:
        state.report.status = "not_modified"
        state.report.http_status = 304
        # an HttpError: it has one
        response = failure.value.response  # type: ignore[union-attr]
        state.resp_etag = header(response, b"ETag") or state.etag
        state.resp_last_modified = header(response, b"Last-Modified") or state.last_modified
    elif status == 410:
        state.fail("410 Gone: the source was removed", "gone", 410)
    else:
        state.fail(message, http_status=status)


def same_origin(a: str, b: str) -> bool:
    pa, pb = urlsplit(a), urlsplit(b)
    return (pa.scheme, pa.hostname, pa.port) == (pb.scheme, pb.hostname, pb.port)


def header(response: Response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None
