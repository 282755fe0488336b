"""Normalisation of what signers type. Plain text is stored as typed (escaped on output), never HTML-cleaned."""

import unicodedata

# Line and paragraph separators are not category Cc but break CSV rows and log lines all the same.
_FORBIDDEN_EXTRA = {"\u2028", "\u2029"}


# Cc: control characters; Cs: lone surrogates, which JSON can carry but no database or UTF-8 file can store.
_FORBIDDEN_CATEGORIES = {"Cc", "Cs"}


def has_control_characters(value: str) -> bool:
    return any(unicodedata.category(ch) in _FORBIDDEN_CATEGORIES or ch in _FORBIDDEN_EXTRA for ch in value)


def normalize_email(email: str) -> str:
    """The form of an address used to recognise a repeat signer: surrounding spaces dropped, case folded."""
    return email.strip().lower()
