"""Normalisation of what signers type. Plain text is stored as typed (escaped on output), never HTML-cleaned."""

import unicodedata

# Line and paragraph separators are not category Cc but break CSV rows and log lines all the same.
_FORBIDDEN_EXTRA = {"\u2028", "\u2029"}


def has_control_characters(value: str) -> bool:
    return any(unicodedata.category(ch) == "Cc" or ch in _FORBIDDEN_EXTRA for ch in value)


def normalize_email(email: str) -> str:
    """The form of an address used to recognise a repeat signer: surrounding spaces dropped, case folded."""
    return email.strip().lower()
