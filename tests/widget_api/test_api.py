"""The public API: shapes, status codes, caching headers, and no cookies."""

import datetime
import json

import pytest
import yaml
from django.test import override_settings
from django.utils import timezone
from wagtail.models import Locale

from tests.conftest import as_sent_by_a_form, signer
from wagtail_petitions.models import PetitionStatus, Signature, TallyCounter
from wagtail_petitions.signing import sign_petition

pytestmark = pytest.mark.django_db

SIGN_URL = "/api/v1/petitions/{}/signatures/"
COUNT_URL = "/api/v1/petitions/{}/count/"


def post_json(client, url, data, **headers):
    slug = url.split("/petitions/")[1].split("/")[0]
    body = data if isinstance(data, (str, bytes)) else json.dumps(as_sent_by_a_form(data, slug))
    return client.generic("POST", url, body, content_type="application/json", **headers)


def assert_no_cookie(response):
    assert "Set-Cookie" not in response.headers
    assert not response.cookies


def test_list_shows_every_published_petition_with_its_status(make_petition, api_client):
    make_petition(slug="open-one", title="Open one")
    make_petition(slug="closed-one", title="Closed one", status=PetitionStatus.CLOSED)
    make_petition(slug="past-one", title="Past its date", closes_at=timezone.now() - datetime.timedelta(days=1))
    make_petition(
        slug="delivered-one",
        title="Delivered one",
        status=PetitionStatus.DELIVERED,
        delivered_on=datetime.date(2026, 5, 1),
        delivery_text="Handed over.",
    )
    make_petition(slug="draft-one", title="Draft", publish=False)

    response = api_client.get("/api/v1/petitions/")

    assert response.status_code == 200
    statuses = {p["slug"]: p["status"] for p in response.json()}
    assert statuses == {"open-one": "open", "closed-one": "closed", "past-one": "closed", "delivered-one": "delivered"}
    entry = next(p for p in response.json() if p["slug"] == "open-one")
    assert entry == {
        "slug": "open-one",
        "title": "Open one",
        "language": "en",
        "status": "open",
        "is_open": True,
        "signature_count": 0,
        "goal": 1000,
        "url": "http://testserver/open-one/",
        "translations": [
            {"language": "en", "slug": "open-one", "title": "Open one", "url": "http://testserver/open-one/"}
        ],
    }
    assert_no_cookie(response)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=open", {"open-one"}),
        ("status=closed", {"closed-one"}),
        ("status=closed,delivered", {"closed-one", "delivered-one"}),
        ("status=open&lang=fr", {"open-one"}),
        ("lang=fr", {"open-one", "delivered-one"}),
        ("status=closed&lang=fr", set()),
    ],
)
def test_list_filters_by_status_and_language(make_petition, api_client, query, expected):
    open_one = make_petition(slug="open-one", title="Open one")
    make_petition(slug="closed-one", title="Closed one", status=PetitionStatus.CLOSED)
    delivered = make_petition(
        slug="delivered-one",
        title="Delivered one",
        status=PetitionStatus.DELIVERED,
        delivered_on=datetime.date(2026, 5, 1),
        delivery_text="Handed over.",
    )
    french = Locale.objects.create(language_code="fr")
    for page in (open_one, delivered):
        copy = page.copy_for_translation(french, copy_parents=True)
        copy.slug = f"{page.slug}-fr"
        copy.save_revision().publish()

    response = api_client.get(f"/api/v1/petitions/?{query}")

    assert response.status_code == 200
    assert {p["slug"].removesuffix("-fr") for p in response.json()} == expected
    if "lang=fr" in query:
        assert all(p["language"] == "fr" and p["slug"].endswith("-fr") for p in response.json())


