"""The public API fuzzed from its own OpenAPI schema with schemathesis: every operation, valid and invalid requests,
all of schemathesis's checks (no server error, status codes, content types, headers and bodies as the schema
documents them, authentication enforced, valid requests accepted and invalid ones refused). A bounded number of
examples per operation, no deadline: the run does not depend on the machine's speed."""

from urllib.parse import urlsplit

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis.generation import GenerationMode

from tests.conftest import signer
from wagtail_petitions.models import PartnerToken, PetitionPage, Signature, WebhookEndpoint, WebhookEvent
from wagtail_petitions.models.partner_tokens import PartnerScope
from wagtail_petitions.signing import sign_petition
from widget_api.partner import pagination

MAX_EXAMPLES = 25
# Where valid webhook addresses point: resolved without DNS, and nothing listens there (sends fail at once, offline).
WEBHOOK_HOST = "127.0.0.1:9"

# Every check of schemathesis runs, ``positive_data_acceptance`` and ``negative_data_rejection`` included: the API
# accepts (2xx) what the schema says is valid and refuses (4xx) what it says is not. Whether a valid request succeeds
# may also depend on the state: an unknown petition or object (404), a closed petition or a replay that cannot be
# done (409), a flood (429) are already expected by schemathesis; the answers below are too, for the operations named.
CONFIG = """
[[operations]]
include-method = ["POST", "PATCH"]
# 413: an invalid body (far over a maxLength) can be refused for its size before its fields are read.
checks.negative_data_rejection.expected-statuses = [
    "400", "401", "403", "404", "405", "406", "409", "413", "415", "422", "428", "429", "5xx"
]

[[operations]]
include-method = "POST"
include-path = "/api/v1/petitions/{slug}/signatures/"
# 422: a valid Idempotency-Key that an earlier request of the run already used with another body.
checks.positive_data_acceptance.expected-statuses = ["2xx", "401", "403", "404", "409", "422", "429", "5xx"]
"""


@pytest.fixture
def fuzzed_site(petition, partner, settings):
    """A petition with signatures (through the partner too), and a partner token with every scope."""
    # The defences would soon answer 429 to one client sending hundreds of signatures: that answer is fuzzed by its
    # own tests; here the ceiling is out of the way so that valid signing requests get through.
    settings.WAGTAIL_PETITIONS_SIGNING_CEILING_PER_MINUTE = 1_000_000
    settings.WAGTAIL_PETITIONS_CONNECTION_BURST_LIMIT = 1_000_000
    # Valid webhook endpoints go to a dead end on this machine, never to the internet: the address check (public
    # addresses only) has its own tests.
    settings.WAGTAIL_PETITIONS_WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    settings.WAGTAIL_PETITIONS_WEBHOOK_MAX_ATTEMPTS = 1
    for n in range(3):
        sign_petition(petition, signer(n, country="FR"))
    sign_petition(petition, signer(9, partner=partner.slug))
    _, token = PartnerToken.objects.issue(partner, name="fuzz", scopes=PartnerScope.values)
    endpoint = WebhookEndpoint.objects.create(
        partner=partner, url=f"https://{WEBHOOK_HOST}/hook", events=[WebhookEvent.SIGNATURE_CREATED]
    )
    return FuzzedSite(petition, partner, token, endpoint)


