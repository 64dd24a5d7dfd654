"""/api/v1/sources/: watched sources with their polling state; analysts add sources."""

from __future__ import annotations

from rest_framework import mixins, serializers, viewsets

from migralex.api.pagination import Pages
from migralex.api.permissions import ReadOrRole, analysts_only
from migralex.api.schema import ApiSchema
from migralex.sources.models import Source
from migralex.web.forms import SourceForm
from migralex.web.services import source_add


class SourceSerializer(serializers.ModelSerializer):
    owner = serializers.CharField(source="owner.name", read_only=True)

    class Meta:
        model = Source
        fields = [
            "id",
            "name",
            "kind",
            "url",
            "interval_minutes",
            "enabled",
            "country",
            "language",
            "owner",
            "last_checked_at",
            "last_changed_at",
            "next_check_at",
            "consecutive_failures",
            "last_error",
            "documents_found",
            "created_at",
        ]
        read_only_fields = [
            "id",
            "enabled",
            "owner",
            "last_checked_at",
            "last_changed_at",
            "next_check_at",
            "consecutive_failures",
            "last_error",
            "documents_found",
            "created_at",
        ]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is None or not request.user.is_authenticated:
            data["last_error"] = ""  # error details (hosts, paths) are for signed-in users
        return data

    def validate(self, attrs):
        # One set of rules for the page and the API: the form's.
        form = SourceForm(
            {
                "name": attrs.get("name", ""),
                "kind": attrs.get("kind", ""),
                "url": attrs.get("url", ""),
                "interval_minutes": attrs.get("interval_minutes", 60),
                "country": attrs.get("country", ""),
                "language": attrs.get("language", ""),
            }
        )
        if not form.is_valid():
            raise serializers.ValidationError(
                {k: [str(e) for e in v] for k, v in form.errors.items()}
            )
        return form.cleaned_data

    def create(self, validated_data):
        try:
            return source_add(self.context["request"].user, **validated_data)
        except ValueError as exc:
            raise serializers.ValidationError({"non_field_errors": [str(exc)]}) from exc


class SourceViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    queryset = Source.objects.select_related("owner").order_by("name", "id")
    serializer_class = SourceSerializer
    schema = ApiSchema()
    permission_classes = [ReadOrRole]
    pagination_class = Pages
    write_check = staticmethod(analysts_only)