def test_list_has_one_entry_per_petition_with_its_translations_inside(petition, api_client):
    for language, title in (("fr", "Stop aux logiciels espions"), ("ar", "أوقفوا برامج التجسس")):
        copy = petition.copy_for_translation(Locale.objects.get_or_create(language_code=language)[0], copy_parents=True)
        copy.title = title
        copy.save_revision().publish()
    for n in range(3):
        sign_petition(petition, signer(n))

    listed = api_client.get("/api/v1/petitions/").json()

    assert len(listed) == 1
    assert listed[0]["language"] == "en" and listed[0]["signature_count"] == 3
    assert [(t["language"], t["title"]) for t in listed[0]["translations"]] == [
        ("en", "Stop spyware"),
        ("fr", "Stop aux logiciels espions"),
        ("ar", "أوقفوا برامج التجسس"),
    ]
    assert listed[0]["translations"][1]["url"] == "http://testserver/fr/stop-spyware/"
    # Asked in Arabic: the same petition, described in Arabic, counted once.
    arabic = api_client.get("/api/v1/petitions/?lang=ar").json()
    assert len(arabic) == 1 and arabic[0]["title"] == "أوقفوا برامج التجسس" and arabic[0]["signature_count"] == 3


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("status=archived", "status"),
        ("status=", "status"),
        ("status=open,", "status"),
        ("status=%20open", "status"),
        ("lang=xx", "lang"),
        ("lang=", "lang"),
        ("lang=fr-CA", "lang"),  # the schema's enum: exact codes
        ("lang=FR", "lang"),
    ],
)
def test_list_rejects_unknown_filters_with_a_code(db, api_client, query, field):
    response = api_client.get(f"/api/v1/petitions/?{query}")

    assert response.status_code == 400
    assert response.json()["errors"][field][0]["code"] == "invalid_choice"


@pytest.mark.parametrize("path", ["stats/", "badge.svg"])
def test_a_documented_lang_must_be_a_language_of_the_site(api_client, petition, path):
    url = f"/api/v1/petitions/{petition.slug}/{path}"
    assert api_client.get(url, {"lang": "fr"}).status_code == 200
    response = api_client.get(url, {"lang": "xx"})
    assert response.status_code == 400
    error = response.json()["errors"]["lang"][0]
    assert error["code"] == "invalid_choice" and "fr" in error["message"]


def test_the_schema_lists_the_languages_of_the_site(client, db, settings):
    paths = client.get("/api/v1/schema/?format=json").json()["paths"]
    codes = [code for code, _name in settings.LANGUAGES]
    for path in ["/api/v1/petitions/", "/api/v1/petitions/{slug}/stats/", "/api/v1/petitions/{slug}/badge.svg"]:
        (lang,) = [p for p in paths[path]["get"]["parameters"] if p["name"] == "lang"]
        assert sorted(lang["schema"]["enum"]) == sorted(codes), path


def test_list_costs_the_same_queries_for_more_petitions(make_petition, api_client, django_assert_max_num_queries):
    for n in range(6):
        make_petition(slug=f"petition-{n}", title=f"Petition {n}")
    api_client.get("/api/v1/petitions/")  # warm the caches of counts and sites
    with django_assert_max_num_queries(12):
        assert len(api_client.get("/api/v1/petitions/").json()) == 6


def test_detail_has_public_data_and_sanitised_body(make_petition, api_client):
    petition = make_petition(
        body=[
            ("paragraph", '<p>Read <a href="https://example.org" onclick="x()">this</a></p>'),
            ("heading", "Why <script>alert(1)</script>"),
        ]
    )
    for n, country in enumerate(["FR", "FR", "SN"]):
        sign_petition(petition, signer(n, country=country))

    response = api_client.get(f"/api/v1/petitions/{petition.slug}/")

    data = response.json()
    assert response.status_code == 200
    assert data["slug"] == petition.slug
    assert data["target"] == "UN member states"
    assert data["signature_count"] == 3
    assert data["signatures_by_country"] == [{"country": "FR", "count": 2}, {"country": "SN", "count": 1}]
    assert '<a href="https://example.org">this</a>' in data["body_html"]
    assert "onclick" not in data["body_html"]
    assert "<script" not in data["body_html"]
    assert set(data) >= {"summary", "goal", "status", "closes_at", "url"}


