"""The signer's erasure (``moderation.erase_signatures``): personal data gone at once, out of the tally exactly once,
counted as withdrawn; withdrawing consents."""

import threading

import pytest
from django.db import connection

from tests.conftest import signer
from wagtail_petitions import moderation, recount
from wagtail_petitions.models import Signature, SignatureState, SignatureStateChange
from wagtail_petitions.signing import sign_petition

pytestmark = pytest.mark.django_db


def test_erasing_removes_personal_data_and_the_count_once(petition, partner, api_client, client):
    kept = sign_petition(petition, signer(1)).signature
    signature = sign_petition(
        petition, signer(2, partner="drc", consent_partner=True, consent_updates=True, postal_code="75011")
    ).signature
    assert petition.get_tally(fresh=True).total == 2

    assert moderation.erase_signature(signature, reason="Asked by the signer") is True

    assert (signature.first_name, signature.last_name, signature.email, signature.postal_code) == ("", "", "", "")
    assert signature.email_normalized == f"#{signature.pk}"
    assert (signature.consent_updates, signature.consent_partner) == (False, False)
    assert signature.state == SignatureState.WITHDRAWN and signature.is_anonymised
    assert signature.partner == partner and str(signature.country) == "FR"  # the figures' dimensions stay
    tally, states = petition.get_tally(fresh=True), petition.get_state_counts(fresh=True)
    assert (tally.total, states.counted, states.withdrawn) == (1, 1, 1)
    assert tally.by_partner == []
    # Erasing again changes nothing.
    assert moderation.erase_signature(signature, reason="Asked again") is False
    assert petition.get_tally(fresh=True).total == 1 and petition.get_state_counts(fresh=True).withdrawn == 1
    assert recount.recount(petition.get_tally_key()) == []
    # Recorded without the erased data.
    change = SignatureStateChange.objects.for_signature(signature).get()
    assert (change.from_state, change.to_state, change.user, change.reason) == (
        "counted",
        "withdrawn",
        None,
        "Asked by the signer",
    )
    assert "ada2" not in str(vars(change)).lower()
    # The public figures say so.
    assert api_client.get(f"/api/v1/petitions/{petition.slug}/").json()["signatures_withdrawn"] == 1
    assert "1 signature withdrawn by its signer" in client.get(petition.url).content.decode()
    kept.refresh_from_db()
    assert kept.email == "ada1@example.org"
    # They may sign again: a new signature.
    assert sign_petition(petition, signer(2)).created is True
    assert petition.get_tally(fresh=True).total == 2


@pytest.mark.parametrize("state", [SignatureState.PENDING, SignatureState.HELD, SignatureState.INVALIDATED])
def test_erasing_a_signature_that_did_not_count_leaves_the_tally(petition, state):
    signature = sign_petition(petition, signer(1), state=state).signature
    moderation.erase_signature(signature, reason="Asked by the signer")
    states = petition.get_state_counts(fresh=True)
    assert petition.get_tally(fresh=True).total == 0
    assert (getattr(states, state), states.withdrawn) == (0, 1)
    assert signature.confirmation_due_at is None


def test_a_reason_is_required(petition):
    signature = sign_petition(petition, signer(1)).signature
    with pytest.raises(moderation.ModerationError):
        moderation.erase_signature(signature, reason=" ")
    signature.refresh_from_db()
    assert signature.state == SignatureState.COUNTED


def test_withdrawn_signatures_cannot_be_restored_or_confirmed(petition, superuser):
    signature = sign_petition(petition, signer(1)).signature
    moderation.erase_signature(signature, reason="Asked")
    for change in (moderation.restore_signature, moderation.confirm_signature, moderation.invalidate_signature):
        with pytest.raises(moderation.ModerationError):
            change(signature, user=superuser, reason="try")
    assert petition.get_state_counts(fresh=True).withdrawn == 1


def test_withdrawing_consents(petition, partner):
    signature = sign_petition(petition, signer(1, partner="drc", consent_partner=True, consent_updates=True)).signature
    assert moderation.withdraw_consents(signature, partner=True) == ["consent_partner"]
    signature.refresh_from_db()
    assert (signature.consent_updates, signature.consent_partner) == (True, False)
    assert moderation.withdraw_consents(signature, updates=True, partner=True) == ["consent_updates"]
    signature.refresh_from_db()
    assert (signature.consent_updates, signature.consent_partner) == (False, False)
    assert petition.get_tally(fresh=True).total == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_erasures_take_the_signature_out_exactly_once(petition):
    if connection.vendor == "sqlite" and "memory" in str(connection.settings_dict["NAME"]):
        pytest.skip("an in-memory SQLite test database cannot be written from several threads; run on PostgreSQL")
    signature = sign_petition(petition, signer(1)).signature
    sign_petition(petition, signer(2))
    start, results = threading.Barrier(8), []

    def erase():
        start.wait()
        try:
            results.append(bool(moderation.erase_signatures(Signature, [signature.pk], reason="Asked")))
        finally:
            connection.close()

    threads = [threading.Thread(target=erase) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sorted(results) == [False] * 7 + [True]
    assert petition.get_tally(fresh=True).total == 1
    assert petition.get_state_counts(fresh=True).withdrawn == 1
    assert recount.recount(petition.get_tally_key()) == []
