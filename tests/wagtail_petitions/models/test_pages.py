"""Petition pages through Wagtail's admin, as an editor works: create, publish, translate, close, deliver."""

import datetime

import pytest
from django.urls import reverse
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Page
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from tests.conftest import PETITION_TEXTS, signer
from tests.wagtail_petitions.conftest import client_for
from wagtail_petitions.models import PetitionPage, PetitionStatus, next_goal
from wagtail_petitions.signing import PetitionNotOpen, sign_petition

pytestmark = pytest.mark.django_db


def page_form_data(petition=None, **overrides):
    """What the page editor posts: every field of the petition page, its body as a StreamField."""
    data = {
        "title": "Stop spyware now",
        "slug": "stop-spyware-now",
        "hero_caption": "A newsroom",
        "hero_credit": "Photo: A. Reporter",
        "summary": PETITION_TEXTS["summary"],
        "target": PETITION_TEXTS["target"],
        "body": streamfield(
            [
                ("heading", "Why it matters"),
                ("paragraph", rich_text("<p>Phones become informers.</p>")),
                ("quote", {"text": "Nobody should choose.", "attribution": "An editor"}),
                ("video", {"url": "https://video.example.org/w/abc", "title": "The investigation", "caption": ""}),
                (
                    "read_also",
                    {
                        "heading": "",
                        "links": streamfield(
                            [("item", {"page": "", "url": "https://example.org/report", "title": "The report"})]
                        ),
                    },
                ),
            ]
        ),
        "goal": 100,
        "status": PetitionStatus.OPEN,
        "closes_at": "",
        "consent_text": PETITION_TEXTS["consent_text"],
        "privacy_text": "We delete signatures six months after delivery.",
        "thank_you_text": PETITION_TEXTS["thank_you_text"],
        "share_text": "I signed, will you?",
        "delivered_on": "",
        "delivery_text": "",
        "comments": inline_formset([]),
        "action-publish": "action-publish",
    }
    data.update(overrides)
    return nested_form_data(data)


def edit_form_data(page, **overrides):
    """The edit form as the editor finds it (the page's current values), with ``overrides`` changed."""
    body = [(block.block_type, _block_form_value(block)) for block in page.body]
    values = {
        "title": page.title,
        "slug": page.slug,
        "hero_caption": page.hero_caption,
        "hero_credit": page.hero_credit,
        "summary": page.summary,
        "target": page.target,
        "body": streamfield(body),
        "goal": page.goal,
        "status": page.status,
        "closes_at": "",
        "consent_text": page.consent_text,
        "privacy_text": page.privacy_text,
        "thank_you_text": page.thank_you_text,
        "share_text": page.share_text,
        "delivered_on": page.delivered_on.isoformat() if page.delivered_on else "",
        "delivery_text": page.delivery_text,
        "comments": inline_formset([]),
        "action-publish": "action-publish",
    }
    values.update(overrides)
    return nested_form_data(values)


def _block_form_value(block):
    if block.block_type == "paragraph":
        return rich_text(block.value.source)
    if block.block_type in ("heading",):
        return block.value
    if block.block_type == "read_also":
        links = [
            ("item", {"page": link["page"].pk if link["page"] else "", "url": link["url"], "title": link["title"]})
            for link in block.value["links"]
        ]
        return {"heading": block.value["heading"], "links": streamfield(links)}
    return dict(block.value)


def test_editor_creates_and_publishes_a_full_petition_page(client, editor, site_root):
    client_for(client, editor)
    url = reverse("wagtailadmin_pages:add", args=["wagtail_petitions", "petitionpage", site_root.pk])
    assert client.get(url).status_code == 200

    response = client.post(url, page_form_data())

    assert response.status_code == 302, response.context["form"].errors if response.context else response
    page = PetitionPage.objects.get(slug="stop-spyware-now")
    assert page.live and page.owner == editor
    assert [block.block_type for block in page.body] == ["heading", "paragraph", "quote", "video", "read_also"]
    public = client.get(page.url).content.decode()
    assert "Phones become informers." in public
    assert "Watch the video: The investigation" in public and "video.example.org" in public
    assert '<a href="https://example.org/report"' in public and "Read also" in public
    assert "We delete signatures six months after delivery." in public  # privacy notice under the form
    assert "<iframe" not in public  # videos are links: no third-party player loads with the page


def test_read_also_link_needs_a_page_or_a_url(client, editor, site_root):
    client_for(client, editor)
    url = reverse("wagtailadmin_pages:add", args=["wagtail_petitions", "petitionpage", site_root.pk])
    body = streamfield(
        [("read_also", {"heading": "", "links": streamfield([("item", {"page": "", "url": "", "title": "x"})])})]
    )

    response = client.post(url, page_form_data(body=body))

    assert response.status_code == 200
    assert not PetitionPage.objects.filter(slug="stop-spyware-now").exists()


