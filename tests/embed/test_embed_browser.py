"""The embed in real Chromium, on host pages served from another origin than the widget.

For each kind of host page (plain, strict CSP, hostile CSS, WordPress-like sandboxed iframe, two widgets): no CSP
violation in the host or the frame, no cookie, every request goes to the host page itself or to us, signing works
with the keyboard only, and the count shown rises by exactly one.
"""

import json
from pathlib import Path

import pytest

from embed.snippets import snippets
from wagtail_petitions.models import Partner, Signature
from wagtail_petitions.signing import sign_petition

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WP_SECRET = "Wp5ecret42"

# Installed in every frame before any page script (CDP, so no host or widget CSP applies to it).
WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + e.blockedURI + " " + e.sourceFile + ":" + e.lineNumber);
}, true);
window.__events = [];
["petition:ready", "petition:signed"].forEach(function (type) {
  document.addEventListener(type, function (e) { window.__events.push({type: type, detail: e.detail}); });
});
"""

WP_HOST_SCRIPT = """
window.__wpHeights = [];
window.addEventListener("message", function (e) {
  var d = e.data, f = document.querySelector("iframe[data-secret]");
  if (!d || d.message !== "height" || d.secret !== f.getAttribute("data-secret")) return;
  if (e.source !== f.contentWindow) return;
  window.__wpHeights.push(d.value);
  f.height = Math.min(1000, Math.max(200, d.value));
});
"""


def loader_tag(site_url, petition, partner="", lang="en", extra=""):
    return (
        f'<script async src="{site_url}/embed/v1/embed.js" data-petition="{petition}" data-partner="{partner}" '
        f'data-lang="{lang}" {extra}></script>'
    )


def host_page(kind, site_url, petition, partner):
    """(html, headers, number of widgets, index of the widget to sign in) for one kind of host page."""
    page = (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Partner</title>{head}</head>'
        "<body>{body}</body></html>"
    )
    if kind == "plain":
        body = "<h1>Our campaign</h1>" + loader_tag(site_url, petition, partner) + "<p>After the widget.</p>"
        return page.format(head="", body=body), {}, 1, 0
    if kind == "strict_csp":
        nonce = "r4nd0mN0nce"
        csp = (
            f"default-src 'none'; script-src 'nonce-{nonce}' 'strict-dynamic'; style-src 'self'; "
            f"frame-src {site_url}; img-src 'self'; base-uri 'none'; object-src 'none'"
        )
        body = "<h1>Strict</h1>" + loader_tag(site_url, petition, partner, extra=f'nonce="{nonce}"')
        return page.format(head="", body=body), {"Content-Security-Policy": csp}, 1, 0
    if kind == "hostile_css":
        css = """<style>
          * { all: unset; font-size: 40px !important; color: red !important; line-height: 3 !important; }
          head, script, style { display: none !important; }
          iframe { display: none !important; height: 10px !important; width: 40px !important;
                   border: 12px dashed red !important; opacity: .05 !important; transform: scale(.2) !important; }
          div, p, h1 { display: block; }
        </style>"""
        # Hostile attribute values too: the loader drops them, and the widget page would too.
        extra = 'data-accent="red;}body{display:none}" data-theme="x<b>" data-layout="y" data-height="99999"'
        body = "<h1>Hostile</h1>" + loader_tag(site_url, petition, partner, extra=extra)
        return page.format(head=css, body=body), {}, 1, 0
    if kind == "wordpress":
        src = f"{site_url}/embed/v1/petitions/{petition}/?lang=en#?secret={WP_SECRET}"
        # What WordPress prints for an oEmbed iframe of an unknown provider.
        body = (
            f'<h1>Blog post</h1><blockquote class="wp-embedded-content" data-secret="{WP_SECRET}">Petition</blockquote>'
            f'<iframe sandbox="allow-scripts" security="restricted" src="{src}" data-secret="{WP_SECRET}" '
            'width="560" height="400" title="Petition" frameborder="0" marginwidth="0" marginheight="0" '
            f'scrolling="no"></iframe><script>{WP_HOST_SCRIPT}</script>'
        )
        return page.format(head="", body=body), {}, 1, 0
    if kind == "two_widgets":
        body = (
            "<h1>Two petitions side by side</h1>"
            f'<div data-petition-widget data-petition="{petition}" data-partner="{partner}" data-lang="en"></div>'
            # No data-lang here: the host element's own language applies.
            f'<section lang="fr"><div data-petition-widget data-petition="{petition}" data-theme="dark" '
            'data-accent="#0b57d0" data-layout="compact"></div></section>' + loader_tag(site_url, "", "")
        )
        return page.format(head="", body=body), {}, 2, 1
    if kind == "pinned_sri":
        # A partner who pins the reviewed loader with Subresource Integrity (the browser checks the hash).
        code = str(snippets(site_url, petition, "Petition", "en", partner)["pinned"])
        return page.format(head="", body=f"<h1>Pinned</h1>{code}"), {}, 1, 0
    if kind == "iframe_snippet":
        # Hosts that allow no script at all: the plain iframe code.
        code = snippets(site_url, petition, "Petition", "en", partner)["iframe"]
        csp = f"default-src 'none'; frame-src {site_url}; style-src 'unsafe-inline'"
        return page.format(head="", body=f"<h1>No scripts here</h1>{code}"), {"Content-Security-Policy": csp}, 1, 0
    raise AssertionError(kind)


@pytest.fixture
def context(chromium):
    context = chromium.new_context(viewport={"width": 900, "height": 1000})
    context.add_init_script(WATCH)
    yield context
    context.close()


def widget_frames(page, expected):
    page.wait_for_function("n => document.querySelectorAll('iframe').length >= n", arg=expected)
    frames = []
    for handle in page.query_selector_all("iframe")[:expected]:
        frame = handle.content_frame()
        frame.wait_for_selector("#sign-form")
        frames.append((handle, frame))
    return frames


def tab_to(page, frame, selector, limit=60):
    """Press Tab until ``selector`` in ``frame`` has the focus, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if frame.evaluate("s => document.hasFocus() && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} never got the keyboard focus")


