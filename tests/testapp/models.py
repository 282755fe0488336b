"""What a site that needs more than the default does: its own signing form, signature model and page type."""

from django.db import models

from wagtail_petitions.forms import PlainTextField, SignatureForm
from wagtail_petitions.models import AbstractPetitionPage, AbstractSignature

INSTITUTION_MAX_LENGTH = 120


class ResearcherSignature(AbstractSignature):
    institution = models.CharField(max_length=INSTITUTION_MAX_LENGTH, blank=True)

    class Meta(AbstractSignature.Meta):
        verbose_name = "researcher signature"
        verbose_name_plural = "researcher signatures"


class ResearcherSignatureForm(SignatureForm):
    institution = PlainTextField(label="Institution", max_length=INSTITUTION_MAX_LENGTH, required=False)


class ResearchPetitionPage(AbstractPetitionPage):  # noqa: DJ008 (Page.__str__ is inherited)
    """An open letter signed by researchers, who give their institution."""

    signature_model = ResearcherSignature
    signature_form_class = ResearcherSignatureForm
    template = "wagtail_petitions/petition_page.html"
    subpage_types: list[str] = []