def test_hero_image_and_captioned_image_block_render_with_caption_and_credit(make_petition):
    from wagtail.images.models import Image

    image = Image.objects.create(title="Newsroom", file=get_test_image_file())
    petition = make_petition(
        hero_image=image,
        hero_caption="A newsroom at night",
        hero_credit="Jane Doe",
        body=[("image", {"image": image, "alt_text": "Desks", "caption": "Late shift", "credit": "John Roe"})],
    )
    from django.test import Client

    html = Client().get(petition.url).content.decode()
    assert "A newsroom at night" in html and "<cite>Jane Doe</cite>" in html
    body_html = petition.get_body_html()
    assert "<figure>" in body_html and "Late shift" in body_html and "<cite>John Roe</cite>" in body_html
    assert 'alt="Desks"' in body_html


def test_translating_a_petition_in_the_admin_shares_the_tally_and_the_signature_store(
    client, superuser, petition, site_root, french, api_client
):
    client_for(client, superuser)
    # Wagtail needs the parent in French first: translate the index page, then the petition.
    for page in (site_root, petition):
        response = client.post(
            reverse("simple_translation:submit_page_translation", args=[page.pk]), {"locales": [french.pk]}
        )
        assert response.status_code == 302
    french_page = PetitionPage.objects.get(translation_key=petition.translation_key, locale=french)
    french_page.title = "Stop aux logiciels espions"
    french_page.summary = "Demandons l'arrêt des exportations."
    french_page.save_revision().publish()
    french_page.refresh_from_db()

    sign_petition(petition, signer(1))
    sign_petition(french_page, signer(2, country="BE"))
    duplicate = sign_petition(french_page, signer(1, email="ADA1@example.org "))

    assert not duplicate.created  # the same store: a signer of the English page is known on the French one
    assert petition.get_tally(fresh=True).total == french_page.get_tally(fresh=True).total == 2
    fr = api_client.get("/api/v1/petitions/stop-spyware/?lang=fr").json()
    en = api_client.get("/api/v1/petitions/stop-spyware/?lang=en").json()
    assert (fr["language"], fr["title"], fr["summary"]) == ("fr", french_page.title, french_page.summary)
    assert (en["language"], en["title"]) == ("en", petition.title)
    assert fr["signature_count"] == en["signature_count"] == 2
    widget = client.get("/embed/v1/petitions/stop-spyware/?lang=fr").content.decode()
    assert "Stop aux logiciels espions" in widget


def test_closing_one_translation_in_the_admin_closes_the_petition_everywhere(
    client, editor, petition, site_root, french, api_client
):
    site_root.copy_for_translation(french).save_revision().publish()
    french_page = petition.copy_for_translation(french)
    french_page.save_revision().publish()
    client_for(client, editor)

    response = client.post(
        reverse("wagtailadmin_pages:edit", args=[french_page.pk]),
        edit_form_data(PetitionPage.objects.get(pk=french_page.pk), status=PetitionStatus.CLOSED),
    )

    assert response.status_code == 302
    english = PetitionPage.objects.get(pk=petition.pk)
    assert english.status == PetitionStatus.CLOSED and not english.is_open()
    # The English draft shows the new status too, so its next publication does not reopen the petition.
    assert english.get_latest_revision_as_object().status == PetitionStatus.CLOSED
    with pytest.raises(PetitionNotOpen):
        sign_petition(english, signer(1))
    for lang in ("en", "fr"):
        response = api_client.post(f"/api/v1/petitions/stop-spyware/signatures/?lang={lang}", signer(2), format="json")
        assert response.status_code == 409
        assert response.json()["errors"]["non_field_errors"][0]["code"] == "petition_not_open"
    page_html = client.get(english.url).content.decode()
    assert "no longer takes signatures" in page_html and '<form class="petition-form"' not in page_html
    widget = client.get("/embed/v1/petitions/stop-spyware/?lang=en").content.decode()
    assert 'id="sign-form"' not in widget and "no longer takes signatures" in widget


def test_delivering_needs_a_date_and_an_update(client, editor, petition):
    client_for(client, editor)
    url = reverse("wagtailadmin_pages:edit", args=[petition.pk])

    response = client.post(url, edit_form_data(petition, status=PetitionStatus.DELIVERED))

    assert response.status_code == 200
    assert PetitionPage.objects.get(pk=petition.pk).status == PetitionStatus.OPEN


