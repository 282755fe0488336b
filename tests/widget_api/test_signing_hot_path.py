"""What the signing hot path was made faster with still validates and counts the same."""

import os

import pytest
from django.core.cache import cache

from tests.conftest import signer
from wagtail_petitions.models import Signature

URL = "/api/v1/petitions/stop-spyware/signatures/"


@pytest.mark.parametrize("country", ["XX", "FRA", "", " "])
def test_unknown_country_is_refused(api_client, petition, country):
    response = api_client.post(URL, signer(1, country=country), format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["country"][0]["code"] in {"invalid_choice", "required"}
    assert not Signature.objects.exists()


def test_country_in_any_letter_case_is_accepted(api_client, petition):
    assert api_client.post(URL, signer(1, country=" be "), format="json").status_code == 201
    assert Signature.objects.get().country == "BE"


def test_sign_answer_counts_the_signer_and_a_repeat_gets_the_same_answer(api_client, petition, partner):
    # As the widget sends it from a page on the partner's registered origin.
    first = api_client.post(URL, signer(1, partner="drc", origin="https://partner.example"), format="json")
    assert first.status_code == 201
    assert first.json() == {
        "status": "signed",
        "signature_count": 1,
        "goal": 1000,
        "thank_you_text": "Thank you for signing.",
    }
    repeat = api_client.post(URL, signer(1, email="Ada1@Example.org", partner="drc"), format="json")
    assert (repeat.status_code, repeat.json()) == (201, first.json())
    assert petition.get_tally(fresh=True).total == 1
    assert dict(petition.get_tally(fresh=True).by_partner) == {"drc": 1}


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL")
def test_redis_cache_reuses_its_client_object():
    from django.core.cache import caches
    from django_redis import get_redis_connection
    from django_redis.cache import RedisCache

    assert isinstance(caches["default"], RedisCache)
    assert get_redis_connection() is get_redis_connection()
    cache.set("reuse-probe", 1)
    assert cache.get("reuse-probe") == 1
