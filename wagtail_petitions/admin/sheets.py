"""Printable A4 paper signature sheets for one petition in one language: the HTML sheet (printed from a browser)
and the same content as a PDF (``sheet_pdf``)."""

from __future__ import annotations

from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils import translation
from django.utils.http import content_disposition_header
from django.views.generic import TemplateView

from .permissions import get_petition_for_user

SHEET_ROWS = 20


class SignatureSheetView(TemplateView):
    """A printable A4 signature sheet for one petition in one language (the page's), as HTML or ``?format=pdf``."""

    template_name = "wagtail_petitions/admin/signature_sheet.html"

    def get(self, request, page_id):
        petition = get_petition_for_user(request.user, page_id)
        try:
            rows = max(1, min(int(request.GET.get("rows", SHEET_ROWS)), 200))
        except ValueError:
            rows = SHEET_ROWS
        if request.GET.get("format") == "pdf":
            # Loaded on the first PDF only: ReportLab adds about 15 MB to the memory of every app process.
            from .sheet_pdf import render_signature_sheet_pdf

            response = HttpResponse(render_signature_sheet_pdf(petition, rows=rows), content_type="application/pdf")
            filename = f"signature-sheet-{petition.slug}-{petition.language_code}.pdf"
            # RFC 6266 ``filename*``: a slug may be accented or non-Latin, and headers are Latin-1.
            response["Content-Disposition"] = content_disposition_header(True, filename)
            return response
        with translation.override(petition.language_code):
            return TemplateResponse(
                request,
                self.template_name,
                {
                    "petition": petition,
                    "rows": range(1, rows + 1),
                    "translations": petition.get_translations(inclusive=True).select_related("locale"),
                },
            ).render()
