"""Publishing one translation copies the petition-wide fields (status, goal, ...) to the others, through Wagtail's
real page editor: as a new revision that Wagtail's conflict checks see, and never undone by an editor whose form
was opened before."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.models import PageLogEntry

from tests.conftest import signer
from tests.wagtail_petitions.conftest import client_for
from tests.wagtail_petitions.models.test_pages import edit_form_data
from wagtail_petitions.models import PetitionPage, PetitionStatus
from wagtail_petitions.signing import PetitionNotOpen, sign_petition

pytestmark = pytest.mark.django_db


@pytest.fixture
def french_page(petition, site_root, french):
    site_root.copy_for_translation(french).save_revision().publish()
    page = petition.copy_for_translation(french)
    page.title = "Stop aux logiciels espions"
    page.save_revision().publish()
    return PetitionPage.objects.get(pk=page.pk)


def fresh(page):
    return PetitionPage.objects.get(pk=page.pk)


def open_editor(client, page) -> dict:
    """Open the page editor as the editor's browser does: the revision the form was loaded from (hidden inputs)."""
    html = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).content.decode()
    return {
        name: re.search(rf'name="{name}" value="([^"]*)"', html).group(1)
        for name in ("loaded_revision_id", "loaded_revision_created_at")
    }


def post_edit(client, page, form_page, loaded, autosave=False, **overrides):
    """Post the edit form, built from ``form_page`` (the values the editor's form holds): a publish, or the
    autosave's JSON save."""
    data = {**edit_form_data(form_page, **overrides), **loaded}
    if autosave or "action-submit" in overrides:
        data.pop("action-publish")
    if autosave:
        return client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), data, HTTP_ACCEPT="application/json")
    return client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), data)


def test_publishing_one_translation_gives_the_others_a_new_revision(client, editor, petition, french_page):
    before = fresh(petition).latest_revision
    client_for(client, editor)

    response = post_edit(client, french_page, french_page, open_editor(client, french_page), goal=5_000)

    assert response.status_code == 302
    english = fresh(petition)
    assert english.goal == 5_000
    # A new revision, live since the English page had nothing waiting: the one it had is history, untouched.
    assert english.latest_revision_id != before.pk
    assert english.latest_revision.content["goal"] == 5_000 and english.latest_revision.user == editor
    assert english.live_revision_id == english.latest_revision_id and not english.has_unpublished_changes
    before.refresh_from_db()
    assert before.content["goal"] == 1000
    entry = PageLogEntry.objects.get(page=english, action="wagtail_petitions.sync_translation")
    assert entry.revision_id == english.latest_revision_id and entry.user == editor
    history = client.get(reverse("wagtailadmin_pages:history", args=[english.pk])).content.decode()
    assert "Petition-wide fields (status, goal, ...) copied from another translation" in history


def test_a_draft_of_another_translation_stays_a_draft_with_the_new_values(client, editor, petition, french_page):
    english = fresh(petition)
    english.summary = "A draft summary."
    draft = english.save_revision()
    client_for(client, editor)

    post_edit(client, french_page, french_page, open_editor(client, french_page), status=PetitionStatus.CLOSED)

    english = fresh(petition)
    assert english.status == PetitionStatus.CLOSED and english.summary != "A draft summary."  # live row
    latest = english.get_latest_revision_as_object()
    assert (latest.summary, latest.status) == ("A draft summary.", PetitionStatus.CLOSED)
    assert english.latest_revision_id != draft.pk and english.live_revision_id not in (None, draft.pk)
    assert english.has_unpublished_changes


@pytest.mark.parametrize("autosaved_before", [False, True], ids=["first-autosave", "overwriting-autosave"])
def test_autosave_of_a_form_opened_before_another_translation_closed_the_petition_is_refused(
    client, editor, petition, french_page, autosaved_before
):
    client_for(client, editor)
    english_form = fresh(petition)
    loaded = open_editor(client, petition)
    if autosaved_before:
        response = post_edit(client, petition, english_form, loaded, autosave=True, summary="Typing…")
        assert response.json()["success"]
        loaded["overwrite_revision_id"] = response.json()["revision_id"]

    post_edit(client, french_page, french_page, open_editor(client, french_page), status=PetitionStatus.CLOSED)
    response = post_edit(client, petition, english_form, loaded, autosave=True, summary="Typing more…")

    # Wagtail's own conflict answer: the editor is told that saving would overwrite a newer version.
    assert response.status_code == 400
    assert response.json()["error_code"] == "invalid_revision"
    english = fresh(petition)
    assert english.status == PetitionStatus.CLOSED
    assert english.get_latest_revision_as_object().status == PetitionStatus.CLOSED


@pytest.mark.parametrize("autosaved_before", [False, True], ids=["no-autosave", "autosaved-before"])
def test_publishing_a_form_opened_before_another_translation_closed_the_petition_keeps_it_closed(
    client, editor, petition, french_page, api_client, autosaved_before
):
    client_for(client, editor)
    english_form = fresh(petition)
    loaded = open_editor(client, petition)
    if autosaved_before:
        assert post_edit(client, petition, english_form, loaded, autosave=True, summary="Typing…").json()["success"]

    post_edit(
        client, french_page, french_page, open_editor(client, french_page), status=PetitionStatus.CLOSED, goal=5_000
    )
    # The English editor fixes a typo in the title and publishes the form they opened before (status "open").
    response = post_edit(client, petition, english_form, loaded, title="Stop the spyware")

    assert response.status_code == 302
    english, french = fresh(petition), fresh(french_page)
    assert english.title == "Stop the spyware"
    assert (english.status, english.goal) == (french.status, french.goal) == (PetitionStatus.CLOSED, 5_000)
    assert english.live and english.get_latest_revision_as_object().status == PetitionStatus.CLOSED
    with pytest.raises(PetitionNotOpen):
        sign_petition(french, signer(1))
    assert api_client.get("/api/v1/petitions/stop-spyware/?lang=fr").json()["status"] == "closed"


