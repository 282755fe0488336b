from django.apps import AppConfig


class WidgetApiConfig(AppConfig):
    name = "widget_api"
    verbose_name = "Petitions API"

    def ready(self):
        from . import cors

        cors.connect()
