"""Load the demo: a petition in French and English, a partner, an admin login. Safe to run again."""

import datetime
import random
from urllib.parse import urlsplit

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand
from django.db import transaction
from wagtail.models import Locale, Page, Site

from wagtail_petitions.choices import SignatureState
from wagtail_petitions.models import PaperBatch, Partner, PetitionIndexPage, PetitionPage, Signature
from wagtail_petitions.paper import record_paper_batch
from wagtail_petitions.signing import sign_petition

DEMO_SLUG = "stop-spyware"
DEMO_PARTNER_SLUG = "demo-partner"
DEMO_ADMIN = ("admin", "petitions-demo")
SIGNATURE_MANAGERS = "Signature managers"
SIGNATURE_MANAGER_PERMISSIONS = [
    ("wagtailadmin", "access_admin"),
    ("wagtail_petitions", "view_signature"),
    ("wagtail_petitions", "invalidate_signature"),
    ("wagtail_petitions", "add_paperbatch"),
    ("wagtail_petitions", "change_paperbatch"),
    ("wagtail_petitions", "view_paperbatch"),
]
DEMO_PAPER_BATCHES = [
    {"country": "FR", "signature_count": 184, "event": "Stall at a press-freedom festival", "days_ago": 6},
    {"country": "BE", "signature_count": 57, "event": "", "days_ago": 3, "partner": True},
]

PETITION_EN = {
    "title": "Stop spyware attacks on journalists and activists",
    "summary": (
        "Governments keep buying hacking tools that silently turn phones into listening devices. "
        "Ask the United Nations to halt the trade until it is under human-rights control."
    ),
    "target": "The member states of the United Nations",
    "body": [
        ("heading", "Phones turned into informers"),
        (
            "paragraph",
            "<p>A reporter meets a source. Days later, the source is arrested. Forensic analysts find "
            "that the reporter's phone had been compromised for months, without a single click.</p>",
        ),
        (
            "paragraph",
            "<p>Vendors say their products only reach police forces chasing serious crime. Independent "
            "researchers keep finding them on the devices of lawyers, editors and environmental "
            "campaigners.</p>",
        ),
        (
            "quote",
            {
                "text": "Nobody should have to choose between their work and their privacy.",
                "attribution": "An investigative editor targeted in 2021",
            },
        ),
        (
            "paragraph",
            "<p>We ask every state to stop licensing exports of intrusive surveillance tools to "
            "governments that abuse them, and to back a global moratorium until safeguards exist.</p>",
        ),
    ],
    "consent_text": (
        "Your name, email and country are kept by the organisers of this petition to count your signature and, "
        "if you agree, to tell you how the campaign goes. They are never sold. You can ask for their deletion "
        "at any time."
    ),
    "privacy_text": (
        "The organisers keep signatures until the petition is delivered and six months after, then keep only the "
        "counts. Paper sheets are destroyed once counted."
    ),
    "thank_you_text": "Thank you! Share the petition with two friends: every signature makes the message louder.",
    "share_text": "I signed to stop spyware attacks on journalists and activists. Will you sign too?",
    "hero_caption": "A newsroom at night",
    "hero_credit": "Demo image",
    "organiser_name": "Stop Spyware coalition (demo)",
    "organiser_email": "campaign@example.org",
}

PETITION_FR = {
    "title": "Stop aux logiciels espions contre les journalistes et les militants",
    "summary": (
        "Des gouvernements achètent des outils de piratage qui transforment discrètement les téléphones en "
        "micros. Demandons aux Nations unies de geler ce commerce tant qu'il échappe à tout contrôle."
    ),
    "target": "Les États membres des Nations unies",
    "body": [
        ("heading", "Quand le téléphone devient mouchard"),
        (
            "paragraph",
            "<p>Une journaliste rencontre une source. Quelques jours plus tard, la source est arrêtée. "
            "L'analyse technique montre que le téléphone de la journaliste était infecté depuis des "
            "mois, sans le moindre clic de sa part.</p>",
        ),
        (
            "paragraph",
            "<p>Les vendeurs affirment ne servir que des enquêtes criminelles. Des chercheurs "
            "indépendants retrouvent pourtant leurs outils chez des avocats, des rédacteurs en chef et "
            "des militants écologistes.</p>",
        ),
        (
            "quote",
            {
                "text": "Personne ne devrait avoir à choisir entre son métier et sa vie privée.",
                "attribution": "Un rédacteur en chef visé en 2021",
            },
        ),
        (
            "paragraph",
            "<p>Nous demandons à chaque État de cesser d'autoriser l'exportation d'outils de "
            "surveillance intrusive vers les gouvernements qui en abusent, et de soutenir un moratoire "
            "mondial tant que des garde-fous n'existent pas.</p>",
        ),
    ],
    "consent_text": (
        "Vos nom, adresse e-mail et pays sont conservés par les organisateurs de cette pétition pour compter votre "
        "signature et, si vous l'acceptez, vous tenir informé·e de la campagne. Ils ne sont jamais vendus. Vous "
        "pouvez demander leur suppression à tout moment."
    ),
    "privacy_text": (
        "Les organisateurs conservent les signatures jusqu'à la remise de la pétition et six mois après, puis "
        "seulement les totaux. Les feuilles papier sont détruites une fois comptées."
    ),
    "thank_you_text": "Merci ! Partagez la pétition avec deux proches : chaque signature rend le message plus fort.",
    "share_text": "J'ai signé pour mettre fin aux logiciels espions contre la presse et les militants. Et vous ?",
    "hero_caption": "Une rédaction, la nuit",
    "hero_credit": "Image de démonstration",
    "organiser_name": "Coalition Stop Spyware (démo)",
    "organiser_email": "campagne@example.org",
}

