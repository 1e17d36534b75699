"""The pages in headless Chromium (Playwright driving the system binary) at a phone and a
desktop width: from a digest entry to its story, a search with a filter, feedback that persists.
No console error (a CSP violation would log one) and no sideways scrolling."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from newswatch.storage.feedback import feedback_for
from tests.conftest import missing_service
from tests.plugins.web_fixtures import Site, serve_site

pytestmark = pytest.mark.browser
playwright_api = pytest.importorskip("playwright.sync_api")

SIZES = {"phone": (390, 844), "desktop": (1280, 900)}


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "/usr/bin/chromium"):
        found = shutil.which(name)
        if found:
            return found
    missing_service("Chromium is not installed (apt-get install chromium)")
    raise AssertionError("unreachable")


@pytest.fixture(scope="module")
def browser_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    base = tmp_path_factory.mktemp("webb")
    with serve_site(f"sqlite:///{base / 'b.db'}", base / "out") as served:
        yield served


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    executable = _chromium()
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, args=["--no-sandbox", "--disable-gpu"])
        yield b
        b.close()


@pytest.fixture(params=sorted(SIZES))
def page(request: pytest.FixtureRequest, browser: object, tmp_path: Path) -> Iterator[object]:
    width, height = SIZES[request.param]
    context = browser.new_context(viewport={"width": width, "height": height})  # type: ignore[attr-defined]
    pg = context.new_page()
    problems: list[str] = []
    pg.on(
        "console",
        lambda msg: problems.append(msg.text) if msg.type in ("error", "warning") else None,
    )
    pg.on("pageerror", lambda exc: problems.append(str(exc)))
    # nothing is fetched from anywhere but the server itself
    pg.on(
        "request",
        lambda req: None if req.url.startswith("http://127.0.0.1:") else problems.append(req.url),
    )
    yield pg
    pg.screenshot(path=str(tmp_path / f"last-{request.param}.png"), full_page=True)
    context.close()
    assert problems == []


def _fits(pg: object) -> None:
    width = pg.evaluate("window.innerWidth")  # type: ignore[attr-defined]
    scroll = pg.evaluate("document.documentElement.scrollWidth")  # type: ignore[attr-defined]
    assert scroll <= width, f"page is {scroll}px wide in a {width}px window"


def test_from_a_digest_entry_to_its_story(page: object, browser_site: Site) -> None:
    pg = page
    pg.goto(browser_site.url + "/")  # type: ignore[attr-defined]
    pg.get_by_role("link", name="Digests").click()  # type: ignore[attr-defined]
    pg.get_by_role("link", name="Digest for 21 November 2026").click()  # type: ignore[attr-defined]
    _fits(pg)
    entry = pg.locator(".web-entry", has_text="Resolution on prisoners: Baku reacts")  # type: ignore[attr-defined]
    entry.get_by_role("link", name="Story timeline").click()
    assert pg.url == f"{browser_site.url}/stories/{browser_site.ids['story']}"  # type: ignore[attr-defined]
    assert pg.locator("h1").inner_text() == "Resolution on prisoners: Baku reacts"  # type: ignore[attr-defined]
    assert pg.locator(".side-col h3").all_inner_texts() == ["Armenian 1", "Azerbaijani 1"]  # type: ignore[attr-defined]
    assert "International" in pg.locator(".silent").inner_text()  # type: ignore[attr-defined]
    assert pg.locator(".timeline-list li").count() == 2  # type: ignore[attr-defined]
    # the stylesheet applied: the masthead is dark (an inline style would have been refused)
    colour = pg.evaluate("getComputedStyle(document.querySelector('.masthead')).backgroundColor")  # type: ignore[attr-defined]
    assert colour == "rgb(31, 42, 68)"
    _fits(pg)


def test_a_search_with_a_filter(page: object, browser_site: Site) -> None:
    pg = page
    pg.goto(browser_site.url + "/")  # type: ignore[attr-defined]
    pg.get_by_role("link", name="Search").click()  # type: ignore[attr-defined]
    pg.get_by_label("words").fill("Baku")  # type: ignore[attr-defined]
    pg.get_by_label("Category").select_option("detainees")  # type: ignore[attr-defined]
    pg.get_by_role("button", name="Search").click()  # type: ignore[attr-defined]
    assert "category=detainees" in pg.url  # type: ignore[attr-defined]
    results = pg.locator(".results li").all_inner_texts()  # type: ignore[attr-defined]
    assert results and all("Parliament" not in r for r in results)
    assert any("Trial resumes in Baku" in r for r in results)
    assert pg.locator(".results mark").first.inner_text().casefold() == "baku"  # type: ignore[attr-defined]
    _fits(pg)


def test_a_feedback_click_persists(page: object, browser_site: Site) -> None:
    pg = page
    article = browser_site.ids["new_am"]
    with browser_site.db.session() as s:
        before = len(feedback_for(s, article))
    pg.goto(f"{browser_site.url}/articles/{article}")  # type: ignore[attr-defined]
    _fits(pg)
    pg.get_by_role("button", name="Not relevant").click()  # type: ignore[attr-defined]
    # the POST and its redirect complete after click() returns: wait for the page it leads to
    pg.wait_for_url(f"**/articles/{article}#feedback")  # type: ignore[attr-defined]
    pg.reload()  # type: ignore[attr-defined]
    items = pg.locator(".feedback-list li").all_inner_texts()  # type: ignore[attr-defined]
    assert len(items) == before + 1 and items[-1].startswith("Not relevant · local")
    with browser_site.db.session() as s:
        rows = feedback_for(s, article)
    assert [r.kind for r in rows][-1] == "not-relevant" and len(rows) == before + 1
