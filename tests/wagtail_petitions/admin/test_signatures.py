"""The signatures area: who may see it, filters, search, exports read back, invalidation and undo."""

import csv
import io
import os
import threading
import uuid

import pytest
from django.db import connection
from django.urls import reverse
from openpyxl import load_workbook

from tests.conftest import signer
from tests.wagtail_petitions.conftest import add_permission, client_for
from wagtail_petitions import recount
from wagtail_petitions.admin.exports import neutralise_cell
from wagtail_petitions.models import Signature, SignatureState, SignatureStateChange, StateCounter, TallyCounter
from wagtail_petitions.moderation import ModerationError, invalidate_signature, restore_signature
from wagtail_petitions.signing import attribution, sign_petition

pytestmark = pytest.mark.django_db

INDEX = reverse("signatures:index")


def assert_denied(response):
    """Wagtail's admin answers a refused permission with a redirect to the dashboard (403 for JSON requests)."""
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert response.url == reverse("wagtailadmin_home")


def inspect_url(signature):
    return reverse("signatures:inspect", args=[signature.pk])


def read_csv(response):
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


def test_editor_without_the_permission_sees_no_personal_data(client, editor, signed):
    client_for(client, editor)

    assert_denied(client.get(INDEX))
    assert_denied(client.get(INDEX + "?export=csv"))
    assert_denied(client.get(INDEX + "?export=xlsx"))
    assert_denied(client.get(inspect_url(signed[0])))
    menu = client.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("signatures:index") not in menu


