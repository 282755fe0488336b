"""``wagtail_petitions.text``: what counts as a control character, and the normalised email."""

import sys
import unicodedata

import idna
from hypothesis import example, given
from hypothesis import strategies as st

from wagtail_petitions.text import (
    ascii_domain,
    has_control_characters,
    has_default_ignorable_characters,
    has_invisible_name_characters,
    normalize_email,
)


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


def test_one_mailbox_has_one_normalised_form():
    plain = normalize_email("ada@example.com")
    for variant in [
        "Ada@EXAMPLE.com",
        "ada@\uff45\uff58\uff41\uff4d\uff50\uff4c\uff45.com",  # fullwidth ｅｘａｍｐｌｅ
        "ada@example\u3002com",  # ideographic full stop
        "ada@example\uff0ecom",  # fullwidth full stop
        "\uff41da@example.com",  # fullwidth letter in the local part
    ]:
        assert normalize_email(variant) == plain, variant
    assert normalize_email("zoé@Bücher.DE") == "zoé@xn--bcher-kva.de"
    assert normalize_email("ada@xn--bcher-kva.de") == normalize_email("ada@bücher.de")


def test_normalising_never_raises():
    for odd in ["no-at-sign", "a@-bad-.com", "a@[127.0.0.1]", "a@" + "x" * 300 + ".com", "a@ex..com", "@"]:
        assert isinstance(normalize_email(odd), str)


def idna_answer(domain: str) -> str:
    """What ``normalize_email`` gave for every domain before the ASCII shortcut: ``idna``'s own answer."""
    try:
        return idna.encode(domain, uts46=True).decode("ascii").lower()
    except (idna.IDNAError, UnicodeError, ValueError):
        return domain.lower()


ASCII_LABEL = st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E), max_size=70)


@given(st.lists(st.one_of(ASCII_LABEL, ASCII_LABEL.map(lambda label: "xn--" + label)), max_size=5).map(".".join))
@example("EXAMPLE.com")
@example("xn--bcher-kva.de")
@example("XN--BCHER-KVA.DE")
@example("xn--.com")
@example("example.com.")
@example("-bad-.com")
@example("a..b")
@example("[127.0.0.1]")
@example("x" * 300 + ".com")
def test_the_ascii_shortcut_gives_idnas_answer(domain):
    assert ascii_domain(domain) == idna_answer(domain)


def test_non_ascii_domains_go_through_idna():
    assert ascii_domain("Bücher.DE") == idna_answer("Bücher.DE") == "xn--bcher-kva.de"
    assert ascii_domain("-bücher-.de") == idna_answer("-bücher-.de")


def test_default_ignorable_characters():
    for character in "\u00ad\u200b\u200c\u200d\u2060\ufeff\u202e\u2066\u180e\ufe0f\U000e0041":
        assert has_default_ignorable_characters(f"ada@exa{character}mple.com"), hex(ord(character))
    assert not has_default_ignorable_characters("zoé@bücher.de")


def test_names_refuse_bidi_controls_and_zero_width_characters():
    for name in [
        "Ada\u202egnirts",
        "Ada\u2066x\u2069",
        "Ad\u200ba",
        "\ufeffAda",
        "Ada\u200d",
        "\u200cAda",
        "A\u00adda",
    ]:
        assert has_invisible_name_characters(name), ascii(name)
    # Scripts that spell with the zero-width non-joiner or joiner between letters keep them.
    for name in [
        "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645",
        "\u0915\u094d\u200d\u0937",
        "Zoé",
        "Ó Súilleabháin",
    ]:
        assert not has_invisible_name_characters(name), ascii(name)
