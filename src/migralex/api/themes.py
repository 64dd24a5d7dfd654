"""/api/v1/themes/: the thesaurus (34 leaf themes with labels, scope notes and keywords)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, viewsets

from migralex.api.pagination import Pages
from migralex.api.permissions import ReadOrRole
from migralex.api.schema import ApiSchema
from migralex.documents.models import Theme

LabelMap = serializers.DictField(child=serializers.CharField())


class ThemeSerializer(serializers.ModelSerializer):
    label = serializers.DictField(child=serializers.CharField(), help_text="{fr, ar, en}")
    scope = serializers.DictField(child=serializers.CharField(), help_text="{fr, ar, en}")
    keywords = serializers.SerializerMethodField()

    class Meta:
        model = Theme
        fields = ["id", "group", "position", "label", "scope", "keywords"]

    @extend_schema_field(
        serializers.DictField(child=serializers.ListField(child=serializers.CharField()))
    )
    def get_keywords(self, obj) -> dict:
        return obj.keywords or {}


class ThemeViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Theme.objects.all()
    serializer_class = ThemeSerializer
    schema = ApiSchema()
    permission_classes = [ReadOrRole]
    pagination_class = Pages
    lookup_value_regex = r"[a-z0-9\-]+"