def test_detail_serves_the_translation_asked_for(petition, api_client):
    french = petition.copy_for_translation(Locale.objects.create(language_code="fr"), copy_parents=True)
    french.title = "Stop aux logiciels espions"
    french.save_revision().publish()

    assert api_client.get(f"/api/v1/petitions/{petition.slug}/?lang=fr").json()["title"] == french.title
    assert api_client.get(f"/api/v1/petitions/{petition.slug}/?lang=de").json()["title"] == petition.title


def test_unknown_petition_is_404_with_error_shape(db, api_client):
    for url in ["/api/v1/petitions/nope/", COUNT_URL.format("nope")]:
        response = api_client.get(url)
        assert response.status_code == 404
        assert response.json()["errors"]["non_field_errors"][0]["code"] == "petition_not_found"
    response = post_json(api_client, SIGN_URL.format("nope"), signer())
    assert response.status_code == 404


def test_count_is_small_cacheable_and_revalidates(petition, api_client):
    sign_petition(petition, signer())

    response = api_client.get(COUNT_URL.format(petition.slug))

    assert response.status_code == 200
    data = response.json()
    assert set(data) == {"slug", "signature_count", "goal", "updated_at"}
    assert data["signature_count"] == 1
    cache_control = response.headers["Cache-Control"]
    for directive in ["public", "max-age=", "stale-while-revalidate=", "stale-if-error="]:
        assert directive in cache_control
    assert response.headers["ETag"]
    assert response.headers["Last-Modified"]
    assert_no_cookie(response)

    again = api_client.get(COUNT_URL.format(petition.slug), HTTP_IF_NONE_MATCH=response.headers["ETag"])
    assert again.status_code == 304
    assert again.headers["ETag"] == response.headers["ETag"]
    assert again.content == b""


@override_settings(WAGTAIL_PETITIONS_COUNT_CACHE_SECONDS=0)  # no server-side copy: see the new count at once
def test_count_etag_changes_when_the_count_does(petition, api_client):
    first = api_client.get(COUNT_URL.format(petition.slug)).headers["ETag"]
    post_json(api_client, SIGN_URL.format(petition.slug), signer())
    second = api_client.get(COUNT_URL.format(petition.slug))
    assert second.json()["signature_count"] == 1
    assert second.headers["ETag"] != first
    assert api_client.get(COUNT_URL.format(petition.slug), HTTP_IF_NONE_MATCH=first).status_code == 200


def test_sign_returns_201_and_the_new_count(petition, partner, api_client):
    # From a page on one of the partner's registered origins (its own form calls the API).
    response = post_json(
        api_client,
        SIGN_URL.format(petition.slug),
        signer(partner="drc", consent_updates=True),
        HTTP_ORIGIN="https://partner.example",
    )

    assert response.status_code == 201
    assert response.json() == {
        "status": "signed",
        "signature_count": 1,
        "goal": 1000,
        "thank_you_text": "Thank you for signing.",
    }
    assert Signature.objects.get().partner == partner
    assert_no_cookie(response)