def sign_with_keyboard(page, frame, email="ada@example.org", country="France"):
    tab_to(page, frame, "#id_first_name")
    page.keyboard.type("Ada")
    tab_to(page, frame, "#id_last_name")
    page.keyboard.type("Lovelace")
    tab_to(page, frame, "#id_email")
    page.keyboard.type(email)
    tab_to(page, frame, "#id_country")
    page.keyboard.type(country)
    assert frame.input_value("#id_country") == "FR"
    tab_to(page, frame, "#id_postal_code")
    page.keyboard.type("75001")
    tab_to(page, frame, "#id_consent_updates")
    page.keyboard.press("Space")
    assert frame.is_checked("#id_consent_updates")
    tab_to(page, frame, "#submit")
    page.keyboard.press("Enter")


def count_shown(frame):
    return int(frame.get_attribute("#widget", "data-count"))


@pytest.mark.parametrize(
    "kind", ["plain", "strict_csp", "hostile_css", "wordpress", "two_widgets", "iframe_snippet", "pinned_sri"]
)
def test_signing_on_host_page(kind, make_petition, context, host_pages, site_url):
    petition = make_petition()
    partner = Partner.objects.create(name="Digital Rights Collective", slug="drc", allowed_origins=host_pages.origin)
    html, headers, n_widgets, target = host_page(kind, site_url, petition.slug, partner.slug)
    url = host_pages.add("/", html, headers)
    requests = []
    context.on("request", lambda request: requests.append(request.url))
    page = context.new_page()

    page.goto(url)
    frames = widget_frames(page, n_widgets)
    handle, frame = frames[target]
    if kind not in ("wordpress", "iframe_snippet"):
        page.wait_for_function(
            "n => window.__events.filter(e => e.type === 'petition:ready').length === n", arg=n_widgets
        )
        # The host page made exactly two requests to us per rendered widget: the loader (cached after the
        # first) and the iframe document; nothing else before the widget was ready.
        ours = [r for r in requests if r.startswith(site_url)]
        assert ours[0].startswith(f"{site_url}/embed/v1/embed.")
        assert len([r for r in ours if "/embed/v1/petitions/" in r]) == n_widgets
        assert len(ours) == 1 + n_widgets, ours
    before = count_shown(frame)

    sign_with_keyboard(page, frame)
    frame.wait_for_selector("#thanks:not([hidden])")

    assert count_shown(frame) == before + 1
    assert Signature.objects.count() == 1
    assert petition.get_tally(fresh=True).total == before + 1
    # The host page is on the partner's registered origins: the signature is credited to it.
    signature = Signature.objects.get()
    named = kind not in ("wordpress", "two_widgets")
    assert (signature.partner_id, signature.claimed_partner_id) == (partner.pk if named else None, None)
    # Focus moved to the thank-you heading; the share step is there, without third-party resources.
    assert frame.evaluate("document.activeElement.tagName") == "H2"
    assert frame.locator(".share a").count() == 6
    for _, each in frames:
        assert each.evaluate("window.__csp") == [], kind
    assert page.evaluate("window.__csp") == [], kind
    assert context.cookies() == []
    assert all(r.startswith((host_pages.origin, site_url)) for r in requests), requests
    box = handle.bounding_box()
    assert box["width"] > 280 and box["height"] > 300, box
    if kind == "wordpress":
        # WordPress's own resize message, keyed by the secret from the URL fragment, with the widget's height.
        heights = page.evaluate("window.__wpHeights")
        inner = frame.evaluate("Math.ceil(document.getElementById('widget').getBoundingClientRect().height)")
        assert heights and heights[-1] == inner, (heights, inner)
        assert int(handle.get_attribute("height")) == min(1000, inner)
    elif kind == "iframe_snippet":
        assert box["height"] == 720  # fixed size: no script on the host to resize it
    else:
        signed = [e for e in page.evaluate("window.__events") if e["type"] == "petition:signed"]
        expected_partner = partner.slug if target == 0 else ""
        assert signed == [
            {"type": "petition:signed", "detail": {"petition": petition.slug, "partner": expected_partner}}
        ]
        # The iframe follows the widget's height (no inner scrollbar, no reserved blank).
        inner = frame.evaluate("Math.ceil(document.getElementById('widget').getBoundingClientRect().height)")
        assert abs(box["height"] - inner) <= 2, (box, inner)
    if kind == "hostile_css":
        src = handle.get_attribute("src")
        assert "accent" not in src and "theme" not in src and "layout" not in src, src
        assert frame.evaluate("getComputedStyle(document.querySelector('button')).fontSize") == "16px"
    if kind == "two_widgets":
        assert frames[1][1].get_attribute("html", "lang") == "fr"
        assert frames[1][1].get_attribute("html", "class") == "dark compact"
        assert count_shown(frames[0][1]) == before  # the other widget was not touched


