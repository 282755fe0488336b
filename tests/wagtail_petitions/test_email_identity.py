"""One mailbox is one signer, whatever form of its address is typed; invisible characters are refused in addresses
and names (they make one look like another); the migration re-normalises stored addresses."""

import importlib

import pytest
from django.apps import apps

from tests.conftest import signer
from wagtail_petitions.models import Signature
from wagtail_petitions.signing import InvalidSignature, sign_petition

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "variant",
    [
        "ada@\uff45\uff58\uff41\uff4d\uff50\uff4c\uff45.com",  # ｅｘａｍｐｌｅ.com, fullwidth
        "ADA@Example.COM",
    ],
)
def test_another_form_of_the_same_address_counts_once(petition, variant):
    sign_petition(petition, signer(1, email="ada@example.com"))
    result = sign_petition(petition, signer(1, email=variant))
    assert Signature.objects.count() == 1
    assert petition.get_tally(fresh=True).total == 1
    assert result.signature.email_normalized == "ada@example.com"


@pytest.mark.parametrize("email", ["ada@exa\u00admple.com", "ada@example\u200b.com", "\ufeffada@example.com"])
def test_an_address_with_invisible_characters_is_refused(petition, email):
    with pytest.raises(InvalidSignature) as error:
        sign_petition(petition, signer(1, email=email))
    assert [e["code"] for e in error.value.errors["email"]] == ["invisible_characters"]
    assert not Signature.objects.exists()


@pytest.mark.parametrize("field", ["first_name", "last_name"])
@pytest.mark.parametrize("name", ["Ada\u202eecalevol", "Ada\u2067x", "Ad\u200ba", "Ada\u200d"])
def test_a_name_with_bidi_controls_or_zero_width_characters_is_refused(api_client, petition, field, name):
    response = api_client.post("/api/v1/petitions/stop-spyware/signatures/", {**signer(1), field: name}, format="json")
    assert response.status_code == 400
    assert [e["code"] for e in response.json()["errors"][field]] == ["invisible_characters"]
    assert not Signature.objects.exists()


def test_a_persian_name_with_a_zero_width_non_joiner_is_accepted(petition):
    name = "\u0645\u06cc\u200c\u0646\u0627"
    assert sign_petition(petition, signer(1, first_name=name)).signature.first_name == name


def test_the_migration_renormalises_stored_addresses_and_keeps_both_of_a_colliding_pair(petition, make_petition):
    other = make_petition(slug="other", title="Other")
    first = sign_petition(petition, signer(1, email="ada@example.com")).signature
    second = sign_petition(petition, signer(2, email="bob@example.com")).signature
    third = sign_petition(other, signer(3, email="eve@example.com")).signature
    # As the old normalisation (case folding only) stored them.
    Signature.objects.filter(pk=second.pk).update(
        email="ada@\uff45\uff58\uff41\uff4d\uff50\uff4c\uff45.com",
        email_normalized="ada@\uff45\uff58\uff41\uff4d\uff50\uff4c\uff45.com",
    )
    Signature.objects.filter(pk=third.pk).update(email="eve@Bücher.de", email_normalized="eve@bücher.de")

    migration = importlib.import_module("wagtail_petitions.migrations.0008_renormalise_emails")
    migration.renormalise(apps, None)

    stored = dict(Signature.objects.values_list("pk", "email_normalized"))
    assert stored[first.pk] == "ada@example.com"
    # Its new form is the first signer's on the same petition: it keeps its old form (both were counted).
    assert stored[second.pk] == "ada@\uff45\uff58\uff41\uff4d\uff50\uff4c\uff45.com"
    assert stored[third.pk] == "eve@xn--bcher-kva.de"
    assert petition.get_tally(fresh=True).total == 2
