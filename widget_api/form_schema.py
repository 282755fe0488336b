"""The JSON Schema of what a Django form accepts, for the OpenAPI schema of signing: the form stays the one
source of the rules (``wagtail_petitions.forms``), the schema follows its fields. What a form checks against the
database (a partner that must exist) cannot be said here; everything about the shape of a value is."""

from __future__ import annotations

from django import forms

from wagtail_petitions.forms import CountryChoiceField, NameField, PlainTextField, StrictBooleanField, StrictEmailField
from wagtail_petitions.text import forbidden_in_names_class, forbidden_in_text_class


def form_json_schema(form_class: type[forms.BaseForm]) -> dict:
    """An object schema with one property per field of ``form_class``; required fields listed."""
    properties, required = {}, []
    for name, field in form_class.base_fields.items():
        properties[name] = field_json_schema(field)
        if field.required:
            required.append(name)
    schema = {"type": "object", "properties": properties}
    if required:
        schema["required"] = required
    return schema


def field_json_schema(field: forms.Field) -> dict:
    """The JSON Schema of one field's value as JSON. A site's own field may carry a ``json_schema`` dict (which
    wins), or a builder for its class may be added to ``FIELD_SCHEMAS``; any other field is a plain string."""
    if isinstance(getattr(field, "json_schema", None), dict):
        return dict(field.json_schema)
    for field_class, build in FIELD_SCHEMAS:
        if isinstance(field, field_class):
            schema = build(field)
            break
    else:
        schema = {"type": "string"}
    if field.help_text:
        schema["description"] = str(field.help_text)
    if not field.required and "nullable" not in schema:
        schema["nullable"] = True  # an optional field left ``null`` is read as left empty
    return schema


#: The characters ``str.isspace`` is true of, which Django strips from around a value. Spelled out: ``\s`` means
#: other sets to the JSON Schema validators and generators.
WHITESPACE_CLASS = r"\t-\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"


def _text(field: forms.CharField, forbidden: str) -> dict:
    # Django drops the spaces around the value before it checks it: the forbidden characters are refused between
    # them, a required field needs a character that is not a space, and the length counts what is between (so it
    # is in the pattern, not a ``maxLength``, which would count the spaces around).
    space, end = f"[{WHITESPACE_CLASS}]*", f"[^{forbidden}{WHITESPACE_CLASS}]"
    middle = f"[^{forbidden}]*" if field.max_length is None else f"[^{forbidden}]{{0,{max(field.max_length - 2, 0)}}}"
    core = end if field.max_length == 1 else f"{end}(?:{middle}{end})?"
    pattern = f"^{space}{core}{space}$" if field.required else f"^{space}(?:{core})?{space}$"
    return {"type": "string", "pattern": pattern}


def _name(field):
    return _text(field, forbidden_in_names_class())


def _plain_text(field):
    return _text(field, forbidden_in_text_class())


def _email(field):
    schema = {"type": "string", "format": "email"}
    if field.max_length is not None:
        schema["maxLength"] = field.max_length
    return schema


def _country(field):
    return {"type": "string", "enum": [code for code, _name in field.choices if code]}


def _boolean(field):
    # JSON true/false; the strings an HTML checkbox sends are accepted as well.
    values = [*StrictBooleanField.TRUE_VALUES, *StrictBooleanField.FALSE_VALUES]
    return {"anyOf": [{"type": "boolean"}, {"type": "string", "enum": values}], "nullable": True}


def _slug(field):
    schema = {"type": "string", "pattern": rf"^[{WHITESPACE_CLASS}]*[-a-zA-Z0-9_]*[{WHITESPACE_CLASS}]*$"}
    if field.max_length is not None:
        schema["maxLength"] = field.max_length
    return schema


#: (field class, schema builder): the first class the field is an instance of decides.
FIELD_SCHEMAS = [
    (NameField, _name),
    (PlainTextField, _plain_text),
    (StrictEmailField, _email),
    (CountryChoiceField, _country),
    (StrictBooleanField, _boolean),
    (forms.SlugField, _slug),
]
