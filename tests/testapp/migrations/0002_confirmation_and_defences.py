# Email confirmation and defences against bots (as wagtail_petitions 0005).

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('petitions_testapp', '0001_initial'),
        ('wagtail_petitions', '0005_confirmation_and_defences'),
        migrations.swappable_dependency(settings.WAGTAIL_PAGE_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='researchersignature',
            name='confirmation_due_at',
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name='confirmation mail due'),
        ),
        migrations.AddField(
            model_name='researchersignature',
            name='confirmation_mails',
            field=models.PositiveSmallIntegerField(default=0, editable=False, verbose_name='confirmation mails sent'),
        ),
        migrations.AddField(
            model_name='researchersignature',
            name='confirmation_sent_at',
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name='confirmation mail sent'),
        ),
        migrations.AddField(
            model_name='researchersignature',
            name='confirmed_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='confirmed at'),
        ),
        migrations.AddField(
            model_name='researchersignature',
            name='connection_hash',
            field=models.CharField(blank=True, editable=False, max_length=32, verbose_name='connection'),
        ),
        migrations.AddField(
            model_name='researchersignature',
            name='screening',
            field=models.CharField(blank=True, editable=False, max_length=128, verbose_name='suspicion'),
        ),
        migrations.AddField(
            model_name='researchpetitionpage',
            name='confirmation_required',
            field=models.BooleanField(default=True, help_text='A signature counts once its signer follows the link we email them. Without it, signatures count at once, except suspicious ones, which always need the confirmation.', verbose_name='signers confirm by email'),
        ),
        migrations.AddField(
            model_name='researchpetitionpage',
            name='organiser_email',
            field=models.EmailField(blank=True, help_text="Where signers' replies to those mails go. Empty: the site's default.", max_length=254, verbose_name="organiser's reply address"),
        ),
        migrations.AddField(
            model_name='researchpetitionpage',
            name='organiser_name',
            field=models.CharField(blank=True, help_text="The sender name of mails to signers (confirmations). Empty: the site's default.", max_length=255, verbose_name='organiser'),
        ),
        migrations.AddField(
            model_name='researchpetitionpage',
            name='proof_of_work',
            field=models.BooleanField(default=False, help_text='For a petition under attack by scripts: the browser solves a small puzzle (about a second) before signing. Nothing is asked from any other site.', verbose_name='ask browsers for proof of work'),
        ),
        migrations.AlterField(
            model_name='researchersignature',
            name='state',
            field=models.CharField(choices=[('counted', 'Counted'), ('pending', 'Pending confirmation'), ('held', 'Held for confirmation'), ('quarantined', 'Quarantined'), ('invalidated', 'Invalidated')], default='counted', max_length=16, verbose_name='state'),
        ),
        migrations.AddIndex(
            model_name='researchersignature',
            index=models.Index(condition=models.Q(('confirmation_due_at__isnull', False)), fields=['confirmation_due_at'], name='researchersignature_mail_due'),
        ),
        migrations.AddIndex(
            model_name='researchersignature',
            index=models.Index(condition=models.Q(('state__in', ['pending', 'held', 'quarantined'])), fields=['created_at'], name='researchersignature_unconf'),
        ),
    ]
