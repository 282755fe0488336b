"""The petition page and its no-JavaScript signing form."""

import re

import pytest

from tests.conftest import as_sent_by_a_form, signer
from wagtail_petitions.models import PetitionStatus, Signature
from wagtail_petitions.signing import sign_petition

pytestmark = pytest.mark.django_db


def form_data(n=0, **overrides):
    """What the page form sends: the fields, and the form token the page carries."""
    data = as_sent_by_a_form(signer(n, **overrides))
    data.pop("consent_updates")
    return data


def test_page_shows_count_goal_and_form_without_setting_a_cookie(petition, client):
    sign_petition(petition, signer())

    response = client.get(petition.url)

    html = response.content.decode()
    assert response.status_code == 200
    assert "<strong data-count>1</strong>" in html
    assert f'action="/petitions/sign/{petition.pk}/"' in html
    assert 'autocomplete="given-name"' in html
    assert 'name="csrfmiddlewaretoken"' not in html
    assert not response.cookies
    assert '<html lang="en" dir="ltr">' in html


def test_no_js_form_signs_and_redirects_to_the_thank_you_state(petition, partner, client):
    client.get(petition.url)  # the count (0) is now in the cache
    response = client.post(
        f"/petitions/sign/{petition.pk}/", {**form_data(), "consent_updates": "on", "partner": "drc"}
    )

    assert response.status_code == 303
    assert response["Location"] == f"{petition.url}?signed=1#thanks"
    signature = Signature.objects.get()
    assert signature.consent_updates is True
    assert signature.partner == partner
    assert not response.cookies
    thanks = client.get(f"{petition.url}?signed=1")
    assert "Thank you for signing." in thanks.content.decode()
    assert "<strong data-count>1</strong>" in thanks.content.decode()


def test_no_js_form_repeat_is_the_same_redirect_and_counted_once(petition, client):
    first = client.post(f"/petitions/sign/{petition.pk}/", form_data())
    repeat = client.post(f"/petitions/sign/{petition.pk}/", form_data(email="ADA0@EXAMPLE.ORG"))
    assert first.status_code == repeat.status_code == 303
    assert first["Location"] == repeat["Location"]
    assert Signature.objects.count() == 1


