"""Telegram public channels: the web preview at ``t.me/s/NAME`` becomes one entry per post.

A post is its own content (no page to fetch): the entry carries the post's text, author,
forwarded-from, link preview and photos. A post that mostly links an article names it
(``meta.telegram.link``, and the entry's ``canonical_url``/``fetch_url``): the post can be replaced
by the article it links (``follow_links``), and otherwise joins that article's story by its text
and link preview. The link is not made the post's own identity: dedup would then take the short
post for the agency's article and fold one into the other.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import lxml.html
from parsel import Selector

from newswatch.crawler.charset import Markup, decode
from newswatch.crawler.parsing.entries import Entry, Parsed, absolute, is_http_url, parse_date
from newswatch.sourceurls import channel_name, channel_page

# a post whose own words (links aside) are this short is a link to an article with a comment
LINK_POST_WORDS = 40
TITLE_CHARS = 140
_URL = re.compile(r"https?://\S+")
_BG_IMAGE = re.compile(r"background-image:\s*url\(['\"]?([^'\")]+)")
_TELEGRAM_HOSTS = ("t.me", "telegram.me", "telegram.org")


def _text_of(node: Selector | None) -> str:
    """Visible text of an element with <br> as line breaks."""
    if node is None:
        return ""
    html = re.sub(r"<br\s*/?>", "\n", node.get(), flags=re.IGNORECASE)
    text = lxml.html.fragment_fromstring(html, create_parent="div").text_content()
    lines = [re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in text.splitlines()]
    return "\n".join(line for line in lines if line).strip()


_OWN_TEXT_XPATH = (
    "./*[contains(concat(' ', normalize-space(@class), ' '), ' tgme_widget_message_text ')]"
)
_OWN_TEXT = "xpath:" + _OWN_TEXT_XPATH
# posts with an album or a document may wrap their text deeper: any text outside a quoted reply
_NESTED_TEXT = (
    "xpath:.//*[contains(concat(' ', normalize-space(@class), ' '), ' tgme_widget_message_text ')]"
    "[not(ancestor::*[contains(concat(' ', normalize-space(@class), ' '), ' tgme_widget_message_reply ')])]"
)


def _first(node: Selector, query: str) -> Selector | None:
    found = node.xpath(query[6:]) if query.startswith("xpath:") else node.css(query)
    return found[0] if found else None


def _external(link: str | None) -> bool:
    host = (urlsplit(link).hostname or "") if link else ""
    return (
        bool(link)
        and is_http_url(link)
        and not any(host == h or host.endswith("." + h) for h in _TELEGRAM_HOSTS)
    )


def _title(text: str, preview_title: str | None) -> str | None:
    first = next((line for line in text.splitlines() if line.strip()), "")
    first = _URL.sub("", first).strip() or (preview_title or "")
    if len(first) > TITLE_CHARS:
        cut = first[: TITLE_CHARS - 1]
        first = cut[: cut.rfind(" ")] if " " in cut else cut
        first = first.rstrip(" ,;:-") + "…"
    return first or None


def parse_post(post: Selector, base: str, channel: str, channel_title: str | None) -> Entry | None:
    """One ``div.tgme_widget_message``; None for a post without a usable id."""
    ident = post.attrib.get("data-post", "")
    name, _, number = ident.partition("/")
    if not name or not number.isdigit():
        return None
    bubble = _first(post, ".tgme_widget_message_bubble") or post
    # the bubble's own text, not the quoted text of the post it replies to
    own = _first(bubble, _OWN_TEXT) or _first(post, _NESTED_TEXT)
    text = _text_of(own)
    when = parse_date(
        post.css("a.tgme_widget_message_date time::attr(datetime)").get()
        or post.css("time[datetime]::attr(datetime)").get()
    )
    signature = _text_of(_first(post, ".tgme_widget_message_from_author"))
    owner = _text_of(_first(post, ".tgme_widget_message_owner_name"))
    forwarded = _first(post, ".tgme_widget_message_forwarded_from_name")
    preview = _first(post, "a.tgme_widget_message_link_preview")
    preview_url = absolute(base, preview.attrib.get("href")) if preview is not None else None
    preview_title = _text_of(_first(preview, ".link_preview_title")) if preview is not None else ""
    preview_desc = (
        _text_of(_first(preview, ".link_preview_description")) if preview is not None else ""
    )
    preview_site = (
        _text_of(_first(preview, ".link_preview_site_name")) if preview is not None else ""
    )
    text_links = (
        [absolute(base, h) for h in own.xpath(".//a/@href").getall()] if own is not None else []
    )
    photos = [
        m.group(1)
        for style in post.css("a.tgme_widget_message_photo_wrap::attr(style)").getall()
        if (m := _BG_IMAGE.search(style))
    ]

    text_links += _URL.findall(text)
    link = (
        preview_url
        if _external(preview_url)
        else next((u for u in text_links if _external(u)), None)
    )
    own_words = len(_URL.sub(" ", text).split())
    links_article = link is not None and own_words <= LINK_POST_WORDS
    body = "\n\n".join(part for part in (text, preview_title, preview_desc) if part)
    if not body and not photos:
        return None  # a sticker, poll or service message: nothing to judge
    meta: dict[str, object] = {
        "telegram": {
            "channel": channel,
            "post": int(number),
            **(
                {
                    "forwarded_from": _text_of(forwarded),
                    "forwarded_url": absolute(base, forwarded.attrib.get("href")),
                }
                if forwarded is not None
                else {}
            ),
            **({"link": link} if link else {}),
            **(
                {
                    "preview": {
                        "site": preview_site,
                        "title": preview_title,
                        "description": preview_desc,
                    }
                }
                if preview is not None
                else {}
            ),
            **({"photos": photos} if photos else {}),
        }
    }
    permalink = f"https://t.me/{name}/{number}"
    return Entry(
        url=permalink,
        guid=permalink,
        title=_title(text, preview_title)
        or (f"{channel_title or channel}: photo" if photos else None),
        published=when,
        summary=text[:500] or None,
        text=body,
        authors=[a for a in (signature or owner or channel_title,) if a],
        canonical_url=link if links_article else None,
        fetch_url=link if links_article else None,
        meta=meta,
    )


_RESERVED = {
    "s",
    "joinchat",
    "addstickers",
    "share",
    "proxy",
    "socks",
    "iv",
    "login",
    "c",
    "k",
    "a",
    "z",
}


def channel_links(base: str, hrefs: list[str]) -> list[str]:
    """Preview URLs of the Telegram channels a page links to (t.me/NAME, t.me/s/NAME, mirrors)."""
    out: list[str] = []
    for href in hrefs:
        url = absolute(base, href)
        if url is None:
            continue
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        segments = [p for p in parts.path.split("/") if p]
        preview: str | None = None
        if host in ("t.me", "www.t.me", "telegram.me", "www.telegram.me"):
            name = (
                segments[1]
                if segments[:1] == ["s"] and len(segments) > 1
                else (segments[0] if segments else "")
            )
            if name.lower() not in _RESERVED and not name.startswith("+"):
                preview = f"https://t.me/s/{name}"
        elif channel_name(url) is not None:  # a preview on another host (a mirror, a test server)
            preview = channel_page(url, None)
        if preview and channel_name(preview) and preview not in out:
            out.append(preview)
    return out


def parse_telegram(body: bytes, url: str, *, content_type: str | None = None) -> Parsed:
    """Posts of one preview page, newest last as Telegram lists them; ``older`` pages back."""
    channel = channel_name(url)
    if channel is None:
        # t.me answers /s/NAME of a channel without a public preview with a redirect to /NAME
        path = urlsplit(url).path
        return Parsed(
            error=f"no public preview: the channel page redirected to {path!r} "
            "(private channel, a user or a bot, or web preview disabled)"
        )
    decoded = decode(body, content_type, Markup.HTML)
    text = decoded.text
    if not text.strip():
        return Parsed(error="empty response")
    page = Selector(text=text, base_url=url)
    title = (
        _text_of(_first(page, ".tgme_channel_info_header_title"))
        or page.css("meta[property='og:title']::attr(content)").get()
    )
    posts = page.css("div.tgme_widget_message[data-post]")
    if not posts and not page.css(".tgme_channel_info, .tgme_widget_message_wrap"):
        return Parsed(
            error="not a Telegram channel preview: no channel or posts on the page", title=title
        )
    entries = [e for post in posts if (e := parse_post(post, url, channel, title)) is not None]
    ids = [e.meta["telegram"]["post"] for e in entries]
    older = None
    if ids:
        before = page.css("a.tme_messages_more[data-before]::attr(data-before)").get()
        oldest = min(ids)
        older = channel_page(url, int(before) if before and before.isdigit() else oldest)
    return Parsed(entries=entries, title=title, older=older).decoded_as(decoded)
