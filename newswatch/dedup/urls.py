"""URL identity: one canonical form per article address, and its hash for storage keys."""

from __future__ import annotations

import hashlib
import re
from urllib.parse import parse_qsl, urljoin, urlsplit, urlunsplit

from courlan import extract_domain
from w3lib.url import canonicalize_url, url_query_cleaner

# Parameters that only say how the reader arrived, never which page it is.
TRACKING_PARAMS: frozenset[str] = frozenset(
    {
        "fbclid",
        "gclid",
        "gclsrc",
        "dclid",
        "yclid",
        "msclkid",
        "twclid",
        "ttclid",
        "igshid",
        "igsh",
        "mc_cid",
        "mc_eid",
        "_ga",
        "_gl",
        "_hsenc",
        "_hsmi",
        "mkt_tok",
        "oly_anon_id",
        "oly_enc_id",
        "vero_id",
        "wt_mc",
        "wt.mc_id",
        "cmpid",
        "ncid",
        "sr_share",
        "spm",
        "at_medium",
        "at_campaign",
        "xtor",
        "__twitter_impression",
        "s_cid",
        "ocid",
        "smid",
        "share",
        "shared",
        "amp_js_v",
        "amp_gsa",
        "usqp",
        "outputtype",
        "fromamp",
    }
)
TRACKING_PREFIXES: tuple[str, ...] = ("utm_", "pk_", "mtm_", "hsa_", "ga_", "itm_")
# "ref" is tracking only when its value names a referrer (a site or a share channel); on some
# sites ?ref=123 is a real record reference, so numeric/opaque values are kept.
REF_PARAMS: frozenset[str] = frozenset({"ref", "ref_src", "ref_url", "referrer", "source"})
_REFERRER_VALUE = re.compile(
    r"^(?:[a-z0-9-]+\.)+[a-z]{2,}$|^(?:tw|twsrc|twitter|fb|facebook|rss|feed|newsletter|email|"
    r"mail|share|social|homepage|home|nav|menu|search|google|telegram|whatsapp|linkedin|"
    r"reddit|vk|ok|top|related|sidebar|footer|header|article|push|app)(?:[_:^.-].*)?$",
    re.IGNORECASE,
)
_DEFAULT_PORTS = {"http": 80, "https": 443}
_HOMEPAGE_PATHS = frozenset({"", "/", "/index.html", "/index.php", "/home", "/en", "/en/"})


def _is_tracking(name: str, value: str) -> bool:
    key = name.lower()
    if key in TRACKING_PARAMS or key.startswith(TRACKING_PREFIXES):
        return True
    return key in REF_PARAMS and bool(_REFERRER_VALUE.match(value))


def _clean_netloc(url: str) -> str:
    """Drop credentials (never part of an identity, never to be stored) and default ports."""
    parts = urlsplit(url)
    if parts.scheme not in _DEFAULT_PORTS or not parts.hostname:
        raise ValueError(f"not an absolute http(s) URL: {url!r}")
    host = parts.hostname
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    if parts.port is not None and _DEFAULT_PORTS[parts.scheme] != parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit(parts._replace(netloc=host))


def _normalise(url: str) -> str:
    url = url.strip()
    query = urlsplit(url).query
    tracking = {k for k, v in parse_qsl(query, keep_blank_values=True) if _is_tracking(k, v)}
    if tracking:
        url = url_query_cleaner(url, sorted(tracking), remove=True, unique=False)
    return _clean_netloc(canonicalize_url(url, keep_fragments=False))


def registered_domain(url: str) -> str:
    """Registrable domain of a URL (public-suffix aware), or its bare host for IPs/localhost."""
    domain = extract_domain(url)
    if domain:
        return domain.lower()
    return (urlsplit(url).hostname or "").lower()


def _is_homepage(url: str) -> bool:
    parts = urlsplit(url)
    return parts.path.lower() in _HOMEPAGE_PATHS and not parts.query


def canonical_url(url: str, page_canonical: str | None = None) -> str:
    """Canonical address of an article; the page's own rel=canonical wins when trustworthy.

    Raises ValueError when url is not an absolute http(s) URL.
    """
    fetched = _normalise(url)
    if page_canonical and page_canonical.strip():
        # rel=canonical may legally be relative to the page address.
        try:
            declared = _normalise(urljoin(url.strip(), page_canonical.strip()))
        except ValueError:
            return fetched
        # A canonical pointing at another site or at the homepage is a CMS mistake or a hijack.
        same_site = registered_domain(declared) == registered_domain(fetched)
        if (
            same_site
            and declared.startswith(("http://", "https://"))
            and not _is_homepage(declared)
        ):
            return declared
    return fetched


def url_hash(url: str) -> str:
    """Hex sha256 of the canonical URL (64 chars): collision-free key for a unique index."""
    return hashlib.sha256(canonical_url(url).encode("utf-8")).hexdigest()
