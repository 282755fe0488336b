"""Validation of what a signer sends, shared by the API, the no-JS page form and the commands.

Errors use Django's machine-readable codes (``required``, ``invalid``, ``max_length``, ``invalid_choice``, ...)
plus a few of our own (``control_characters``, ``unknown_partner``).
"""

import copy

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from .conf import conf
from .text import has_control_characters


class _FastCopy:
    """``copy.copy`` by copying ``__dict__``, which is what the generic copy protocol does for these objects, minus
    its overhead. Django deep-copies every field and widget of a form for each form instance; on the signing hot
    path that generic copying was a third of the form's CPU time."""

    def __copy__(self):
        duplicate = self.__class__.__new__(self.__class__)
        duplicate.__dict__.update(self.__dict__)
        return duplicate


class _FastCopyField(_FastCopy):
    """A form field whose deep copy does what ``Field.__deepcopy__`` and ``Widget.__deepcopy__`` do (a new
    widget with its own ``attrs``, own error messages and validators), without ``copy.deepcopy``'s generic
    dispatch for each of them. Choices are shared, not copied: only ``CountryChoiceField`` has any here, and
    they are a callable read on use."""

    def __deepcopy__(self, memo):
        result = self.__copy__()
        memo[id(self)] = result
        widget = self.widget
        if isinstance(widget, _FastCopy):
            result.widget = widget.__copy__()
            result.widget.attrs = widget.attrs.copy()
        else:
            result.widget = copy.deepcopy(widget, memo)
        result.error_messages = self.error_messages.copy()
        result.validators = self.validators[:]
        return result


class TextInput(_FastCopy, forms.TextInput):
    pass


class EmailInput(_FastCopy, forms.EmailInput):
    pass


class HiddenInput(_FastCopy, forms.HiddenInput):
    pass


class Select(_FastCopy, forms.Select):
    pass


class SlugField(_FastCopyField, forms.SlugField):
    pass


class PlainTextField(_FastCopyField, forms.CharField):
    """Text typed by a person: must be a string, without control characters."""

    def to_python(self, value):
        if value is not None and not isinstance(value, str):
            raise ValidationError(_("Enter text."), code="invalid")
        value = super().to_python(value)
        if has_control_characters(value):
            raise ValidationError(_("Remove the control characters from this field."), code="control_characters")
        return value


class StrictEmailField(_FastCopyField, forms.EmailField):
    def to_python(self, value):
        if value is not None and not isinstance(value, str):
            raise ValidationError(_("Enter a valid email address."), code="invalid")
        return super().to_python(value)


class StrictBooleanField(_FastCopyField, forms.Field):
    """A yes/no answer: JSON ``true``/``false``, or an HTML checkbox (``on`` when ticked, absent when not)."""

    widget = forms.CheckboxInput
    TRUE_VALUES = ("true", "on", "1", "yes")
    FALSE_VALUES = ("false", "off", "0", "no", "")

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value):
        if value is None or isinstance(value, bool):
            return bool(value)
        if isinstance(value, str):
            lowered = value.strip().lower()
            if lowered in self.TRUE_VALUES:
                return True
            if lowered in self.FALSE_VALUES:
                return False
        raise ValidationError(_("Answer yes (true) or no (false)."), code="invalid")


class _RawValueWidget(_FastCopy, forms.CheckboxInput):
    # CheckboxInput turns any value into a bool, which would read "maybe" as yes; keep the raw value instead.
    def value_from_datadict(self, data, files, name):
        return data.get(name)


class CountryChoiceField(_FastCopyField, forms.ChoiceField):
    """An ISO 3166-1 alpha-2 code, in either letter case."""

    default_error_messages = {"invalid_choice": _("Choose a country from the list (an ISO 3166 code such as FR).")}

    def __init__(self, **kwargs):
        super().__init__(choices=lambda: [("", "—")] + list(countries), **kwargs)

    def to_python(self, value):
        if value is not None and not isinstance(value, str):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value).strip().upper()

    def valid_value(self, value):
        # ChoiceField walks all ~250 choices on every validation (the CPU hot spot of signing); a lookup suffices.
        return value in countries


