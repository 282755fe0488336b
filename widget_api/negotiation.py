"""Content negotiation with a shortcut for what the widget and most clients send."""

from django.utils.translation import gettext as _
from rest_framework.exceptions import ErrorDetail, ValidationError
from rest_framework.negotiation import DefaultContentNegotiation


class JSONFirstNegotiation(DefaultContentNegotiation):
    """DRF's negotiation, answered directly when the request accepts anything (``*/*``, or no ``Accept``) or
    exactly the first renderer's media type, and asks for no ``?format=``: that is the first renderer, as DRF
    would choose. Anything else (a list with qualities, another type, a format) goes through DRF's full parsing,
    which costs more than the rest of a count request's routing.

    A ``?format=`` that names none of the view's formats (an empty one included) is bad input: 400 on ``format``
    with the formats there are, where DRF would ignore an empty one and answer an unknown one with a bare 404.
    """

    def select_renderer(self, request, renderers, format_suffix=None):
        accept = request.META.get("HTTP_ACCEPT", "*/*")
        requested_format = request.query_params.get(self.settings.URL_FORMAT_OVERRIDE)
        if renderers and format_suffix is None and requested_format is None:
            if accept == "*/*" or accept == renderers[0].media_type:
                return renderers[0], renderers[0].media_type
        elif requested_format is not None and format_suffix is None:
            self.check_format(requested_format, renderers)
        return super().select_renderer(request, renderers, format_suffix)

    def check_format(self, requested_format: str, renderers) -> None:
        formats = list(dict.fromkeys(renderer.format for renderer in renderers))
        if requested_format not in formats:
            message = _("Unknown format: %(format)s. Use one of: %(formats)s.") % {
                "format": requested_format[:16],
                "formats": ", ".join(formats),
            }
            raise ValidationError({self.settings.URL_FORMAT_OVERRIDE: [ErrorDetail(message, "invalid_choice")]})
