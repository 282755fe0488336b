from django.apps import AppConfig


class WidgetApiConfig(AppConfig):
    name = "widget_api"
    verbose_name = "Petitions API"

    def ready(self):
        from corsheaders.signals import check_request_enabled

        from .cors import allow_partner_origins
        from .partner import schema  # noqa: F401 (the partner token's OpenAPI security scheme)

        check_request_enabled.connect(allow_partner_origins, dispatch_uid="widget_api.cors.allow_partner_origins")
