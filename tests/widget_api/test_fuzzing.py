"""The public API fuzzed from its own OpenAPI schema with schemathesis: every operation, valid and invalid requests,
all of schemathesis's checks (no server error, status codes, content types, headers and bodies as the schema
documents them, authentication enforced...). A bounded number of examples per operation, no deadline: the run does
not depend on the machine's speed."""

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import checks
from schemathesis.generation import GenerationMode

from tests.conftest import signer
from wagtail_petitions.models import PartnerToken, PetitionPage, Signature
from wagtail_petitions.models.partner_tokens import PartnerScope
from wagtail_petitions.signing import sign_petition

MAX_EXAMPLES = 25
# Every check of schemathesis but the two that ask the schema to hold every rule of the server: whether a request is
# valid depends on more than its shape (a disposable email domain, a webhook address that must be public, a language
# this site has), and the API ignores query parameters it does not know, as HTTP APIs do. Server errors, status codes,
# content types, headers, response bodies, authentication: all checked.
EXCLUDED_CHECKS = [checks.positive_data_acceptance, checks.negative_data_rejection]


@pytest.fixture
def fuzzed_site(petition, partner, settings):
    """A petition with signatures (through the partner too), and a partner token with every scope."""
    # The defences would soon answer 429 to one client sending hundreds of signatures: that answer is fuzzed by its
    # own tests; here the ceiling is out of the way so that valid signing requests get through.
    settings.WAGTAIL_PETITIONS_SIGNING_CEILING_PER_MINUTE = 1_000_000
    settings.WAGTAIL_PETITIONS_CONNECTION_BURST_LIMIT = 1_000_000
    for n in range(3):
        sign_petition(petition, signer(n, country="FR"))
    sign_petition(petition, signer(9, partner=partner.slug))
    _, token = PartnerToken.objects.issue(partner, name="fuzz", scopes=PartnerScope.values)
    return petition, token


def fuzz_operation(schema, operation, mode, token, slug):
    strategy = operation.as_strategy(generation_mode=mode)
    slugs = st.sampled_from([slug, None])  # half of the requests name the real petition, the others whatever came

    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy, chosen_slug=slugs)
    def run(case, chosen_slug):
        if chosen_slug and case.path_parameters and "slug" in case.path_parameters:
            case.path_parameters["slug"] = chosen_slug
        headers = {"Authorization": f"Bearer {token}"} if operation.path.startswith("/api/v1/partner/") else None
        case.call_and_validate(headers=headers, excluded_checks=EXCLUDED_CHECKS)

    run()


@pytest.mark.django_db(transaction=True)  # each request commits on its own, as in production
def test_the_public_api_holds_to_its_schema_under_fuzzing(fuzzed_site):
    petition, token = fuzzed_site
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", WSGIHandler())
    failures = {}
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                fuzz_operation(schema, operation, mode, token, petition.slug)
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
