"""Content negotiation with a shortcut for what the widget and most clients send."""

from rest_framework.negotiation import DefaultContentNegotiation


class JSONFirstNegotiation(DefaultContentNegotiation):
    """DRF's negotiation, answered directly when the request accepts anything (``*/*``, or no ``Accept``) or
    exactly the first renderer's media type, and asks for no ``?format=``: that is the first renderer, as DRF
    would choose. Anything else (a list with qualities, another type, a format) goes through DRF's full parsing,
    which costs more than the rest of a count request's routing.
    """

    def select_renderer(self, request, renderers, format_suffix=None):
        accept = request.META.get("HTTP_ACCEPT", "*/*")
        if (
            renderers
            and format_suffix is None
            and self.settings.URL_FORMAT_OVERRIDE not in request.query_params
            and (accept == "*/*" or accept == renderers[0].media_type)
        ):
            return renderers[0], renderers[0].media_type
        return super().select_renderer(request, renderers, format_suffix)