def test_delivered_update_replaces_the_form_on_the_page_the_api_and_the_widget(client, editor, petition, api_client):
    client_for(client, editor)
    response = client.post(
        reverse("wagtailadmin_pages:edit", args=[petition.pk]),
        edit_form_data(
            petition,
            status=PetitionStatus.DELIVERED,
            delivered_on="2026-11-20",
            delivery_text="We handed 120,000 signatures to the UN today.",
        ),
    )
    assert response.status_code == 302
    petition.refresh_from_db()

    update = petition.get_delivery_update()
    assert update.delivered_on.isoformat() == "2026-11-20" and "120,000" in update.text
    page_html = client.get(petition.url).content.decode()
    assert "We handed 120,000 signatures" in page_html and '<form class="petition-form"' not in page_html
    detail = api_client.get("/api/v1/petitions/stop-spyware/").json()
    assert detail["status"] == "delivered" and detail["is_open"] is False
    assert detail["delivery"] == {
        "delivered_on": "2026-11-20",
        "text": "We handed 120,000 signatures to the UN today.",
        "image": None,
    }
    widget = client.get("/embed/v1/petitions/stop-spyware/").content.decode()
    assert "This petition has been delivered" in widget and 'id="sign-form"' not in widget
    assert "We handed 120,000 signatures to the UN today." in widget
    assert '<time datetime="2026-11-20">' in widget


def test_displayed_goal_moves_up_once_reached_unless_fixed(make_petition):
    petition = make_petition(goal=100_000)
    assert petition.get_displayed_goal(99_999) == 100_000
    assert petition.get_displayed_goal(100_000) == 150_000
    assert petition.get_displayed_goal(160_000) == 230_000
    assert [next_goal(g) for g in (10, 1_000, 100_000)] == [15, 1_500, 150_000]
    petition.goal_is_fixed = True
    assert petition.get_displayed_goal(160_000) == 100_000


def test_api_and_page_show_the_moved_goal(make_petition, api_client, client):
    petition = make_petition(goal=2)
    for n in range(2):
        sign_petition(petition, signer(n))

    assert api_client.get("/api/v1/petitions/stop-spyware/count/").json()["goal"] == 3
    html = client.get(petition.url).content.decode()
    assert "goal: 3" in html


def test_page_editor_shows_the_live_figures_panel(client, editor, petition, signed):
    client_for(client, editor)

    html = client.get(reverse("wagtailadmin_pages:edit", args=[petition.pk])).content.decode()

    assert "Live figures" in html
    assert "<strong>5</strong>" in html  # total
    assert "France: 3" in html and "Digital Rights Collective: 1" in html
    assert "5 online, 0 on paper" in html  # last 24 hours
    assert signed[0].email not in html  # counts only, never personal data


def test_a_page_being_created_has_no_figures_panel(client, editor, site_root):
    client_for(client, editor)
    url = reverse("wagtailadmin_pages:add", args=["wagtail_petitions", "petitionpage", site_root.pk])
    assert "Live figures" not in client.get(url).content.decode()


def test_root_is_not_a_petition(db):
    assert not isinstance(Page.get_first_root_node().specific, PetitionPage)


def test_publishing_copies_the_petition_wide_fields_to_every_translation(petition, site_root, french):
    from wagtail.images.models import Image

    site_root.copy_for_translation(french).save_revision().publish()
    french_page = petition.copy_for_translation(french)
    french_page.save_revision().publish()
    photo = Image.objects.create(title="Delivery", file=get_test_image_file())

    french_page = PetitionPage.objects.get(pk=french_page.pk)
    french_page.goal, french_page.goal_is_fixed = 5_000, True
    french_page.status, french_page.delivered_on = PetitionStatus.DELIVERED, datetime.date(2026, 11, 20)
    french_page.delivery_image = photo
    french_page.delivery_text = "Remise à l'ONU."
    french_page.save_revision().publish()

    english = PetitionPage.objects.get(pk=petition.pk)
    assert (english.goal, english.goal_is_fixed, english.status) == (5_000, True, "delivered")
    assert (english.delivered_on, english.delivery_image) == (datetime.date(2026, 11, 20), photo)
    assert english.delivery_text == ""  # texts stay per language
    # A delivered translation without its own update text shows another language's until the editor writes one.
    assert english.get_delivery_update().text == "Remise à l'ONU."


def test_milestones_are_the_goal_steps_up_to_the_first_not_reached():
    petition = PetitionPage(goal=100_000)
    assert petition.get_milestones(0) == [100_000]
    assert petition.get_milestones(100_000) == [100_000, 150_000]
    assert petition.get_milestones(160_000) == [100_000, 150_000, 230_000]
    assert PetitionPage(goal=0).get_milestones(5) == []
