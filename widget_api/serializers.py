"""Public representations of petitions. Every count comes from the petition's tally snapshot, never from rows."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


class PetitionSummarySerializer(serializers.Serializer):
    slug = serializers.CharField()
    title = serializers.CharField()
    language = serializers.CharField(source="language_code")
    status = serializers.CharField()
    signature_count = serializers.SerializerMethodField()
    goal = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    def get_signature_count(self, petition) -> int:
        return petition.get_tally().total

    def get_goal(self, petition) -> int:
        return petition.get_displayed_goal(petition.get_tally().total)

    def get_url(self, petition) -> str:
        return petition.get_full_url(self.context.get("request"))


class TranslationSerializer(serializers.Serializer):
    language = serializers.CharField(source="language_code")
    slug = serializers.CharField()
    title = serializers.CharField()
    url = serializers.SerializerMethodField()

    def get_url(self, petition) -> str:
        return petition.get_full_url(self.context.get("request"))


class PetitionListEntrySerializer(PetitionSummarySerializer):
    """One petition of the list, in one of its languages; its counts are the petition's (every translation's
    signatures). The context's ``translations`` maps each ``translation_key`` to the petition's live translations."""

    status = serializers.SerializerMethodField()
    is_open = serializers.SerializerMethodField()
    translations = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ChoiceField(choices=["open", "closed", "delivered"]))
    def get_status(self, petition) -> str:
        return petition.get_public_status()

    def get_is_open(self, petition) -> bool:
        return petition.is_open()

    @extend_schema_field(TranslationSerializer(many=True))
    def get_translations(self, petition):
        translations = self.context["translations"][petition.translation_key]
        return TranslationSerializer(translations, many=True, context=self.context).data


class ImageSerializer(serializers.Serializer):
    url = serializers.CharField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()


def image_rendition(image, request, spec="width-1200"):
    if image is None:
        return None
    rendition = image.get_rendition(spec)
    url = request.build_absolute_uri(rendition.url) if request else rendition.url
    return {"url": url, "width": rendition.width, "height": rendition.height}


class DeliveryUpdateSerializer(serializers.Serializer):
    delivered_on = serializers.DateField(allow_null=True)
    text = serializers.CharField()
    image = serializers.SerializerMethodField()

    @extend_schema_field(ImageSerializer(allow_null=True))
    def get_image(self, delivery):
        return image_rendition(delivery.image, self.context.get("request"), "width-800")


class PetitionDetailSerializer(PetitionSummarySerializer):
    summary = serializers.CharField()
    body_html = serializers.CharField(source="get_body_html")
    is_open = serializers.SerializerMethodField()
    hero_image = serializers.SerializerMethodField()
    hero_caption = serializers.CharField()
    hero_credit = serializers.CharField()
    consent_text = serializers.CharField()
    # The notice as shown under every form: the editor's text and the platform's own (retention, signers' rights).
    privacy_text = serializers.CharField(source="get_privacy_notice")
    thank_you_text = serializers.CharField()
    share_text = serializers.CharField()
    # Online and paper separately; ``signature_count`` and ``signatures_by_country`` count both.
    signature_count_online = serializers.SerializerMethodField()
    signature_count_paper = serializers.SerializerMethodField()
    # Signatures that do not count: taken out by the organisers, and waiting for their signer's email confirmation.
    signatures_invalidated = serializers.SerializerMethodField()
    signatures_withdrawn = serializers.SerializerMethodField()
    signatures_awaiting_confirmation = serializers.SerializerMethodField()
    confirmation_required = serializers.BooleanField(source="requires_confirmation")
    delivery = serializers.SerializerMethodField()

    def get_is_open(self, petition) -> bool:
        return petition.is_open()

    @extend_schema_field(ImageSerializer(allow_null=True))
    def get_hero_image(self, petition):
        return image_rendition(petition.hero_image, self.context.get("request"))

    def get_signature_count_online(self, petition) -> int:
        return petition.get_tally().online

    def get_signature_count_paper(self, petition) -> int:
        return petition.get_tally().paper

    def get_signatures_invalidated(self, petition) -> int:
        return petition.get_state_counts().invalidated

    def get_signatures_withdrawn(self, petition) -> int:
        """Signatures erased at their signer's request (no longer counted)."""
        return petition.get_state_counts().withdrawn

    def get_signatures_awaiting_confirmation(self, petition) -> int:
        return petition.get_state_counts().awaiting_confirmation

    @extend_schema_field(DeliveryUpdateSerializer(allow_null=True))
    def get_delivery(self, petition):
        """The dated delivery update, shown in place of the form; ``null`` until the petition is delivered."""
        delivery = petition.get_delivery_update()
        return DeliveryUpdateSerializer(delivery, context=self.context).data if delivery else None

    target = serializers.CharField()
    closes_at = serializers.DateTimeField(allow_null=True)
    signatures_by_country = serializers.SerializerMethodField()
    signatures_by_partner = serializers.SerializerMethodField()

    def get_signatures_by_country(self, petition) -> list[dict]:
        return [{"country": code, "count": n} for code, n in petition.get_tally().by_country]

    def get_signatures_by_partner(self, petition) -> list[dict]:
        return [{"partner": slug, "count": n} for slug, n in petition.get_tally().by_partner]


