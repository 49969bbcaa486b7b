"""The Dashboard tab in the real page (Debian's chromium driven by Playwright): the quality metrics, the
personas side by side, the audience split by each group column with its plot and table, and the report
downloaded from the page; and the Chat tab's transcript download. With PERSONAS_UPDATE_SCREENSHOTS=1 the screenshot goes to docs/screenshots/."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from app_fixtures import Running, start_app
from test_app_browser import ARGS, CHROMIUM, README_SHOTS, TIMEOUT, UPDATE_README_SHOTS

from personas import formatting as fmt

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    running = start_app(tmp_path_factory.mktemp("dashboard") / "home")
    yield running
    running.close()


def download(page, button: str, file_box: str, to: Path) -> str:
    """Click a button that builds a file, then the file's link, and read what the browser downloaded."""
    page.locator(button).click()
    link = page.locator(f"{file_box} a").first
    link.wait_for()
    with page.expect_download() as info:
        link.click()
    info.value.save_as(to)
    return to.read_text(encoding="utf-8")


def test_dashboard_and_the_downloads_in_the_browser(server: Running, tmp_path) -> None:
    if not CHROMIUM:
        pytest.skip("chromium is not installed (apt-get install chromium); the browser test needs it")
    from playwright.sync_api import expect, sync_playwright

    pset = server.services.store.load()
    q = pset.quality["set"]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900}, accept_downloads=True)
            page.set_default_timeout(TIMEOUT)
            page.goto(server.url)
            page.locator("button[role=tab]:has-text('Dashboard')").first.click()
            expect(page.locator("#dashboard-title")).to_contain_text(f"{pset.ref}: {len(pset.personas)} personas")
            quality = page.locator("#dashboard-quality")
            # the stored metrics, formatted for people
            expect(quality).to_contain_text(fmt.share(q["coverage_by_behaviour"]))
            expect(quality).to_contain_text(f"{q['fairness']:.3f}")
            expect(quality).to_contain_text(f"{q['consistency']:.3f}")
            expect(page.locator("#dashboard-personas")).to_contain_text(pset.personas[0].name)
            expect(page.locator("#dashboard-drift")).to_contain_text("No earlier version")  # the first demo set
            # a plot per group column, each drawn (vega canvas or svg) with its table
            splits = page.locator(".dashboard-split")
            expect(splits).to_have_count(len(pset.params["group_by"]))
            page.wait_for_function("document.querySelectorAll('.dashboard-split canvas, .dashboard-split svg')"
                                   ".length >= 1")
            text = page.locator("#tab-dashboard").inner_text()
            assert re.search(r"By country", text) and "audience %" in text
            page.wait_for_timeout(1500)  # plots finish drawing
            shots = README_SHOTS if UPDATE_README_SHOTS else tmp_path
            shots.mkdir(parents=True, exist_ok=True)
            page.locator("#tab-dashboard").screenshot(path=str(shots / "dashboard.png"))

            # the report, built from the page and downloaded
            html = download(page, "#report-html", "#report-file", tmp_path / "report.html")
            assert all(p.name in html for p in pset.personas) and "Method and quality" in html

            # the Chat tab's conversation saved as a transcript, with citations and the verdict
            first = pset.personas[0]
            page.locator("button[role=tab]:has-text('Personas')").first.click()
            page.get_by_role("button", name=f"Chat with {first.name}").click()
            page.locator("#question textarea").fill("How big is your group?")
            page.locator("#send").click()
            page.locator("#chatbot").get_by_text("Sources").wait_for()
            md = download(page, "#transcript-md", "#transcript-file", tmp_path / "interview.md")
            assert md.startswith(f"# Interview with {first.name}") and "## 1. How big is your group?" in md
            assert f"`{first.id}:audience:size`" in md and "Faithfulness: FAITHFUL" in md
        finally:
            browser.close()
