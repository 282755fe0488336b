"""Validation of what a signer sends, shared by the API, the no-JS page form, the widget and the commands.

``SignatureForm`` is a plain Django form: subclass it (and return the subclass from
``PetitionPageMixin.get_signature_form_class``) to ask for more; a field whose name is a column of the petition's
signature model is stored there. Errors use Django's machine-readable codes (``required``, ``invalid``,
``max_length``, ``invalid_choice``, ...) plus a few of our own (``control_characters``, ``unknown_partner``).
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from .text import (
    CODE_MAX_LENGTH,
    EMAIL_MAX_LENGTH,
    NAME_MAX_LENGTH,
    POSTAL_CODE_MAX_LENGTH,
    has_control_characters,
    has_default_ignorable_characters,
    has_invisible_name_characters,
    normalize_email,
)

#: The one wording of each consent, shown by the page form and the widget alike (and hashed into the consent
#: version stored with each signature, see ``PetitionPageMixin.get_consent_text_version``).
CONSENT_UPDATES_LABEL = _("Send me updates about this petition from its organisers")
CONSENT_PARTNER_LABEL = _("%(name)s, who shared this petition, may contact me")


class PlainTextField(forms.CharField):
    """Text typed by a person: must be a string, without control characters."""

    def to_python(self, value):
        if value is not None and not isinstance(value, str):
            raise ValidationError(_("Enter text."), code="invalid")
        value = super().to_python(value)
        if has_control_characters(value):
            raise ValidationError(_("Remove the control characters from this field."), code="control_characters")
        return value


class NameField(PlainTextField):
    """A person's name: plain text without bidi controls or zero-width characters, which could make one name look
    like another or reverse what an editor reads after it."""

    def to_python(self, value):
        value = super().to_python(value)
        if has_invisible_name_characters(value):
            raise ValidationError(
                _("Remove the invisible or direction-changing characters from this name."), code="invisible_characters"
            )
        return value


class StrictEmailField(forms.EmailField):
    """An email address, without characters that are drawn as nothing (soft hyphen, zero-width, BOM...): an address
    that looks like another must not count as another signer."""

    def to_python(self, value):
        if value is not None and not isinstance(value, str):
            raise ValidationError(_("Enter a valid email address."), code="invalid")
        value = super().to_python(value)
        if has_default_ignorable_characters(value):
            raise ValidationError(
                _("Remove the invisible characters from this email address."), code="invisible_characters"
            )
        if value and len(normalize_email(value)) > EMAIL_MAX_LENGTH:  # an IDNA domain is longer in ASCII
            raise ValidationError(_("Enter a valid email address."), code="invalid")
        return value


class CodeField(forms.SlugField):
    """A slug sent by the page or the widget (a partner's): must be a string (``SlugField`` would read an empty list
    as no value)."""

    def to_python(self, value):
        if value is not None and not isinstance(value, str):
            raise ValidationError(_("Enter a valid slug."), code="invalid")
        return super().to_python(value)


class RawValueCheckboxInput(forms.CheckboxInput):
    """A checkbox whose value reaches the field as sent: ``CheckboxInput`` turns any value into a bool, which would
    read "maybe" as yes."""

    def value_from_datadict(self, data, files, name):
        return data.get(name)


class StrictBooleanField(forms.Field):
    """A yes/no answer: JSON ``true``/``false``, or an HTML checkbox (``on`` when ticked, absent when not)."""

    widget = RawValueCheckboxInput
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


class CountryChoiceField(forms.ChoiceField):
    """An ISO 3166-1 alpha-2 code, in either letter case."""

    default_error_messages = {"invalid_choice": _("Choose a country from the list (an ISO 3166 code such as FR).")}

    def __init__(self, **kwargs):
        super().__init__(choices=lambda: [("", "—")] + list(countries), **kwargs)

    def to_python(self, value):
        if value is not None and not isinstance(value, str):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value).strip().upper()

    def valid_value(self, value):
        # ChoiceField walks all ~250 choices on every validation; a lookup gives the same answer.
        return value in countries


class SignatureForm(forms.Form):
    """The fields a signer fills in.

    ``partner``: the active partner the signer came through (the caller looks it up from the ``partner`` slug in
    the data, see ``wagtail_petitions.signing``), or ``None``. Only then is the partner consent asked, in the
    partner's name.
    """

    first_name = NameField(
        label=_("First name"), max_length=NAME_MAX_LENGTH, widget=forms.TextInput({"autocomplete": "given-name"})
    )
    last_name = NameField(
        label=_("Last name"), max_length=NAME_MAX_LENGTH, widget=forms.TextInput({"autocomplete": "family-name"})
    )
    email = StrictEmailField(
        label=_("Email"), max_length=EMAIL_MAX_LENGTH, widget=forms.EmailInput({"autocomplete": "email"})
    )
    country = CountryChoiceField(label=_("Country"), widget=forms.Select({"autocomplete": "country"}))
    postal_code = PlainTextField(
        label=_("Postal code"),
        max_length=POSTAL_CODE_MAX_LENGTH,
        required=False,
        widget=forms.TextInput({"autocomplete": "postal-code"}),
    )
    consent_updates = StrictBooleanField(label=CONSENT_UPDATES_LABEL)
    consent_partner = StrictBooleanField(label=CONSENT_PARTNER_LABEL)
    partner = CodeField(required=False, max_length=CODE_MAX_LENGTH, widget=forms.HiddenInput)
    source = PlainTextField(required=False, max_length=CODE_MAX_LENGTH, widget=forms.HiddenInput)

    def __init__(self, *args, partner=None, **kwargs):
        # No colon after labels (BaseForm sets ":" on every instance unless told otherwise).
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.partner = partner
        if partner is None:
            del self.fields["consent_partner"]
        else:
            self.fields["consent_partner"].label = CONSENT_PARTNER_LABEL % {"name": partner.name}

    def clean(self):
        cleaned_data = super().clean()
        if self.partner is None and self.data.get("consent_partner") is not None:
            # Without a partner the box is not on the form and no answer is kept, but an answer that is not yes or
            # no is refused all the same: the field has one rule (the API's schema states it).
            try:
                StrictBooleanField().clean(self.data.get("consent_partner"))
            except ValidationError as error:
                # ``add_error`` takes only the form's own fields.
                self._errors.setdefault("consent_partner", self.error_class()).extend(error.error_list)
        return cleaned_data

    def clean_partner(self):
        if not self.cleaned_data.get("partner"):
            return None
        if self.partner is None or self.partner.slug != self.cleaned_data["partner"]:
            raise ValidationError(_("This partner is unknown or no longer active."), code="unknown_partner")
        return self.partner

    def get_consent_labels(self) -> list[str]:
        """The labels of the consent boxes this form shows, in the active language, in order."""
        return [str(field.label) for name, field in self.fields.items() if name.startswith("consent_")]

    def error_dict(self) -> dict[str, list[dict[str, str]]]:
        """Errors as ``{field: [{"code", "message"}]}``; errors not tied to a field go under ``non_field_errors``."""
        data = self.errors.get_json_data()
        if "__all__" in data:
            data["non_field_errors"] = data.pop("__all__")
        return {
            field: [{"code": e["code"] or "invalid", "message": e["message"]} for e in errs]
            for field, errs in data.items()
        }
