"""Security headers on the site's pages: a Content-Security-Policy that keeps everything on our origin (no inline
script), and a Permissions-Policy that denies powerful features. The widget keeps its own, stricter policy; the
Wagtail admin has none of ours (it runs inline scripts of its own)."""

import pytest

from tests.conftest import signer
from wagtail_petitions.models import Signature
from wagtail_petitions.signing import sign_petition


def directives(response) -> dict[str, list[str]]:
    return {d.split()[0]: d.split()[1:] for d in response["Content-Security-Policy"].split("; ")}


SITE_PAGES = [
    "/stop-spyware/",
    "/stop-spyware/?signed=1",
    "/stop-spyware/figures/",
    "/petitions/confirm/not-a-token/",
    "/petitions/my-signatures/",
    "/petitions/my-signatures/not-a-token/",
    "/petitions/updates/unsubscribe/not-a-token/",
]


@pytest.mark.parametrize("path", SITE_PAGES)
def test_site_pages_have_the_strict_policy(client, petition, path):
    response = client.get(path)
    assert response.status_code in (200, 400, 404, 410), response.status_code
    csp = directives(response)
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]  # no inline script, no nonce when no template asked for one
    assert csp["connect-src"] == ["'self'"]
    assert csp["img-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"] and csp["base-uri"] == ["'none'"]
    assert csp["form-action"] == ["'self'"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]
    permissions = response["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()", "browsing-topics=()"):
        assert feature in permissions


def test_cached_pages_keep_the_headers(client, petition, settings):
    first = client.get("/stop-spyware/")
    second = client.get("/stop-spyware/")  # the anonymous response cache answers this one
    assert second["Content-Security-Policy"] == first["Content-Security-Policy"]
    assert second["Permissions-Policy"] == first["Permissions-Policy"]


def test_a_template_asking_for_a_nonce_gets_it_in_the_header(rf, settings):
    from django.http import HttpResponse
    from django.template import engines

    from petitions_site.content_security_policy import ContentSecurityPolicyMiddleware

    template = engines["django"].from_string('<script nonce="{{ request.csp_nonce }}">1</script>')

    def view(request):
        return HttpResponse(template.render({}, request))

    request = rf.get("/stop-spyware/")
    response = ContentSecurityPolicyMiddleware(view)(request)
    nonce = response.content.decode().split('nonce="')[1].split('"')[0]
    assert directives(response)["script-src"] == ["'self'", f"'nonce-{nonce}'"]


def test_the_widget_keeps_its_own_policy(client, petition):
    response = client.get(f"/embed/v1/petitions/{petition.slug}/")
    csp = directives(response)
    assert csp["default-src"] == ["'none'"]
    assert all(source.startswith("'sha256-") for source in csp["script-src"])
    assert "Permissions-Policy" in response


def test_the_figures_map_keeps_its_own_policy(client, petition):
    response = client.get("/stop-spyware/figures/map/")
    assert response["Content-Security-Policy"] == "default-src 'none'; style-src 'unsafe-inline'"


def test_the_api_answers_carry_the_policy_too(client, petition):
    response = client.get(f"/api/v1/petitions/{petition.slug}/count/")
    assert response.status_code == 200
    assert directives(response)["default-src"] == ["'self'"]
    assert "camera=()" in response["Permissions-Policy"]


def test_the_admin_is_left_out_of_the_strict_policy(admin_client):
    response = admin_client.get("/admin/")
    assert response.status_code == 200
    assert "Content-Security-Policy" not in response
    assert "camera=()" in response["Permissions-Policy"]


# Installed in every document before any page script (CDP: no page CSP applies to it).
WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + e.blockedURI + " " + e.sourceFile + ":" + e.lineNumber);
}, true);
"""


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_petition_page_no_js_signing_and_figures_page_raise_no_csp_violation(
    chromium, live_server, make_petition, settings
):
    settings.WAGTAIL_PETITIONS_PROOF_OF_WORK_MAX_NUMBER = 2_000  # pow.js and count.js both load and run
    petition = make_petition(proof_of_work=True)
    sign_petition(petition, signer(1, country="FR"))  # the figures page has charts to draw
    context = chromium.new_context(java_script_enabled=True)
    context.add_init_script(WATCH)
    page = context.new_page()
    console = []
    page.on("console", lambda message: console.append(message.text))
    headers, requests = [], []
    page.on("response", lambda response: headers.append(response.headers.get("content-security-policy")))
    page.on("request", lambda request: requests.append(request.url))
    violations = []

    def collect():
        violations.extend(page.evaluate("window.__csp"))

    try:
        page.goto(live_server.url + "/stop-spyware/")
        page.wait_for_load_state("networkidle")
        assert headers[0] and "default-src 'self'" in headers[0]  # the browser did get the policy
        collect()
        # The form without the widget: pow.js fetches a puzzle from our API and solves it before the plain POST to
        # our origin, answered by a redirect to the page.
        page.fill("#id_first_name", "Ada")
        page.fill("#id_last_name", "Lovelace")
        page.fill("#id_email", "ada@example.org")
        page.select_option("#id_country", "FR")
        page.click("form.petition-form button[type=submit]")
        page.wait_for_selector("#thanks", timeout=90_000)
        collect()
        page.goto(live_server.url + "/stop-spyware/figures/")
        page.wait_for_load_state("networkidle")
        assert page.evaluate("document.querySelectorAll('figure.chart svg').length") >= 2
        collect()
    finally:
        context.close()
    assert petition.get_tally(fresh=True).total == 2
    signature = Signature.objects.get(email="ada@example.org")
    assert signature.screening == ""  # pow.js ran and solved the puzzle (else the signature would be held)
    assert any(url.endswith("/challenge/") for url in requests), requests  # pow.js ran
    assert any(url.endswith("/count/") for url in requests), requests  # count.js ran
    assert all(url.startswith(live_server.url) for url in requests), requests
    assert violations == []
    assert [line for line in console if "Content Security Policy" in line] == []
