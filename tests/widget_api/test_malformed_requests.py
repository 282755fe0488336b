"""Malformed requests to the API get a clear 4xx in the one error envelope, never a 500, and nothing is saved.

Each case is one that answered 500 (or Django's HTML 400) when the API was probed as an attacker would.
"""

import io
import json
import sys

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import as_sent_by_a_form, signer
from wagtail_petitions.models import Signature
from widget_api.parsers import MAX_NESTING

pytestmark = pytest.mark.django_db

SIGN_URL = "/api/v1/petitions/stop-spyware/signatures/"


@pytest.fixture
def raw_client():
    """A client that answers 500 as a server would, instead of raising the view's exception into the test."""
    return Client(raise_request_exception=False)


def post(client, body: bytes, content_type="application/json", url=SIGN_URL):
    return client.generic("POST", url, body, content_type=content_type)


def error_codes(response) -> list[str]:
    assert response["Content-Type"].startswith("application/json"), response.content[:200]
    return [error["code"] for errors in response.json()["errors"].values() for error in errors]


@pytest.mark.parametrize(
    "body",
    [
        b"[" * 990 + b"]" * 990,
        b'{"first_name": "' + b"[" * 990 + b'", "x": ' + b"[" * 990 + b"]" * 990 + b"}",
        # A \u escape makes the parser walk the document for lone surrogates, which recursed.
        b'{"first_name": "\\u00e9", "x": ' + b"[" * 450 + b"]" * 450 + b"}",
        b'{"a": ' * 500 + b"1" + b"}" * 500,
        b"[" * (MAX_NESTING + 1) + b"]" * (MAX_NESTING + 1),
    ],
    ids=["990 arrays", "brackets in a string, then 990 arrays", "450 arrays and a \\u escape", "500 objects", "33"],
)
def test_deeply_nested_json_is_a_400_parse_error(raw_client, petition, body):
    response = post(raw_client, body)
    assert response.status_code == 400
    assert error_codes(response) == ["parse_error"]
    assert not Signature.objects.exists()


def test_nesting_up_to_the_limit_and_brackets_in_text_are_read(client, petition):
    data = {**as_sent_by_a_form(signer(1)), "first_name": "[{" * 40, "extra": [[[1]]]}
    response = post(client, json.dumps(data).encode())
    assert response.status_code == 201
    assert Signature.objects.get().first_name == "[{" * 40


@pytest.mark.parametrize("charset", ["rot13", "base64", "zlib", "hex"])
def test_a_charset_that_is_not_a_text_encoding_is_a_415(raw_client, petition, charset):
    body = json.dumps(as_sent_by_a_form(signer(1))).encode()
    response = post(raw_client, body, content_type=f"application/json; charset={charset}")
    assert response.status_code == 415
    assert error_codes(response) == ["unsupported_media_type"]
    assert not Signature.objects.exists()


def test_a_text_charset_other_than_utf8_is_read(client, petition):
    body = json.dumps(as_sent_by_a_form(signer(1, first_name="Zoé"))).encode("utf-16")
    response = post(client, body, content_type="application/json; charset=utf-16")
    assert response.status_code == 201
    assert Signature.objects.get().first_name == "Zoé"


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/petitions/?lang=fr%00",
        "/api/v1/petitions/?lang=%00",
        "/api/v1/petitions/stop-spyware/?lang=fr%00",
        "/api/v1/petitions/stop-spyware/count/?lang=fr%00",
        "/api/v1/petitions/stop-spyware/challenge/?lang=%00",
        "/embed/v1/petitions/stop-spyware/?lang=fr%00&partner=drc%00",
        "/stop-spyware/?lang=fr%00",
    ],
)
def test_a_nul_in_the_query_is_never_a_500(raw_client, petition, partner, url):
    response = raw_client.get(url)
    assert response.status_code < 500
    if url.startswith("/api/v1/petitions/?"):
        assert response.status_code == 400
        assert error_codes(response) == ["invalid_choice"]  # not one of the site's languages


def test_signing_with_a_nul_in_lang_is_answered_in_the_default_language(raw_client, petition):
    response = post(raw_client, json.dumps(as_sent_by_a_form(signer(1))).encode(), url=SIGN_URL + "?lang=fr%00")
    assert response.status_code == 201
    assert response["Content-Language"] == "en"


