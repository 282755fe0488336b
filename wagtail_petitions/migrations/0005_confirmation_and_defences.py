"""Email confirmation and defences against bots: signature states and per-state counts, the confirmation outbox
columns, and the petition's confirmation, proof-of-work and organiser fields.

The per-state counts of existing signatures are filled in here (for this app's ``Signature``; another signature
model's counts are rebuilt by ``manage.py recount_tallies --fix``).
"""

from django.conf import settings
from django.db import migrations, models


def count_states(apps, schema_editor):
    Signature = apps.get_model("wagtail_petitions", "Signature")
    StateCounter = apps.get_model("wagtail_petitions", "StateCounter")
    rows = Signature.objects.values_list("petition_key", "state").annotate(n=models.Count("pk")).order_by()
    StateCounter.objects.bulk_create(
        StateCounter(petition_key=key, state=state, shard=0, count=n) for key, state, n in rows
    )


class Migration(migrations.Migration):

    dependencies = [
        ('wagtail_petitions', '0004_any_petition_page_type'),
        migrations.swappable_dependency(settings.WAGTAIL_PAGE_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='StateCounter',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('petition_key', models.UUIDField()),
                ('state', models.CharField(max_length=16)),
                ('shard', models.PositiveSmallIntegerField(default=0)),
                ('count', models.BigIntegerField(default=0)),
            ],
        ),
        migrations.AddField(
            model_name='petitionpage',
            name='confirmation_required',
            # Petitions that exist keep counting signatures at once; new ones require confirmation (below).
            field=models.BooleanField(default=False),
        ),
        migrations.AlterField(
            model_name='petitionpage',
            name='confirmation_required',
            field=models.BooleanField(default=True, help_text='A signature counts once its signer follows the link we email them. Without it, signatures count at once, except suspicious ones, which always need the confirmation.', verbose_name='signers confirm by email'),
        ),
        migrations.AddField(
            model_name='petitionpage',
            name='organiser_email',
            field=models.EmailField(blank=True, help_text="Where signers' replies to those mails go. Empty: the site's default.", max_length=254, verbose_name="organiser's reply address"),
        ),
        migrations.AddField(
            model_name='petitionpage',
            name='organiser_name',
            field=models.CharField(blank=True, help_text="The sender name of mails to signers (confirmations). Empty: the site's default.", max_length=255, verbose_name='organiser'),
        ),
        migrations.AddField(
            model_name='petitionpage',
            name='proof_of_work',
            field=models.BooleanField(default=False, help_text='For a petition under attack by scripts: the browser solves a small puzzle (about a second) before signing. Nothing is asked from any other site.', verbose_name='ask browsers for proof of work'),
        ),
        migrations.AddField(
            model_name='signature',
            name='confirmation_due_at',
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name='confirmation mail due'),
        ),
        migrations.AddField(
            model_name='signature',
            name='confirmation_mails',
            field=models.PositiveSmallIntegerField(default=0, editable=False, verbose_name='confirmation mails sent'),
        ),
        migrations.AddField(
            model_name='signature',
            name='confirmation_sent_at',
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name='confirmation mail sent'),
        ),
        migrations.AddField(
            model_name='signature',
            name='confirmed_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='confirmed at'),
        ),
        migrations.AddField(
            model_name='signature',
            name='connection_hash',
            field=models.CharField(blank=True, editable=False, max_length=32, verbose_name='connection'),
        ),
        migrations.AddField(
            model_name='signature',
            name='screening',
            field=models.CharField(blank=True, editable=False, max_length=128, verbose_name='suspicion'),
        ),
        migrations.AlterField(
            model_name='signature',
            name='state',
            field=models.CharField(choices=[('counted', 'Counted'), ('pending', 'Pending confirmation'), ('held', 'Held for confirmation'), ('quarantined', 'Quarantined'), ('invalidated', 'Invalidated')], default='counted', max_length=16, verbose_name='state'),
        ),
        migrations.AlterField(
            model_name='signaturestatechange',
            name='from_state',
            field=models.CharField(choices=[('counted', 'Counted'), ('pending', 'Pending confirmation'), ('held', 'Held for confirmation'), ('quarantined', 'Quarantined'), ('invalidated', 'Invalidated')], max_length=16, verbose_name='from'),
        ),
        migrations.AlterField(
            model_name='signaturestatechange',
            name='to_state',
            field=models.CharField(choices=[('counted', 'Counted'), ('pending', 'Pending confirmation'), ('held', 'Held for confirmation'), ('quarantined', 'Quarantined'), ('invalidated', 'Invalidated')], max_length=16, verbose_name='to'),
        ),
        migrations.AddIndex(
            model_name='signature',
            index=models.Index(condition=models.Q(('confirmation_due_at__isnull', False)), fields=['confirmation_due_at'], name='signature_mail_due'),
        ),
        migrations.AddIndex(
            model_name='signature',
            index=models.Index(condition=models.Q(('state__in', ['pending', 'held', 'quarantined'])), fields=['created_at'], name='signature_unconf'),
        ),
        migrations.AddConstraint(
            model_name='statecounter',
            constraint=models.UniqueConstraint(fields=('petition_key', 'state', 'shard'), name='state_counter_shard'),
        ),
        migrations.RunPython(count_states, migrations.RunPython.noop),
    ]
