"""``DefaultSignatureForm`` (the default form's fast path) against ``SignatureForm``, Django's own form: the same
answer for every input, and nothing shared between instances."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wagtail_petitions.forms import SignatureForm
from wagtail_petitions.models import Partner
from wagtail_petitions.signing.default_form import DefaultSignatureForm, validating_form_class

FIELDS = ["first_name", "last_name", "email", "country", "postal_code", "consent_updates", "consent_partner"]
FIELDS += ["partner", "source", "unknown"]

values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=80),
    st.sampled_from(["", " ", "FR", "fr", "XX", "on", "true", "no", "ada@example.org", "a@b", "drc", "other"]),
    st.lists(st.text(max_size=5), max_size=2),
    st.dictionaries(st.text(max_size=3), st.text(max_size=3), max_size=1),
)
payloads = st.dictionaries(st.sampled_from(FIELDS), values)
PARTNER = Partner(pk=7, name="Digital Rights Collective", slug="drc")


def answer(form_class, data, partner):
    form = form_class(data=data, partner=partner)
    valid = form.is_valid()
    return valid, form.cleaned_data if valid else None, form.error_dict(), [str(f.label) for f in form.fields.values()]


@settings(max_examples=300, deadline=None)
@given(payloads, st.booleans())
def test_the_fast_path_gives_djangos_answer(data, with_partner):
    partner = PARTNER if with_partner else None
    assert answer(DefaultSignatureForm, data, partner) == answer(SignatureForm, data, partner)


def test_a_valid_signature_cleans_the_same():
    data = {"first_name": " Ada ", "last_name": "Lovelace", "email": "Ada@Example.org", "country": "fr"}
    data |= {"consent_updates": "on", "consent_partner": True, "partner": "drc", "source": "newsletter"}
    fast, plain = answer(DefaultSignatureForm, data, PARTNER), answer(SignatureForm, data, PARTNER)
    assert fast == plain and fast[0] is True


def test_instances_share_no_field_and_leave_the_class_alone():
    one, two = DefaultSignatureForm(data={}, partner=PARTNER), DefaultSignatureForm(data={}, partner=None)
    assert one.fields["first_name"] is not two.fields["first_name"]
    assert one.fields["first_name"].widget is not two.fields["first_name"].widget
    assert one.fields["first_name"] is not DefaultSignatureForm.base_fields["first_name"]
    assert "Digital Rights Collective" in str(one.fields["consent_partner"].label)
    assert "%(name)s" in str(DefaultSignatureForm.base_fields["consent_partner"].label)
    assert "consent_partner" in DefaultSignatureForm.base_fields and "consent_partner" not in two.fields


@pytest.mark.parametrize("form_class", [SignatureForm])
def test_only_the_default_form_takes_the_fast_path(form_class):
    class SitesOwnForm(SignatureForm):
        pass

    assert validating_form_class(form_class) is DefaultSignatureForm
    assert validating_form_class(SitesOwnForm) is SitesOwnForm
