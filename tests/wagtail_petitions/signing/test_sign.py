"""The signing domain function: validation, dedup, the tally, translations, recount."""

from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import Locale

from tests.conftest import signer
from wagtail_petitions import recount
from wagtail_petitions.forms import SignatureForm
from wagtail_petitions.models import PetitionStatus, Signature, SignatureState, TallyCounter
from wagtail_petitions.signing import InvalidSignature, PetitionNotOpen, sign_petition

pytestmark = pytest.mark.django_db


def test_new_signature_is_stored_and_counted_once(petition, partner):
    result = sign_petition(petition, signer(consent_updates=True, partner="drc", postal_code="75011"))

    assert result.created is True
    signature = Signature.objects.get()
    assert signature.petition_key == petition.translation_key
    assert signature.page_id == petition.pk
    assert signature.partner == partner
    assert signature.consent_updates is True
    # The fingerprint of the texts the signer saw: the consent and privacy texts and the boxes' labels.
    assert signature.consent_text_version == petition.get_consent_text_version(SignatureForm(partner=partner))
    assert signature.postal_code == "75011"
    assert signature.language == "en"
    assert petition.get_tally(fresh=True).total == 1
    assert petition.get_tally(fresh=True).by_partner == [("drc", 1)]


@pytest.mark.parametrize("email", ["ADA0@EXAMPLE.ORG", "  ada0@example.org  ", "Ada0@Example.Org"])
def test_repeat_signer_is_not_counted_twice(petition, email):
    sign_petition(petition, signer(0))
    again = sign_petition(petition, signer(0, email=email, first_name="Someone else"))

    assert again.created is False
    assert Signature.objects.count() == 1
    assert Signature.objects.get().first_name == "Ada0"
    assert petition.get_tally(fresh=True).total == 1


def test_consent_text_version_follows_the_text(petition):
    before = petition.consent_text_version
    petition.consent_text = "A different promise."
    assert petition.consent_text_version != before


@pytest.mark.parametrize(
    "changes",
    [
        {"status": PetitionStatus.CLOSED},
        {"status": PetitionStatus.DELIVERED, "delivered_on": date(2026, 10, 28), "delivery_text": "Handed in."},
        {"closes_at": timezone.now() - timedelta(minutes=1)},
    ],
)
def test_closed_petition_refuses_and_saves_nothing(petition, changes):
    for name, value in changes.items():
        setattr(petition, name, value)
    petition.save()

    with pytest.raises(PetitionNotOpen):
        sign_petition(petition, signer())
    assert Signature.objects.count() == 0
    assert TallyCounter.objects.count() == 0


def test_petition_with_a_future_closing_date_is_open(petition):
    petition.closes_at = timezone.now() + timedelta(days=1)
    petition.save()
    assert sign_petition(petition, signer()).created


@pytest.mark.parametrize(
    ("data", "field", "code"),
    [
        (signer(first_name=""), "first_name", "required"),
        (signer(last_name="x" * 101), "last_name", "max_length"),
        (signer(first_name="Ada\x00"), "first_name", "control_characters"),
        (signer(last_name="Love\nlace"), "last_name", "control_characters"),
        (signer(first_name="A\u2028da"), "first_name", "control_characters"),
        (signer(first_name="Ada\ud800"), "first_name", "control_characters"),
        (signer(first_name=["Ada"]), "first_name", "invalid"),
        (signer(email="not-an-email"), "email", "invalid"),
        (signer(email=None), "email", "required"),
        (signer(country="ZZ"), "country", "invalid_choice"),
        (signer(country=33), "country", "invalid_choice"),
        (signer(postal_code="7" * 17), "postal_code", "max_length"),
        (signer(consent_updates="maybe"), "consent_updates", "invalid"),
        (signer(consent_updates=[True]), "consent_updates", "invalid"),
        (signer(partner="no-such-partner"), "partner", "unknown_partner"),
    ],
)
def test_bad_input_is_refused_with_a_code_per_field_and_nothing_saved(petition, data, field, code):
    with pytest.raises(InvalidSignature) as excinfo:
        sign_petition(petition, data)

    assert [e["code"] for e in excinfo.value.errors[field]] == [code]
    assert all(e["message"] for e in excinfo.value.errors[field])
    assert Signature.objects.count() == 0
    assert TallyCounter.objects.count() == 0


def test_inactive_partner_is_refused(petition, partner):
    partner.is_active = False
    partner.save()
    with pytest.raises(InvalidSignature) as excinfo:
        sign_petition(petition, signer(partner="drc"))
    assert excinfo.value.errors["partner"][0]["code"] == "unknown_partner"


