"""/api/v1/instruments/: international instruments and their dated ratifications."""

from __future__ import annotations

from rest_framework import serializers, viewsets

from migralex.api.pagination import Pages
from migralex.api.permissions import ReadOrRole
from migralex.api.schema import ApiSchema
from migralex.knowledge.models import Instrument, Ratification


class RatificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Ratification
        fields = ["country", "status", "date", "unsure", "note", "source_url"]


class InstrumentSerializer(serializers.ModelSerializer):
    short = serializers.DictField(child=serializers.CharField())
    title = serializers.DictField(child=serializers.CharField())
    summary = serializers.DictField(child=serializers.CharField())
    themes = serializers.ListField(child=serializers.CharField())
    unsure_fields = serializers.ListField(child=serializers.CharField())
    ratifications = RatificationSerializer(many=True, read_only=True)
    document_id = serializers.IntegerField(allow_null=True, read_only=True)

    class Meta:
        model = Instrument
        fields = [
            "key",
            "short",
            "title",
            "body",
            "doc_type",
            "adopted",
            "adopted_place",
            "entry_into_force",
            "binding",
            "official_ref",
            "themes",
            "summary",
            "unsure_fields",
            "source_url",
            "document_id",
            "ratifications",
        ]


class InstrumentViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Instrument.objects.prefetch_related("ratifications").order_by("adopted", "key")
    serializer_class = InstrumentSerializer
    schema = ApiSchema()
    permission_classes = [ReadOrRole]
    pagination_class = Pages
    lookup_field = "key"
    lookup_value_regex = r"[-a-zA-Z0-9_]+"
