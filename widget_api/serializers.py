"""Public representations of petitions. Every count comes from the petition's tally snapshot, never from rows."""

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


class PetitionDetailSerializer(PetitionSummarySerializer):
    summary = serializers.CharField()
    body_html = serializers.CharField(source="get_body_html")
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
    status = serializers.CharField()
    signature_count = serializers.IntegerField()
    goal = serializers.IntegerField()
    thank_you_text = serializers.CharField()
