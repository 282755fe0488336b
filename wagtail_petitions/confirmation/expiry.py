"""Unconfirmed signatures do not stay: after ``UNCONFIRMED_SIGNATURE_DAYS`` they are deleted and counted as expired.

Run ``expire_unconfirmed_signatures`` daily: the task (``expire_unconfirmed_signatures_task.enqueue()``, from a
scheduler) or the management command (cron).
"""

from django_tasks import task

from ..models import get_signature_models
from ..moderation import expire_unconfirmed


def expire_unconfirmed_signatures() -> int:
    """Delete every signature model's expired unconfirmed signatures; returns how many."""
    return sum(expire_unconfirmed(model) for model in get_signature_models())


@task()
def expire_unconfirmed_signatures_task() -> int:
    return expire_unconfirmed_signatures()
