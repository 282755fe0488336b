"""Partner attribution in ``sign_petition``: credited only on a registered origin or through the tracked link."""

import pytest

from tests.conftest import signer
from wagtail_petitions.models import Signature
from wagtail_petitions.signing import attribution, sign_petition

pytestmark = pytest.mark.django_db


def test_a_signature_from_a_registered_origin_is_credited(petition, partner):
    sign_petition(
        petition,
        signer(partner="drc", consent_partner=True),
        via=attribution.ORIGIN,
        origin="https://partner.example",
    )

    signature = Signature.objects.get()
    assert signature.partner == partner
    assert signature.claimed_partner is None
    assert signature.consent_partner is True
    assert petition.get_tally(fresh=True).by_partner == [("drc", 1)]


@pytest.mark.parametrize("origin", ["https://elsewhere.example", "http://partner.example", ""])
def test_a_signature_from_another_origin_is_uncredited_and_the_claim_kept(petition, partner, origin):
    result = sign_petition(petition, signer(partner="drc", consent_partner=True), via=attribution.ORIGIN, origin=origin)

    assert result.created is True
    signature = Signature.objects.get()
    assert signature.partner is None
    assert signature.claimed_partner == partner
    # The partner gets nothing of an uncredited signer: no consent to its contact is recorded.
    assert signature.consent_partner is False
    tally = petition.get_tally(fresh=True)
    assert tally.total == 1
    assert tally.by_partner == []


def test_the_tracked_link_keeps_the_attribution_on_any_origin(petition, partner):
    sign_petition(
        petition, signer(partner="drc"), via=attribution.TRACKED_LINK, origin="https://blog.elsewhere.example"
    )

    signature = Signature.objects.get()
    assert (signature.partner, signature.claimed_partner) == (partner, None)


def test_a_trusted_caller_credits_the_partner_it_names(petition, partner):
    sign_petition(petition, signer(partner="drc"))  # the admin, a command: no client

    assert Signature.objects.get().partner == partner


def test_no_partner_named_is_neither_credited_nor_claimed(petition, partner):
    sign_petition(petition, signer(), via=attribution.ORIGIN, origin="https://elsewhere.example")

    signature = Signature.objects.get()
    assert (signature.partner, signature.claimed_partner) == (None, None)
