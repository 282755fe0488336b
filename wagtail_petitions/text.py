"""What signers type: its limits and normalisation. Plain text is stored as typed (escaped on output), never
HTML-cleaned.

The limits are shared by the signature model's columns and the signing form's fields, so the two cannot disagree.
"""

import re

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
_FORBIDDEN = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029]")


def has_control_characters(value: str) -> bool:
    return _FORBIDDEN.search(value) is not None


def normalize_email(email: str) -> str:
    """The form of an address used to recognise a repeat signer: surrounding spaces dropped, case folded."""
    return email.strip().lower()
