"""The CSV of a partner's signers: the one exporter (``wagtail_petitions.admin.exports``), with the partner API's
columns. Rows are read in chunks and streamed; text cells that a spreadsheet would run are neutralised."""

import datetime

from wagtail_petitions.admin.exports import NeutralisedSpreadsheetExportMixin

from .serializers import SIGNER_COLUMNS


class SignerCSVExport(NeutralisedSpreadsheetExportMixin):
    list_export = [path for _key, path in SIGNER_COLUMNS]
    export_headings = {path: key for key, path in SIGNER_COLUMNS}
    custom_value_preprocess = {
        **NeutralisedSpreadsheetExportMixin.custom_value_preprocess,
        datetime.datetime: {
            NeutralisedSpreadsheetExportMixin.FORMAT_CSV: lambda value: value.isoformat(),
        },
    }
