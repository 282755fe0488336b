"""Issue 11: "publishing a translation right after typing said 'published' while the page stayed not live, and its
old URL redirected to itself". An autosave racing the Publish button, through Wagtail's real page editor on
PostgreSQL: the editor's first autosave is read (page not live) before their Publish and saved after it.

What the plugin does on publish (copying the petition-wide fields to the other translations) stays right; the
translation being put back to "not live" is Wagtail 8.0.1's own race, and happens to a page of no petition type
just the same (strict ``xfail``: it fails the day Wagtail fixes it, so that this note goes).
"""

import threading
import time

import pytest
from django.db import connection
from django.db.models.signals import post_save
from django.test import Client
from django.urls import reverse
from wagtail import hooks
from wagtail.models import Page
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from tests.wagtail_petitions.models.test_pages import edit_form_data
from tests.wagtail_petitions.models.test_pages_sync import open_editor
from wagtail_petitions.models import PetitionPage, PetitionStatus

pytestmark = pytest.mark.django_db(transaction=True)

WAGTAIL_RACE = (
    "Wagtail 8.0.1: EditView reads the page before an autosave (its conflict check included) and, for a page not "
    "live, saves the whole row from that read: a publish committed in between is undone (live=False, "
    "live_revision=None, the old slug)."
)


@pytest.fixture(autouse=True)
def _threads_need_a_server_database():
    if connection.vendor == "sqlite" and "memory" in str(connection.settings_dict["NAME"]):
        pytest.skip("an in-memory SQLite test database cannot be written from several threads; run on PostgreSQL")


def translate(client, *pages, locale):
    for page in pages:
        response = client.post(
            reverse("simple_translation:submit_page_translation", args=[page.pk]), {"locales": [locale.pk]}
        )
        assert response.status_code == 302
    return Page.objects.get(translation_key=pages[-1].translation_key, locale=locale).specific


def race(user, page, autosave_data, publish_data):
    """The autosave is read before the publish and saved after it, as when Publish is pressed while an autosave of
    the last keystrokes is on its way. Returns the publish's messages and the autosave's answer."""
    url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    read, published, answers = threading.Event(), threading.Event(), {}

    def hold_the_autosave(request, page):
        if not request.accepts("text/html"):
            read.set()
            assert published.wait(30)

    def autosave():
        client = Client()
        client.force_login(user)
        try:
            answers["autosave"] = client.post(url, autosave_data, HTTP_ACCEPT="application/json").json()
        finally:
            read.set()
            connection.close()

    client = Client()
    client.force_login(user)
    with hooks.register_temporarily("before_edit_page", hold_the_autosave):
        thread = threading.Thread(target=autosave)
        thread.start()
        assert read.wait(30)
        response = client.post(url, publish_data, follow=True)
        published.set()
        thread.join(30)
    return [str(message) for message in response.context["messages"]], answers["autosave"]


def french_petition_race(admin_user, petition, site_root, french):
    client = Client()
    client.force_login(admin_user)
    translate(client, site_root, locale=french).save_revision().publish()
    page = translate(client, petition, locale=french)
    loaded = open_editor(client, page)
    autosave = {**edit_form_data(page, summary="Demandons l'arrêt"), **loaded}
    autosave.pop("action-publish")
    title = {"title": "Stop aux logiciels espions", "slug": "stop-aux-logiciels-espions"}
    publish = {**edit_form_data(page, status=PetitionStatus.CLOSED, goal=5_000, **title), **loaded}
    messages, answer = race(admin_user, page, autosave, publish)
    return PetitionPage.objects.get(pk=page.pk), messages, answer


def french_index_race(admin_user, site_root, french):
    client = Client()
    client.force_login(admin_user)
    page = translate(client, site_root, locale=french)
    loaded = open_editor(client, page)
    form = {"title": "Pétitions", "slug": page.slug, "intro": "", "comments": inline_formset([])}
    autosave = {**nested_form_data({**form, "intro": "Toutes les pét"}), **loaded}
    publish = {**nested_form_data({**form, "slug": "petitions-fr", "action-publish": "action-publish"}), **loaded}
    messages, answer = race(admin_user, page, autosave, publish)
    return Page.objects.get(pk=page.pk), messages, answer