def test_a_petition_wide_field_the_editor_did_change_keeps_their_value(client, editor, petition, french_page):
    client_for(client, editor)
    english_form = fresh(petition)
    loaded = open_editor(client, petition)

    post_edit(client, french_page, french_page, open_editor(client, french_page), goal=5_000)
    response = post_edit(client, petition, english_form, loaded, status=PetitionStatus.CLOSED)

    assert response.status_code == 302
    english, french = fresh(petition), fresh(french_page)
    # Their change wins and reaches every translation; the goal they did not touch stays the newer one.
    assert (english.status, english.goal) == (french.status, french.goal) == (PetitionStatus.CLOSED, 5_000)


@pytest.mark.parametrize("draft_after", [False, True], ids=["scheduled-latest", "draft-after-scheduled"])
def test_a_revision_of_another_translation_scheduled_for_publishing_will_publish_the_new_values(
    client, editor, petition, french_page, draft_after
):
    english = fresh(petition)
    english.go_live_at = timezone.now() + datetime.timedelta(days=1)
    english.summary = "Scheduled summary."
    english.save_revision().publish()  # scheduled: the page stays live as it was
    if draft_after:
        english = fresh(petition).get_latest_revision_as_object()
        english.summary = "A later draft."
        english.save_revision()
    client_for(client, editor)

    post_edit(client, french_page, french_page, open_editor(client, french_page), status=PetitionStatus.CLOSED)

    english = fresh(petition)
    scheduled = english.revisions.exclude(approved_go_live_at=None)
    assert scheduled.count() == 1
    to_publish = scheduled.get().as_object()
    assert (to_publish.summary, to_publish.status) == ("Scheduled summary.", PetitionStatus.CLOSED)
    assert english.get_latest_revision_as_object().status == PetitionStatus.CLOSED


def test_a_value_the_editor_autosaved_then_set_back_stays_theirs(client, editor, petition, french_page):
    """Their own autosave is no copy from another translation: what they publish is what they chose."""
    client_for(client, editor)
    english_form = fresh(petition)
    loaded = open_editor(client, petition)
    response = post_edit(client, petition, english_form, loaded, autosave=True, status=PetitionStatus.CLOSED)
    assert response.json()["success"]

    # The form still says which revision it was loaded from (Wagtail sends the autosave's own id only with autosaves).
    response = post_edit(client, petition, english_form, loaded, status=PetitionStatus.OPEN)

    assert response.status_code == 302
    assert fresh(petition).status == fresh(french_page).status == PetitionStatus.OPEN


@pytest.mark.parametrize("submitted", [{"title": "Stop the spyware"}, {"goal": 5_000}], ids=["title", "goal"])
def test_approving_a_revision_submitted_before_another_translation_closed_the_petition_keeps_it_closed(
    client, editor, superuser, petition, french_page, submitted
):
    """Wagtail's moderation workflow publishes the latest revision once approved: the change submitted is in it,
    and so is what the other translation published meanwhile (only the fields that publish changed)."""
    client_for(client, editor)
    response = post_edit(
        client, petition, fresh(petition), open_editor(client, petition), **{"action-submit": "1"}, **submitted
    )
    assert response.status_code == 302
    task_state = fresh(petition).current_workflow_task_state
    assert task_state is not None
    post_edit(client, french_page, french_page, open_editor(client, french_page), status=PetitionStatus.CLOSED)

    client_for(client, superuser)
    response = client.post(
        reverse("wagtailadmin_pages:workflow_action", args=[petition.pk, "approve", task_state.pk]), {"comment": ""}
    )

    assert response.status_code == 302
    english, french = fresh(petition), fresh(french_page)
    assert english.live and english.live_revision_id == english.latest_revision_id
    for name, value in submitted.items():
        assert getattr(english, name) == value
    assert english.status == french.status == PetitionStatus.CLOSED
    assert english.goal == french.goal == submitted.get("goal", 1000)


def test_a_stale_form_takes_only_the_copied_fields_never_its_own_autosaved_values(
    client, editor, petition, french_page
):
    client_for(client, editor)
    english_form = fresh(petition)
    loaded = open_editor(client, petition)
    assert post_edit(client, petition, english_form, loaded, autosave=True, goal=3_000).json()["success"]
    post_edit(client, french_page, french_page, open_editor(client, french_page), status=PetitionStatus.CLOSED)

    # They set the goal back, and publish the form they opened before French closed the petition.
    response = post_edit(client, petition, english_form, loaded, goal=1000)

    assert response.status_code == 302
    english, french = fresh(petition), fresh(french_page)
    assert (english.goal, english.status) == (french.goal, french.status) == (1000, PetitionStatus.CLOSED)
