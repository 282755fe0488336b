"""Consent and privacy texts: stored once per distinct text (hashed), linked from every signature."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from tests.conftest import signer
from wagtail_petitions.forms import SignatureForm
from wagtail_petitions.models import ConsentText, Signature
from wagtail_petitions.models.consent import consent_digest
from wagtail_petitions.signing import sign_petition

pytestmark = pytest.mark.django_db


def test_every_signature_links_to_the_exact_texts_once_per_distinct_text(petition, partner):
    petition.privacy_text = "We delete your data six months after delivery."
    petition.save_revision().publish()
    petition.refresh_from_db()
    for n in range(3):
        sign_petition(petition, signer(n))
    sign_petition(petition, signer(9, partner="drc"))  # the partner's box: another label, another text row

    assert ConsentText.objects.count() == 2
    texts = Signature.objects.get(email="ada0@example.org").consent_texts
    assert texts.consent_text == petition.consent_text
    # The privacy notice as shown: the editor's text, then the platform's (retention, where to erase).
    assert texts.privacy_text == petition.get_privacy_notice()
    assert texts.privacy_text.startswith("We delete your data six months after delivery.\n\nWe keep your name")
    assert texts.consent_labels == SignatureForm(partner=None).get_consent_labels()
    assert texts.language == "en"
    assert texts.matches()
    # The 16-character version on the signature is the start of the stored digest.
    assert {s.consent_text_version for s in Signature.objects.filter(partner=None)} == {texts.version}
    assert len({s.consent_texts_id for s in Signature.objects.filter(partner=None)}) == 1
    with_partner = Signature.objects.get(email="ada9@example.org")
    assert with_partner.consent_texts_id != texts.pk
    assert with_partner.consent_texts.consent_labels == SignatureForm(partner=partner).get_consent_labels()
    assert with_partner.consent_text_version == petition.get_consent_text_version(SignatureForm(partner=partner))


def test_a_changed_text_is_a_new_row_and_old_signatures_keep_theirs(petition):
    sign_petition(petition, signer(1))
    petition.consent_text = "A different promise."
    petition.save_revision().publish()
    petition.refresh_from_db()
    sign_petition(petition, signer(2))

    first, second = (Signature.objects.get(email=f"ada{n}@example.org") for n in (1, 2))
    assert first.consent_texts.consent_text != second.consent_texts.consent_text
    assert second.consent_texts.consent_text == "A different promise."
    assert ConsentText.objects.count() == 2


def test_the_labels_are_stored_in_the_language_shown(make_petition, french):
    petition = make_petition()
    with translation.override("fr"):
        form = SignatureForm(partner=None)
        labels = form.get_consent_labels()
        row = petition.get_consent_texts(form)
        notice = petition.get_privacy_notice()
    assert row.consent_labels == labels
    assert row.digest == consent_digest(petition.consent_text, notice, labels)


def test_an_altered_row_no_longer_matches_its_digest(petition):
    sign_petition(petition, signer(1))
    row = ConsentText.objects.get()
    row.consent_text += " (edited)"
    assert not row.matches()


@pytest.mark.django_db(transaction=True)
def test_the_row_is_resolved_from_the_process_cache_after_the_first_signature(petition):
    sign_petition(petition, signer(1))  # first use: looked up and created, remembered once committed
    with CaptureQueriesContext(connection) as queries:
        sign_petition(petition, signer(2))
    assert not [q for q in queries.captured_queries if ConsentText._meta.db_table in q["sql"]]
    assert ConsentText.objects.count() == 1
    assert Signature.objects.filter(consent_texts__isnull=True).count() == 0


def test_a_rolled_back_row_is_not_remembered(petition):
    from django.db import transaction

    with transaction.atomic():
        petition.get_consent_texts(SignatureForm(partner=None))
        transaction.set_rollback(True)
    assert ConsentText.objects.count() == 0
    sign_petition(petition, signer(1))  # creates it again rather than linking to the rolled-back row
    assert Signature.objects.get().consent_texts_id == ConsentText.objects.get().pk
