"""Petitions → Signer's data: find a signer by email, export all their data, erase it; each action recorded without
the address or the erased data."""

import json

import pytest
from django.urls import reverse

from tests.conftest import signer
from tests.wagtail_petitions.conftest import client_for
from wagtail_petitions.models import Signature, SignatureState, SignerDataAction
from wagtail_petitions.signing import sign_petition

pytestmark = pytest.mark.django_db

URL = "/admin/petitions/signers/"


@pytest.fixture
def signatures(make_petition, partner):
    first, second = make_petition(), make_petition(slug="free-press", title="Free the press")
    sign_petition(first, signer(1, postal_code="75011"))
    sign_petition(second, signer(1, email="Ada1@Example.org", partner="drc", consent_partner=True))
    sign_petition(first, signer(2))
    return first, second


def post(client, action, email="ada1@example.org", reason="Asked by email on 3 December"):
    return client.post(URL, {"email": email, "reason": reason, "action": action})


def test_find_export_and_erase_are_recorded_without_the_address(client, signature_manager, signatures):
    first, second = signatures
    assert reverse("wagtail_petitions_signers:index") == URL
    client_for(client, signature_manager)
    assert client.get(URL).status_code == 200

    found = post(client, "find")
    html = found.content.decode()
    assert found.status_code == 200 and "2 signatures" in html
    assert "Stop spyware" in html and "Free the press" in html and "Ada2" not in html

    exported = post(client, "export")
    assert exported["Content-Type"].startswith("application/json") and "no-store" in exported["Cache-Control"]
    data = json.loads(exported.content)["signatures"]
    assert {d["email"] for d in data} == {"ada1@example.org", "Ada1@Example.org"}
    assert {d["postal_code"] for d in data} == {"75011", ""}
    assert all(d["consent_texts"]["consent_text"] == first.consent_text for d in data)

    erased = post(client, "erase")
    assert erased.status_code == 200 and "2 signatures erased" in erased.content.decode()
    assert not Signature.objects.filter(email__iexact="ada1@example.org").exists()
    assert Signature.objects.filter(state=SignatureState.WITHDRAWN).count() == 2
    assert first.get_tally(fresh=True).total == 1 and second.get_tally(fresh=True).total == 0
    assert first.get_state_counts(fresh=True).withdrawn == 1

    actions = list(SignerDataAction.objects.order_by("pk"))
    assert [a.action for a in actions] == ["found", "exported", "erased"]
    assert all(a.user == signature_manager and a.reason == "Asked by email on 3 December" for a in actions)
    assert len(actions[-1].signatures) == 2
    for action in actions:
        assert "ada1" not in json.dumps([action.signatures, action.reason]).lower()
    # Erasing again finds nothing: nothing moves twice.
    post(client, "erase")
    assert first.get_tally(fresh=True).total == 1 and first.get_state_counts(fresh=True).withdrawn == 1


def test_a_reason_and_a_valid_address_are_required(client, signature_manager, signatures):
    client_for(client, signature_manager)
    assert post(client, "erase", reason="").status_code == 400
    assert post(client, "find", email="not an address").status_code == 400
    assert Signature.objects.filter(state=SignatureState.COUNTED).count() == 3
    assert not SignerDataAction.objects.exists()


def test_editors_without_signature_rights_are_refused(client, editor, signatures):
    client_for(client, editor)
    for response in (client.get(URL), post(client, "export"), post(client, "erase")):
        assert response.status_code in (302, 403)
        assert b"ada1@example.org" not in response.content
    assert Signature.objects.filter(state=SignatureState.COUNTED).count() == 3


def test_viewers_who_may_not_invalidate_cannot_erase(client, django_user_model, signatures):
    from django.contrib.auth.models import Permission

    viewer = django_user_model.objects.create_user("viewer", password="pw")
    viewer.user_permissions.add(
        Permission.objects.get(codename="access_admin"), Permission.objects.get(codename="view_signature")
    )
    client_for(client, viewer)
    assert post(client, "find").status_code == 200
    assert post(client, "erase").status_code in (302, 403)
    assert Signature.objects.filter(state=SignatureState.COUNTED).count() == 3
