"""``SignatureForm`` is a plain Django form (users subclass it): it cleans exactly as Django's own form machinery
does, each form has its own fields, and the partner consent is asked only in a named partner's name."""

import pytest
from django import forms

from wagtail_petitions.forms import SignatureForm

pytestmark = pytest.mark.django_db


class DjangoCleanedForm(SignatureForm):
    """The same form, cleaned by Django's own ``_clean_fields``."""

    _clean_fields = forms.BaseForm._clean_fields


VALID = {"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.org", "country": "fr"}
CASES = [
    VALID,
    {**VALID, "consent_updates": True, "consent_partner": "on", "postal_code": "75011", "source": "newsletter"},
    {**VALID, "partner": "drc"},
    {**VALID, "partner": "nobody"},
    {**VALID, "email": "not-an-email", "country": "XX"},
    {**VALID, "first_name": "A\x00da", "last_name": ["list"], "consent_updates": "maybe"},
    {"email": 42},
    {},
]


@pytest.mark.parametrize("data", CASES, ids=range(len(CASES)))
def test_same_result_as_djangos_cleaning(data, partner):
    ours, django = SignatureForm(data=data), DjangoCleanedForm(data=data)
    assert ours.is_valid() == django.is_valid()
    assert ours.errors.get_json_data() == django.errors.get_json_data()
    assert ours.cleaned_data == django.cleaned_data


def test_a_disabled_field_is_cleaned_from_its_initial_value():
    class WithDisabledSource(SignatureForm):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.fields["source"].disabled = True

    form = WithDisabledSource(data={**VALID, "source": "typed"}, initial={"source": "fixed"})
    assert form.is_valid()
    assert form.cleaned_data["source"] == "fixed"


def test_each_form_has_its_own_fields_and_widgets():
    first, second = SignatureForm(), SignatureForm()
    first.fields["email"].required = False
    first.fields["email"].widget.attrs["class"] = "changed"
    first.fields["email"].validators.append(lambda value: None)
    assert second.fields["email"].required is True
    assert "class" not in second.fields["email"].widget.attrs
    assert len(second.fields["email"].validators) == len(SignatureForm.base_fields["email"].validators)
    assert "class" not in SignatureForm.base_fields["email"].widget.attrs


def test_labels_have_no_colon():
    form = SignatureForm()
    assert form["first_name"].label_tag() == '<label for="id_first_name">First name</label>'


def test_the_partner_consent_is_asked_only_for_a_named_partner(partner):
    assert "consent_partner" not in SignatureForm().fields
    form = SignatureForm(partner=partner)
    assert form.fields["consent_partner"].label == "Digital Rights Collective, who shared this petition, may contact me"
    assert form.get_consent_labels() == [
        "Send me updates about this petition from its organisers",
        "Digital Rights Collective, who shared this petition, may contact me",
    ]
    # A partner slug the caller could not match to an active partner is refused.
    assert SignatureForm(data={**VALID, "partner": "drc"}).errors["partner"][0] == (
        "This partner is unknown or no longer active."
    )
    assert SignatureForm(data={**VALID, "partner": "drc"}, partner=partner).is_valid()