def test_no_js_form_errors_rerender_the_page_with_messages_and_typed_values_escaped(petition, client):
    response = client.post(
        f"/petitions/sign/{petition.pk}/", form_data(email="nope", first_name="<img src=x onerror=alert(1)>")
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert "Enter a valid email address." in html
    assert 'aria-invalid="true"' in html
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert Signature.objects.count() == 0


def test_no_js_form_on_a_closed_petition_is_409_and_explains(petition, client):
    petition.status = PetitionStatus.CLOSED
    petition.save_revision().publish()

    response = client.post(f"/petitions/sign/{petition.pk}/", form_data())

    assert response.status_code == 409
    assert "closed" in response.content.decode()
    assert Signature.objects.count() == 0


def test_no_js_form_for_a_draft_is_404(make_petition, client):
    draft = make_petition(slug="draft", publish=False)
    assert client.post(f"/petitions/sign/{draft.pk}/", form_data()).status_code == 404


def test_get_on_the_signing_url_is_405(petition, client):
    assert client.get(f"/petitions/sign/{petition.pk}/").status_code == 405


def test_slug_may_not_clash_with_another_petition(make_petition, site_root):
    from django.core.exceptions import ValidationError

    from wagtail_petitions.models import PetitionIndexPage, PetitionPage

    make_petition(slug="same")
    other_index = site_root.add_child(instance=PetitionIndexPage(title="Other", slug="other"))
    clash = PetitionPage(
        title="Other", slug="same", **{k: "x" for k in ["summary", "target", "consent_text", "thank_you_text"]}
    )
    clash.path, clash.depth = other_index.path + "0001", other_index.depth + 1
    with pytest.raises(ValidationError) as excinfo:
        clash.full_clean()
    assert "slug" in excinfo.value.message_dict


def test_the_no_js_form_gives_its_consent_boxes_checkbox_markup(client, petition, partner):
    """Django names a widget's ``widget_type`` after its class (``_rawvalue`` for the raw-value checkbox), so the
    template tells checkboxes by their input type: box first, then its label, in a ``checkbox`` paragraph."""
    html = client.get(petition.url, {"partner": "drc"}).content.decode()

    for name in ("consent_updates", "consent_partner"):
        paragraph = re.search(rf'<p class="([^"]*)">\s*<input type="checkbox" name="{name}"[^>]*>\s*<label', html)
        assert paragraph is not None, name
        assert paragraph.group(1) == "checkbox"


def test_page_form_and_widget_show_the_same_consent_wording(client, petition, partner):
    page = client.get(petition.url, {"partner": "drc"}).content.decode()
    widget = client.get(f"/embed/v1/petitions/{petition.slug}/", {"partner": "drc", "lang": "en"}).content.decode()
    for label in (
        "Send me updates about this petition from its organisers",
        "Digital Rights Collective, who shared this petition, may contact me",
    ):
        assert label in page and label in widget
    # Without a partner, no partner consent is asked anywhere.
    assert "who shared this petition" not in client.get(petition.url).content.decode()
    assert "who shared this petition" not in client.get(f"/embed/v1/petitions/{petition.slug}/").content.decode()


def test_the_page_says_how_many_signatures_were_invalidated(petition, client, signature_manager):
    from wagtail_petitions.moderation import invalidate_signature

    signature = sign_petition(petition, signer(1)).signature
    sign_petition(petition, signer(2))
    assert "invalidated" not in client.get(petition.url).content.decode()
    invalidate_signature(signature, user=signature_manager, reason="duplicate person")
    from django.core.cache import cache

    cache.clear()
    html = client.get(petition.url).content.decode()
    assert "Not counted: 1 signature invalidated by the organisers." in html
    assert "<strong data-count>1</strong>" in html


def test_the_no_js_form_on_a_confirmation_petition_says_check_your_inbox(make_petition, client):
    petition = make_petition(confirmation_required=True)
    response = client.post(f"/petitions/sign/{petition.pk}/", form_data())
    assert response.status_code == 303 and response["Location"] == f"{petition.url}?signed=check#thanks"
    page = client.get(f"{petition.url}?signed=check").content.decode()
    assert "Check your inbox" in page and "<strong data-count>0</strong>" in page
    assert Signature.objects.get().state == "pending"


def test_no_js_form_errors_come_with_a_summary_linked_to_the_fields(petition, client):
    response = client.post(f"/petitions/sign/{petition.pk}/", form_data(email="nope", first_name=""))

    html = response.content.decode()
    assert response.status_code == 400
    summary = re.search(r'<div class="error-summary" id="error-summary" role="alert"[^>]*>(.*?)</div>', html, re.S)
    assert summary is not None, html
    # First in the form, before any field, and focused when the page loads.
    assert html.index('id="error-summary"') < html.index('name="first_name"')
    assert "autofocus" in summary.group(0)
    links = re.findall(r'<a href="#(id_\w+)">([^<]*)</a>', summary.group(1))
    assert [target for target, _text in links] == ["id_first_name", "id_email"]
    assert "Enter a valid email address." in dict(links)["id_email"]
    # Each field names its message.
    assert re.search(r'<input[^>]*name="email"[^>]*aria-describedby="id_email_error"', html)
    assert '<span id="id_email_error">' in html
    assert re.search(r'<input[^>]*name="last_name"(?![^>]*aria-describedby)[^>]*>', html)


def test_no_error_summary_on_a_fresh_form(petition, client):
    assert 'id="error-summary"' not in client.get(petition.url).content.decode()


@pytest.mark.parametrize("state", ["1", "check"])
def test_a_shared_thank_you_address_still_shows_the_petition_and_its_form(petition, client, state):
    html = client.get(f"{petition.url}?signed={state}").content.decode()

    assert petition.title in html and petition.summary in html
    assert f'action="/petitions/sign/{petition.pk}/"' in html and 'name="email"' in html
    # The address to share, and the one search engines keep, is the page's own.
    assert '<link rel="canonical" href="http://testserver/stop-spyware/">' in html


def test_the_thank_you_note_offers_the_page_address_to_share(petition, client):
    html = client.get(f"{petition.url}?signed=1").content.decode()
    assert 'Share this address: <a href="http://testserver/stop-spyware/">' in html