class PetitionCountSerializer(serializers.Serializer):
    slug = serializers.CharField()
    signature_count = serializers.IntegerField()
    goal = serializers.IntegerField()
    updated_at = serializers.DateTimeField(allow_null=True)


class SignatureAcceptedSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=["signed", "confirmation_required"],
        help_text="signed (201): the signature counts; confirmation_required (202): it counts once confirmed by email.",
    )
    signature_count = serializers.IntegerField()
    goal = serializers.IntegerField()
    thank_you_text = serializers.CharField()
    message = serializers.CharField(required=False, help_text="With confirmation_required: check your inbox.")


# --- open data: stats and history (built from ``wagtail_petitions.public_figures``) --------------------------------


class StatsTotalsSerializer(serializers.Serializer):
    total = serializers.IntegerField(help_text="Signatures that count: online + paper.")
    online = serializers.IntegerField()
    paper = serializers.IntegerField()
    confirmed = serializers.IntegerField(
        help_text="Online signatures that count (confirmed by email where that was required)."
    )
    pending = serializers.IntegerField(help_text="Online signatures waiting for their signer's email confirmation.")
    invalidated = serializers.IntegerField(help_text="Taken out by the organisers.")
    quarantined = serializers.IntegerField(help_text="Failed the automatic checks against bots; not counted.")
    expired = serializers.IntegerField(help_text="Never confirmed, deleted when their confirmation time ran out.")


class CountryStatsSerializer(serializers.Serializer):
    country = serializers.CharField(source="key", help_text="ISO 3166-1 alpha-2 code.")
    name = serializers.CharField(help_text="The country's name in the petition's language.")
    online = serializers.IntegerField()
    paper = serializers.IntegerField()
    total = serializers.IntegerField()
    share = serializers.FloatField(help_text="Percentage of the petition's total, one decimal.")


class PartnerStatsSerializer(serializers.Serializer):
    partner = serializers.CharField(source="key", help_text='A listed partner\'s slug, or "other" for the rest.')
    name = serializers.CharField()
    online = serializers.IntegerField()
    paper = serializers.IntegerField()
    total = serializers.IntegerField()


class DayStatsSerializer(serializers.Serializer):
    day = serializers.DateField(help_text="UTC day.")
    online = serializers.IntegerField()
    paper = serializers.IntegerField(help_text="Paper signatures count on the day they were collected.")
    total = serializers.IntegerField()
    cumulative = serializers.IntegerField(help_text="Total at the end of the day.")


class MilestoneSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    reached_on = serializers.DateField(allow_null=True)


class DeliveryRecordSerializer(serializers.Serializer):
    delivered_on = serializers.DateField(allow_null=True)
    to = serializers.CharField(help_text="Who the petition was delivered to (whom it addresses).")
    text = serializers.CharField()


class PetitionStatsSerializer(serializers.Serializer):
    slug = serializers.CharField()
    language = serializers.CharField()
    title = serializers.CharField()
    status = serializers.ChoiceField(choices=["open", "closed", "delivered"])
    is_open = serializers.BooleanField()
    totals = StatsTotalsSerializer()
    goal = serializers.IntegerField()
    displayed_goal = serializers.IntegerField()
    confirmation_required = serializers.BooleanField()
    by_country = CountryStatsSerializer(many=True)
    by_day = DayStatsSerializer(many=True)
    by_partner = PartnerStatsSerializer(many=True, help_text="Only partners that agreed to be listed are named.")
    milestones = MilestoneSerializer(many=True)
    closes_at = serializers.DateTimeField(allow_null=True)
    delivery = DeliveryRecordSerializer(allow_null=True)
    updated_at = serializers.DateTimeField(allow_null=True)
    figures_url = serializers.CharField()


class HistoryPointSerializer(serializers.Serializer):
    start = serializers.DateTimeField(help_text="Start of the hour or UTC day.")
    online = serializers.IntegerField(help_text="Added in the period.")
    paper = serializers.IntegerField()
    total = serializers.IntegerField()
    cumulative_online = serializers.IntegerField()
    cumulative_paper = serializers.IntegerField()
    cumulative = serializers.IntegerField(help_text="Total at the end of the period.")


class PetitionHistorySerializer(serializers.Serializer):
    slug = serializers.CharField()
    interval = serializers.ChoiceField(choices=["hour", "day"])
    points = HistoryPointSerializer(many=True, help_text="Periods in which the count changed, oldest first.")
