"""Stable cursors over a partner's signatures: keyset pagination on the primary key.

A cursor names the last row a page ended with (and the petition it belongs to), signed so that it is opaque and
cannot be forged or carried over to another petition. Rows signed or confirmed meanwhile never shift a page, and a
row is never served twice nor skipped by moving from one page to the next.
"""

from __future__ import annotations

from django.core import signing
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError

SALT = "widget_api.partner.cursor"


def make_cursor(petition, last_pk) -> str:
    return signing.dumps({"p": str(petition.get_tally_key()), "after": last_pk}, salt=SALT, compress=True)


def read_cursor(petition, value: str | None):
    """The primary key a cursor continues after, or ``None`` for the first page."""
    if not value:
        return None
    try:
        data = signing.loads(value, salt=SALT)
    except signing.BadSignature:
        data = None
    if not isinstance(data, dict) or data.get("p") != str(petition.get_tally_key()) or "after" not in data:
        raise ValidationError(
            {"cursor": [_("This cursor is not one this API gave for this petition.")]}, code="invalid"
        )
    return data["after"]


def read_limit(value: str | None, *, default: int, maximum: int) -> int:
    """``default`` without ``?limit=``; else the digits of an integer from 1 to ``maximum`` (the schema's integer:
    not ``+5``, `` 5`` nor an empty value, which ``int()`` would read or a client could mean as "no limit")."""
    if value is None:
        return default
    limit = int(value) if value.isascii() and value.isdigit() and len(value.lstrip("0")) <= 9 else 0
    if not 1 <= limit <= maximum:
        raise ValidationError(
            {"limit": [_("Give a number from 1 to %(maximum)s.") % {"maximum": maximum}]}, code="invalid"
        )
    return limit


def after(queryset, last_pk):
    return queryset if last_pk is None else queryset.filter(pk__gt=last_pk)


def page(queryset, last_pk, limit: int) -> tuple[list, object | None]:
    """The rows of one page and the primary key the next page continues after (``None``: this is the last)."""
    rows = list(after(queryset, last_pk)[: limit + 1])
    if len(rows) > limit:
        return rows[:limit], rows[limit - 1].pk
    return rows, None


def page_end(queryset, last_pk, limit: int):
    """Without reading the rows: the primary key the page after this one continues after, or ``None``."""
    keys = list(after(queryset, last_pk).values_list("pk", flat=True)[limit - 1 : limit + 1])
    return keys[0] if len(keys) == 2 else None
