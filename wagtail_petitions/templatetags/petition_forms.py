"""``{{ field|with_error_reference }}``: a form field's widget that names its error message (``aria-describedby``),
for the no-JavaScript form. Rendered with extra attributes, never by changing the (shared) widget."""

from django import template

register = template.Library()


def error_id(field) -> str:
    return f"{field.auto_id}_error"


@register.filter
def with_error_reference(field):
    if not field.errors:
        return field.as_widget()
    return field.as_widget(attrs={"aria-describedby": error_id(field)})
