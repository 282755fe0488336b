"""Steps of ``make bench`` that need Django, run in their own process: ``python -m bench.tasks STEP [args]``.

Each prints one JSON object on its last line. ``DJANGO_SETTINGS_MODULE`` is ``bench.settings`` (the product's
production settings plus the peer app).
"""

import json
import resource
import statistics
import sys
import time
import uuid

import django

SIGN_SLUG = "bench-sign"
CONFIRM_SLUG = "bench-confirm"
UPDATES_SLUG = "bench-updates"
GROWTH = {"growth-1k": 1_000, "growth-1m": 1_000_000}
PARTNER_SLUG = "bench-partner"
COUNTRIES = ["FR", "DE", "BE", "ES", "IT", "GB", "US", "CA", "SN", "MA"]


def prepare(site_url):
    from django.core.management import call_command
    from django.db import connection
    from wagtail.models import Site

    from bench.peer.models import PEER_FIELDS, PeerFormField, PeerFormPage
    from wagtail_petitions import recount
    from wagtail_petitions.defence.tokens import issue_form_token
    from wagtail_petitions.models import Partner, PetitionPage, TallyCounter

    timings = {}
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("load_demo_content", site_url=site_url, signatures=0, partner_origin=[site_url])
    # The diagnostic row signs the demo petition: counted at once, as bench-sign.
    PetitionPage.objects.filter(slug="stop-spyware").update(confirmation_required=False)
    timings["migrate_and_content_s"] = round(time.perf_counter() - started, 1)

    index = Site.objects.get(is_default_site=True).root_page.specific
    partner, _ = Partner.objects.update_or_create(
        slug=PARTNER_SLUG, defaults={"name": "Bench partner", "allowed_origins": site_url, "is_active": True}
    )
    texts = {
        "summary": "A petition used by the benchmark.",
        "target": "Nobody",
        "consent_text": "Benchmark data, deleted after the run.",
        "thank_you_text": "Thank you.",
    }
    petitions = {}
    for slug in (SIGN_SLUG, CONFIRM_SLUG, *GROWTH):
        confirm = slug == CONFIRM_SLUG
        page = PetitionPage(title=f"Bench {slug}", slug=slug, goal=2_000_000, confirmation_required=confirm, **texts)
        index.add_child(instance=page)
        page.save_revision().publish()
        petitions[slug] = PetitionPage.objects.get(pk=page.pk)
    peer = PeerFormPage(title="Peer form", slug="peer-form")
    index.add_child(instance=peer)
    for order, (label, field_type, required) in enumerate(PEER_FIELDS):
        PeerFormField.objects.create(page=peer, sort_order=order, label=label, field_type=field_type, required=required)
    peer.save_revision().publish()
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS bench_floor_row "
            "(id bigserial PRIMARY KEY, n integer NOT NULL, created_at timestamptz NOT NULL)"
        )

    for slug, rows in GROWTH.items():
        started = time.perf_counter()
        bulk_load(petitions[slug], rows, partner)
        timings[f"bulk_load_{slug}_s"] = round(time.perf_counter() - started, 1)
        started = time.perf_counter()
        drifts = recount.recount(petitions[slug].get_tally_key(), fix=True)
        timings[f"recount_fix_{slug}_s"] = round(time.perf_counter() - started, 1)
        timings[f"recount_fix_{slug}_buckets"] = len(drifts)
        assert recount.recount(petitions[slug].get_tally_key()) == [], "recount left drift"
        assert TallyCounter.objects.read(petitions[slug].get_tally_key()).total == rows
    # Start the measured rows from a settled database, as pgbench does: the bulk load leaves fresh statistics to
    # gather and half a gigabyte of WAL whose checkpoint would otherwise be written out during the write rows.
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        try:
            cursor.execute("CHECKPOINT")  # superuser or pg_checkpoint only; the bench's default user is postgres
        except Exception as error:  # noqa: BLE001 - a bench on a restricted role still runs, unsettled
            timings["checkpoint_skipped"] = str(error).splitlines()[0]
    timings["analyze_and_checkpoint_s"] = round(time.perf_counter() - started, 1)
    # The form token each petition's page and widget carry, issued a minute ago (a person's fill time).
    timings["form_tokens"] = {
        slug: issue_form_token(PetitionPage.objects.filter(slug=slug).first(), now=time.time() - 60)
        for slug in (SIGN_SLUG, CONFIRM_SLUG, "stop-spyware")
    }
    return timings


