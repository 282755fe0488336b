from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WagtailPetitionsAppConfig(AppConfig):
    name = "wagtail_petitions"
    label = "wagtail_petitions"
    verbose_name = _("Petitions")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import page_cache, partners

        page_cache.connect()
        partners.connect()
