"""What a partner reads: its petitions with its figures beside the total, and its consenting signers."""

from rest_framework import serializers

#: The columns of a signer, in JSON and CSV alike: ``(key, attribute path on the signature)``.
SIGNER_COLUMNS = [
    ("id", "pk"),
    ("first_name", "first_name"),
    ("last_name", "last_name"),
    ("email", "email"),
    ("country", "country.code"),
    ("postal_code", "postal_code"),
    ("language", "language"),
    ("source", "source"),
    ("signed_at", "created_at"),
    ("confirmed_at", "confirmed_at"),
    ("consent_text_version", "consent_text_version"),
]


class PartnerRefSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


class PartnerCountSerializer(serializers.Serializer):
    signature_count = serializers.IntegerField(help_text="Online and paper signatures through this partner.")
    online = serializers.IntegerField(help_text="Counted signatures made through the partner's widget or link.")
    paper = serializers.IntegerField(help_text="The partner's paper batches.")


class CountryFigureSerializer(serializers.Serializer):
    country = serializers.CharField()
    partner_online = serializers.IntegerField()
    partner_paper = serializers.IntegerField()
    partner_total = serializers.IntegerField()
    total = serializers.IntegerField(help_text="Every signature of the petition from this country.")


class DayFigureSerializer(serializers.Serializer):
    date = serializers.DateField()
    partner_online = serializers.IntegerField()
    partner_paper = serializers.IntegerField()
    total_online = serializers.IntegerField()
    total_paper = serializers.IntegerField()


class PartnerPetitionSerializer(serializers.Serializer):
    slug = serializers.CharField()
    title = serializers.CharField()
    language = serializers.CharField()
    status = serializers.CharField()
    url = serializers.CharField()
    signature_count = serializers.IntegerField(help_text="The petition's total, every partner and paper included.")
    signature_count_online = serializers.IntegerField()
    signature_count_paper = serializers.IntegerField()
    partner = PartnerCountSerializer()
    by_country = CountryFigureSerializer(many=True)
    by_day = DayFigureSerializer(many=True)


class PartnerPetitionListSerializer(serializers.Serializer):
    partner = PartnerRefSerializer()
    petitions = PartnerPetitionSerializer(many=True)


class SignerSerializer(serializers.Serializer):
    id = serializers.CharField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    email = serializers.CharField()
    country = serializers.CharField()
    postal_code = serializers.CharField(allow_blank=True)
    language = serializers.CharField(allow_blank=True)
    source = serializers.CharField(allow_blank=True)
    signed_at = serializers.DateTimeField()
    confirmed_at = serializers.DateTimeField(allow_null=True)
    consent_text_version = serializers.CharField(
        allow_blank=True, help_text="Fingerprint of the consent and privacy texts and box labels the signer agreed to."
    )


class SignerPageSerializer(serializers.Serializer):
    petition = serializers.CharField()
    next = serializers.CharField(allow_null=True, help_text="The next page's URL (with its cursor), or null.")
    results = SignerSerializer(many=True)
