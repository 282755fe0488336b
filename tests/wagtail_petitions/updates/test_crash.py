"""A real task worker (``manage.py db_worker``, its own process) sends an update to a real SMTP server and is killed
(SIGKILL: no cleanup) in the middle; a new worker resumes the send. Every recipient gets the update exactly once
when the kill lands while the server takes a mail (the worker never hears it was accepted: the in-doubt
recipient, not sent again); at any other moment nobody gets it twice and at most one recipient is in doubt."""

import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from petitions_site.mail_catcher import MailCatcher
from tests.conftest import signer
from wagtail_petitions.conf import conf
from wagtail_petitions.models import PetitionUpdate, PetitionUpdateText, UpdateStatus
from wagtail_petitions.signing import sign_petition
from wagtail_petitions.updates.sending import delivery_counts, request_send, resume_stalled

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[3]
SIGNERS = 60
KILL_AT = 23


def start_worker(catcher):
    settings = connection.settings_dict
    database_url = (
        f"postgres://{settings['USER']}:{settings['PASSWORD'] or ''}@{settings['HOST'] or '127.0.0.1'}:"
        f"{settings['PORT'] or 5432}/{settings['NAME']}"
    )
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "tests.wagtail_petitions.updates.worker_settings",
        "EMAIL_HOST": catcher.host,
        "EMAIL_PORT": str(catcher.port),
    }
    command = [sys.executable, "manage.py", "db_worker", "--interval", "0.1", "--no-startup-delay", "-v0"]
    return subprocess.Popen(command, cwd=ROOT, env=env)


@pytest.fixture
def database_tasks(settings):
    if connection.vendor != "postgresql":
        pytest.skip("the worker is another process: it needs DATABASE_URL pointing at PostgreSQL")
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.mark.parametrize("moment", ["while the server takes a mail", "at any moment"])
def test_a_killed_worker_resumes_without_sending_anyone_twice(petition, database_tasks, superuser, moment):
    signatures = [sign_petition(petition, signer(n, consent_updates=True)).signature for n in range(SIGNERS)]
    update = PetitionUpdate.objects.create(page=petition)
    PetitionUpdateText.objects.create(update=update, language="en", subject="Delivered", body="Handed over today.")
    workers = []
    killed = threading.Event()

    def on_mail(mail):
        # Inside the server's DATA handler, before it answers "250": the worker dies waiting for that answer.
        if moment == "while the server takes a mail" and len(catcher.mails) == KILL_AT and not killed.is_set():
            os.kill(workers[0].pid, signal.SIGKILL)
            killed.set()

    catcher = MailCatcher(keep=10_000, on_mail=on_mail).start()
    try:
        workers.append(start_worker(catcher))
        assert request_send(update, user=superuser)
        if moment == "at any moment":
            catcher.wait_for(KILL_AT, timeout=180)
            os.kill(workers[0].pid, signal.SIGKILL)
            killed.set()
        assert killed.wait(180), "the worker sent too few mails before the deadline"
        workers[0].wait(60)
        before = len(catcher.mails)
        assert KILL_AT <= before < SIGNERS, "the kill did not land in the middle of the send"
        counts = delivery_counts(update)
        assert counts["in_doubt"] <= 1 and counts["waiting"] > 0

        # The send stalled; resuming queues a new task, which a new worker runs.
        later = timezone.now() + timedelta(seconds=conf.UPDATE_STALL_SECONDS + 1)
        assert resume_stalled(now=later) == [update.pk]
        workers.append(start_worker(catcher))
        deadline = time.monotonic() + 180
        while PetitionUpdate.objects.get(pk=update.pk).status != UpdateStatus.SENT:
            assert time.monotonic() < deadline, "the resumed send did not finish"
            time.sleep(0.2)
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.terminate()
                worker.wait(60)
        catcher.stop()

    received = Counter(mail.recipients[0] for mail in catcher.mails)
    assert max(received.values()) == 1, "someone got the update twice"
    counts = delivery_counts(update)
    assert counts["recipients"] == SIGNERS and counts["waiting"] == 0 and counts["in_doubt"] <= 1
    everyone = {s.email for s in signatures}
    if moment == "while the server takes a mail":
        assert set(received) == everyone  # exactly once each
        assert counts == {**counts, "sent": SIGNERS - 1, "in_doubt": 1}
    else:
        assert len(everyone - set(received)) <= counts["in_doubt"]
        assert counts["sent"] + counts["in_doubt"] == SIGNERS
