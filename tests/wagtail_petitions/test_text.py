"""``wagtail_petitions.text``: what counts as a control character, and the normalised email."""

import sys
import unicodedata

from wagtail_petitions.text import has_control_characters, normalize_email


def test_control_characters_are_exactly_categories_cc_and_cs_and_the_separators():
    for code_point in range(sys.maxunicode + 1):
        character = chr(code_point)
        expected = unicodedata.category(character) in ("Cc", "Cs") or character in "\u2028\u2029"
        assert has_control_characters(f"Ada{character}Lovelace") is expected, hex(code_point)


def test_plain_text_has_none():
    assert not has_control_characters("Renée Łukasiewicz-Nguyễn 🌍 (N° 12)")
    assert not has_control_characters("")


def test_normalised_email():
    assert normalize_email("  Ada.Lovelace@Example.ORG ") == "ada.lovelace@example.org"
