"""The PDF of a paper signature sheet, drawn with ReportLab (pure Python, no system libraries needed).

The HTML sheet (``wagtail_petitions/admin/signature_sheet.html``) prints the same content from a browser.
"""

from __future__ import annotations

from io import BytesIO
from pathlib import Path
from xml.sax.saxutils import escape

from django.utils import translation
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, TableStyle
from reportlab.platypus.tables import LongTable

# A Unicode font if the system has one (Debian's fonts-dejavu); else ReportLab's built-in Helvetica (Latin-1).
UNICODE_FONTS = [
    ("DejaVuSans", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    ("DejaVuSans-Bold", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
]


def _fonts() -> tuple[str, str]:
    if all(Path(path).exists() for _name, path in UNICODE_FONTS):
        for name, path in UNICODE_FONTS:
            if name not in pdfmetrics.getRegisteredFontNames():
                pdfmetrics.registerFont(TTFont(name, path))
        return UNICODE_FONTS[0][0], UNICODE_FONTS[1][0]
    return "Helvetica", "Helvetica-Bold"


def render_signature_sheet_pdf(petition, rows: int = 20) -> bytes:
    """An A4 PDF: title, addressed to, summary, privacy notice, then ``rows`` numbered lines to sign."""
    regular, bold = _fonts()
    styles = {
        "title": ParagraphStyle("title", fontName=bold, fontSize=15, leading=19, spaceAfter=4),
        "meta": ParagraphStyle("meta", fontName=regular, fontSize=9.5, leading=12, textColor=colors.HexColor("#333")),
        "text": ParagraphStyle("text", fontName=regular, fontSize=10, leading=13, spaceAfter=4),
        "small": ParagraphStyle(
            "small", fontName=regular, fontSize=7.5, leading=9.5, textColor=colors.HexColor("#444")
        ),
        "head": ParagraphStyle("head", fontName=bold, fontSize=9, leading=11),
    }

    def para(text, style):
        return Paragraph(escape(text or "").replace("\n", "<br/>"), styles[style])

    output = BytesIO()
    with translation.override(petition.language_code):
        doc = SimpleDocTemplate(
            output,
            pagesize=A4,
            leftMargin=15 * mm,
            rightMargin=15 * mm,
            topMargin=14 * mm,
            bottomMargin=14 * mm,
            title=petition.title,
            author=_("Petition signature sheet"),
        )
        story = [
            para(petition.title, "title"),
            para(_("Addressed to: %(target)s") % {"target": petition.target}, "meta"),
            Spacer(1, 3 * mm),
            para(petition.summary, "text"),
        ]
        header = [
            para("#", "head"),
            para(_("First and last name"), "head"),
            para(_("Country or postal code"), "head"),
            para(_("Signature"), "head"),
        ]
        data = [header] + [[para(str(n), "meta"), "", "", ""] for n in range(1, rows + 1)]
        table = LongTable(
            data, colWidths=[10 * mm, 75 * mm, 45 * mm, 50 * mm], rowHeights=[8 * mm] + [9 * mm] * rows, repeatRows=1
        )
        table.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#555")),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ]
            )
        )
        story += [Spacer(1, 4 * mm), table, Spacer(1, 4 * mm)]
        notice = petition.get_privacy_notice()
        if notice:
            story.append(para(_("Privacy notice: %(notice)s") % {"notice": notice}, "small"))
        story.append(
            para(
                _("Return this sheet to the organisers. Signatures are counted; the sheets are not published."),
                "small",
            )
        )
        doc.build(story)
    return output.getvalue()
