"""The cached slug lookup: no query when warm, and publishing, closing or unpublishing shows at once."""

from django.core.cache import cache

from tests.conftest import signer
from wagtail_petitions import lookup, page_generation
from wagtail_petitions.models import PetitionStatus


def test_warm_lookup_needs_no_query(petition, django_assert_num_queries):
    assert lookup.find_petition("stop-spyware") == petition
    assert lookup.find_petition("unknown-slug") is None
    with django_assert_num_queries(0):
        assert lookup.find_petition("stop-spyware").pk == petition.pk
        assert lookup.find_petition("unknown-slug") is None


def test_closing_is_seen_at_once(api_client, petition):
    url = "/api/v1/petitions/stop-spyware/signatures/"
    assert api_client.post(url, signer(1), format="json").status_code == 201
    petition.status = PetitionStatus.CLOSED
    petition.save_revision().publish()
    response = api_client.post(url, signer(2), format="json")
    assert response.status_code == 409
    assert response.json()["errors"]["non_field_errors"][0]["code"] == "petition_not_open"


def test_plain_save_is_seen_at_once(api_client, petition):
    lookup.find_petition("stop-spyware")
    petition.status = PetitionStatus.CLOSED
    petition.save()
    assert lookup.find_petition("stop-spyware").status == PetitionStatus.CLOSED


def test_unpublishing_is_seen_at_once(api_client, petition):
    assert api_client.get("/api/v1/petitions/stop-spyware/count/").status_code == 200
    petition.unpublish()
    cache.delete_many([])  # nothing else cleared: the generation bump alone must do it
    assert lookup.find_petition("stop-spyware") is None
    assert api_client.post("/api/v1/petitions/stop-spyware/signatures/", signer(1), format="json").status_code == 404


def test_another_process_sees_a_bump(petition):
    """A bump made elsewhere (here: straight in the shared cache) invalidates this process's lookups."""
    lookup.find_petition("stop-spyware")
    petition.status = PetitionStatus.CLOSED
    type(petition).objects.filter(pk=petition.pk).update(status=PetitionStatus.CLOSED)  # no signal
    assert lookup.find_petition("stop-spyware").status == PetitionStatus.OPEN  # still cached
    cache.incr(page_generation.CACHE_KEY)
    assert lookup.find_petition("stop-spyware").status == PetitionStatus.CLOSED
