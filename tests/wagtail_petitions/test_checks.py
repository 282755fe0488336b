"""System checks: a bad setting fails ``manage.py check`` with its id; a retired setting is pointed at its successor."""

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from wagtail_petitions.checks import check_settings
from wagtail_petitions.conf import conf


def ids(messages):
    return [message.id for message in messages]


def test_the_defaults_pass():
    assert check_settings() == []


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("TALLY_SHARDS", 0),
        ("TALLY_SHARDS", "8"),
        ("TALLY_SHARDS", 2.5),
        ("COUNT_CACHE_SECONDS", -1),
        ("COUNT_MAX_AGE", None),
        ("SIGNATURE_MAX_BODY_BYTES", 10),
        ("IDEMPOTENCY_KEY_TTL", True),
        ("EMBED_COUNT_REFRESH_SECONDS", 1),
    ],
)
def test_a_bad_value_is_an_error(settings, name, value):
    setattr(settings, f"WAGTAIL_PETITIONS_{name}", value)
    errors = check_settings()
    assert ids(errors) == ["wagtail_petitions.E001"]
    assert f"WAGTAIL_PETITIONS_{name}" in errors[0].msg


def test_too_many_shards_is_an_error(settings):
    settings.WAGTAIL_PETITIONS_TALLY_SHARDS = 5000
    assert ids(check_settings()) == ["wagtail_petitions.E002"]


def test_a_retired_setting_is_a_warning(settings):
    settings.WAGTAIL_PETITIONS_NAME_MAX_LENGTH = 200
    settings.WIDGET_API_IDEMPOTENCY_KEY_TTL = 60
    warnings = check_settings()
    assert ids(warnings) == ["wagtail_petitions.W001", "wagtail_petitions.W001"]
    assert "WAGTAIL_PETITIONS_IDEMPOTENCY_KEY_TTL" in warnings[1].hint


def test_settings_are_read_live(settings):
    settings.WAGTAIL_PETITIONS_TALLY_SHARDS = 3
    assert conf.TALLY_SHARDS == 3


def test_manage_py_check_fails_on_a_bad_value(settings):
    settings.WAGTAIL_PETITIONS_PAGE_MAX_AGE = "thirty"
    with pytest.raises(SystemCheckError, match="wagtail_petitions.E001"):
        call_command("check")
