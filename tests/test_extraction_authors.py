"""Where authors are found on small hand-written pages: JSON-LD, meta tags, marked and
unmarked bylines; and that only names come back."""

from __future__ import annotations

import json
from typing import Any

from newswatch.crawler.extraction import extract

TEXT = (
    "The regional council voted on Tuesday to keep the ferry line running through the winter, "
    "after a month of protests by residents of the islands who depend on it for school and work."
)
ARTICLE = f"<article><h1>Ferry line stays open</h1><p>{TEXT}</p><p>{TEXT}</p></article>"


def _page(body: str = ARTICLE, head: str = "") -> str:
    return f"<html lang='en'><head>{head}</head><body>{body}</body></html>"


def _ld(data: Any) -> str:
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


def test_jsonld_author_given_by_reference_is_looked_up_in_the_graph() -> None:
    graph = {
        "@graph": [
            {"@type": "WebSite", "@id": "/#site", "name": "Island Post"},
            {"@type": "Article", "headline": "Ferry line stays open", "author": {"@id": "/#p1"}},
            {"@type": "Person", "@id": "/#p1", "name": "Maren Holt"},
        ]
    }
    assert extract(_page(head=_ld(graph))).authors == ["Maren Holt"]


def test_jsonld_author_of_a_recipe_or_web_page_counts_too() -> None:
    recipe = {
        "@type": "Recipe",
        "name": "Plum cake",
        "author": {"@type": "Person", "name": "Ida Lund"},
    }
    assert extract(_page(head=_ld(recipe))).authors == ["Ida Lund"]
    page = {"@type": "WebPage", "name": "Ferry", "author": "Tove Berg"}
    assert extract(_page(head=_ld(page))).authors == ["Tove Berg"]
