"""Updates to signers: write (one text per language), preview, test send to yourself, send, follow the send, use
the texts as the petition's delivery text. Sending, testing and resuming need "Can send updates to signers"; every
screen shows only the petitions the editor may see (``petitions_for_user``)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.models import CreateView, DeleteView, EditView, IndexView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import HeaderButton

from ..conf import conf
from ..mail.tasks import send_mail
from ..models import PetitionUpdate, UpdateStatus
from ..updates.delivery import use_as_delivery_text
from ..updates.messages import TEST_MAIL, build_sample
from ..updates.sending import delivery_counts, request_send, resume_stalled
from .paper import PetitionPageChoiceField
from .permissions import petitions_for_user

SEND_PERMISSION = "wagtail_petitions.send_petitionupdate"


def updates_for_user(user):
    keys = petitions_for_user(user).values("translation_key")
    return PetitionUpdate.objects.filter(petition_key__in=keys)


class PetitionUpdateForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "page" in self.fields:
            self.fields["page"] = PetitionPageChoiceField(
                queryset=petitions_for_user(self.for_user).select_related("locale").order_by("title"),
                label=self.fields["page"].label,
                help_text=gettext_lazy("It goes to the signers of every language version of this petition."),
            )


class PetitionUpdateIndexView(IndexView):
    def get_base_queryset(self):
        return updates_for_user(self.request.user).select_related("page")


class PetitionUpdateCreateView(CreateView):
    send_url_name = None

    def save_instance(self):
        instance = self.form.save(commit=False)
        instance.created_by = self.request.user
        instance.petition_key = instance.page.specific.get_tally_key()
        instance.save()
        self.form.save_m2m()
        return instance

    def get_success_url(self):
        return reverse(self.send_url_name, args=[self.object.pk])


class PetitionUpdateEditView(EditView):
    send_url_name = None

    def get_object(self, queryset=None):
        return get_object_or_404(updates_for_user(self.request.user), pk=self.kwargs["pk"])

    def dispatch(self, request, *args, **kwargs):
        update = get_object_or_404(updates_for_user(request.user), pk=kwargs["pk"])
        if update.status != UpdateStatus.DRAFT:
            messages.warning(request, _("This update was sent: it can no longer be changed."))
            return redirect(self.send_url_name, update.pk)
        return super().dispatch(request, *args, **kwargs)

    def save_instance(self):
        instance = self.form.save(commit=False)
        instance.petition_key = instance.page.specific.get_tally_key()
        instance.save()
        self.form.save_m2m()
        return instance

    @property
    def header_more_buttons(self):
        return [
            *super().header_more_buttons,
            HeaderButton(
                _("Preview, test and send"), url=reverse(self.send_url_name, args=[self.object.pk]), icon_name="mail"
            ),
        ]


class PetitionUpdateDeleteView(DeleteView):
    """Only drafts: a sent update is the record of who was mailed what."""

    def get_object(self, queryset=None):
        return get_object_or_404(
            updates_for_user(self.request.user).filter(status=UpdateStatus.DRAFT), pk=self.kwargs["pk"]
        )


class PetitionUpdateSendView(TemplateView):
    """GET: the preview in each language, who it goes to, the send's progress. POST ``action``: ``test`` (mail it to
    yourself), ``send``, ``resume`` (a stalled send), ``delivery`` (use the texts as the delivery text)."""

    template_name = "wagtail_petitions/admin/update_send.html"
    viewset = None

    def dispatch(self, request, pk):
        self.update = get_object_or_404(updates_for_user(request.user).select_related("page"), pk=pk)
        self.may_send = request.user.has_perm(SEND_PERMISSION)
        return super().dispatch(request, pk)

    def post(self, request, pk):
        if not self.may_send:
            raise PermissionDenied
        update, action = self.update, request.POST.get("action")
        if action == "test":
            if not request.user.email:
                messages.error(request, _("Your account has no email address to send the test to."))
            else:
                send_mail.enqueue(TEST_MAIL, update_id=update.pk, user_id=request.user.pk)
                messages.success(request, _("A test mail in each language is on its way to your address."))
        elif action == "send":
            if request_send(update, user=request.user):
                messages.success(request, _("The update is being sent by the background worker."))
            else:
                messages.warning(request, _("This update was sent already."))
        elif action == "resume":
            resumed = resume_stalled()
            if update.pk in resumed:
                messages.success(request, _("Sending resumes."))
            else:
                messages.info(request, _("The send is still making progress: nothing to resume."))
        elif action == "delivery":
            petition = update.get_petition()
            if petition is None or not petition.permissions_for_user(request.user).can_publish():
                raise PermissionDenied
            changed = use_as_delivery_text(update, user=request.user)
            messages.success(
                request, _("Delivery text updated on %(count)d language version(s).") % {"count": len(changed)}
            )
        else:
            messages.error(request, _("Unknown action."))
        return redirect(request.path)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        update = self.update
        petition = update.get_petition()
        address = self.request.user.email or "signer@example.org"
        previews = []
        for language in update.get_texts():
            message = build_sample(update, to=address, language=language)
            html = next((content for content, mimetype in message.alternatives if mimetype == "text/html"), "")
            previews.append({"language": language, "message": message, "html": html})
        context.update(
            page_title=str(update),
            update=update,
            petition=petition,
            previews=previews,
            may_send=self.may_send,
            is_draft=update.status == UpdateStatus.DRAFT,
            recipients_now=petition.get_update_recipients().count() if petition is not None else 0,
            counts=delivery_counts(update) if update.status != UpdateStatus.DRAFT else None,
            rate=conf.UPDATE_MAILS_PER_SECOND,
            edit_url=reverse(self.viewset.get_url_name("edit"), args=[update.pk]),
        )
        return context


class PetitionUpdateViewSet(ModelViewSet):
    model = PetitionUpdate
    icon = "mail"
    menu_label = gettext_lazy("Updates to signers")
    index_view_class = PetitionUpdateIndexView
    add_view_class = PetitionUpdateCreateView
    edit_view_class = PetitionUpdateEditView
    delete_view_class = PetitionUpdateDeleteView
    copy_view_enabled = False
    inspect_view_enabled = False
    list_display = [
        "__str__",
        Column("page", label=gettext_lazy("Petition")),
        "status",
        "recipient_count",
        "send_requested_at",
    ]
    list_filter = ["status"]
    search_fields = ["texts__subject"]
    search_backend_name = None

    edit_handler = ObjectList(PetitionUpdate.panels, base_form_class=PetitionUpdateForm)

    @property
    def send_url_name(self):
        return self.get_url_name("send")

    def get_add_view_kwargs(self, **kwargs):
        return super().get_add_view_kwargs(send_url_name=self.send_url_name, **kwargs)

    def get_edit_view_kwargs(self, **kwargs):
        return super().get_edit_view_kwargs(send_url_name=self.send_url_name, **kwargs)

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("<int:pk>/send/", PetitionUpdateSendView.as_view(viewset=self), name="send"),
        ]
