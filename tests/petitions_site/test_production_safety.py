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


def test_check_deploy_with_the_production_settings_reports_nothing():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={
            **{k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE")},
            "DJANGO_SETTINGS_MODULE": "petitions_site.settings.production",
            "DJANGO_SECRET_KEY": "k" * 20 + "-production-test-secret-key-0123456789",
            "DJANGO_ALLOWED_HOSTS": "petitions.example.org",
        },
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_redirects_to_https_and_sends_hsts():
    result = run_python(
        "import django; django.setup()\nfrom django.conf import settings as s\n"
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE)",
        DJANGO_SETTINGS_MODULE="petitions_site.settings.production",
        DJANGO_SECRET_KEY="x" * 50,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "31536000", "True", "True"]


def test_the_schema_describes_the_public_api_only(client, db):
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    assert "/api/v1/petitions/{slug}/signatures/" in schema["paths"]
    assert all(path.startswith("/api/") for path in schema["paths"])
