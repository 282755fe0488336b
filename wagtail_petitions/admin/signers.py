"""Petitions → Signer's data: a signature manager finds a signer by email, exports all their data (JSON) and erases
it, each action recorded (``SignerDataAction``: who, when, why) without the address or the erased data.

The address travels in POST bodies only (never in a URL, so never in access logs). Finding and exporting need the
"view" permission on the signatures concerned; erasing the "invalidate" one too (it moves the tally, through
``wagtail_petitions.moderation.erase_signatures``).
"""

from __future__ import annotations

import json
from collections import defaultdict

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.generic import TemplateView

from ..models import SignerDataAction
from ..moderation import ModerationError, erase_signatures
from ..rights.data import petitions_for, signature_data, signature_ref, signatures_of
from ..text import EMAIL_MAX_LENGTH
from .permissions import can_invalidate_signatures, can_view_signatures


class SignerForm(forms.Form):
    email = forms.EmailField(label=_("Signer's email address"), max_length=EMAIL_MAX_LENGTH)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Recorded with your name, e.g. “the signer asked by email on 3 December”. No personal data."),
    )
    action = forms.ChoiceField(
        choices=[("find", _("Find")), ("export", _("Export all their data")), ("erase", _("Erase all"))]
    )


class SignerDataView(TemplateView):
    template_name = "wagtail_petitions/admin/signer_data.html"

    def dispatch(self, request, *args, **kwargs):
        if not can_view_signatures(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", SignerForm(initial={"action": "find"}))
        context["page_title"] = _("Signer's data")
        context["recent"] = SignerDataAction.objects.select_related("user")[:20]
        return context

    def post(self, request, *args, **kwargs):
        form = SignerForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        user, reason, action = request.user, form.cleaned_data["reason"].strip(), form.cleaned_data["action"]
        signatures = [
            s
            for s in signatures_of(form.cleaned_data["email"])
            if not s.is_anonymised and can_view_signatures(user, type(s))
        ]
        refs = [signature_ref(s) for s in signatures]
        if action == "export":
            SignerDataAction.objects.create(action=SignerDataAction.EXPORTED, signatures=refs, user=user, reason=reason)
            petitions = petitions_for(signatures)
            body = {
                "exported_at": timezone.now().isoformat(),
                "signatures": [signature_data(s, petitions.get(s.petition_key)) for s in signatures],
            }
            response = HttpResponse(
                json.dumps(body, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
            )
            response["Content-Disposition"] = 'attachment; filename="signer-data.json"'
            response["Cache-Control"] = "no-store"
            return response
        if action == "erase":
            if not all(can_invalidate_signatures(user, type(s)) for s in signatures):
                raise PermissionDenied
            by_model = defaultdict(list)
            for signature in signatures:
                by_model[type(signature)].append(signature.pk)
            erased = []
            try:
                for model, pks in by_model.items():
                    erased += [
                        f"{model._meta.label_lower}:{pk}"
                        for pk in erase_signatures(model, pks, user=user, reason=reason)
                    ]
            except ModerationError as error:
                form.add_error("reason", str(error))
                return self.render_to_response(self.get_context_data(form=form), status=400)
            SignerDataAction.objects.create(action=SignerDataAction.ERASED, signatures=erased, user=user, reason=reason)
            messages.success(
                request,
                ngettext("%(n)d signature erased.", "%(n)d signatures erased.", len(erased)) % {"n": len(erased)},
            )
            return self.render_to_response(self.get_context_data(form=SignerForm(initial={"action": "find"})))
        SignerDataAction.objects.create(action=SignerDataAction.FOUND, signatures=refs, user=user, reason=reason)
        petitions = petitions_for(signatures)
        rows = [
            {"signature": s, "petition": petitions.get(s.petition_key), "ref": signature_ref(s)} for s in signatures
        ]
        return self.render_to_response(self.get_context_data(form=form, rows=rows, searched=True))
