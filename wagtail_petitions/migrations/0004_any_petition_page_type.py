"""Signatures and paper batches of any petition page type.

- ``SignatureStateChange`` names its signature by content type and primary key (as Wagtail's log entries name
  objects) instead of a foreign key to ``Signature``, so the invalidations of any signature model are recorded;
  existing rows keep pointing at the same signatures.
- ``PaperBatch.page`` points at any page (a petition of any type) instead of ``PetitionPage``: the ids are the
  same, only the constraint's target table changes.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def name_signatures(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    SignatureStateChange = apps.get_model("wagtail_petitions", "SignatureStateChange")
    if not SignatureStateChange.objects.exists():
        return
    signature_type, _ = ContentType.objects.get_or_create(app_label="wagtail_petitions", model="signature")
    for change in SignatureStateChange.objects.all().iterator():
        change.content_type_id = signature_type.pk
        change.object_id = str(change.signature_id)
        change.save(update_fields=["content_type", "object_id"])


def link_signatures(apps, schema_editor):
    SignatureStateChange = apps.get_model("wagtail_petitions", "SignatureStateChange")
    for change in SignatureStateChange.objects.all().iterator():
        change.signature_id = int(change.object_id)
        change.save(update_fields=["signature"])


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtail_petitions", "0003_tally_total"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        migrations.swappable_dependency(settings.WAGTAIL_PAGE_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="signaturestatechange",
            name="content_type",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="contenttypes.contenttype",
                verbose_name="signature model",
            ),
        ),
        migrations.AddField(
            model_name="signaturestatechange",
            name="object_id",
            field=models.CharField(default="", max_length=64, verbose_name="signature"),
            preserve_default=False,
        ),
        # Nullable first, so that going back can add it again before the rows are linked to their signatures.
        migrations.AlterField(
            model_name="signaturestatechange",
            name="signature",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="state_changes",
                to="wagtail_petitions.signature",
                verbose_name="signature",
            ),
        ),
        migrations.RunPython(name_signatures, link_signatures),
        migrations.RemoveField(model_name="signaturestatechange", name="signature"),
        migrations.AlterField(
            model_name="signaturestatechange",
            name="content_type",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="contenttypes.contenttype",
                verbose_name="signature model",
            ),
        ),
        migrations.AddIndex(
            model_name="signaturestatechange",
            index=models.Index(fields=["content_type", "object_id"], name="signature_state_change_of"),
        ),
        migrations.AlterField(
            model_name="paperbatch",
            name="page",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.WAGTAIL_PAGE_MODEL,
                verbose_name="petition",
            ),
        ),
    ]