class _FieldsDict(dict):
    """A form's ``base_fields``, deep-copied for each form instance without ``copy.deepcopy``'s generic dispatch."""

    def __deepcopy__(self, memo):
        return {
            name: field.__deepcopy__(memo) if isinstance(field, _FastCopyField) else copy.deepcopy(field, memo)
            for name, field in self.items()
        }


class FastCopyFormMetaclass(forms.forms.DeclarativeFieldsMetaclass):
    """Keeps ``base_fields`` a ``_FieldsDict`` in the form and its subclasses."""

    def __new__(mcs, name, bases, attrs):
        new_class = super().__new__(mcs, name, bases, attrs)
        new_class.base_fields = _FieldsDict(new_class.base_fields)
        return new_class


class SignatureForm(forms.Form, metaclass=FastCopyFormMetaclass):
    """The fields a signer fills in. Override ``PetitionPage.get_signature_form_class`` to ask for more."""

    def __init__(self, *args, **kwargs):
        # No colon after labels (BaseForm sets ":" on every instance unless told otherwise).
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    first_name = PlainTextField(
        label=_("First name"), max_length=conf.NAME_MAX_LENGTH, widget=TextInput({"autocomplete": "given-name"})
    )
    last_name = PlainTextField(
        label=_("Last name"), max_length=conf.NAME_MAX_LENGTH, widget=TextInput({"autocomplete": "family-name"})
    )
    email = StrictEmailField(label=_("Email"), max_length=254, widget=EmailInput({"autocomplete": "email"}))
    country = CountryChoiceField(label=_("Country"), widget=Select({"autocomplete": "country"}))
    postal_code = PlainTextField(
        label=_("Postal code"), max_length=16, required=False, widget=TextInput({"autocomplete": "postal-code"})
    )
    consent_updates = StrictBooleanField(label=_("Keep me informed about this campaign"), widget=_RawValueWidget)
    consent_partner = StrictBooleanField(
        label=_("The organisation that shared this petition may contact me"), widget=_RawValueWidget
    )
    partner = SlugField(required=False, max_length=64, widget=HiddenInput)
    source = PlainTextField(required=False, max_length=64, widget=HiddenInput)

    def _clean_fields(self):
        """Django's ``BaseForm._clean_fields`` (Django 5.2), reading each value straight from its widget instead of
        through a ``BoundField`` built per field and thrown away: that was a third of a signature's validation
        time. Same order, same ``clean_<name>()`` hooks, same errors. A disabled field, or one that cleans its
        bound field its own way (a file), gets Django's own method."""
        if any(
            field.disabled or type(field)._clean_bound_field is not forms.Field._clean_bound_field
            for field in self.fields.values()
        ):
            return super()._clean_fields()
        for name, field in self.fields.items():
            value = field.widget.value_from_datadict(self.data, self.files, self.add_prefix(name))
            try:
                self.cleaned_data[name] = field.clean(value)
                if hasattr(self, f"clean_{name}"):
                    self.cleaned_data[name] = getattr(self, f"clean_{name}")()
            except ValidationError as error:
                self.add_error(name, error)

    def clean_partner(self):
        from .partners import get_active_partner

        slug = self.cleaned_data.get("partner")
        if not slug:
            return None
        partner = get_active_partner(slug)
        if partner is None:
            raise ValidationError(_("This partner is unknown or no longer active."), code="unknown_partner")
        return partner

    def error_dict(self) -> dict[str, list[dict[str, str]]]:
        """Errors as ``{field: [{"code", "message"}]}``; errors not tied to a field go under ``non_field_errors``."""
        data = self.errors.get_json_data()
        if "__all__" in data:
            data["non_field_errors"] = data.pop("__all__")
        return {
            field: [{"code": e["code"] or "invalid", "message": e["message"]} for e in errs]
            for field, errs in data.items()
        }
