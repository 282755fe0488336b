"""Streaming spreadsheet (CSV) export of signatures, in constant memory whatever the number of rows.

``stream_csv(queryset, columns)`` yields the CSV a chunk at a time while reading the rows with a server-side
cursor (``QuerySet.iterator(chunk_size=...)``), so exporting a million signatures holds a few thousand rows in
memory at most. Give it to ``StreamingHttpResponse``::

    response = StreamingHttpResponse(stream_csv(signatures, SIGNATURE_COLUMNS), content_type="text/csv")

Every cell is neutralised against formula injection: a value a spreadsheet would run as a formula (starting with
``=``, ``+``, ``-``, ``@``, a tab or a carriage return) gets a leading apostrophe.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
DEFAULT_CHUNK_SIZE = 2000

# (heading, field path or callable(row) -> value). Field paths follow relations with "__", like values_list().
Column = tuple[str, str | Callable[[Any], Any]]

SIGNATURE_COLUMNS: list[Column] = [
    ("Signed at", "created_at"),
    ("First name", "first_name"),
    ("Last name", "last_name"),
    ("Email", "email"),
    ("Country", "country"),
    ("Postal code", "postal_code"),
    ("Partner", "partner__slug"),
    ("Source", "source"),
    ("Language", "language"),
    ("Channel", "channel"),
    ("State", "state"),
    ("Agreed to updates", "consent_updates"),
    ("Agreed to partner contact", "consent_partner"),
]


def neutralise_cell(value: Any) -> str:
    """The text of a cell, with a leading apostrophe if a spreadsheet would read it as a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    text = str(value)
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


class _Line:
    """A file-like object whose ``write`` returns what was written, so ``csv.writer`` can feed a generator."""

    def write(self, value: str) -> str:
        return value


def iter_rows(queryset, columns: Sequence[Column], chunk_size: int = DEFAULT_CHUNK_SIZE) -> Iterator[list[str]]:
    """The neutralised cells of each row. Plain field paths are read with ``values_list``, not model instances."""
    paths = [source for _, source in columns if isinstance(source, str)]
    if all(isinstance(source, str) for _, source in columns):
        for values in queryset.values_list(*paths).iterator(chunk_size=chunk_size):
            yield [neutralise_cell(value) for value in values]
        return
    for obj in queryset.iterator(chunk_size=chunk_size):
        yield [neutralise_cell(_resolve(obj, source)) for _, source in columns]


def _resolve(obj, source):
    if callable(source):
        return source(obj)
    for part in source.split("__"):
        obj = getattr(obj, part, None)
        if obj is None:
            return None
    return obj


def stream_csv(
    queryset,
    columns: Sequence[Column] = SIGNATURE_COLUMNS,
    *,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    rows_per_chunk: int = 500,
    bom: bool = True,
) -> Iterable[str]:
    """Yield the CSV of ``queryset`` (headings first), ``rows_per_chunk`` rows per yielded string.

    ``bom`` starts the file with a UTF-8 byte-order mark so spreadsheet programs read accents right.
    """
    writer = csv.writer(_Line())
    head = writer.writerow([neutralise_cell(heading) for heading, _ in columns])
    yield ("\ufeff" + head) if bom else head
    buffer: list[str] = []
    for cells in iter_rows(queryset, columns, chunk_size=chunk_size):
        buffer.append(writer.writerow(cells))
        if len(buffer) >= rows_per_chunk:
            yield "".join(buffer)
            buffer.clear()
    if buffer:
        yield "".join(buffer)
