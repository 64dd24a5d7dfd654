"""The interface in French, Arabic and English: complete catalogues, every page in each language,
right-to-left Arabic, error pages in the three languages."""

import gettext
import re
from pathlib import Path

import pytest
from django.test import Client

import migralex.web
from tests.factories import DocumentFactory

WEB = Path(migralex.web.__file__).parent
LANGS = ("fr", "ar", "en")
_FIELD = re.compile(r'^(msgid|msgid_plural|msgstr(?:\[\d\])?) "(.*)"$')


def _catalog(lang: str) -> dict[str, list[str]]:
    """{msgid: [msgstr, …]} of a .po file (strings may be wrapped over several lines)."""
    text = (WEB / "locale" / lang / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    assert "#, fuzzy" not in text, f"{lang}: fuzzy entries are not used by Django"
    entries: dict[str, list[str]] = {}
    for block in text.split("\n\n"):
        fields: dict[str, str] = {}
        current = None
        for line in block.splitlines():
            match = _FIELD.match(line)
            if match:
                current = match.group(1)
                fields[current] = match.group(2)
            elif line.startswith('"') and current:
                fields[current] += line[1:-1]
        if fields.get("msgid"):
            entries[fields["msgid"]] = [v for k, v in fields.items() if k.startswith("msgstr")]
    return entries


@pytest.mark.parametrize("lang", LANGS)
def test_catalogues_are_complete_and_compiled(lang):
    entries = _catalog(lang)
    assert len(entries) > 200
    empty = [msgid for msgid, values in entries.items() if not all(values)]
    assert not empty, f"{lang}: untranslated {empty[:5]}"
    mo = gettext.GNUTranslations((WEB / "locale" / lang / "LC_MESSAGES" / "django.mo").open("rb"))
    assert mo.gettext("Dashboard") == {"fr": "Tableau de bord", "ar": "لوحة القيادة"}.get(
        lang, "Dashboard"
    )
    stale = [
        m
        for m, values in entries.items()
        if len(values) == 1 and "\\" not in m and mo.gettext(m) != values[0]
    ]
    assert not stale, f"{lang}: .mo older than .po, run compilemessages: {stale[:5]}"


def test_every_template_string_is_in_the_catalogue():
    known = set(_catalog("fr"))
    missing = set()
    for template in (WEB / "templates").rglob("*.html"):
        for msgid in re.findall(r'{% translate "([^"]+)"', template.read_text(encoding="utf-8")):
            if msgid not in known:
                missing.add(msgid)
    assert not missing, f"run makemessages: {sorted(missing)[:5]}"


@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("path", ["", "search/", "sources/", "login/", "search/?q=loi"])
def test_every_page_renders_in_each_language(lang, path, thesaurus):
    DocumentFactory()
    response = Client().get(f"/{lang}/{path}")
    assert response.status_code == 200
    html = response.content.decode()
    direction = "rtl" if lang == "ar" else "ltr"
    assert f'<html lang="{lang}" dir="{direction}">' in html
    if lang == "fr":
        assert "Tableau de bord" in html and "Recherche" in html
    if lang == "ar":
        assert "لوحة القيادة" in html and "البحث" in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("lang", "title"),
    [("fr", "Page introuvable"), ("ar", "الصفحة غير موجودة"), ("en", "Page not found")],
)
def test_404_page_in_each_language(lang, title):
    response = Client().get(f"/{lang}/documents/999999/")
    assert response.status_code == 404
    html = response.content.decode()
    assert title in html
    assert f'<html lang="{lang}"' in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("lang", "title"), [("fr", "Accès refusé"), ("ar", "الولوج مرفوض"), ("en", "Access refused")]
)
def test_403_page_in_each_language(lang, title, reader_client):
    client, _ = reader_client
    response = client.get(f"/{lang}/upload/")
    assert response.status_code == 403
    assert title in response.content.decode()


@pytest.mark.parametrize(
    ("lang", "title"),
    [("fr", "Erreur du serveur"), ("ar", "خطأ في الخادم"), ("en", "Server error")],
)
def test_500_page_in_each_language(lang, title):
    from django.template import loader
    from django.utils import translation

    with translation.override(lang):
        html = loader.get_template("500.html").render()
    assert title in html
    assert f'<html lang="{lang}" dir="{"rtl" if lang == "ar" else "ltr"}">' in html


@pytest.mark.django_db
def test_language_switch_keeps_the_page_and_query(thesaurus):
    client = Client()
    response = client.post("/i18n/setlang/", {"language": "ar", "next": "/fr/search/?q=loi"})
    assert response.status_code == 302
    assert response["Location"] == "/ar/search/?q=loi"