@pytest.mark.parametrize("size", [2_621_441, 3 * 1024 * 1024])
def test_a_body_over_django_s_upload_limit_is_the_documented_413_json(raw_client, petition, size):
    body = b'{"first_name": "' + b"a" * size + b'"}'
    response = post(raw_client, body)
    assert response.status_code == 413
    assert error_codes(response) == ["payload_too_large"]


def test_django_s_refusal_of_a_large_body_is_the_api_s_413():
    # Wherever Django itself refuses a body over DATA_UPLOAD_MAX_MEMORY_SIZE (RequestDataTooBig) on the API, the
    # answer is the documented 413, not Django's HTML 400.
    from django.core.exceptions import RequestDataTooBig

    from widget_api.exceptions import exception_handler

    response = exception_handler(RequestDataTooBig("too big"), {})
    assert response.status_code == 413
    assert response.data == {
        "errors": {"non_field_errors": [{"code": "payload_too_large", "message": "The request body is too large."}]}
    }


# --- chunked bodies: what gunicorn hands the application for ``Transfer-Encoding: chunked`` -----------------------


def wsgi_post(body: bytes, terminated=True):
    """POST ``body`` to the site's WSGI application as gunicorn does for a chunked request: de-chunked in
    ``wsgi.input``, no ``CONTENT_LENGTH``, ``wsgi.input_terminated`` set."""
    from petitions_site.wsgi import application

    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": SIGN_URL,
        "QUERY_STRING": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "REMOTE_ADDR": "203.0.113.9",
        "CONTENT_TYPE": "application/json",
        "HTTP_HOST": "testserver",
        "HTTP_TRANSFER_ENCODING": "chunked",
        "wsgi.input": io.BytesIO(body),
        "wsgi.input_terminated": terminated,
        "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr,
        "wsgi.version": (1, 0),
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    answer = {}

    def start_response(status, headers, exc_info=None):
        answer["status"] = int(status.split()[0])

    # As Django's test client does: the request must not close the test's database connection (on PostgreSQL the
    # test runs in a transaction on it).
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        result = application(environ, start_response)
        content = b"".join(result)
        result.close()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return answer["status"], json.loads(content)


def test_a_chunked_body_is_read_not_taken_as_empty(petition):
    status, body = wsgi_post(json.dumps(as_sent_by_a_form(signer(1))).encode())
    assert status == 201, body
    assert Signature.objects.get().email == "ada1@example.org"


def test_a_chunked_body_over_the_limit_is_a_413(petition):
    status, body = wsgi_post(b'{"first_name": "' + b"a" * (3 * 1024 * 1024) + b'"}')
    assert status == 413
    assert body["errors"]["non_field_errors"][0]["code"] == "payload_too_large"


# --- any body at all -----------------------------------------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=12,
)
field_names = st.sampled_from(
    ["first_name", "last_name", "email", "country", "postal_code", "consent_updates", "consent_partner", "partner"]
)
signing_bodies = st.one_of(
    st.dictionaries(field_names | st.text(max_size=8), json_values, max_size=10).map(
        lambda data: json.dumps(data).encode()
    ),
    st.builds(
        lambda base, extra: json.dumps({**signer(1), **base, **extra}).encode(),
        st.dictionaries(field_names, json_values, max_size=3),
        st.dictionaries(field_names, st.text(), max_size=2),
    ),
    json_values.map(lambda value: json.dumps(value).encode()),
    st.binary(max_size=300),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=signing_bodies)
def test_any_signing_body_gets_a_json_answer_below_500(raw_client, petition, body):
    response = post(raw_client, body)
    assert response.status_code in (201, 202, 400, 413, 415), response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    data = response.json()
    if response.status_code >= 400:
        assert set(data) == {"errors"}
        for errors in data["errors"].values():
            assert all(set(error) == {"code", "message"} and error["code"] for error in errors)
    else:
        # Counted once per address: the tally never runs ahead of the signatures stored.
        assert petition.get_tally().total <= Signature.objects.count()