def test_editor_without_the_permission_still_sees_counts(client, editor, petition, signed):
    client_for(client, editor)

    response = client.get(reverse("wagtail_petitions_reports:petition", args=[petition.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    assert "France (FR)" in html and "Digital Rights Collective" in html
    assert all(s.email not in html and s.last_name not in html for s in signed)


def test_change_permission_alone_does_not_open_personal_data(client, editor, signed):
    editor = add_permission(editor, "invalidate_signature")
    client_for(client, editor)
    assert_denied(client.get(INDEX))


def test_signature_manager_lists_filters_and_searches(client, signature_manager, signed, partner):
    client_for(client, signature_manager)

    listing = client.get(INDEX)
    assert listing.status_code == 200
    html = listing.content.decode()
    assert all(s.email in html for s in signed)

    only_be = client.get(INDEX, {"country": "BE"}).content.decode()
    assert "ada4@example.org" in only_be and "ada1@example.org" not in only_be
    via_partner = client.get(INDEX, {"partner": partner.pk}).content.decode()
    assert "ada2@example.org" in via_partner and "ada3@example.org" not in via_partner
    found = client.get(INDEX, {"q": "zoé"}).content.decode()
    assert "ada4@example.org" in found and "ada1@example.org" not in found
    by_email = client.get(INDEX, {"q": "ADA3@"}).content.decode()
    assert "ada3@example.org" in by_email and "ada2@example.org" not in by_email


def test_csv_export_of_the_filtered_set_is_streamed_and_neutralised(client, signature_manager, signed, petition):
    client_for(client, signature_manager)

    response = client.get(INDEX, {"export": "csv", "country": "DE"})
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"].startswith("text/csv")
    rows = read_csv(response)

    assert len(rows) == 1
    row = rows[0]
    assert row["First name"] == '\'=HYPERLINK("http://evil")'
    assert row["Last name"] == "'@SUM(A1)"
    assert row["Email"] == "ada5@example.org" and row["Country"] == "DE"
    assert row["Petition"] == petition.title and row["State"] == "counted"

    everyone = read_csv(client.get(INDEX, {"export": "csv"}))
    assert sorted(r["Email"] for r in everyone) == sorted(s.email for s in signed)
    assert {r["Partner"] for r in everyone} == {"", "drc"}


def test_xlsx_export_reads_back_with_neutralised_cells(client, signature_manager, signed):
    client_for(client, signature_manager)

    response = client.get(INDEX, {"export": "xlsx", "state": "counted"})
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook.active
    rows = list(sheet.iter_rows(values_only=True))
    header, data = rows[0], rows[1:]
    assert header[:3] == ("First name", "Last name", "Email")
    assert len(data) == len(signed)
    cells = {cell for row in data for cell in row}
    assert '\'=HYPERLINK("http://evil")' in cells and "'@SUM(A1)" in cells
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+33 6", "'+33 6"),
        ("-2", "'-2"),
        ("@cmd", "'@cmd"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Ada", "Ada"),
        ("a=b", "a=b"),
        (3, 3),
        ("", ""),
    ],
)
def test_neutralise_cell(value, expected):
    assert neutralise_cell(value) == expected


def test_invalidate_and_restore_through_the_admin(client, signature_manager, petition, signed):
    client_for(client, signature_manager)
    target = signed[1]  # FR, via the partner
    assert petition.get_tally(fresh=True).total == 5

    page = client.get(inspect_url(target))
    assert page.status_code == 200 and "Invalidate this signature" in page.content.decode()
    missing_reason = client.post(inspect_url(target), {"action": "invalidate", "reason": " "})
    assert missing_reason.status_code == 200 and "Give a reason" in missing_reason.content.decode()
    assert Signature.objects.get(pk=target.pk).state == SignatureState.COUNTED

    response = client.post(inspect_url(target), {"action": "invalidate", "reason": "Duplicate under another address"})
    assert response.status_code == 302
    snapshot = petition.get_tally(fresh=True)
    assert snapshot.total == 4 and dict(snapshot.by_partner) == {} and dict(snapshot.by_country)["FR"] == 2
    change = SignatureStateChange.objects.for_signature(target).get()
    assert (change.user, change.reason, change.to_state) == (
        signature_manager,
        "Duplicate under another address",
        SignatureState.INVALIDATED,
    )
    assert "Duplicate under another address" in client.get(inspect_url(target)).content.decode()
    assert len(read_csv(client.get(INDEX, {"export": "csv", "state": "invalidated"}))) == 1

    response = client.post(inspect_url(target), {"action": "restore", "reason": "Checked: a real person"})
    assert response.status_code == 302
    assert Signature.objects.get(pk=target.pk).state == SignatureState.COUNTED
    assert petition.get_tally(fresh=True).total == 5
    assert SignatureStateChange.objects.for_signature(target).count() == 2
    assert recount.recount(petition.translation_key) == []


def test_viewing_without_invalidate_permission_cannot_invalidate(client, editor, signed):
    editor = add_permission(editor, "view_signature")
    client_for(client, editor)
    assert client.get(INDEX).status_code == 200
    assert "Invalidate this signature" not in client.get(inspect_url(signed[0])).content.decode()
    assert_denied(client.post(inspect_url(signed[0]), {"action": "invalidate", "reason": "x"}))
    assert Signature.objects.get(pk=signed[0].pk).state == SignatureState.COUNTED


def test_invalidating_twice_is_refused_and_counts_once(petition, signed, signature_manager):
    invalidate_signature(signed[0], user=signature_manager, reason="fake")
    with pytest.raises(ModerationError):
        invalidate_signature(signed[0], user=signature_manager, reason="fake again")
    assert petition.get_tally(fresh=True).total == 4
    with pytest.raises(ModerationError):
        restore_signature(signed[2], user=signature_manager)


def test_restoring_a_pending_signature_gives_it_back_its_pending_state(petition, signature_manager):
    from tests.conftest import signer
    from wagtail_petitions.signing import sign_petition

    pending = sign_petition(petition, signer(9), state=SignatureState.PENDING).signature
    invalidate_signature(pending, user=signature_manager, reason="spam")
    restore_signature(pending, user=signature_manager)
    assert Signature.objects.get(pk=pending.pk).state == SignatureState.PENDING
    assert petition.get_tally(fresh=True).total == 0


@pytest.mark.postgres
@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="needs PostgreSQL (DATABASE_URL) for real concurrent transactions",
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_invalidations_remove_one_signature_once(django_user_model):
    # No page here: a transactional test that ran before may have flushed Wagtail's tree, and this needs only rows.
    key = uuid.uuid4()
    user = django_user_model.objects.create_user("racer", "racer@example.org", "pw")
    signature = Signature.objects.create(
        petition_key=key,
        first_name="A",
        last_name="B",
        email="a@example.org",
        email_normalized="a@example.org",
        country="FR",
    )
    TallyCounter.objects.add(key, country="FR")
    StateCounter.objects.add(key, {SignatureState.COUNTED: 1})
    outcomes = []
    barrier = threading.Barrier(4)

    def invalidate():
        try:
            barrier.wait()
            invalidate_signature(Signature.objects.get(pk=signature.pk), user=user, reason="race")
            outcomes.append("ok")
        except ModerationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=invalidate) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["ok", "refused", "refused", "refused"]
    assert TallyCounter.objects.read(key).total == 0
    assert SignatureStateChange.objects.for_signature(signature).count() == 1
    assert recount.recount(key) == []


def test_claimed_partner_is_a_column_a_filter_and_exported(client, signature_manager, signed, petition, partner):
    # A widget with the partner's slug on a site the partner has not registered.
    sign_petition(petition, signer(6, partner="drc"), via=attribution.ORIGIN, origin="https://copied.example")
    client_for(client, signature_manager)

    claimed = client.get(INDEX, {"claimed_partner": partner.pk}).content.decode()
    assert "Claimed partner" in claimed
    assert "ada6@example.org" in claimed and "ada2@example.org" not in claimed
    credited = client.get(INDEX, {"partner": partner.pk}).content.decode()
    assert "ada2@example.org" in credited and "ada6@example.org" not in credited
    rows = {row["Email"]: row for row in read_csv(client.get(INDEX, {"export": "csv"}))}
    assert (rows["ada6@example.org"]["Partner"], rows["ada6@example.org"]["Claimed partner"]) == ("", "drc")
    assert (rows["ada2@example.org"]["Partner"], rows["ada2@example.org"]["Claimed partner"]) == ("drc", "")