DEMO_SIGNERS_COUNTRIES = ["FR"] * 7 + ["BE", "CH", "CA", "SN", "MA", "DE", "ES", "GB", "US"]


class Command(BaseCommand):
    help = "Load the demo petition (French and English), a demo partner and an admin user. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument(
            "--partner-origin", action="append", default=[], help="Origin allowed for the demo partner (repeatable)."
        )
        parser.add_argument("--site-url", default="http://127.0.0.1:8000", help="Where the site is served.")
        parser.add_argument("--signatures", type=int, default=120, help="Demo signatures to add to a new petition.")

    @transaction.atomic
    def handle(self, *args, partner_origin, signatures, site_url, **options):
        english, _ = Locale.objects.get_or_create(language_code="en")
        french, _ = Locale.objects.get_or_create(language_code="fr")
        index_en = self.ensure_index(english)
        site = Site.objects.get(root_page=index_en)
        url = urlsplit(site_url)
        site.hostname, site.port = url.hostname, url.port or (443 if url.scheme == "https" else 80)
        site.save()
        index_fr = PetitionIndexPage.objects.filter(locale=french, translation_key=index_en.translation_key).first()
        if index_fr is None:
            index_fr = index_en.copy_for_translation(french)
            index_fr.title = "Pétitions"
            index_fr.intro = "Les campagnes ouvertes à la signature."
            index_fr.save_revision().publish()

        petition_fr = PetitionPage.objects.filter(slug=DEMO_SLUG, locale=french).first()
        if petition_fr is None:
            petition_fr = PetitionPage(slug=DEMO_SLUG, goal=150_000, locale=french, **self.fields(PETITION_FR))
            index_fr.add_child(instance=petition_fr)
            petition_fr.save_revision().publish()
        if not PetitionPage.objects.filter(translation_key=petition_fr.translation_key, locale=english).exists():
            petition_en = petition_fr.copy_for_translation(english)
            for name, value in self.fields(PETITION_EN).items():
                setattr(petition_en, name, value)
            petition_en.save_revision().publish()

        origins = partner_origin or ["http://127.0.0.1:8001", "http://localhost:8001"]
        partner, _ = Partner.objects.update_or_create(
            slug=DEMO_PARTNER_SLUG,
            defaults={
                "name": "Digital Rights Collective (demo)",
                "website": origins[0],
                "allowed_origins": "\n".join(origins),
                "is_active": True,
            },
        )

        user_model = get_user_model()
        username, password = DEMO_ADMIN
        admin = user_model.objects.filter(username=username).first()
        if admin is None:
            admin = user_model.objects.create_superuser(username, "admin@example.org", password)
        self.ensure_signature_managers()

        petition_fr.refresh_from_db()
        if signatures and not Signature.objects.filter(petition_key=petition_fr.translation_key).exists():
            rng = random.Random(2022)
            for n in range(signatures):
                sign_petition(
                    petition_fr,
                    {
                        "first_name": f"Demo{n}",
                        "last_name": "Signer",
                        "email": f"demo-signer-{n}@example.org",
                        "country": rng.choice(DEMO_SIGNERS_COUNTRIES),
                        "consent_updates": n % 3 == 0,
                        "partner": DEMO_PARTNER_SLUG if n % 4 == 0 else "",
                    },
                    # Signers of the past, who confirmed: the demo petition itself requires confirmation.
                    state=SignatureState.COUNTED,
                )
        if not PaperBatch.objects.filter(petition_key=petition_fr.translation_key).exists():
            for batch in DEMO_PAPER_BATCHES:
                record_paper_batch(
                    PaperBatch(
                        page=petition_fr,
                        country=batch["country"],
                        signature_count=batch["signature_count"],
                        event=batch["event"],
                        partner=partner if batch.get("partner") else None,
                        collected_on=datetime.date.today() - datetime.timedelta(days=batch["days_ago"]),
                        note="Demo batch.",
                    ),
                    user=admin,
                )
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo content ready: petition '{DEMO_SLUG}' (fr, en), partner '{partner.slug}', "
                f"admin login {username} / {password}"
            )
        )

    def ensure_signature_managers(self):
        """The group whose members see signers' personal data, export it, invalidate signatures and enter paper."""
        group, _ = Group.objects.get_or_create(name=SIGNATURE_MANAGERS)
        for app_label, codename in SIGNATURE_MANAGER_PERMISSIONS:
            group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
        return group

    def fields(self, texts):
        return {**texts, "body": list(texts["body"])}

    def ensure_index(self, locale):
        index = PetitionIndexPage.objects.filter(locale=locale, depth=2).first()
        site = Site.objects.filter(is_default_site=True).first()
        if index is None:
            root = Page.get_first_root_node()
            index = PetitionIndexPage(
                title="Petitions", slug="petitions", locale=locale, intro="Campaigns open for signatures."
            )
            root.add_child(instance=index)
            index.save_revision().publish()
            if site is None:
                Site.objects.create(
                    hostname="localhost", port=80, root_page=index, is_default_site=True, site_name="Petitions"
                )
            else:
                welcome = site.root_page
                site.root_page = index
                site.site_name = "Petitions"
                site.save()
                # Wagtail's placeholder page from its first migration; nothing links to it.
                if welcome.specific_class is Page and welcome.get_children_count() == 0:
                    welcome.delete()
        return index