class FuzzedSite:
    """What a request needs that its shape cannot say: the token, the petition's slug, and, in valid requests, the
    values that only the state of the site makes right."""

    def __init__(self, petition, partner, token, endpoint):
        self.petition, self.partner, self.token, self.endpoint = petition, partner, token, endpoint
        self.cursor = pagination.make_cursor(petition, 0)

    def strategy(self, operation, mode):
        """Half of the requests name the real petition (in the path or ``?petition=``) or webhook endpoint, the
        others whatever the generation made. Given values are sent as they are: schemathesis breaks only the rest
        of a negative case."""
        given = {}
        if operation.path.startswith("/api/v1/partner/"):
            given["headers"] = {"Authorization": f"Bearer {self.token}"}
        named = dict(given)
        if "{slug}" in operation.path:
            named["path_parameters"] = {"slug": self.petition.slug}
        elif "{id}" in operation.path:
            named["path_parameters"] = {"id": self.endpoint.pk}
        elif any(parameter.name == "petition" for parameter in operation.query):
            named["query"] = {"petition": self.petition.slug}
        strategies = [operation.as_strategy(generation_mode=mode, **given)]
        if named != given:
            strategies.append(operation.as_strategy(generation_mode=mode, **named))
        return st.one_of(strategies)

    def make_valid_values_real(self, case):
        """In a valid request, replace what is valid in shape but stands for something that must exist: a cursor
        this API gave, an active partner's slug, a webhook host that resolves (to the dead end of the fixture). The
        request stays valid; an invalid one is sent as generated."""
        if "cursor" in (case.query or {}):
            case.query["cursor"] = self.cursor
        body = case.body if isinstance(case.body, dict) else {}
        if isinstance(body.get("partner"), str) and body["partner"].strip():
            body["partner"] = self.partner.slug
        if isinstance(body.get("url"), str) and "/api/v1/partner/webhooks/" in case.operation.path:
            body["url"] = urlsplit(body["url"])._replace(netloc=WEBHOOK_HOST).geturl()


def fuzz_operation(operation, mode, site):
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=site.strategy(operation, mode))
    def run(case):
        if mode == GenerationMode.POSITIVE:
            site.make_valid_values_real(case)
        case.call_and_validate()

    run()


@pytest.mark.django_db(transaction=True)  # each request commits on its own, as in production
def test_the_public_api_holds_to_its_schema_under_fuzzing(fuzzed_site):
    petition = fuzzed_site.petition
    schema = schemathesis.openapi.from_wsgi(
        "/api/v1/schema/?format=json", WSGIHandler(), config=schemathesis.Config.from_str(CONFIG)
    )
    failures = {}
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                fuzz_operation(operation, mode, fuzzed_site)
            except Unsatisfiable:
                # No invalid request can be made of an operation without parameters or body.
                assert mode == GenerationMode.NEGATIVE and not operation.query and not operation.body, operation.label
            except (Exception, BaseExceptionGroup) as error:  # every operation's failures are reported together
                failures[f"{operation.label} ({mode.value})"] = f"{type(error).__name__}: {error}"[:3000]
    assert operations >= 15
    assert failures == {}, "\n\n".join(f"{label}:\n{text}" for label, text in failures.items())
    # Nothing the fuzzing sent broke the tally: it still equals the counted signatures.
    fresh = PetitionPage.objects.get(pk=petition.pk)
    assert fresh.get_tally(fresh=True).total == Signature.objects.filter(state="counted").count()


@pytest.mark.parametrize("method", ["get", "post", "put", "patch", "delete"])
def test_unknown_api_paths_answer_the_json_404(client, db, method):
    response = getattr(client, method)("/api/v1/petitions/stop-spyware/nothing-here/", content_type="application/json")
    assert response.status_code == 404
    assert response.json()["errors"]["non_field_errors"][0]["code"] == "not_found"


def test_the_schema_documents_every_error_answer(client, db):
    paths = client.get("/api/v1/schema/?format=json").json()["paths"]
    signing = paths["/api/v1/petitions/{slug}/signatures/"]["post"]["responses"]
    assert {"400", "404", "409", "413", "415", "422", "429", "503"} <= set(signing)
    assert signing["503"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ErrorEnvelope"}
    assert "Retry-After" in signing["429"]["headers"] and "Retry-After" in signing["503"]["headers"]
    partner = paths["/api/v1/partner/signatures/"]["get"]["responses"]
    assert {"401", "403", "404", "429", "503"} <= set(partner)
    assert "text/csv" in partner["401"]["content"]  # errors come in the negotiated format
    count = paths["/api/v1/petitions/{slug}/count/"]["get"]["responses"]
    assert "401" not in count and "415" not in count  # only what the operation can answer