@pytest.mark.parametrize("kind", ["plain", "iframe_snippet", "tracked_link_in_wordpress"])
def test_partner_credit_depends_on_the_host_origin(kind, make_petition, context, host_pages, site_url):
    """The partner registered another site only: its widget here is not credited (the claim is kept for review),
    unless it came through the partner's tracked link (what WordPress embeds for it through oEmbed)."""
    petition = make_petition()
    partner = Partner.objects.create(
        name="Digital Rights Collective", slug="drc", allowed_origins="https://drc.example"
    )
    if kind == "tracked_link_in_wordpress":
        html, headers, n_widgets, target = host_page("wordpress", site_url, petition.slug, "")
        html = html.replace("/?lang=en#?secret=", "/?lang=en&amp;partner=drc&amp;via=tracked_link#?secret=")
    else:
        html, headers, n_widgets, target = host_page(kind, site_url, petition.slug, partner.slug)
    page = context.new_page()
    page.goto(host_pages.add("/", html, headers))
    _handle, frame = widget_frames(page, n_widgets)[target]

    sign_with_keyboard(page, frame)
    frame.wait_for_selector("#thanks:not([hidden])")

    signature = Signature.objects.get()
    if kind == "tracked_link_in_wordpress":
        assert (signature.partner_id, signature.claimed_partner_id) == (partner.pk, None)
    else:
        assert (signature.partner_id, signature.claimed_partner_id) == (None, partner.pk)
    assert petition.get_tally(fresh=True).total == 1  # counted all the same


