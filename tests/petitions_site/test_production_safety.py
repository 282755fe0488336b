"""Production never runs by accident with DEBUG or with the admin calling third parties."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def run_python(code: str, **env) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=300
    )


def test_the_wsgi_application_without_settings_is_production_not_development():
    # No DJANGO_SECRET_KEY: production settings refuse to start, rather than serve with DEBUG on.
    environment = {"DJANGO_SECRET_KEY": ""}
    failed = run_python("import petitions_site.wsgi", **environment)
    assert failed.returncode != 0
    assert "DJANGO_SECRET_KEY must be set in production" in failed.stderr
    started = run_python(
        "import petitions_site.wsgi\nfrom django.conf import settings\nprint(settings.SETTINGS_MODULE, settings.DEBUG)",
        DJANGO_SECRET_KEY="x" * 50,
    )
    assert started.returncode == 0, started.stderr
    assert started.stdout.split() == ["petitions_site.settings.production", "False"]


def test_the_admin_calls_no_third_party():
    assert settings.WAGTAIL_GRAVATAR_PROVIDER_URL is None
    assert settings.WAGTAIL_ENABLE_UPDATE_CHECK is False
