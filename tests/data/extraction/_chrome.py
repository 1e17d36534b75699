"""Shared page furniture for the extraction fixtures: menus, rails, footers, comment threads."""

from __future__ import annotations

import html as _html


def esc(text: str) -> str:
    """HTML-escape text content."""
    return _html.escape(text, quote=True)


def nav(site: str, sections: list[str]) -> str:
    items = "".join(
        f'<li><a href="/{s.lower().replace(" ", "-")}/">{esc(s)}</a></li>' for s in sections
    )
    return (
        f'<header class="site-header"><div class="logo"><a href="/">{esc(site)}</a></div>'
        f'<nav class="main-menu"><ul>{items}</ul></nav>'
        '<form class="search" action="/search"><input name="q" placeholder="Search"></form>'
        "</header>"
    )


def cookie_banner() -> str:
    return (
        '<div id="cookie-consent" class="banner">We use cookies to improve your experience and '
        "to measure audiences. <button>Accept all</button> <button>Manage settings</button></div>"
    )


def share_bar() -> str:
    return (
        '<div class="share"><a href="#">Share on Facebook</a> <a href="#">Share on X</a> '
        '<a href="#">Telegram</a> <a href="#">Copy link</a></div>'
    )


def related(title: str, items: list[str], cls: str = "related") -> str:
    links = "".join(
        f'<li><a href="/news/{i}-{len(t) * 37 + i}">{esc(t)}</a>'
        f'<span class="time">2 hours ago</span></li>'
        for i, t in enumerate(items)
    )
    return f'<aside class="{cls}"><h3>{esc(title)}</h3><ul>{links}</ul></aside>'


def newsletter() -> str:
    return (
        '<div class="newsletter"><h4>Get the morning briefing</h4><p>Sign up for our free '
        "newsletter and receive the top stories from the region every weekday.</p>"
        '<input type="email" placeholder="Your email"><button>Subscribe</button></div>'
    )


def footer(site: str) -> str:
    return (
        f'<footer class="site-footer"><p>&copy; 2026 {esc(site)}. All rights reserved.</p>'
        '<ul><li><a href="/about">About us</a></li><li><a href="/contact">Contact</a></li>'
        '<li><a href="/privacy">Privacy policy</a></li><li><a href="/terms">Terms of use</a>'
        '</li><li><a href="/advertise">Advertise</a></li></ul>'
        "<p>Reproduction of materials is allowed only with a hyperlink to the source.</p>"
        "</footer>"
    )


def paras(paragraphs: list[str]) -> str:
    return "".join(f"<p>{esc(p)}</p>" for p in paragraphs)


def page(*, lang: str, head: str, body: str, html_attrs: str = "", charset: str = "utf-8") -> str:
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}"{html_attrs}><head><meta charset="{charset}">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">{head}'
        '<link rel="stylesheet" href="/static/site.css"><script src="/static/ads.js"></script>'
        f"</head>\n<body>{body}</body></html>\n"
    )