@pytest.mark.parametrize("failure", ["lost_before_server", "lost_after_server", "503", "429"])
def test_failed_submit_keeps_input_and_retry_counts_once(failure, make_petition, context, host_pages, site_url):
    petition = make_petition()
    url = host_pages.add("/", host_page("plain", site_url, petition.slug, "")[0])
    keys = []
    page = context.new_page()

    def first_attempt_fails(route):
        keys.append(route.request.headers.get("idempotency-key"))
        if len(keys) > 1:
            return route.continue_()
        if failure == "lost_before_server":
            return route.abort("connectionreset")
        if failure == "lost_after_server":
            route.fetch()  # the server signs, the answer never reaches the widget
            return route.abort("connectionreset")
        status = int(failure)
        body = {"errors": {"non_field_errors": [{"code": "throttled" if status == 429 else "error", "message": "x"}]}}
        return route.fulfill(status=status, content_type="application/json", body=json.dumps(body))

    context.route("**/api/v1/petitions/*/signatures/**", first_attempt_fails)
    page.goto(url)
    _, frame = widget_frames(page, 1)[0]
    before = count_shown(frame)
    strings = json.loads(frame.text_content("#widget-config"))["strings"]

    sign_with_keyboard(page, frame)
    expected = {"503": strings["server"], "429": strings["busy"]}.get(failure, strings["failed"])
    frame.wait_for_function("s => document.getElementById('status').textContent === s", arg=expected)
    assert frame.input_value("#id_email") == "ada@example.org"
    assert frame.is_hidden("#thanks")

    frame.focus("#submit")
    page.keyboard.press("Enter")
    frame.wait_for_selector("#thanks:not([hidden])")
    assert len(keys) == 2 and keys[0] and keys[0] == keys[1]
    assert Signature.objects.count() == 1
    assert count_shown(frame) == before + 1
    assert petition.get_tally(fresh=True).total == before + 1


AXE_JS = Path(__import__("axe_playwright_python").__file__).with_name("axe.min.js")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def axe_violations(frame):
    result = frame.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
    return [(v["id"], [n["target"] for n in v["nodes"]]) for v in result["violations"]]


@pytest.mark.parametrize(
    ("lang", "theme", "direction"), [("en", "light", "ltr"), ("ar", "light", "rtl"), ("fr", "dark", "ltr")]
)
def test_widget_has_no_wcag_22_aa_violation(lang, theme, direction, make_petition, chromium, host_pages, site_url):
    petition = make_petition()
    Partner.objects.create(name="Digital Rights Collective", slug="drc")
    url = host_pages.add(
        "/",
        host_page("plain", site_url, petition.slug, "drc")[0].replace(
            'data-lang="en"', f'data-lang="{lang}" data-theme="{theme}"'
        ),
    )
    # axe is injected as a script tag: only this context bypasses the widget's CSP to allow it.
    context = chromium.new_context(bypass_csp=True)
    try:
        page = context.new_page()
        page.goto(url)
        _, frame = widget_frames(page, 1)[0]
        assert frame.get_attribute("html", "dir") == direction
        frame.add_script_tag(path=str(AXE_JS))
        assert axe_violations(frame) == []
        # With errors shown (empty submit) ...
        frame.click("#submit")
        frame.wait_for_selector("[aria-invalid=true]")
        assert frame.evaluate("document.activeElement.id") == "id_first_name"
        assert axe_violations(frame) == []
        # ... and after signing.
        frame.fill("#id_first_name", "Ada")
        frame.fill("#id_last_name", "Lovelace")
        frame.fill("#id_email", "ada@example.org")
        frame.select_option("#id_country", "FR")
        frame.click("#submit")
        frame.wait_for_selector("#thanks:not([hidden])")
        assert axe_violations(frame) == []
    finally:
        context.close()


