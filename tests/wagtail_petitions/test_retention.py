"""Retention: signers' personal data removed after the petition's retention period, every count unchanged."""

import datetime
import tracemalloc
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from tests.conftest import signer
from tests.wagtail_petitions.conftest import client_for
from wagtail_petitions import recount
from wagtail_petitions.figures import petition_figures, petition_report_rows
from wagtail_petitions.models import PaperBatch, PetitionStatus, Signature, SignatureState
from wagtail_petitions.models.pages import add_months
from wagtail_petitions.paper import correct_paper_batch, record_paper_batch
from wagtail_petitions.retention import anonymise_signatures, apply_retention, apply_retention_task, schedule
from wagtail_petitions.signing import sign_petition

pytestmark = pytest.mark.django_db


def close(petition, *, closed_on, **fields):
    petition.status = fields.pop("status", PetitionStatus.CLOSED)
    for name, value in fields.items():
        setattr(petition, name, value)
    petition.save_revision().publish()
    type(petition).objects.filter(translation_key=petition.translation_key).update(closed_on=closed_on)
    petition.refresh_from_db()
    return petition


def everything_counted(petition):
    """Every number editors, the public and the recount see."""
    figures = petition_figures(petition, top=None)
    return (
        petition.get_tally(fresh=True),
        petition.get_state_counts(fresh=True),
        figures,
        petition_report_rows(petition, labels={"country": "C", "partner": "P", "day": "D"}),
        recount.recount(petition.get_tally_key()),
    )


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (datetime.date(2026, 1, 15), 6, datetime.date(2026, 7, 15)),
        (datetime.date(2026, 8, 31), 6, datetime.date(2027, 2, 28)),
        (datetime.date(2027, 8, 31), 6, datetime.date(2028, 2, 29)),
        (datetime.date(2026, 11, 30), 13, datetime.date(2027, 12, 30)),
    ],
)
def test_add_months(day, months, expected):
    assert add_months(day, months) == expected


def test_the_clock_starts_at_closing_or_delivery_and_the_default_is_six_months(petition):
    assert petition.get_retention_start() is None and petition.get_retention_due() is None

    petition.status = PetitionStatus.CLOSED
    petition.save_revision().publish()
    petition.refresh_from_db()
    assert petition.closed_on == timezone.localdate()
    assert petition.get_retention_due() == add_months(timezone.localdate(), 6)

    close(
        petition,
        closed_on=datetime.date(2026, 1, 5),
        status=PetitionStatus.DELIVERED,
        delivered_on=datetime.date(2026, 2, 1),
        delivery_text="Handed in.",
        retention_months=3,
    )
    assert petition.get_retention_start() == datetime.date(2026, 2, 1)
    assert petition.get_retention_due() == datetime.date(2026, 5, 1)

    # Reopened: no clock.
    petition.status = PetitionStatus.OPEN
    petition.save_revision().publish()
    petition.refresh_from_db()
    assert petition.closed_on is None and petition.get_retention_due() is None


def test_an_open_petition_whose_closing_date_passed_is_on_the_clock(make_petition):
    petition = make_petition(closes_at=timezone.now() - timedelta(days=1))
    assert petition.get_retention_start() == timezone.localdate(timezone.now() - timedelta(days=1))


def test_the_privacy_notice_states_the_same_retention(client, api_client, petition, settings):
    settings.WAGTAIL_PETITIONS_RETENTION_MONTHS = 9
    assert "until 9 months after" in client.get(petition.url).content.decode()
    petition.retention_months = 4
    petition.save_revision().publish()
    assert "until 4 months after" in client.get(petition.url).content.decode()
    api = api_client.get(f"/api/v1/petitions/{petition.slug}/").json()
    assert "until 4 months after" in api["privacy_text"]
    assert "until 4 months after" in client.get(f"/embed/v1/petitions/{petition.slug}/").content.decode()
    # What a signer agrees to is the notice as shown.
    sign_petition(petition, signer(1))
    assert "until 4 months after" in Signature.objects.get().consent_texts.privacy_text


def test_retention_removes_personal_data_and_keeps_every_number(petition, partner, superuser):
    for n, (country, extra) in enumerate(
        [("FR", {"postal_code": "75011"}), ("FR", {"partner": "drc", "consent_partner": True}), ("BE", {})]
    ):
        sign_petition(petition, signer(n, country=country, consent_updates=True, **extra))
    batch = record_paper_batch(
        PaperBatch(page=petition, country="DE", signature_count=40, note="Given to us by Jean Dupont"), user=superuser
    )
    batch.note = "Jean Dupont's stall, corrected by Marie Curie"
    correct_paper_batch(batch, user=superuser, reason="typo")
    close(petition, closed_on=timezone.localdate() - timedelta(days=200))
    before = everything_counted(petition)
    signed_days = sorted(timezone.localdate(s.created_at) for s in Signature.objects.all())

    run = apply_retention()

    assert (run.signatures, run.paper_batches, [p.pk for p in run.petitions]) == (3, 1, [petition.pk])
    assert everything_counted(petition) == before
    assert before[-1] == []  # the recount finds nothing to repair, before or after
    for signature in Signature.objects.all():
        assert (signature.first_name, signature.last_name, signature.email, signature.postal_code) == ("", "", "", "")
        assert signature.email_normalized == f"#{signature.pk}" and "@" not in signature.email_normalized
        assert signature.is_anonymised and signature.state == SignatureState.COUNTED
        # Cut to the hour: the count history (per UTC hour) and the figures by day do not move.
        assert (signature.created_at.minute, signature.created_at.second, signature.created_at.microsecond) == (0, 0, 0)
        assert signature.consent_texts is not None and signature.language == "en"
    assert sorted(timezone.localdate(s.created_at) for s in Signature.objects.all()) == signed_days
    kept = sorted((str(s.country), s.partner_id or 0, s.channel, s.consent_partner) for s in Signature.objects.all())
    assert kept == [("BE", 0, "online", False), ("FR", 0, "online", False), ("FR", partner.pk, "online", True)]
    batch.refresh_from_db()
    assert batch.note == "" and batch.signature_count == 40 and batch.anonymised_at is not None
    assert "Dupont" not in str(list(batch.corrections.values_list("changes", flat=True)))
    # A second run finds nothing more to do.
    assert apply_retention().signatures == 0


