"""Admin users for the editor-side tests: a superuser, an editor without signature rights, a signature manager."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from wagtail.models import Locale

from tests.conftest import signer


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("boss", "boss@example.org", "pw")


@pytest.fixture
def editor(db):
    """A member of Wagtail's default "Moderators" group: edits and publishes pages, has no right on signatures."""
    user = get_user_model().objects.create_user("editor", "editor@example.org", "pw")
    user.groups.add(Group.objects.get(name="Moderators"))
    return user


@pytest.fixture
def signature_manager(db):
    from petitions_site.management.commands.load_demo_content import Command

    user = get_user_model().objects.create_user("manager", "manager@example.org", "pw")
    user.groups.add(Command().ensure_signature_managers())
    return user


def client_for(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def french(db):
    return Locale.objects.get_or_create(language_code="fr")[0]


@pytest.fixture
def signed(petition, partner):
    """Five signatures: three from France (one via the partner), one from Belgium, one with a formula-like name."""
    from wagtail_petitions.signing import sign_petition

    rows = [
        signer(1, country="FR"),
        signer(2, country="FR", partner="drc"),
        signer(3, country="FR"),
        signer(4, country="BE", first_name="Zoé", last_name="Martin"),
        signer(5, country="DE", first_name='=HYPERLINK("http://evil")', last_name="@SUM(A1)"),
    ]
    return [sign_petition(petition, row).signature for row in rows]


def add_permission(user, codename, app_label="wagtail_petitions"):
    user.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return get_user_model().objects.get(pk=user.pk)  # drop the permission cache
