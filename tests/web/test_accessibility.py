"""Colour contrast of the stylesheet (WCAG 2.1 AA: 4.5:1 for text) and labelled form fields."""

import re
from pathlib import Path

import pytest

import migralex.web

CSS = (Path(migralex.web.__file__).parent / "static" / "web" / "migralex.css").read_text()


def _luminance(hex_colour: str) -> float:
    hex_colour = hex_colour.lstrip("#")
    if len(hex_colour) == 3:
        hex_colour = "".join(c * 2 for c in hex_colour)
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


VARS = dict(re.findall(r"--([a-z]+):\s*(#[0-9a-fA-F]{3,6})", CSS))


@pytest.mark.parametrize(
    ("fg", "bg"),
    [
        ("fg", "bg"),
        ("muted", "bg"),
        ("accent", "bg"),
        ("ok", "bg"),
        ("bad", "bg"),
        ("fg", "soft"),
        ("muted", "soft"),
        ("accent", "soft"),
        ("fg", "mark"),
    ],
)
def test_text_colours_pass_wcag_aa(fg, bg):
    assert contrast(VARS[fg], VARS[bg]) >= 4.5, (fg, bg, VARS[fg], VARS[bg])


def test_white_on_accent_and_diff_colours_pass_wcag_aa():
    assert contrast("#ffffff", VARS["accent"]) >= 4.5
    assert contrast("#0f4d1f", "#e6f4ea") >= 4.5  # added lines
    assert contrast("#7a1013", "#fdeaea") >= 4.5  # removed lines


def test_contrast_function_knows_the_extremes():
    assert round(contrast("#000000", "#ffffff"), 1) == 21.0
    assert contrast("#777777", "#ffffff") < 4.5


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/en/sources/add/", "/en/upload/", "/en/login/"])
def test_every_form_field_has_a_label(path, analyst_client):
    client, _ = analyst_client
    html = client.get(path).content.decode()
    ids = re.findall(
        r'<(?:input|select|textarea)(?![^>]*type="(?:hidden|submit)")[^>]*\bid="([^"]+)"', html
    )
    assert ids
    for field_id in ids:
        assert f'<label for="{field_id}"' in html, field_id
