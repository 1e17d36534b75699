"""Article extraction with fallbacks: body, headline, publication date, authors, language.

`extract(html, url)` never raises; every value says where it came from:

- text: trafilatura's own output on the whole page is the default (the best single extractor
  on real pages). The block around the headline replaces it only when the default is in doubt
  (fails a guard: short, link-dense, comment-like; misses the lead paragraph under the headline;
  ends in a run of short lines) and the block passes the guards and brings evidence; the
  publisher's JSON-LD articleBody replaces it only when the body's opening or words are visible
  on the page and the extraction missed most of it (never for paywalled pages). Each decision
  carries its reason (`newswatch extract --explain`). A standfirst set between the headline
  and the body (in the header, an intro or teaser block, an <h2>) is put back in front of it.
  Paragraphs are separated by a blank line.
- title: the <h1> that another source confirms (whole, as a segment, as the start of a longer
  headline, or but for a typo; the one inside the article first; without a kicker or topline
  that its markup sets apart, a lead another source leaves out after a separator, a dateline,
  a trailing host name or a leading full date), else an <h2> the <title> or og:title names
  (when the <h1> is a label), else a substantial <h1> inside the article or the page's only
  one, else JSON-LD headline / og:title / <title> with the site name stripped (an <h1> that
  links home or is marked as the logo names the site); in Unicode's NFC form.
- published (UTC, and `published_local` in the publisher's own offset): feed > a date the page
  labels as its publication's ("Veröffentlicht am", "Published on") > the date printed on a
  short line beside the headline, else a dateline opening the article's first paragraphs (not
  one labelled as an update, of another month than a /YYYY/MM/ path, or after the page's last
  declared change; metadata that agrees with it keeps its time) > a full date in the URL >
  JSON-LD datePublished (the meta tag's day when the two disagree) > meta tags > <time> in the
  article > htmldate (original date) > other <time>; a time stated in UTC is read in the zone
  of the site's country-code domain; None rather than "now".
- authors: names only (no "By", dates, roles, e-mail, or the outlet's name): JSON-LD > meta >
  rel=author > the visible byline.
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
    + "<p>"
    + "Lawmakers met in the capital to discuss the border commission and its work. " * 8
    + "</p>"
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
