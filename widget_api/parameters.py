"""Query parameters that several public views document and check: each is defined once here, for the OpenAPI
schema (``OpenApiParameter``) and for the view that reads it, so that the schema promises exactly what is
enforced."""

from django.conf import settings
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter
from rest_framework.exceptions import ErrorDetail, ValidationError

LANG = "lang"


def language_codes() -> list[str]:
    """The languages this site publishes in (``settings.LANGUAGES``): the values ``?lang=`` may take."""
    return [code for code, _name in settings.LANGUAGES]


def language_parameter(description: str) -> OpenApiParameter:
    return OpenApiParameter(LANG, str, required=False, enum=language_codes(), description=description)


def read_language(request) -> str | None:
    """The documented ``?lang=``: ``None`` when absent, else one of ``language_codes()``, else 400 on ``lang``.

    Exact codes only, as the schema's enum says (``fr``, not ``fr-CA``): where the parameter is not documented, the
    API's language rule (``widget_api.i18n``) still reads variants."""
    value = request.query_params.get(LANG)
    if value is None:
        return None
    if value not in language_codes():
        message = _("Unknown language: %(lang)s. Use one of: %(languages)s.") % {
            "lang": value[:16],
            "languages": ", ".join(language_codes()),
        }
        raise ValidationError({LANG: [ErrorDetail(message, "invalid_choice")]})
    return value