def test_a_petition_within_its_retention_is_left_alone(petition):
    sign_petition(petition, signer(1))
    close(petition, closed_on=timezone.localdate() - timedelta(days=150))
    assert apply_retention().signatures == 0
    assert Signature.objects.get().email == "ada1@example.org"


def test_the_command_and_the_task(petition):
    sign_petition(petition, signer(1))
    sign_petition(petition, signer(2))
    close(petition, closed_on=timezone.localdate() - timedelta(days=400))
    call_command("apply_retention", stdout=(out := __import__("io").StringIO()))
    assert out.getvalue().startswith("2 signatures and 0 paper batches anonymised on 1 petitions")
    assert apply_retention_task.enqueue().return_value == 0


def test_the_retention_of_a_sites_own_signature_model_covers_its_free_text(site_root):
    from tests.conftest import PETITION_TEXTS
    from tests.testapp.models import ResearcherSignature, ResearchPetitionPage

    page = ResearchPetitionPage(title="Open letter", slug="open-letter", confirmation_required=False, **PETITION_TEXTS)
    site_root.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    sign_petition(page, signer(1, institution="Institut Pasteur"))
    close(page, closed_on=timezone.localdate() - timedelta(days=400))

    assert apply_retention().signatures == 1
    assert ResearcherSignature.objects.get().institution == ""


def test_editors_see_what_is_due_and_when(client, editor, petition, make_petition):
    sign_petition(petition, signer(1))
    close(petition, closed_on=datetime.date(2026, 1, 10))
    later = make_petition(slug="later", title="Later")
    close(later, closed_on=timezone.localdate(), retention_months=12)
    client_for(client, editor)

    response = client.get(reverse("wagtail_petitions_retention:index"))

    html = response.content.decode()
    assert response.status_code == 200
    assert html.index("Stop spyware") < html.index("Later")  # soonest due first
    assert "Due: the next daily run" in html and "Scheduled" in html
    rows = {row.petition.slug: row for row in schedule()}
    assert rows["stop-spyware"].due == datetime.date(2026, 7, 10)
    assert rows["stop-spyware"].signatures_with_personal_data == 1 and rows["stop-spyware"].is_due
    assert rows["later"].due == add_months(timezone.localdate(), 12) and not rows["later"].is_due


def test_retention_is_refused_to_users_without_petitions(client, django_user_model, petition):
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user("nobody", password="pw")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client_for(client, user)
    response = client.get(reverse("wagtail_petitions_retention:index"))
    assert response.status_code == 302 and "Stop spyware" not in response.content.decode()


def test_100k_signatures_are_anonymised_in_batches_with_flat_memory(petition, settings):
    """The run walks the signatures in batches: its peak memory is that of a batch, not of the petition."""
    settings.WAGTAIL_PETITIONS_RETENTION_BATCH_SIZE = 1000
    key, day = petition.get_tally_key(), timezone.now() - timedelta(days=300)
    rows = (
        Signature(
            petition_key=key,
            page_id=petition.pk,
            first_name=f"Name{n}",
            last_name="Signer",
            email=f"s{n}@example.org",
            email_normalized=f"s{n}@example.org",
            country=("FR", "DE", "BE")[n % 3],
            postal_code="75011",
            language="en",
            created_at=day + timedelta(seconds=n),
        )
        for n in range(100_000)
    )
    Signature.objects.bulk_create(rows, batch_size=5000)
    assert recount.recount(key, fix=True)  # the tally of rows made without signing
    close(petition, closed_on=timezone.localdate() - timedelta(days=200))
    before = everything_counted(petition)
    batches = []

    tracemalloc.start()
    try:
        done = anonymise_signatures(petition, on_batch=batches.append)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert done == 100_000 and len(batches) == 100
    assert not Signature.objects.filter(anonymised_at=None).exists()
    assert not Signature.objects.exclude(first_name="").exists()
    print(f"peak memory anonymising 100,000 signatures in batches of 1,000: {peak / 1e6:.2f} MB")
    # 100,000 signatures loaded at once would take well over 100 MB; a batch of primary keys takes far less.
    assert peak < 8_000_000
    assert everything_counted(petition) == before
