"""The webhook settings are checked by ``manage.py check``; the development ones warn outside DEBUG."""

import pytest

from wagtail_petitions.checks import check_settings


def ids(messages):
    return [message.id for message in messages]


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("WEBHOOK_TIMEOUT_SECONDS", 0),
        ("WEBHOOK_MAX_ATTEMPTS", 0),
        ("WEBHOOK_MAX_ATTEMPTS", 2.5),
        ("WEBHOOK_RETRY_SECONDS", -1),
        ("WEBHOOK_DISABLE_AFTER_FAILURES", "20"),
    ],
)
def test_a_bad_number_is_an_error(settings, name, value):
    setattr(settings, f"WAGTAIL_PETITIONS_{name}", value)
    assert ids(check_settings()) == ["wagtail_petitions.E001"]


@pytest.mark.parametrize("name", ["WEBHOOK_ALLOW_HTTP", "WEBHOOK_ALLOW_PRIVATE_ADDRESSES"])
def test_development_settings(settings, name):
    setattr(settings, f"WAGTAIL_PETITIONS_{name}", "yes")
    assert ids(check_settings()) == ["wagtail_petitions.E032"]
    setattr(settings, f"WAGTAIL_PETITIONS_{name}", True)
    settings.DEBUG = False
    assert ids(check_settings()) == ["wagtail_petitions.W032"]
    settings.DEBUG = True
    assert check_settings() == []
