"""A person signs through the widget embedded on a partner's page served from another origin."""

import pytest

from wagtail_petitions.models import Partner, Signature

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def partner_page(site_url, petition_slug, partner_slug):
    return f"""<!DOCTYPE html><html lang="en"><head><title>Partner</title></head><body>
    <h1>Our campaign</h1>
    <script async src="{site_url}/embed/v1/embed.js" data-petition="{petition_slug}" data-partner="{partner_slug}">
    </script></body></html>"""


def test_sign_through_embedded_widget_counts_once_and_attributes_partner(
    make_petition, browser_context, host_pages, site_url
):
    petition = make_petition()
    partner = Partner.objects.create(name="Digital Rights Collective", slug="drc", allowed_origins=host_pages.origin)
    url = host_pages.add("/", partner_page(site_url, petition.slug, partner.slug))
    requests = []
    page = browser_context.new_page()
    page.on("request", lambda request: requests.append(request.url))

    page.goto(url)
    frame_element = page.wait_for_selector("iframe")
    frame = frame_element.content_frame()
    frame.wait_for_selector("#sign-form")
    before = int(frame.get_attribute("#widget", "data-count"))

    frame.fill("#id_first_name", "Ada")
    frame.fill("#id_last_name", "<script>alert(1)</script>")
    frame.fill("#id_email", "Ada.Lovelace@Example.org")
    frame.select_option("#id_country", "FR")
    frame.check("#id_consent_updates")
    frame.click("button[type=submit]")
    frame.wait_for_selector("#thanks:not([hidden])")

    assert int(frame.get_attribute("#widget", "data-count")) == before + 1
    assert frame.inner_text("#count") == f"{before + 1:,}"
    signature = Signature.objects.get()
    assert signature.partner == partner
    assert signature.last_name == "<script>alert(1)</script>"
    assert signature.email_normalized == "ada.lovelace@example.org"
    assert petition.get_tally(fresh=True).total == before + 1
    assert browser_context.cookies() == []
    # Every request went either to the host page itself or to our site.
    assert all(r.startswith((host_pages.origin, site_url)) for r in requests), requests
    # The iframe grew to its content instead of keeping the reserved height.
    assert frame_element.bounding_box()["height"] != 512