def test_markup_in_names_is_stored_as_typed(petition):
    sign_petition(petition, signer(first_name="<b>Ada</b>", last_name="<script>x()</script>"))
    signature = Signature.objects.get()
    assert signature.first_name == "<b>Ada</b>"
    assert signature.last_name == "<script>x()</script>"


def test_country_code_is_accepted_in_either_case(petition):
    sign_petition(petition, signer(country="be"))
    assert Signature.objects.get().country.code == "BE"
    assert petition.get_tally(fresh=True).by_country == [("BE", 1)]


def test_partner_consent_needs_a_partner(petition):
    sign_petition(petition, signer(consent_partner=True))
    assert Signature.objects.get().consent_partner is False


def test_pending_signature_is_not_counted(petition):
    sign_petition(petition, signer(), state=SignatureState.PENDING)
    assert Signature.objects.count() == 1
    assert petition.get_tally(fresh=True).total == 0


def test_translations_share_one_tally_and_one_signature_store(petition):
    french = petition.copy_for_translation(Locale.objects.create(language_code="fr"), copy_parents=True)
    french.title = "Stop aux logiciels espions"
    french.save_revision().publish()
    french.refresh_from_db()

    sign_petition(french, signer(1))
    sign_petition(petition, signer(2))
    repeat = sign_petition(petition, signer(1, email="ADA1@example.org"))

    assert repeat.created is False
    assert petition.get_tally(fresh=True).total == french.get_tally(fresh=True).total == 2
    assert sorted(Signature.objects.values_list("language", flat=True)) == ["en", "fr"]


def test_tally_read_sums_buckets_and_breaks_down_by_country(petition):
    for n, country in enumerate(["FR", "FR", "FR", "BE", "SN"]):
        sign_petition(petition, signer(n, country=country))
    snapshot = petition.get_tally(fresh=True)
    assert snapshot.total == snapshot.online == 5
    assert snapshot.by_country == [("FR", 3), ("BE", 1), ("SN", 1)]
    # Bounded by buckets and shards, whatever the number of signatures.
    assert TallyCounter.objects.count() <= 3 * 8


def test_cached_tally_is_served_until_a_fresh_read(petition):
    sign_petition(petition, signer(1))
    assert petition.get_tally().total == 1
    sign_petition(petition, signer(2))
    assert petition.get_tally().total == 1  # the cached snapshot
    assert petition.get_tally(fresh=True).total == 2
    assert petition.get_tally().total == 2


def test_recount_finds_no_drift_then_reports_and_fixes_one(petition, capsys):
    for n in range(3):
        sign_petition(petition, signer(n))
    call_command("recount_tallies")
    assert "1 tallies checked, 0 drifted" in capsys.readouterr().out

    TallyCounter.objects.add(petition.translation_key, country="FR", amount=5)  # a corrupted tally
    with pytest.raises(Exception, match="1 drifted"):
        call_command("recount_tallies")
    call_command("recount_tallies", "--fix")
    assert "drifted and fixed" in capsys.readouterr().out
    assert petition.get_tally(fresh=True).total == 3
    assert recount.recount(petition.translation_key) == []


def test_signatures_through_the_cached_statement_keep_every_field(petition, partner):
    first = sign_petition(petition, signer(1, postal_code="10115", country="DE"))
    second = sign_petition(petition, signer(2, partner="drc", consent_partner=True, source="newsletter"))
    repeat = sign_petition(petition, signer(2, first_name="Again"))

    assert (first.created, second.created, repeat.created) == (True, True, False)
    rows = {s.email_normalized: s for s in Signature.objects.all()}
    assert set(rows) == {signer(1)["email"].lower(), signer(2)["email"].lower()}
    one, two = rows[signer(1)["email"].lower()], rows[signer(2)["email"].lower()]
    assert (one.postal_code, str(one.country), one.partner_id) == ("10115", "DE", None)
    assert (two.partner, two.consent_partner, two.source, two.first_name) == (partner, True, "newsletter", "Ada2")
    assert second.signature.pk == two.pk
    assert petition.get_tally(fresh=True).total == 2


def test_form_instances_do_not_share_field_state():
    """Form fields are copied per form instance: a change to one form's field or widget must not show in another."""
    first = SignatureForm()
    first.fields["email"].widget.attrs["placeholder"] = "changed"
    first.fields["country"].required = False
    first.fields["first_name"].validators.append(lambda value: None)
    second = SignatureForm()
    assert "placeholder" not in second.fields["email"].widget.attrs
    assert second.fields["country"].required is True
    assert len(second.fields["first_name"].validators) == len(SignatureForm.base_fields["first_name"].validators)
    assert second.fields["country"].widget is not SignatureForm.base_fields["country"].widget
    assert ("FR", "France") in list(second.fields["country"].choices)