def bulk_load(petition, rows, partner, consent_updates=False):
    """COPY ``rows`` counted signatures; every other column gets its model default, so new fields need no change."""
    from django.db import connection
    from django.utils import timezone

    from wagtail_petitions.models import Signature

    now = timezone.now()
    varying = {"email", "email_normalized", "country", "partner"}
    fixed = {
        "petition_key": petition.get_tally_key(),
        "page": petition.pk,
        "first_name": "Bulk",
        "last_name": "Signer",
        "consent_text_version": petition.consent_text_version,
        "language": petition.language_code,
        "channel": "online",
        "state": "counted",
        "created_at": now,
        "consent_updates": consent_updates,
    }
    fields = [f for f in Signature._meta.concrete_fields if not f.primary_key]
    constants = {}
    for f in fields:
        if f.name in varying:
            continue
        value = fixed[f.name] if f.name in fixed else f.get_default()
        constants[f.name] = f.get_db_prep_save(value, connection)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    key = str(petition.get_tally_key())[:8]
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {Signature._meta.db_table} ({columns}) FROM STDIN") as copy,
    ):
        for i in range(rows):
            email = f"bulk{i}-{key}@bench.example"
            row_values = {
                "email": email,
                "email_normalized": email,
                "country": COUNTRIES[i % len(COUNTRIES)],
                "partner": partner.pk if partner is not None and i % 2 else None,
            }
            copy.write_row([row_values[f.name] if f.name in varying else constants[f.name] for f in fields])


def exactness(runid, accepted_seen):
    """The tally, the rows, the distinct signers and the 201 answers the server gave all agree."""
    from wagtail_petitions import recount
    from wagtail_petitions.models import PetitionPage, Signature, SignatureState, TallyCounter
    from widget_api.models import IdempotencyKey

    petition = PetitionPage.objects.get(slug=SIGN_SLUG)
    key = petition.get_tally_key()
    rows = Signature.objects.filter(petition_key=key, state=SignatureState.COUNTED).count()
    distinct = Signature.objects.filter(petition_key=key).values("email_normalized").distinct().count()
    total = TallyCounter.objects.read(key).total
    drifts = recount.recount(key)
    answered = IdempotencyKey.objects.filter(key__startswith=f"k{runid}", status_code=201).count()
    confirm = PetitionPage.objects.get(slug=CONFIRM_SLUG)
    confirm_key = confirm.get_tally_key()
    pending_rows = Signature.objects.filter(petition_key=confirm_key, state=SignatureState.PENDING).count()
    confirm_drifts = recount.recount(confirm_key)
    return {
        "confirm_pending_rows": pending_rows,
        "confirm_pending_counted": confirm.get_state_counts(fresh=True).pending,
        "confirm_tally": TallyCounter.objects.read(confirm_key).total,
        "confirm_recount_drifts": len(confirm_drifts),
        "accepted_201_seen_by_wrk": accepted_seen,
        "accepted_201_answered": answered,
        "signature_rows": rows,
        "distinct_signers": distinct,
        "tally": total,
        "recount_drifts": len(drifts),
        "exact": total == rows == distinct == answered
        and accepted_seen <= answered
        and not drifts
        and not confirm_drifts
        and pending_rows == confirm.get_state_counts(fresh=True).pending,
    }


def update_mails_setup(site_url, rows):
    """A petition with ``rows`` counted signers who asked for updates, and an update to them, queued for the task
    worker as the editor's "Send" button queues it. Works on a fresh database too (``--only update-mails``)."""
    from django.core.management import call_command
    from wagtail.models import Site

    from wagtail_petitions.models import PetitionPage, PetitionUpdate, PetitionUpdateText
    from wagtail_petitions.updates.sending import request_send

    call_command("migrate", verbosity=0)
    if not Site.objects.filter(is_default_site=True, root_page__depth__gt=1).exists():
        call_command("load_demo_content", site_url=site_url, signatures=0, partner_origin=[site_url])
    index = Site.objects.get(is_default_site=True).root_page.specific
    page = PetitionPage(
        title="Bench updates",
        slug=UPDATES_SLUG,
        goal=2_000_000,
        summary="A petition used by the benchmark.",
        target="Nobody",
        consent_text="Benchmark data, deleted after the run.",
        thank_you_text="Thank you.",
    )
    index.add_child(instance=page)
    page.save_revision().publish()
    page = PetitionPage.objects.get(pk=page.pk)
    bulk_load(page, rows, None, consent_updates=True)
    update = PetitionUpdate.objects.create(page=page)
    PetitionUpdateText.objects.create(
        update=update,
        language=page.locale.language_code,
        subject="The petition was delivered",
        body="We handed over your signatures today.\n\nThank you for signing.",
    )
    assert request_send(update, user=None)
    return {"update": update.pk, "recipients": page.get_update_recipients().count()}


