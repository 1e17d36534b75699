"""Pick the page language: the declared one when the text's script agrees, else detection."""

from __future__ import annotations

import re

from py3langid.langid import MODEL_FILE, LanguageIdentifier

from .structured import PageSignals

_IDENTIFIER: LanguageIdentifier | None = None
DETECTION_SAMPLE = 1000  # characters of the text given to detection
_SCRIPTS = {
    "Cyrl": re.compile(r"[\u0400-\u04ff]"),
    "Armn": re.compile(r"[\u0530-\u058f]"),
    "Arab": re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]"),
    "Hebr": re.compile(r"[\u0590-\u05ff]"),
    "Grek": re.compile(r"[\u0370-\u03ff]"),
    "Geor": re.compile(r"[\u10a0-\u10ff]"),
    "Hani": re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]"),
    "Latn": re.compile(r"[A-Za-z\u00c0-\u024f]"),
}
_LANG_SCRIPT = {
    **dict.fromkeys(("ru", "uk", "be", "bg", "mk", "kk", "ky", "mn", "tg", "tt", "ba"), "Cyrl"),
    "hy": "Armn",
    "ka": "Geor",
    "el": "Grek",
    "he": "Hebr",
    "yi": "Hebr",
    **dict.fromkeys(("ar", "fa", "ur", "ps", "ckb", "ug"), "Arab"),
    **dict.fromkeys(("zh", "ja", "ko"), "Hani"),
    "sr": "Cyrl|Latn",
    "az": "Latn|Cyrl|Arab",
    "uz": "Latn|Cyrl",
}
# neighbours langid confuses; a declaration naming one of them is kept
_CLOSE = [
    {"az", "tr"},
    {"bs", "hr", "sr"},
    {"no", "nb", "nn", "da"},
    {"id", "ms"},
    {"cs", "sk"},
    {"fa", "ar", "ur"},
    {"ru", "uk", "be", "bg"},
    {"es", "gl", "ca", "pt"},
]


def _identifier() -> LanguageIdentifier:
    global _IDENTIFIER
    if _IDENTIFIER is None:
        _IDENTIFIER = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    return _IDENTIFIER


def release() -> bool:
    """Drop the language model (about 70 MB; the next detection loads it again in 0.4 s).

    True when it was loaded.
    """
    global _IDENTIFIER
    loaded, _IDENTIFIER = _IDENTIFIER is not None, None
    return loaded


def _normalise(code: str | None) -> str | None:
    if not code:
        return None
    primary = re.split(r"[-_]", code.strip().lower())[0]
    if primary in ("iw",):
        return "he"
    return primary if re.fullmatch(r"[a-z]{2}", primary) else None


def dominant_script(text: str) -> str | None:
    """The writing system most letters of the text belong to."""
    sample = text[:3000]
    counts = {name: len(rx.findall(sample)) for name, rx in _SCRIPTS.items()}
    best = max(counts, key=lambda k: counts[k])
    return best if counts[best] else None


def _declared(signals: PageSignals) -> str | None:
    for value in (
        signals.article.get("inLanguage")
        if isinstance(signals.article.get("inLanguage"), str)
        else None,
        signals.html_lang,
        signals.first_meta("og:locale"),
        signals.first_meta("content-language", "language", "dc.language"),
    ):
        code = _normalise(value)
        if code:
            return code
    return None


def choose_language(signals: PageSignals, text: str) -> str | None:
    """Return an ISO 639-1 code or None when neither declaration nor text gives one."""
    declared = _declared(signals)
    # py3langid walks every byte of its input in Python (1-2 ms for 2,000 characters, a tenth
    # of a page's extraction); 1,000 characters (150-200 words) decide as well
    sample = text[:DETECTION_SAMPLE]
    if len(sample.strip()) < 20:
        return declared
    script = dominant_script(sample)
    if declared and script and script not in _LANG_SCRIPT.get(declared, "Latn"):
        declared = None  # e.g. a CMS-wide lang="en" on a Russian article
    detected, prob = _identifier().classify(sample)
    if declared is None:
        return str(detected)
    if detected == declared or prob < 0.95 or len(sample) < 300:
        return declared
    if any(detected in group and declared in group for group in _CLOSE):
        return declared
    return str(detected)
