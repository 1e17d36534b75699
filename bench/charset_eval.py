"""Decoding of real pages: how many known snippets and titles come out intact, old rule vs new.

Usage: python bench/charset_eval.py [CORPUS] [--undeclared]   (default ../shared/corpora/extraction-dev)
--undeclared strips every <meta> charset declaration (and the XML declaration) first: the
pages then stand for the undeclared legacy sites the rule's last steps are for.
--transcode ENC also re-encodes each page's text to ENC (e.g. cp1252, cp1251, koi8_r) where it
fits and has non-ASCII letters, undeclared: real text in the legacy bytes of old CMSs.
Pages are read as saved (no HTTP headers, so the rule works from the bytes alone: BOM, <meta>,
UTF-8, legacy). A snippet counts when it appears in the decoded text after entity and whitespace
normalisation. "before" is the rule this project used until issue 21 (<meta>, valid UTF-8, then
charset_normalizer's statistical guess); it is skipped when charset_normalizer is not installed.
Reported per half (even / odd line numbers) so a change tuned on one half can be checked on the other.
"""

from __future__ import annotations

import collections
import gzip
import html
import json
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from newswatch.crawler.charset import Markup, decode

_SPACE = re.compile(r"\s+")
_DECLARATION = re.compile(rb"<meta[^>]*charset[^>]*>|<\?xml[^>]*>", re.IGNORECASE)


def _norm(text: str) -> str:
    return _SPACE.sub(" ", html.unescape(text)).strip().casefold()


def _before() -> Callable[[bytes], str] | None:
    try:
        import charset_normalizer
    except ImportError:
        return None
    from w3lib.encoding import html_to_unicode

    def guess(body: bytes) -> str | None:
        try:
            body.decode("utf-8")
            return "utf-8"
        except UnicodeDecodeError:
            pass
        best = charset_normalizer.from_bytes(body[:65536]).best()
        return best.encoding if best is not None else None

    return lambda body: html_to_unicode(None, body, auto_detect_fun=guess)[1]


def main() -> int:
    argv = sys.argv[1:]
    transcode = None
    if "--transcode" in argv:
        i = argv.index("--transcode")
        transcode = argv[i + 1]
        del argv[i : i + 2]
    args = [a for a in argv if not a.startswith("--")]
    undeclared = "--undeclared" in argv or transcode is not None
    corpus = Path(args[0]) if args else ROOT.parent / "shared" / "corpora" / "extraction-dev"
    truth = corpus / "truth.jsonl"
    if not truth.exists():
        print(f"skipped: {truth} not found")
        return 0
    rules: dict[str, Callable[[bytes], str]] = {
        "after": lambda b: decode(b, None, Markup.HTML).text
    }
    old = _before()
    if old is not None:
        rules = {"before": old, **rules}
    found = {(r, h): [0, 0] for r in rules for h in ("even", "odd")}
    pages_wrong = {(r, h): 0 for r in rules for h in ("even", "odd")}
    spent = dict.fromkeys(rules, 0.0)
    origins: collections.Counter[str] = collections.Counter()
    legacy = 0
    for n, line in enumerate(truth.read_text(encoding="utf-8").splitlines()):
        case = json.loads(line)
        body = gzip.decompress((corpus / case["file"]).read_bytes())
        if undeclared:
            body = _DECLARATION.sub(b"", body)
        if transcode is not None:
            text = decode(
                gzip.decompress((corpus / case["file"]).read_bytes()), None, Markup.HTML
            ).text
            try:
                body = _DECLARATION.sub(b"", text.encode(transcode))
            except UnicodeEncodeError:
                continue
            if text.isascii():
                continue
        wanted = [_norm(s) for s in case.get("with", [])] + (
            [_norm(case["title"])] if case.get("title") else []
        )
        half = "even" if n % 2 == 0 else "odd"
        try:
            body.decode("utf-8")
        except UnicodeDecodeError:
            legacy += 1
        origins[decode(body, None, Markup.HTML).origin.name] += 1
        for rule, fn in rules.items():
            start = time.process_time()
            text = _norm(fn(body))
            spent[rule] += time.process_time() - start
            hits = sum(1 for w in wanted if w in text)
            found[(rule, half)][0] += hits
            found[(rule, half)][1] += len(wanted)
            # a page whose every non-ASCII snippet is missing was decoded wrongly
            foreign = [w for w in wanted if not w.isascii()]
            if foreign and not any(w in text for w in foreign):
                pages_wrong[(rule, half)] += 1
    pages = sum(origins.values())
    print(
        f"{pages} pages, {legacy} not valid UTF-8; chosen by: "
        + ", ".join(f"{k} {v}" for k, v in origins.most_common())
    )
    for rule in rules:
        cells = []
        for half in ("even", "odd"):
            hit, total = found[(rule, half)]
            cells.append(
                f"{half}: snippets found {hit}/{total} ({hit / max(total, 1):.4f}), "
                f"pages with every non-ASCII snippet lost {pages_wrong[(rule, half)]}"
            )
        print(f"{rule:>6}  " + " | ".join(cells) + f" | {spent[rule] * 1000 / pages:.2f} ms/page")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
