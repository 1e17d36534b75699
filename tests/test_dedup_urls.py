"""Canonical URLs and their hashes."""

from __future__ import annotations

import pytest

from newswatch.dedup import canonical_url, registered_domain, url_hash

BASE = "https://news.example.am/politics/2025/07/17/belgian-resolution"


@pytest.mark.parametrize(
    "noisy",
    [
        BASE + "?utm_source=twitter&utm_medium=social&utm_campaign=x",
        BASE + "?fbclid=IwAR0abc",
        BASE + "?gclid=Cj0K&yclid=123&mc_cid=a1&mc_eid=b2",
        BASE + "?_ga=2.1234&igshid=MzRlODBiNWFlZA==",
        BASE + "?ref=twitter.com",
        BASE + "?ref_src=twsrc%5Etfw",
        BASE + "#comments",
        "HTTPS://NEWS.EXAMPLE.AM:443/politics/2025/07/17/belgian-resolution",
        "  " + BASE + "?utm_term=karabakh#top  ",
    ],
)
def test_tracking_fragment_port_case_collapse_to_one_url(noisy: str) -> None:
    assert canonical_url(noisy) == BASE
    assert url_hash(noisy) == url_hash(BASE)


def test_meaningful_query_is_kept_and_sorted() -> None:
    url = "http://example.org/article.php?id=42&page=2&utm_source=rss"
    assert canonical_url(url) == "http://example.org/article.php?id=42&page=2"
    assert canonical_url("http://example.org/article.php?page=2&id=42") == canonical_url(url)
    assert canonical_url("http://example.org/article.php?id=43") != canonical_url(url)


def test_opaque_ref_value_is_not_treated_as_tracking() -> None:
    assert canonical_url("https://example.org/doc?ref=8812") == "https://example.org/doc?ref=8812"


def test_non_default_port_and_path_case_are_kept() -> None:
    assert canonical_url("http://Example.org:8080/News/A") == "http://example.org:8080/News/A"


def test_page_canonical_preferred_on_same_site() -> None:
    fetched = "https://m.example.am/amp/12345?utm_source=feed"
    declared = "https://www.example.am/news/12345-belgium-resolution/"
    assert canonical_url(fetched, declared) == declared


def test_relative_page_canonical_resolves_against_page() -> None:
    got = canonical_url("https://example.am/amp/12345", "/news/12345")
    assert got == "https://example.am/news/12345"


@pytest.mark.parametrize(
    "declared",
    [
        "https://other-site.com/news/12345",  # another registered domain
        "https://www.example.am/",  # homepage: a broken CMS default
        "https://example.am/index.html",
        "mailto:desk@example.am",
    ],
)
def test_untrustworthy_page_canonical_is_ignored(declared: str) -> None:
    fetched = "https://example.am/news/12345?utm_medium=email"
    assert canonical_url(fetched, declared) == "https://example.am/news/12345"


def test_registered_domain_handles_multi_part_suffix_and_ip() -> None:
    assert registered_domain("https://news.bbc.co.uk/a") == "bbc.co.uk"
    assert registered_domain("http://127.0.0.1:8123/feed.xml") == "127.0.0.1"


def test_url_hash_is_sha256_hex_of_the_canonical_form() -> None:
    digest = url_hash(BASE + "?utm_source=x")
    assert len(digest) == 64 and int(digest, 16) >= 0
    assert url_hash(BASE + "/other") != digest


@pytest.mark.parametrize("bad", ["", "not a url", "//example.com/x", "ftp://example.com/a"])
def test_non_http_or_relative_urls_are_rejected(bad: str) -> None:
    with pytest.raises(ValueError, match="absolute http"):
        canonical_url(bad)


def test_credentials_are_dropped_and_ipv6_port_kept() -> None:
    assert canonical_url("https://user:pw@example.com:443/a") == "https://example.com/a"
    assert canonical_url("http://[::1]:8080/x") == "http://[::1]:8080/x"
