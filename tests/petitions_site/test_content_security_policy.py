"""``ContentSecurityPolicyMiddleware`` (the site-wide policy built once) gives the headers django-csp's own
``CSPMiddleware`` gives, in every case either takes a different path for."""

import pytest
from csp.decorators import csp_exempt, csp_replace, csp_update
from csp.middleware import CSPMiddleware
from django.http import HttpResponse, HttpResponseNotFound
from django.template import engines

from petitions_site.content_security_policy import ContentSecurityPolicyMiddleware

NONCE_TEMPLATE = engines["django"].from_string('<script nonce="{{ request.csp_nonce }}">1</script>')


def plain(request):
    return HttpResponse("ok")


def with_nonce(request):
    return HttpResponse(NONCE_TEMPLATE.render({}, request))


def with_own_header(request):
    response = HttpResponse("ok")
    response["Content-Security-Policy"] = "default-src 'none'"
    return response


def not_found(request):
    return HttpResponseNotFound("no")


VIEWS = {
    "plain": plain,
    "nonce": with_nonce,
    "own header": with_own_header,
    "exempt": csp_exempt()(plain),
    "update": csp_update({"img-src": ["https://images.example"]})(plain),
    "replace": csp_replace({"script-src": ["'self'", "https://scripts.example"]})(plain),
    "not found": not_found,
}
PATHS = ["/stop-spyware/", "/api/v1/petitions/x/count/", "/admin/pages/"]
REPORT_ONLY = {"EXCLUDE_URL_PREFIXES": ["/api/"], "DIRECTIVES": {"default-src": ["'self'"], "report-uri": "/r"}}


def headers(middleware_class, view, request):
    response = middleware_class(view)(request)
    # A nonce is random per request: compare where it sits, not its value.
    nonce = getattr(request, "_csp_nonce", None)
    return {
        name: value.replace(nonce, "NONCE") if nonce else value
        for name, value in response.items()
        if name.startswith("Content-Security-Policy")
    }


@pytest.mark.parametrize("report_only", [False, True], ids=["enforced", "with report-only"])
@pytest.mark.parametrize("debug", [False, True], ids=["production", "debug"])
@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("name", VIEWS)
def test_the_same_headers_as_django_csp(rf, settings, name, path, debug, report_only):
    settings.DEBUG = debug
    if report_only:
        settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = REPORT_ONLY
    ours = headers(ContentSecurityPolicyMiddleware, VIEWS[name], rf.get(path))
    theirs = headers(CSPMiddleware, VIEWS[name], rf.get(path))
    assert ours == theirs


def test_a_changed_setting_is_used_at_once(rf, settings):
    before = ContentSecurityPolicyMiddleware(plain)(rf.get("/"))["Content-Security-Policy"]
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'none'"]}}
    after = ContentSecurityPolicyMiddleware(plain)(rf.get("/"))["Content-Security-Policy"]
    assert before != after == "default-src 'none'"


def test_asking_for_a_nonce_after_the_header_is_written_is_an_error(rf):
    from csp.exceptions import CSPNonceError

    request = rf.get("/")
    ContentSecurityPolicyMiddleware(plain)(request)
    with pytest.raises(CSPNonceError):
        str(request.csp_nonce)