def test_count_refreshes_while_visible_and_pauses_when_hidden(make_petition, context, host_pages, site_url, settings):
    settings.WAGTAIL_PETITIONS_EMBED_COUNT_REFRESH_SECONDS = 1
    settings.WAGTAIL_PETITIONS_COUNT_MAX_AGE = 0
    petition = make_petition()
    url = host_pages.add("/", host_page("plain", site_url, petition.slug, "")[0])
    count_requests = []
    context.on("request", lambda r: "/count/" in r.url and count_requests.append(r.url))
    page = context.new_page()
    page.goto(url)
    _, frame = widget_frames(page, 1)[0]
    assert count_shown(frame) == 0

    sign_petition(petition, {"first_name": "A", "last_name": "B", "email": "a@example.org", "country": "FR"})
    frame.wait_for_function("() => document.getElementById('widget').dataset.count === '1'", timeout=15000)

    # Hidden (another tab, minimised window): no more count requests, even as signatures arrive.
    frame.evaluate(
        """() => {
        Object.defineProperty(document, "visibilityState", {configurable: true, get: () => "hidden"});
        document.dispatchEvent(new Event("visibilitychange"));
    }"""
    )
    asked = len(count_requests)
    sign_petition(petition, {"first_name": "C", "last_name": "D", "email": "c@example.org", "country": "FR"})
    page.wait_for_timeout(2500)
    assert len(count_requests) == asked
    assert count_shown(frame) == 1

    frame.evaluate(
        """() => {
        Object.defineProperty(document, "visibilityState", {configurable: true, get: () => "visible"});
        document.dispatchEvent(new Event("visibilitychange"));
    }"""
    )
    frame.wait_for_function("() => document.getElementById('widget').dataset.count === '2'", timeout=15000)


NO_WEB_SHARE = "Object.defineProperty(Navigator.prototype, 'share', {value: undefined, configurable: true});"


def test_without_web_share_copy_link_copies_the_tracked_link(make_petition, chromium, host_pages, site_url):
    """Where the Web Share API is missing, "Copy link" puts the partner's tracked link on the clipboard (the widget
    opened on our origin, clipboard allowed) or, inside WordPress's sandbox where the clipboard API is refused,
    leaves it selected in a read-only field."""
    petition = make_petition()
    Partner.objects.create(name="Digital Rights Collective", slug="drc", allowed_origins=host_pages.origin)
    tracked = f"{site_url}/stop-spyware/?partner=drc"
    context = chromium.new_context(viewport={"width": 390, "height": 900})
    context.add_init_script(NO_WEB_SHARE)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site_url)
    try:
        page = context.new_page()
        page.goto(f"{site_url}/embed/v1/petitions/{petition.slug}/?lang=en&partner=drc")
        page.fill("#id_first_name", "Ada")
        page.fill("#id_last_name", "Lovelace")
        page.fill("#id_email", "ada@example.org")
        page.select_option("#id_country", "FR")
        page.click("#submit")
        page.wait_for_selector("#thanks:not([hidden])")
        assert page.is_hidden("#native-share")
        assert page.is_visible("#copy-link")
        assert page.input_value("#share-url") == tracked

        page.click("#copy")
        page.wait_for_selector("#status:text-is('Link copied.')")  # no wait_for_function: the CSP forbids eval
        assert page.evaluate("navigator.clipboard.readText()") == tracked

        # WordPress's sandbox: no clipboard permission for the frame; the link is left selected.
        html, headers, n_widgets, target = host_page("wordpress", site_url, petition.slug, "")
        html = html.replace("/?lang=en#?secret=", "/?lang=en&amp;partner=drc#?secret=")
        page.goto(host_pages.add("/wp", html, headers))
        _handle, frame = widget_frames(page, n_widgets)[target]
        frame.fill("#id_first_name", "Grace")
        frame.fill("#id_last_name", "Hopper")
        frame.fill("#id_email", "grace@example.org")
        frame.select_option("#id_country", "FR")
        frame.click("#submit")
        frame.wait_for_selector("#thanks:not([hidden])")
        assert frame.input_value("#share-url") == tracked
        frame.click("#copy")
        frame.wait_for_selector("#status:not(:empty)")
        assert frame.evaluate("document.activeElement.id") == "share-url"
        assert frame.evaluate(
            "(e => e.selectionStart === 0 && e.selectionEnd === e.value.length)(document.activeElement)"
        )
        assert frame.text_content("#status") in (
            "Link copied.",
            "Press Ctrl+C (⌘C on a Mac) to copy the selected link.",
        )
    finally:
        context.close()
