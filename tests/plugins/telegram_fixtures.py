"""Telegram channel preview pages written for the tests, in the structure of ``t.me/s/NAME``."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import escape


@dataclass
class Post:
    """One post of a fixture channel."""

    id: int
    text: str = ""
    when: str = "2026-12-06T09:00:00+00:00"
    author: str | None = None  # the post's signature
    forwarded: tuple[str, str] | None = None  # (name, url)
    preview: tuple[str, str, str, str] | None = None  # (url, site, title, description)
    photos: list[str] = field(default_factory=list)
    reply_to: str | None = None  # quoted text of the replied post


def post_html(channel: str, post: Post) -> str:
    # Telegram turns URLs in a post into links
    text = "<br/>".join(
        re.sub(r"(https?://\S+)", r'<a href="\1" target="_blank">\1</a>', escape(line))
        for line in post.text.split("\n")
    )
    parts = [
        (
            f'<div class="tgme_widget_message_wrap js-widget_message_wrap">'
            f'<div class="tgme_widget_message text_not_supported_wrap js-widget_message" '
            f'data-post="{channel}/{post.id}" data-view="x">'
            f'<div class="tgme_widget_message_user"><a href="https://t.me/{channel}">'
            f'<i class="tgme_widget_message_user_photo"></i></a></div>'
            f'<div class="tgme_widget_message_bubble"><i class="tgme_widget_message_bubble_tail"></i>'
            f'<div class="tgme_widget_message_author accent_color">'
            f'<a class="tgme_widget_message_owner_name" href="https://t.me/{channel}">'
            f'<span dir="auto">Channel {escape(channel)}</span></a></div>'
        )
    ]
    if post.forwarded:
        parts.append(
            f'<div class="tgme_widget_message_forwarded_from accent_color">Forwarded from '
            f'<a class="tgme_widget_message_forwarded_from_name" href="{escape(post.forwarded[1])}">'
            f'<span dir="auto">{escape(post.forwarded[0])}</span></a></div>'
        )
    if post.reply_to:
        parts.append(
            f'<a class="tgme_widget_message_reply" href="https://t.me/{channel}/1">'
            f'<div class="tgme_widget_message_author accent_color"><span>Earlier</span></div>'
            f'<div class="tgme_widget_message_text js-message_reply_text" dir="auto">'
            f"{escape(post.reply_to)}</div></a>"
        )
    for photo in post.photos:
        parts.append(
            f'<a class="tgme_widget_message_photo_wrap" href="https://t.me/{channel}/{post.id}" '
            f"style=\"width:800px;background-image:url('{photo}')\"></a>"
        )
    if post.text:
        parts.append(
            f'<div class="tgme_widget_message_text js-message_text" dir="auto">{text}</div>'
        )
    if post.preview:
        url, site, title, desc = (escape(v) for v in post.preview)
        parts.append(
            f'<a class="tgme_widget_message_link_preview" href="{url}">'
            f'<div class="link_preview_site_name accent_color" dir="auto">{site}</div>'
            f'<div class="link_preview_title" dir="auto">{title}</div>'
            f'<div class="link_preview_description" dir="auto">{desc}</div></a>'
        )
    signature = (
        f'<span class="tgme_widget_message_from_author" dir="auto">{escape(post.author)}</span>'
        if post.author
        else ""
    )
    parts.append(
        f'<div class="tgme_widget_message_footer compact js-message_footer">'
        f'<div class="tgme_widget_message_info short js-message_info">'
        f'<span class="tgme_widget_message_views">1.5K</span>{signature}'
        f'<span class="tgme_widget_message_meta"><a class="tgme_widget_message_date" '
        f'href="https://t.me/{channel}/{post.id}"><time datetime="{post.when}" class="time">09:00</time>'
        f"</a></span></div></div></div></div></div>"
    )
    return "".join(parts)


def channel_html(
    channel: str, posts: list[Post], *, title: str | None = None, more: bool = True
) -> bytes:
    """A preview page: channel header, posts oldest first, a link to older posts."""
    ordered = sorted(posts, key=lambda p: p.id)
    older = (
        (
            f'<a href="/s/{channel}?before={ordered[0].id}" class="tme_messages_more js-messages_more" '
            f'data-before="{ordered[0].id}"></a>'
        )
        if more and ordered
        else ""
    )
    name = escape(title or f"Channel {channel}")
    return (
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{name} – Telegram</title>'
        f'<meta property="og:title" content="{name}"></head><body class="widget_frame_base tgme_webpage">'
        f'<header class="tgme_header"><div class="tgme_channel_info"><div class="tgme_channel_info_header">'
        f'<div class="tgme_channel_info_header_title"><span dir="auto">{name}</span></div>'
        f'<div class="tgme_channel_info_header_username"><a href="https://t.me/{channel}">@{channel}</a></div>'
        f'</div></div></header><main class="tgme_main"><section class="tgme_channel_history js-message_history">'
        f"{older}{''.join(post_html(channel, p) for p in ordered)}</section></main></body></html>"
    ).encode()


def channel_redirect_page(channel: str) -> bytes:
    """What t.me serves at /NAME for a channel without public preview: an invitation page."""
    return (
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>Telegram: Contact @{channel}</title></head>'
        f'<body><div class="tgme_page"><div class="tgme_page_title"><span dir="auto">{channel}</span></div>'
        f'<a class="tgme_action_button_new" href="tg://resolve?domain={channel}">View in Telegram</a>'
        f"</div></body></html>"
    ).encode()
