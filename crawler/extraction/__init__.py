"""Article extraction with fallbacks: body, headline, publication date, authors, language.

`extract(html, url)` never raises; every value says where it came from:

- text: trafilatura (fast mode) on the block that holds the headline and the densest
  paragraphs; a precision pass only when the tail looks padded, kept by agreement; a recall
  pass only for skipped long paragraphs; the publisher's JSON-LD articleBody when the extractor
  missed much of it (never for paywalled pages); trafilatura recall, then readability-lxml,
  only when the body is still short.  Paragraphs are separated by a blank line.
- title: the <h1> that another source confirms, else a substantial <h1> inside the article,
  else JSON-LD headline / og:title / <title> with the site name stripped.
- published (UTC): feed > JSON-LD datePublished > meta tags > <time> in the article >
  htmldate (original date) > other <time> > URL pattern; None rather than "now".
- language: the declared one when the text's script agrees, else py3langid.
"""
from __future__ import annotations

import sys
from functools import cache
from typing import Any

from .model import Extracted

__all__ = ["Extracted", "extract", "release_models", "warm_up"]

_SAMPLE = (
    "<html lang='en'><head><title>Sample</title></head><body><article><h1>Sample headline</h1>"
    + "<p>" + "Lawmakers met in the capital to discuss the border commission and its work. " * 8 + "</p>"
    + "</article></body></html>"
)


@cache
def warm_up() -> None:
    """Load the language model and stoplists now (about a second), not in the middle of a crawl."""
    from .core import extract

    extract(_SAMPLE, "https://example.org/sample")


def release_models() -> bool:
    """Free the language model between crawls (a service that sits idle for minutes).

    True when something was loaded and is now freed.
    """
    language = sys.modules.get(f"{__name__}.language")
    return language is not None and bool(language.release())


def __getattr__(name: str) -> Any:
    # trafilatura, lxml's cleaners and the language model (numpy) load with the first use, so
    # a service whose crawls extract in a store process never carries them
    if name == "extract":
        from .core import extract

        return extract
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