def update_mails_check(update_pk):
    from wagtail_petitions.models import PetitionUpdate
    from wagtail_petitions.updates.sending import delivery_counts

    update = PetitionUpdate.objects.get(pk=update_pk)
    return {"status": update.status, **delivery_counts(update)}


def due_mails():
    """How many confirmation mails are due (signed on the confirmation petition, not sent yet)."""
    from wagtail_petitions.models import Signature

    return {"due": Signature.objects.filter(confirmation_due_at__isnull=False).count()}


def fresh_reads():
    """What a cache miss costs: one tally read from the database, at 1k and at 1M signatures, vs a row count.

    The two petitions take turns and the fastest read of each counts: on a shared machine the minimum is the cost,
    the rest is waiting for the CPU.
    """
    from wagtail_petitions.models import PetitionPage, Signature, TallyCounter
    from wagtail_petitions.public_figures import build_public_figures

    pages = {slug: PetitionPage.objects.get(slug=slug) for slug in GROWTH}
    keys = {slug: page.get_tally_key() for slug, page in pages.items()}
    samples = {slug: [] for slug in GROWTH}
    stats_samples = {slug: [] for slug in GROWTH}
    for _ in range(100):
        for slug, key in keys.items():
            started = time.perf_counter()
            TallyCounter.objects.read(key)
            samples[slug].append(time.perf_counter() - started)
            # Everything the stats endpoint reads (tally, state counts, history, listed partners), past every cache.
            started = time.perf_counter()
            build_public_figures(pages[slug], fresh=True)
            stats_samples[slug].append(time.perf_counter() - started)
    result = {}
    for slug, key in keys.items():
        result[f"tally_read_ms_{slug}"] = round(min(samples[slug]) * 1000, 3)
        result[f"tally_read_median_ms_{slug}"] = round(statistics.median(samples[slug]) * 1000, 3)
        result[f"stats_read_ms_{slug}"] = round(min(stats_samples[slug]) * 1000, 3)
        started = time.perf_counter()
        Signature.objects.filter(petition_key=key).count()
        result[f"row_count_ms_{slug}"] = round((time.perf_counter() - started) * 1000, 1)
    return result


def export_rss():
    """Export the 1M-signature petition as CSV through the admin's exporter (the Signatures listing's
    ``?export=csv``, what editors use) to /dev/null; report this process's peak RSS."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    from wagtail_petitions.models import PetitionPage

    key = PetitionPage.objects.get(slug="growth-1m").get_tally_key()
    user, _ = get_user_model().objects.get_or_create(username="bench-exporter", defaults={"is_superuser": True})
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    response = client.get(reverse("signatures:index"), {"export": "csv", "petition": str(key)})
    assert response.status_code == 200 and response.streaming, response.status_code
    lines = size = 0
    with open("/dev/null", "wb") as sink:
        for chunk in response.streaming_content:
            sink.write(chunk)
            lines += chunk.count(b"\n")
            size += len(chunk)
    return {
        "export_rows": lines - 1,
        "export_mb": round(size / 1e6, 1),
        "export_seconds": round(time.perf_counter() - started, 1),
        "export_rss_before_mb": round(before, 1),
        "export_peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def main(argv):
    django.setup()
    step = argv[0]
    if step == "prepare":
        result = prepare(argv[1])
    elif step == "exactness":
        result = exactness(argv[1], int(argv[2]))
    elif step == "fresh-reads":
        result = fresh_reads()
    elif step == "update-mails-setup":
        result = update_mails_setup(argv[1], int(argv[2]))
    elif step == "update-mails-check":
        result = update_mails_check(int(argv[1]))
    elif step == "due-mails":
        result = due_mails()
    elif step == "export":
        result = export_rss()
    elif step == "runid":
        result = {"runid": uuid.uuid4().hex[:8]}
    else:
        raise SystemExit(f"unknown step {step}")
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