def test_publishing_a_translation_while_its_autosave_is_on_its_way_still_updates_the_other_translations(
    admin_user, petition, site_root, french
):
    page, messages, _ = french_petition_race(admin_user, petition, site_root, french)

    assert any("has been published" in message for message in messages)
    # The publish happened (Wagtail said so and sent page_published): the English page took its petition-wide
    # fields, as a revision of its own, and stays live.
    english = PetitionPage.objects.get(pk=petition.pk)
    assert english.live and (english.status, english.goal) == (PetitionStatus.CLOSED, 5_000)
    assert english.live_revision_id == english.latest_revision_id
    assert english.get_latest_revision_as_object().status == PetitionStatus.CLOSED
    # The French page was put back to its old slug and "not live" (Wagtail's race, below). Its old URL, which the
    # publish had redirected to the new one, answers "not found" rather than a permanent redirect to itself.
    assert not page.live and page.url == "/fr/stop-spyware/"
    assert Client().get(page.url).status_code == 404


@pytest.mark.xfail(strict=True, raises=AssertionError, reason=WAGTAIL_RACE)
@pytest.mark.parametrize("kind", ["petition translation", "index page translation (no plugin code)"])
def test_a_page_published_while_its_autosave_is_on_its_way_stays_live(admin_user, petition, site_root, french, kind):
    if kind == "petition translation":
        page, messages, answer = french_petition_race(admin_user, petition, site_root, french)
    else:
        page, messages, answer = french_index_race(admin_user, site_root, french)

    assert any("has been published" in message for message in messages)
    assert answer["success"]  # the autosave was not refused: its conflict check ran before the publish
    assert page.live and page.live_revision_id is not None


def test_publishing_a_translation_while_another_one_autosaves_keeps_both(admin_user, petition, site_root, french):
    """The copy to the English page waits for the English autosave that holds its row, then builds on it: neither
    the typed text nor the closed status is lost."""
    client = Client()
    client.force_login(admin_user)
    translate(client, site_root, locale=french).save_revision().publish()
    french_page = translate(client, petition, locale=french)
    french_page.save_revision().publish()
    english_form, loaded = PetitionPage.objects.get(pk=petition.pk), open_editor(client, petition)
    french_form, french_loaded = PetitionPage.objects.get(pk=french_page.pk), open_editor(client, french_page)
    holding, release, failures = threading.Event(), threading.Event(), []
    autosaving = threading.current_thread

    def hold_the_row(sender, instance, update_fields=None, **kwargs):
        # Inside the autosave's transaction, just after it wrote the English page's row (its new latest revision).
        if instance.pk == petition.pk and update_fields and "latest_revision" in update_fields:
            if autosaving().name == "autosave":
                holding.set()
                assert release.wait(30)

    def run(name, url, data, **headers):
        other = Client()
        other.force_login(admin_user)
        try:
            assert other.post(url, data, **headers).status_code in (200, 302)
        except Exception as error:  # reported below: a thread must not die silently
            failures.append((name, error))
        finally:
            holding.set()
            connection.close()

    autosave = {**edit_form_data(english_form, summary="Typed while French was published."), **loaded}
    autosave.pop("action-publish")
    publish = {**edit_form_data(french_form, status=PetitionStatus.CLOSED), **french_loaded}
    english_url = reverse("wagtailadmin_pages:edit", args=[petition.pk])
    french_url = reverse("wagtailadmin_pages:edit", args=[french_page.pk])
    post_save.connect(hold_the_row, sender=PetitionPage, dispatch_uid="test.hold_the_row")
    try:
        autosaver = threading.Thread(
            target=run,
            name="autosave",
            args=("autosave", english_url, autosave),
            kwargs={"HTTP_ACCEPT": "application/json"},
        )
        autosaver.start()
        assert holding.wait(30)
        publisher = threading.Thread(target=run, name="publish", args=("publish", french_url, publish))
        publisher.start()
        assert wait_for_a_lock_wait(), "the copy to the English page did not wait for the English page's row"
        release.set()
        autosaver.join(30)
        publisher.join(30)
    finally:
        release.set()
        post_save.disconnect(dispatch_uid="test.hold_the_row", sender=PetitionPage)
    assert not failures

    english = PetitionPage.objects.get(pk=petition.pk)
    draft = english.get_latest_revision_as_object()
    assert (draft.summary, draft.status) == ("Typed while French was published.", PetitionStatus.CLOSED)
    assert english.status == PetitionStatus.CLOSED


def wait_for_a_lock_wait(tries=300) -> bool:
    """Whether another session of this test database comes to wait for a row lock (polled, up to 30 s)."""
    for _ in range(tries):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                return True
        time.sleep(0.1)
    return False