def test_repeat_signer_gets_the_same_answer_and_is_counted_once(petition, api_client):
    first = post_json(api_client, SIGN_URL.format(petition.slug), signer(7))
    repeat = post_json(api_client, SIGN_URL.format(petition.slug), signer(7, email="  ADA7@Example.ORG "))

    assert repeat.status_code == first.status_code == 201
    assert repeat.json() == first.json()
    assert Signature.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "field", "code"),
    [
        ({}, "first_name", "required"),
        (signer(email="nope"), "email", "invalid"),
        (signer(country="XX"), "country", "invalid_choice"),
        (signer(first_name="A" * 500), "first_name", "max_length"),
        (signer(last_name="Null\x00Byte"), "last_name", "control_characters"),
        (signer(consent_updates="perhaps"), "consent_updates", "invalid"),
        (signer(partner="ghost"), "partner", "unknown_partner"),
        (signer(email="ada\x00@example.org"), "email", "invalid"),
        (signer(country="F\x00"), "country", "invalid_choice"),
        (signer(first_name="\ud800"), "non_field_errors", "parse_error"),
        (signer(country="\ud800"), "non_field_errors", "parse_error"),
        ([signer()], "non_field_errors", "invalid"),
        ("{not json", "non_field_errors", "parse_error"),
        ("", "first_name", "required"),
    ],
)
def test_bad_input_gets_400_with_a_code_per_field_and_saves_nothing(petition, api_client, data, field, code):
    response = post_json(api_client, SIGN_URL.format(petition.slug), data)

    assert response.status_code == 400, response.content
    errors = response.json()["errors"]
    assert errors[field][0]["code"] == code
    assert errors[field][0]["message"]
    assert Signature.objects.count() == 0
    assert TallyCounter.objects.count() == 0
    assert_no_cookie(response)


def test_closed_petition_is_409(petition, api_client):
    petition.status = PetitionStatus.CLOSED
    petition.save_revision().publish()

    response = post_json(api_client, SIGN_URL.format(petition.slug), signer())

    assert response.status_code == 409
    assert response.json()["errors"]["non_field_errors"][0]["code"] == "petition_not_open"
    assert Signature.objects.count() == 0


def test_form_encoded_body_is_415(petition, api_client):
    response = api_client.post(SIGN_URL.format(petition.slug), signer(), format="multipart")
    assert response.status_code == 415
    assert response.json()["errors"]["non_field_errors"][0]["code"] == "unsupported_media_type"
    assert Signature.objects.count() == 0


@override_settings(WAGTAIL_PETITIONS_SIGNATURE_MAX_BODY_BYTES=512)
def test_oversized_body_is_413(petition, api_client):
    response = post_json(api_client, SIGN_URL.format(petition.slug), signer(first_name="A" * 600))
    assert response.status_code == 413
    assert response.json()["errors"]["non_field_errors"][0]["code"] == "payload_too_large"
    assert Signature.objects.count() == 0


def test_get_on_signatures_is_405_not_500(petition, api_client):
    assert api_client.get(SIGN_URL.format(petition.slug)).status_code == 405


def test_count_is_the_same_in_page_api_and_database(petition, client, api_client):
    for n in range(4):
        post_json(api_client, SIGN_URL.format(petition.slug), signer(n))
    post_json(api_client, SIGN_URL.format(petition.slug), signer(1, email="ADA1@example.org"))

    api_count = api_client.get(COUNT_URL.format(petition.slug)).json()["signature_count"]
    page = client.get(petition.url)

    assert api_count == Signature.objects.filter(petition_key=petition.translation_key).count() == 4
    assert b"<strong data-count>4</strong>" in page.content
    assert_no_cookie(page)


def test_openapi_schema_is_served(db, api_client):
    response = api_client.get("/api/v1/schema/")
    assert response.status_code == 200
    assert b"/api/v1/petitions/{slug}/signatures/" in response.content


def test_the_api_root_links_to_what_it_offers(api_client):
    body = api_client.get("/api/").json()
    assert body == {"petitions": "http://testserver/api/v1/petitions/", "schema": "http://testserver/api/v1/schema/"}


def test_openapi_schema_describes_the_list_filters_and_translations(db, api_client):
    schema = yaml.safe_load(api_client.get("/api/v1/schema/").content)
    operation = schema["paths"]["/api/v1/petitions/"]["get"]
    parameters = {p["name"]: p for p in operation["parameters"]}
    assert parameters["status"]["schema"]["items"]["enum"] == ["closed", "delivered", "open"]
    assert "lang" in parameters
    entry = schema["components"]["schemas"]["PetitionListEntry"]["properties"]
    assert entry["translations"]["items"] == {"$ref": "#/components/schemas/Translation"}
