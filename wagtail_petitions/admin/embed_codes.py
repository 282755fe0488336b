"""Embed codes: pick a petition, a partner and a language, preview the widget and copy the codes to give the partner.

The codes come from ``embed.snippets``, the one builder that oEmbed and ``manage.py embed_snippets`` use too.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.models import Locale

from embed.snippets import snippets, widget_src

from ..lookup import find_petition
from ..models import Partner
from .permissions import one_page_per_petition, petitions_for_user


class EmbedCodeForm(forms.Form):
    petition = forms.ChoiceField(label=_("Petition"), required=False)
    partner = forms.ModelChoiceField(
        label=_("Partner"), queryset=Partner.objects.filter(is_active=True), required=False, empty_label=_("None")
    )
    lang = forms.ChoiceField(label=_("Language"), required=False)

    def __init__(self, *args, petitions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["petition"].choices = [(page.pk, page.title) for page in petitions]
        self.fields["lang"].choices = [
            (locale.language_code, locale.get_display_name()) for locale in Locale.objects.all()
        ]


class EmbedCodeView(TemplateView):
    """``?petition=`` may be any translation's page id (the figures panel links here); its language is the default."""

    template_name = "wagtail_petitions/admin/embed_code.html"

    def dispatch(self, request, *args, **kwargs):
        if not petitions_for_user(request.user).exists():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        params = self.request.GET
        pages = petitions_for_user(self.request.user).live()
        petitions = sorted(one_page_per_petition(pages), key=lambda page: page.title)
        chosen = pages.filter(pk=params["petition"]).first() if params.get("petition", "").isdigit() else None
        if chosen is not None:
            petition = next((p for p in petitions if p.translation_key == chosen.translation_key), None)
        else:
            petition = petitions[0] if petitions else None
        partner = None
        if params.get("partner", "").isdigit():
            partner = Partner.objects.filter(pk=params["partner"], is_active=True).first()
        languages = set(Locale.objects.values_list("language_code", flat=True))
        lang = params.get("lang") if params.get("lang") in languages else None
        if petition is not None:
            lang = lang or (chosen.specific if chosen else petition).language_code
            context.update(self.get_codes(petition, partner, lang))
        form = EmbedCodeForm(
            initial={"petition": petition and petition.pk, "partner": partner and partner.pk, "lang": lang},
            petitions=petitions,
        )
        context.update(form=form, petition=petition, partner=partner, page_title=_("Embed codes"))
        return context

    def get_codes(self, petition, partner, lang):
        translated = find_petition(petition.slug, lang) or petition
        base = self.request.build_absolute_uri("/")
        partner_slug = partner.slug if partner else ""
        codes = snippets(base, translated.slug, translated.title, lang, partner_slug)
        page_url = translated.get_full_url(self.request) or ""
        return {
            "translated": translated,
            "widget_url": widget_src(base, translated.slug, lang, partner_slug),
            "script_code": codes["script"],
            "iframe_code": codes["iframe"],
            "tracked_link": f"{page_url}?{urlencode({'partner': partner_slug})}" if partner else page_url,
        }
