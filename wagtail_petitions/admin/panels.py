"""Editor panels, like ``wagtail.contrib.forms.panels.FormSubmissionsPanel``."""

from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import Panel

from ..figures import petition_figures


class PetitionFiguresPanel(Panel):
    """The live figures of the petition being edited: counts only, never personal data.

    Shown to every editor of the page; the figures are the tally's (shared by all translations).
    """

    def __init__(self, top=5, **kwargs):
        self.top = top
        kwargs.setdefault("heading", _("Live figures"))
        super().__init__(**kwargs)

    def clone_kwargs(self):
        kwargs = super().clone_kwargs()
        kwargs["top"] = self.top
        return kwargs

    class BoundPanel(Panel.BoundPanel):
        template_name = "wagtail_petitions/panels/petition_figures_panel.html"

        @cached_property
        def figures(self):
            return petition_figures(self.instance, top=self.panel.top)

        def is_shown(self):
            # A page being created has no tally yet.
            return bool(self.instance.pk)

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            context["figures"] = self.figures
            return context
