"""/api/v1/sources/: watched sources with their health (failing first, the order of the
sources page), a source's snapshots and recent polls; analysts add sources."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action

from migralex.api.pagination import Pages
from migralex.api.permissions import ReadOrRole, analysts_only
from migralex.api.schema import ApiSchema
from migralex.sources.models import PollRecord, Snapshot, Source
from migralex.sources.selectors import (
    source_health_row,
    source_poll_records,
    source_snapshots,
    sources_by_health,
)
from migralex.web.forms import SourceForm
from migralex.web.services import source_add


class SourceSerializer(serializers.ModelSerializer):
    owner = serializers.CharField(source="owner.name", read_only=True)
    average_detection_delay_s = serializers.FloatField(
        read_only=True,
        allow_null=True,
        help_text="Mean seconds between an item's publication and its detection (null: none "
        "measured yet)",
    )

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
            "average_detection_delay_s",
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
        else:
            data["last_error"] = source_health_row(instance)["last_error"]  # one line
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


class SnapshotSerializer(serializers.ModelSerializer):
    class Meta:
        model = Snapshot
        fields = [
            "id",
            "url",
            "fetched_at",
            "content_hash",
            "text",
            "diff",
            "lines_added",
            "lines_removed",
        ]
        extra_kwargs = {"diff": {"help_text": "Unified diff against the previous snapshot"}}


class PollRecordSerializer(serializers.ModelSerializer):
    class Meta:
        model = PollRecord
        fields = [
            "id",
            "started_at",
            "duration_ms",
            "status",
            "http_status",
            "items_handed",
            "documents",
            "message",
        ]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        anonymous = request is None or not request.user.is_authenticated
        if anonymous and instance.status == PollRecord.Status.ERROR:
            data["message"] = ""  # like last_error: failure details are for signed-in users
        return data


ID_PARAMETER = OpenApiParameter("id", int, OpenApiParameter.PATH)


class SourceViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = SourceSerializer
    schema = ApiSchema()
    permission_classes = [ReadOrRole]
    pagination_class = Pages
    write_check = staticmethod(analysts_only)

    def get_queryset(self):
        # The health order of the sources page, with the id last so pages never overlap.
        by_health = sources_by_health()
        return by_health.select_related("owner").order_by(*by_health.query.order_by, "id")

    @extend_schema(parameters=[ID_PARAMETER])
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)

    def _page_of(self, rows, serializer_class):
        page = self.paginate_queryset(rows)
        data = serializer_class(page, many=True, context=self.get_serializer_context()).data
        return self.get_paginated_response(data)

    @extend_schema(parameters=[ID_PARAMETER], responses=SnapshotSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=Pages)
    def snapshots(self, request, pk=None):
        """Stored snapshots of a web-page source, newest first, each with its diff."""
        source = self.get_object()  # DRF answers 404 to a malformed id too
        return self._page_of(source_snapshots(source, limit=None), SnapshotSerializer)

    @extend_schema(parameters=[ID_PARAMETER], responses=PollRecordSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=Pages)
    def polls(self, request, pk=None):
        """Recent polls that found a change or failed, newest first."""
        source = self.get_object()  # DRF answers 404 to a malformed id too
        return self._page_of(source_poll_records(source, limit=None), PollRecordSerializer)
