"""Serializer fields that take exactly the JSON type the schema names: DRF's own would read ``1`` as ``true`` or
keep the digits of a number sent for a text, accepting what the schema calls invalid."""

from django.db import models
from rest_framework import serializers


class StrictCharField(serializers.CharField):
    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictURLField(serializers.URLField):
    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictBooleanField(serializers.BooleanField):
    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data


#: For ``ModelSerializer.serializer_field_mapping``: model fields as the strict fields above.
STRICT_FIELD_MAPPING = {
    **serializers.ModelSerializer.serializer_field_mapping,
    models.CharField: StrictCharField,
    models.TextField: StrictCharField,
    models.URLField: StrictURLField,
    models.BooleanField: StrictBooleanField,
}
