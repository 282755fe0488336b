"""Re-normalise the stored ``email_normalized`` of every signature with today's ``normalize_email`` (domain in
IDNA's ASCII form after NFKC: fullwidth or soft-hyphenated variants of one address become one).

A row whose new form is already another signature's on the same petition keeps its old form: both were counted
when they were signed, and a migration does not take signatures out of a tally (an editor can invalidate one).
The reverse leaves the rows as they are (the new form recognises more repeats; nothing to undo).
"""

from django.db import migrations

from wagtail_petitions.text import normalize_email

BATCH = 2000


def renormalise(apps, schema_editor):
    Signature = apps.get_model("wagtail_petitions", "Signature")
    last_pk = 0
    while True:
        rows = list(
            Signature.objects.filter(pk__gt=last_pk).order_by("pk").values_list("pk", "petition_key", "email", "email_normalized")[:BATCH]
        )
        if not rows:
            return
        last_pk = rows[-1][0]
        for pk, petition_key, email, old in rows:
            new = normalize_email(email or old)
            if new == old:
                continue
            if Signature.objects.filter(petition_key=petition_key, email_normalized=new).exists():
                continue
            Signature.objects.filter(pk=pk).update(email_normalized=new)


class Migration(migrations.Migration):
    dependencies = [("wagtail_petitions", "0005_confirmation_and_defences")]

    operations = [migrations.RunPython(renormalise, migrations.RunPython.noop)]
