"""Reviewing held and quarantined signatures: grouped by connection (a keyed hash, never an address), email domain
and time window, with bulk confirm (they count) or invalidate, each recorded with the reason and who did it
(``wagtail_petitions.moderation``). Seeing the groups needs the "view" permission on the petition's signatures;
acting on them the "invalidate" one.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max, Min, Q, Value
from django.db.models.functions import StrIndex, Substr, TruncDay, TruncHour
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.generic import TemplateView

from ..choices import SignatureState
from ..moderation import ModerationError, confirm_signatures, invalidate_signatures
from .permissions import can_invalidate_signatures, can_view_signatures, get_petition_for_user

REVIEWED = (SignatureState.HELD, SignatureState.QUARANTINED)
WINDOWS = {"hour": TruncHour, "day": TruncDay}


class BulkActionForm(forms.Form):
    action = forms.ChoiceField(choices=[("confirm", _("Confirm: they count")), ("invalidate", _("Invalidate"))])
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    groups = forms.MultipleChoiceField(label=_("Groups"), choices=[])

    def __init__(self, *args, group_keys=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["groups"].choices = [(key, key) for key in group_keys]


def group_key(connection_hash, domain, window_start) -> str:
    return f"{connection_hash}|{domain}|{window_start.isoformat() if window_start else ''}"


class ReviewView(TemplateView):
    """``<page id>/?window=hour|day&state=held|quarantined``."""

    template_name = "wagtail_petitions/admin/review.html"

    def dispatch(self, request, *args, **kwargs):
        self.petition = get_petition_for_user(request.user, kwargs["page_id"])
        self.model = self.petition.get_signature_model()
        if not can_view_signatures(request.user, self.model):
            raise PermissionDenied
        self.window = request.GET.get("window") if request.GET.get("window") in WINDOWS else "hour"
        state = request.GET.get("state")
        self.states = (state,) if state in REVIEWED else REVIEWED
        return super().dispatch(request, *args, **kwargs)

    def signatures(self):
        return (
            self.petition.get_signatures()
            .filter(state__in=self.states)
            .annotate(
                domain=Substr("email_normalized", StrIndex("email_normalized", Value("@")) + 1),
                window_start=WINDOWS[self.window]("created_at"),
            )
        )

    def groups(self):
        return list(
            self.signatures()
            .values("connection_hash", "domain", "window_start")
            .annotate(
                n=Count("pk"),
                held=Count("pk", filter=Q(state=SignatureState.HELD)),
                quarantined=Count("pk", filter=Q(state=SignatureState.QUARANTINED)),
                first=Min("created_at"),
                last=Max("created_at"),
                reasons=Max("screening"),
            )
            .order_by("-n", "-last")[:500]
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        groups = kwargs.get("groups") or self.groups()
        for group in groups:
            group["key"] = group_key(group["connection_hash"], group["domain"], group["window_start"])
        context.update(
            petition=self.petition,
            groups=groups,
            window=self.window,
            state=self.states[0] if len(self.states) == 1 else "",
            counts=self.petition.get_state_counts(fresh=True),
            can_act=can_invalidate_signatures(self.request.user, self.model),
            form=kwargs.get("form") or BulkActionForm(group_keys=[g["key"] for g in groups]),
            page_title=_("Review: %(title)s") % {"title": self.petition.title},
        )
        return context

    def post(self, request, *args, **kwargs):
        if not can_invalidate_signatures(request.user, self.model):
            raise PermissionDenied
        groups = self.groups()
        keys = [group_key(g["connection_hash"], g["domain"], g["window_start"]) for g in groups]
        form = BulkActionForm(request.POST, group_keys=keys)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form, groups=groups))
        chosen = set(form.cleaned_data["groups"])
        pks = [
            pk
            for pk, connection_hash, domain, window_start in self.signatures().values_list(
                "pk", "connection_hash", "domain", "window_start"
            )
            if group_key(connection_hash, domain, window_start) in chosen
        ]
        act = confirm_signatures if form.cleaned_data["action"] == "confirm" else invalidate_signatures
        try:
            moved = act(self.model, pks, user=request.user, reason=form.cleaned_data["reason"])
        except ModerationError as error:
            form.add_error("reason", str(error))
            return self.render_to_response(self.get_context_data(form=form, groups=groups))
        done = (
            ngettext("%(n)d signature confirmed: it counts.", "%(n)d signatures confirmed: they count.", len(moved))
            if act is confirm_signatures
            else ngettext("%(n)d signature invalidated.", "%(n)d signatures invalidated.", len(moved))
        )
        messages.success(request, done % {"n": len(moved)})
        url = reverse("wagtail_petitions_review:petition", args=[self.petition.pk])
        return redirect(f"{url}?{request.GET.urlencode()}")
