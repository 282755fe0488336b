"""Keep signers' email addresses and IP addresses out of log lines, error paths included.

The plugin itself never logs personal data; but an exception's message can carry it (PostgreSQL's unique-violation
``DETAIL`` names the key, an email), and Django logs that message and its traceback for every 500. Put
``RedactPersonalData`` on every log handler (``LOGGING["filters"]``, as ``petitions_site.settings.base`` does): it
replaces addresses in the message, its arguments and the traceback text with ``[email]`` and ``[ip]``.
"""

from __future__ import annotations

import logging
import re
import traceback

EMAIL = re.compile(r"[^\s@<>()\[\],;:\"'=]+@[^\s@<>()\[\],;:\"']+")
IPV4 = re.compile(r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.])")
# Eight groups, or fewer with one "::"; at least two colons, so "12:30" is not an address.
IPV6 = re.compile(r"(?<![\w:])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![\w:])")


def redact(text: str) -> str:
    text = EMAIL.sub("[email]", text)
    text = IPV4.sub("[ip]", text)
    return IPV6.sub(_ipv6, text)


def _ipv6(match) -> str:
    # A full address has seven colons; a shortened one has "::". "12:30:00" is a time.
    value = match.group(0)
    return "[ip]" if value.count(":") == 7 or ("::" in value and value != "::") else value


class RedactPersonalData(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: log it as it is rather than lose the record
            message = str(record.msg)
        record.msg, record.args = redact(message), ()
        if record.exc_info:
            record.exc_text = redact("".join(traceback.format_exception(*record.exc_info)).rstrip("\n"))
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True
