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
    privacy_text = serializers.CharField()
    thank_you_text = serializers.CharField()
    share_text = serializers.CharField()
    # Online and paper separately; ``signature_count`` and ``signatures_by_country`` count both.
    signature_count_online = serializers.SerializerMethodField()
    signature_count_paper = serializers.SerializerMethodField()
    # Signatures that do not count: taken out by the organisers, and waiting for their signer's email confirmation.
    signatures_invalidated = serializers.SerializerMethodField()
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
