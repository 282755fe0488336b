"""``petitions_site.middleware.SiteOnlyMiddleware``: sessions, users and messages everywhere but the public API."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from django.test import RequestFactory

from petitions_site.middleware import SiteOnlyMiddleware
from tests.conftest import form_token, signer

pytestmark = pytest.mark.django_db


def seen_by_view(path, **middleware_settings):
    seen = {}

    def view(request):
        seen.update(user=hasattr(request, "user"), session=hasattr(request, "session"))
        return HttpResponse()

    response = SiteOnlyMiddleware(view)(RequestFactory().get(path))
    return seen, response


def test_api_requests_skip_the_site_middleware():
    seen, response = seen_by_view("/api/v1/petitions/")
    assert seen == {"user": False, "session": False}
    assert "X-Frame-Options" not in response


def test_other_requests_run_them_in_order():
    seen, response = seen_by_view("/admin/")
    assert seen == {"user": True, "session": True}
    assert response["X-Frame-Options"] == "DENY"


def test_a_middleware_with_view_hooks_is_refused(settings):
    settings.SITE_ONLY_MIDDLEWARE = ["django.middleware.csrf.CsrfViewMiddleware"]
    with pytest.raises(ImproperlyConfigured, match="process_view"):
        SiteOnlyMiddleware(lambda request: HttpResponse())


def test_signing_sets_no_cookie_and_the_admin_still_logs_in(client, petition, django_user_model):
    response = client.post(
        f"/api/v1/petitions/{petition.slug}/signatures/",
        {**signer(), **form_token(petition)},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert not response.cookies
    django_user_model.objects.create_superuser("editor", "editor@example.org", "pw-for-tests-only")
    assert client.login(username="editor", password="pw-for-tests-only")
    assert client.get("/admin/").status_code == 200
