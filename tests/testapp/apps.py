from django.apps import AppConfig


class TestAppConfig(AppConfig):
    """A site's own petition page type and signature model, built only from the plugin's override points."""

    name = "tests.testapp"
    label = "petitions_testapp"
    default_auto_field = "django.db.models.BigAutoField"
