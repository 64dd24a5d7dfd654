"""The pages in a real browser: Playwright driving Debian's Chromium against a live server.

Skipped with a message when Chromium is missing, except under CI=true where that is a failure.
Screenshots go to test-output/ (git-ignored)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.factories import UserFactory
from tests.web.conftest import LAW_AR, LAW_FR, NEWS_EN

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = os.environ.get("MIGRALEX_CHROMIUM", "/usr/bin/chromium")
OUTPUT = Path(__file__).resolve().parents[2] / "test-output" / "browser"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def browser():
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        message = f"Chromium not found at {CHROMIUM} (install it: scripts/test-packages.txt)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
    # between browser steps are plain synchronous code, which Django must be told is fine.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, request):
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield page
    context.close()
    # Our own pages must run under the CSP without a single refused script or style.
    assert not [e for e in errors if "Content Security Policy" in e or "Refused" in e], errors


@pytest.fixture
def site(live_server, ingest):
    docs = {
        "fr": ingest(LAW_FR, "loi-02-03.txt"),
        "ar": ingest(LAW_AR, "qanun-19-12.txt"),
        "en": ingest(NEWS_EN, "tunisia-strategy.txt"),
    }
    return live_server.url, docs


def shot(page, name: str) -> Path:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    path = OUTPUT / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def sign_in(page, base: str, role: str, lang: str = "en"):
    user = UserFactory(role=role)
    page.goto(f"{base}/{lang}/login/")
    page.get_by_label({"en": "User name", "fr": "Nom d'utilisateur"}[lang]).fill(user.username)
    page.get_by_label({"en": "Password", "fr": "Mot de passe"}[lang]).fill("secret-pass-123")
    page.locator("main button[type=submit]").click()
    page.wait_for_url(f"{base}/{lang}/")
    return user


@pytest.mark.parametrize(
    ("lang", "query", "key"),
    [("fr", "travailleurs", "fr"), ("ar", "العمال", "ar"), ("en", "strategy", "en")],
)
def test_search_in_each_language(page, site, lang, query, key):
    base, docs = site
    page.goto(f"{base}/{lang}/search/")
    page.locator("#q").fill(query)
    page.locator("#q").press("Enter")
    page.wait_for_url("**q=**")
    hit = page.locator(f'li.hit[data-id="{docs[key].pk}"]')
    assert hit.count() == 1
    assert hit.locator("mark").count() >= 1
    shot(page, f"search-{lang}")


def test_facet_checkbox_filters_at_once(page, site):
    base, docs = site
    page.goto(f"{base}/en/search/")
    assert page.locator("li.hit").count() == 3
    page.locator('fieldset[data-facet="country"] input[value="TN"]').check()
    page.wait_for_url("**country=TN**")
    assert page.locator("li.hit").count() == 1
    assert page.locator(f'li.hit[data-id="{docs["en"].pk}"]').count() == 1
    assert page.locator('input[name="country"][value="TN"]').is_checked()


def test_arabic_is_right_to_left_throughout(page, site):
    base, docs = site
    page.goto(f"{base}/ar/")
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    assert page.locator("html").get_attribute("dir") == "rtl"
    # Mirrored layout: the brand sits at the right edge, the language buttons at the left.
    brand = page.locator(".brand").bounding_box()
    langs = page.locator(".langs").bounding_box()
    assert brand["x"] > langs["x"]
    assert shot(page, "dashboard-ar").stat().st_size > 0
    page.goto(f"{base}/ar/documents/{docs['ar'].pk}/")
    assert page.evaluate("getComputedStyle(document.querySelector('.text')).direction") == "rtl"
    shot(page, "document-ar")


def test_document_page_from_a_result(page, site):
    base, docs = site
    page.goto(f"{base}/fr/search/?q=travailleurs")
    page.locator(f'li.hit[data-id="{docs["fr"].pk}"] h3 a').click()
    page.wait_for_url(f"**/fr/documents/{docs['fr'].pk}/**")
    assert page.locator(".text mark").first.inner_text() == "travailleurs"
    assert "02-03" in page.locator("dl.facts").inner_text()
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger l'original").click()
    assert download.value.suggested_filename == "loi-02-03.txt"
    shot(page, "document-fr")


def test_upload_a_document(page, site, tmp_path):
    base, _ = site
    sign_in(page, base, "contributor")
    page.get_by_role("link", name="Upload").click()
    file = tmp_path / "circulaire.txt"
    file.write_text("Circulaire relative à la régularisation des étrangers.", encoding="utf-8")
    page.get_by_label("File").set_input_files(str(file))
    page.get_by_role("button", name="Upload").click()
    page.wait_for_url("**/en/documents/*/")
    assert "The document was added." in page.locator(".messages").inner_text()
    assert "régularisation" in page.locator(".text").inner_text()


def test_analyst_corrects_themes(page, site):
    base, docs = site
    sign_in(page, base, "analyst")
    page.goto(f"{base}/en/documents/{docs['en'].pk}/")
    box = page.locator('.correct input[value="education"]')
    box.check()
    page.get_by_label("Document type").select_option("report")
    page.get_by_role("button", name="Save the correction").click()
    page.wait_for_url(f"**/en/documents/{docs['en'].pk}/")
    assert "Your correction was saved." in page.locator(".messages").inner_text()
    assert page.locator('ul.themes li[data-theme="education"] .badge').count() == 1
    assert page.locator('[data-field="doc_type"]').inner_text() == "Report"


def test_language_switch_keeps_the_page(page, site):
    base, _ = site
    page.goto(f"{base}/en/search/?q=strategy")
    page.locator('.langs button[value="ar"]').click()
    page.wait_for_url(f"{base}/ar/search/?q=strategy")
    assert page.locator("html").get_attribute("lang") == "ar"
    assert page.locator("h1").inner_text() == "البحث"
    page.locator('.langs button[value="fr"]').click()
    page.wait_for_url(f"{base}/fr/search/?q=strategy")
    assert page.locator("h1").inner_text() == "Recherche"


def test_keyboard_reaches_the_content_first(page, site):
    base, _ = site
    page.goto(f"{base}/en/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert focused == "skip"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    # Every form control of the search page has a label.
    page.goto(f"{base}/en/search/?q=strategy")
    unlabelled = page.evaluate(
        """[...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
           .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label'))
           .map(e => e.name)"""
    )
    assert unlabelled == []


def test_api_docs_page_works_offline(page, live_server):
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto(f"{live_server.url}/api/v1/docs/")
    page.wait_for_selector(".swagger-ui .opblock", timeout=20_000)
    assert page.locator(".swagger-ui .opblock").count() >= 10
    assert all(url.startswith(live_server.url) for url in requested), requested
