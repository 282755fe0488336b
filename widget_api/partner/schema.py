"""The partner token in the OpenAPI schema (drf-spectacular): an HTTP bearer security scheme on every partner
view. Loaded in ``WidgetApiConfig.ready()`` (defining the extension class registers it)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class PartnerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "widget_api.partner.authentication.PartnerTokenAuthentication"
    name = "partnerToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A partner API token (issued in the admin or by `manage.py create_partner_token`), with "
            "the scope each operation names: stats:read, signers:read or webhooks:manage.",
        }
