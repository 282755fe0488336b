"""CSV for the open-data endpoints (``?format=csv``): UTF-8, one header row, the columns a view names.

A view answering CSV passes a ``CSVTable`` as the response data; the renderer writes it with Python's ``csv``
module. Text cells that a spreadsheet would read as a formula are neutralised as in the admin's exports
(``wagtail_petitions.admin.exports.neutralise_cell``).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from rest_framework.renderers import BaseRenderer

from wagtail_petitions.admin.exports import neutralise_cell


@dataclass(frozen=True)
class CSVTable:
    columns: tuple[str, ...]
    rows: list[tuple]
    filename: str


class CSVRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        if isinstance(data, CSVTable):
            writer.writerow(data.columns)
            for row in data.rows:
                writer.writerow(["" if cell is None else neutralise_cell(cell) for cell in row])
            response = (renderer_context or {}).get("response")
            if response is not None:
                response["Content-Disposition"] = f'attachment; filename="{data.filename}"'
        elif isinstance(data, dict):  # an error: its fields and messages
            writer.writerow(("field", "message"))
            for name, value in data.items():
                writer.writerow((name, neutralise_cell(str(value))))
        return out.getvalue().encode(self.charset)
