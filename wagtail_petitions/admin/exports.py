"""The one spreadsheet exporter: Wagtail's ``SpreadsheetExportMixin`` (``?export=csv|xlsx``), streaming rows in
chunks, with every text cell neutralised.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return (after any spaces) is read as a
formula by spreadsheet programs (CSV injection); signers type names and emails, so such cells get a leading
apostrophe. Spreadsheets in many locales (French, German, Spanish...) split CSV on ``;``, others on tabs: a cell
``x;=1+1`` would become ``x`` and a formula. So a trigger that a ``;``, ``,`` or tab (then any spaces or quotes)
puts at the start of a piece gets an apostrophe too (``x;'=1+1``), and every CSV field is quoted
(``csv.QUOTE_ALL``), which keeps fields whole for readers that honour quotes.
"""

from __future__ import annotations

import csv
import re
import tempfile

from django.http import FileResponse
from wagtail.admin.views.mixins import Echo, SpreadsheetExportMixin
from wagtail.coreutils import multigetattr

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# A separator that some spreadsheet splits on, then spaces or quotes, before a trigger.
_SPLIT_BEFORE_TRIGGER = re.compile(r'([;,\t][\s"]*)(?=[=+\-@\t\r])')


def neutralise_cell(value):
    """``value``, made inert for spreadsheets if it is text that would start a formula."""
    if not isinstance(value, str):
        return value
    value = _SPLIT_BEFORE_TRIGGER.sub(r"\1'", value)
    if value.lstrip(' "').startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


class NeutralisedSpreadsheetExportMixin(SpreadsheetExportMixin):
    """Put before Wagtail's listing views: exports stream rows in chunks and neutralise text cells."""

    export_chunk_size = 2000

    def preprocess_field_value(self, field, value, export_format):
        return neutralise_cell(super().preprocess_field_value(field, value, export_format))

    def to_row_dict(self, item):
        # A missing relation (no partner, deleted page) gives an empty cell, not an error.
        row = {}
        for field in self.list_export:
            try:
                row[field] = multigetattr(item, field)
            except AttributeError:
                row[field] = None
            if row[field] is None:
                row[field] = ""
        return row

    def get_heading(self, queryset, field):
        # Listings of plain objects (reports) have no model to take labels from: use the column's label.
        if field not in self.export_headings and getattr(queryset, "model", None) is None:
            for column in getattr(self, "columns", None) or []:
                if getattr(column, "name", None) == field:
                    return str(column.label)
        return super().get_heading(queryset, field)

    def get_context_data(self, *args, **kwargs):
        if self.is_export:
            # Only the rows are exported. Wagtail's listing context counts an unpaginated listing with
            # ``len(object_list)``, which would load every row (a million signatures: gigabytes) before the first
            # one is streamed.
            return {"object_list": self.object_list}
        return super().get_context_data(*args, **kwargs)

    def iter_export_items(self, queryset):
        iterator = getattr(queryset, "iterator", None)
        return iterator(chunk_size=self.export_chunk_size) if iterator else iter(queryset)

    def stream_csv(self, queryset):
        # Wagtail's ``stream_csv``, with every field quoted.
        writer = csv.DictWriter(Echo(), fieldnames=self.list_export, quoting=csv.QUOTE_ALL)
        yield writer.writerow({field: self.get_heading(queryset, field) for field in self.list_export})
        for item in self.iter_export_items(queryset):
            yield self.write_csv_row(writer, self.to_row_dict(item))

    def write_xlsx(self, queryset, output):
        return super().write_xlsx(_Iterated(queryset, self.iter_export_items(queryset)), output)

    def write_xlsx_response(self, queryset):
        # An XLSX file is a zip that can only be sent once complete: build it in a temporary file (in memory
        # while small, on disk beyond) and stream that file, instead of holding the whole workbook in memory.
        output = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
        self.write_xlsx(queryset, output)
        output.seek(0)
        return FileResponse(
            output,
            as_attachment=True,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            filename=f"{self.get_filename()}.xlsx",
        )


class _Iterated:
    """A queryset's ``model`` (for headings) with rows read in chunks instead of all at once."""

    def __init__(self, queryset, items):
        self.model = getattr(queryset, "model", None)
        self._items = items

    def __iter__(self):
        return self._items
