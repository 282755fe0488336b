"""What signers type: its limits and normalisation. Plain text is stored as typed (escaped on output), never
HTML-cleaned.

The limits are shared by the signature model's columns and the signing form's fields, so the two cannot disagree.
"""

import re
import unicodedata

import idna

#: Longest first or last name; the ``AbstractSignature`` columns and the ``SignatureForm`` fields both use it.
NAME_MAX_LENGTH = 100
#: RFC 5321's limit on a forward path.
EMAIL_MAX_LENGTH = 254
POSTAL_CODE_MAX_LENGTH = 16
#: Partner slugs and campaign source codes.
CODE_MAX_LENGTH = 64

# Cc (control characters, U+0000-U+001F and U+007F-U+009F) and Cs (lone surrogates, U+D800-U+DFFF, which JSON can
# carry but no database or UTF-8 file can store), plus the line and paragraph separators, which are not Cc but break
# CSV rows and log lines all the same. One character class: a walk calling unicodedata per character cost more.
_CONTROL_CLASS = r"\x00-\x1f\x7f-\x9f\u2028\u2029"
_FORBIDDEN = re.compile(rf"[{_CONTROL_CLASS}\ud800-\udfff]")


def has_control_characters(value: str) -> bool:
    return _FORBIDDEN.search(value) is not None


# Unicode's Default_Ignorable_Code_Point characters (DerivedCoreProperties.txt): drawn as nothing, so two addresses
# that differ only by them look the same. Soft hyphen, zero-width space and joiners, bidi marks and controls, word
# joiner and invisible operators, Hangul fillers, variation selectors, BOM, and the tag characters.
_DEFAULT_IGNORABLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f"
    "\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0000-\U000e0fff]"
)
# In a name: bidi controls (which reorder what follows them, "Ada\u202egnirts" shows as "Adastring") and the
# zero-width characters that carry nothing. The zero-width non-joiner and joiner stay allowed between letters, where
# Persian, Hindi and other scripts spell with them; anywhere else they only hide something.
_NAME_INVISIBLE_CLASS = r"\u00ad\u061c\u180e\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff"
_NAME_INVISIBLE = re.compile(f"[{_NAME_INVISIBLE_CLASS}]")
_JOINERS_CLASS = r"\u200c\u200d"
_JOINERS = re.compile(f"[{_JOINERS_CLASS}]")


def forbidden_in_text_class() -> str:
    """The characters ``has_control_characters`` refuses, as the inside of a regular expression character class
    for the API's JSON Schema patterns: without the lone surrogates, which no JSON Schema regex may name (and which
    a valid JSON string of text never holds)."""
    return _CONTROL_CLASS


def forbidden_in_names_class() -> str:
    """What a name may not hold, as the inside of a character class: control characters, the invisible ones and
    the joiners (a pattern cannot say "between letters", so it leaves the joiners out altogether)."""
    return _CONTROL_CLASS + _NAME_INVISIBLE_CLASS + _JOINERS_CLASS


def has_default_ignorable_characters(value: str) -> bool:
    """Whether ``value`` holds a character that Unicode says is drawn as nothing (refused in email addresses)."""
    return _DEFAULT_IGNORABLE.search(value) is not None


def has_invisible_name_characters(value: str) -> bool:
    """Whether the name ``value`` holds a bidi control or a zero-width character (refused in names)."""
    if _NAME_INVISIBLE.search(value) is not None:
        return True
    for match in _JOINERS.finditer(value):
        start, end = match.start(), match.end()
        if not (
            0 < start and end < len(value) and _is_letter_or_mark(value[start - 1]) and _is_letter_or_mark(value[end])
        ):
            return True
    return False


def _is_letter_or_mark(character: str) -> bool:
    return unicodedata.category(character)[0] in "LM"


def normalize_email(email: str) -> str:
    """The form of an address used to recognise a repeat signer: one form per mailbox.

    Surrounding spaces dropped; the local part NFKC-normalised and case folded; the domain NFKC-normalised and
    written in IDNA's ASCII form (UTS 46: ``ｅｘａｍｐｌｅ.com``, ``EXAMPLE.com`` and ``example。com`` are all
    ``example.com``, ``bücher.de`` is ``xn--bcher-kva.de``). A domain IDNA refuses keeps its NFKC, lower-case form
    (the form validated the address already; this never raises).
    """
    local, at, domain = unicodedata.normalize("NFKC", email.strip()).rpartition("@")
    if not at:
        return unicodedata.normalize("NFKC", email.strip()).lower()
    return f"{local.lower()}@{ascii_domain(domain)}"


def ascii_domain(domain: str) -> str:
    """``domain`` (NFKC-normalised) in IDNA's lower-case ASCII form, or lower-cased where IDNA refuses it.

    An ASCII domain skips the ``idna`` package (pure Python, a tenth of a signing request's time): UTS 46 maps an
    ASCII character only by lower-casing it, and whether IDNA accepts or refuses the domain, the answer is then the
    lower-cased domain. A differential test pins this shortcut to ``idna``'s own answer.
    """
    if domain.isascii():
        return domain.lower()
    try:
        return idna.encode(domain, uts46=True).decode("ascii").lower()
    except (idna.IDNAError, UnicodeError, ValueError):
        return domain.lower()
