"""The real page in headless Chromium (Debian's chromium package driven by Playwright; no browser download):
browse personas, open a profile, chat with a streamed, cited answer, search and open the chat from a hit.
Screenshots of every tab are saved as test artifacts in a temporary folder (printed at the end of the test).
With PERSONAS_UPDATE_SCREENSHOTS=1 the chat tab and a profile go to docs/screenshots/ instead, for the README;
without it the test never touches tracked files."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from app_fixtures import Running, start_app
from conftest import small_audience

pytestmark = pytest.mark.slow
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]
README_SHOTS = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
UPDATE_README_SHOTS = os.environ.get("PERSONAS_UPDATE_SCREENSHOTS") == "1"
TIMEOUT = 30_000

# Records every text the last assistant message shows, to prove that the answer arrives in pieces.
WATCH_STREAM = """
() => {
  window.__answerTexts = [];
  const box = document.querySelector('#chatbot');
  new MutationObserver(() => {
    const bots = box.querySelectorAll('.message.bot, [data-testid="bot"]');
    if (bots.length) window.__answerTexts.push(bots[bots.length - 1].innerText);
  }).observe(box, {subtree: true, childList: true, characterData: true});
}
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    running = start_app(tmp_path_factory.mktemp("browser") / "home")
    yield running
    running.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not CHROMIUM:
        pytest.skip("chromium is not installed (apt-get install chromium); the browser test needs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def test_browse_chat_and_search_in_the_browser(server: Running, browser: object,
                                               tmp_path_factory: pytest.TempPathFactory) -> None:
    from playwright.sync_api import expect

    shots = tmp_path_factory.mktemp("screenshots")
    docs = README_SHOTS if UPDATE_README_SHOTS else shots  # the README's pictures only when asked for
    docs.mkdir(parents=True, exist_ok=True)
    personas = server.services.store.load().personas
    first, other = personas[0], personas[5]
    page = browser.new_page(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    page.set_default_timeout(TIMEOUT)
    page.goto(server.url)

    # Personas: a card per persona; a card's Profile button opens its profile with plots and data.
    page.get_by_role("button", name=f"Chat with {first.name}").wait_for()
    assert page.locator(".persona-card").count() == len(personas)
    page.screenshot(path=str(shots / "personas.png"), full_page=True)
    page.locator(".card-profile").nth(1).click()
    page.locator("#profile").get_by_text(personas[1].name).first.wait_for()
    page.get_by_text("Topic distribution").first.wait_for()
    page.get_by_text("Underlying data").click()  # the data behind the profile, as a table
    expect(page.locator("#content-table")).to_contain_text(personas[1].stats.top_content[0].content_id)
    page.wait_for_timeout(1000)  # plots draw
    page.locator("#profile-section").screenshot(path=str(docs / "persona_profile.png"))

    # Chat: the card's Chat button opens the chat with that persona; the answer streams in, then its sources.
    page.get_by_role("button", name=f"Chat with {first.name}").click()
    page.locator("#chat-dd input").wait_for()
    assert first.name in page.locator("#chat-dd input").input_value()
    page.evaluate(WATCH_STREAM)
    page.locator("#question textarea").fill("What do you watch most?")
    page.locator("#send").click()
    chatbot = page.locator("#chatbot")
    chatbot.get_by_text("Sources").wait_for()
    chatbot.get_by_text("FAITHFUL").first.wait_for()
    texts = page.evaluate("window.__answerTexts")
    partial = {t for t in texts if t.strip() and "Sources" not in t and "Loading" not in t}
    assert len(partial) >= 2, f"the answer should grow in pieces before its sources appear (streamed): {texts[:5]}"
    final = chatbot.inner_text()
    assert "What do you watch most?" in final and re.search(r"\[\d+\]", final)
    assert f"{first.id}:" in final  # cited fact ids of this persona
    page.screenshot(path=str(docs / "chat.png"), full_page=True)
    page.locator("#new-conversation").click()
    page.wait_for_function("!document.querySelector('#chatbot').innerText.includes('Sources')")

    # Search: ranked cards with why; one click opens the chat with that persona.
    page.locator("#tab-search-button, button[role=tab]:has-text('Search')").first.click()
    query = f"{other.gender} {other.country}"
    page.locator("#search-query textarea").fill(query)
    page.locator("#search-go").click()
    hit_button = page.locator(".hit-chat").first
    hit_button.wait_for()
    assert other.name in page.locator("#tab-search").inner_text()
    page.screenshot(path=str(shots / "search.png"), full_page=True)
    name = hit_button.inner_text().removeprefix("Chat with ").strip()
    hit_button.click()
    page.locator("#question textarea").wait_for(state="visible")
    assert name in page.locator("#chat-dd input").input_value()

    # Generate and Evaluate: the forms render (their work is tested through the API).
    page.locator("button[role=tab]:has-text('Generate')").first.click()
    csv = shots / "views.csv"
    small_audience()["interactions"].to_csv(csv, index=False)
    page.locator("#up-inter input[type=file]").set_input_files(str(csv))
    expect(page.locator("#generate-columns")).to_contain_text("gender")  # detected columns offered
    expect(page.locator("#generate-content-col input")).to_have_value("content_id")
    page.locator("#generate-k textarea, #generate-k input").first.fill("2")
    page.locator("#generate-go").click()
    expect(page.locator("#generate-status")).to_contain_text("Built", timeout=120_000)
    expect(page.locator("#generate-status")).to_contain_text("views@v1")
    page.screenshot(path=str(shots / "generate.png"), full_page=True)
    # The new set is this page's only: picked in its dropdown, while the active set (everyone's default) stays.
    expect(page.locator("#set-dd input")).to_have_value(re.compile(r"views@v1"))
    assert server.services.store.active_ref() == (personas[0].set_name, personas[0].set_version)
    page.locator("#set-dd input").click()
    demo_ref = f"{personas[0].set_name}@v{personas[0].set_version}"
    page.get_by_role("option", name=re.compile(re.escape(demo_ref))).first.click()
    expect(page.locator("#set-dd input")).to_have_value(re.compile(re.escape(demo_ref)))
    page.locator("button[role=tab]:has-text('Evaluate')").first.click()
    page.locator("#evaluate-go").click()  # 40 generated questions through the grounded chat
    expect(page.locator("#evaluate-status")).to_contain_text("Evaluated", timeout=120_000)
    files = page.locator("#evaluate-files")
    expect(files).to_contain_text(re.compile(r"report\s*\.html"))
    expect(files).to_contain_text(re.compile(r"ragas\s*\.jsonl"))
    report = httpx.get(files.locator("a").first.get_attribute("href") or "", timeout=30)
    assert report.status_code == 200 and "faithfulness" in report.text.lower()  # the download is served
    page.wait_for_timeout(1000)  # plots draw
    page.screenshot(path=str(shots / "evaluate.png"), full_page=True)
    print(f"screenshots: {shots} (all tabs)" + (f"; README pictures: {docs}" if UPDATE_README_SHOTS else ""))
    for f in ("chat.png", "persona_profile.png"):
        assert (docs / f).stat().st_size > 10_000
    for f in ("personas.png", "search.png", "generate.png", "evaluate.png"):
        assert (shots / f).stat().st_size > 10_000
