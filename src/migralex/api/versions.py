"""/api/v1/versions/ and /api/v1/files/: the successive contents of documents and their
original files (metadata, and the bytes as a download)."""

from __future__ import annotations

import logging

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action

from migralex.api.pagination import Pages
from migralex.api.permissions import ReadOrRole
from migralex.api.schema import ApiSchema
from migralex.common.storage import blob_path
from migralex.documents.models import StoredFile, Version
from migralex.documents.selectors import documents_visible_to

logger = logging.getLogger(__name__)


class StoredFileSerializer(serializers.ModelSerializer):
    class Meta:
        model = StoredFile
        fields = ["sha256", "size", "mime_type", "original_name", "created_at"]


class VersionListSerializer(serializers.ModelSerializer):
    document = serializers.IntegerField(source="document_id")
    file = serializers.CharField(source="file.sha256", allow_null=True, default=None)

    class Meta:
        model = Version
        fields = [
            "id",
            "document",
            "number",
            "language",
            "content_hash",
            "file",
            "source_url",
            "fetched_at",
            "created_at",
        ]


class VersionSerializer(VersionListSerializer):
    metadata = serializers.DictField()

    class Meta(VersionListSerializer.Meta):
        fields = [*VersionListSerializer.Meta.fields, "normalized_text", "html", "diff", "metadata"]


def versions_visible_to(user):
    return Version.objects.filter(document__in=documents_visible_to(user)).select_related("file")


@extend_schema(
    parameters=[OpenApiParameter("document", int, description="Only the versions of this document")]
)
class VersionViewSet(viewsets.ReadOnlyModelViewSet):
    schema = ApiSchema()
    permission_classes = [ReadOrRole]
    pagination_class = Pages
    lookup_value_regex = r"[0-9]+"

    def get_queryset(self):
        qs = versions_visible_to(self.request.user).order_by("document_id", "number")
        document = self.request.query_params.get("document", "")
        if document:
            qs = qs.filter(document_id=int(document)) if document.isdigit() else qs.none()
        return qs

    def get_serializer_class(self):
        return VersionSerializer if self.action == "retrieve" else VersionListSerializer


class StoredFileViewSet(viewsets.ReadOnlyModelViewSet):
    """Original files of the versions the caller may see."""

    schema = ApiSchema()
    permission_classes = [ReadOrRole]
    pagination_class = Pages
    serializer_class = StoredFileSerializer
    lookup_field = "sha256"
    lookup_value_regex = r"[0-9a-f]{64}"

    def get_queryset(self):
        visible = versions_visible_to(self.request.user).values("file_id")
        return StoredFile.objects.filter(pk__in=visible).order_by("id")

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def download(self, request, sha256=None):
        """The original bytes, always as an attachment (never rendered inline)."""
        stored = get_object_or_404(self.get_queryset(), sha256=sha256)
        path = blob_path(stored.sha256)
        if not path.exists():
            logger.error("original %s is missing from the store", stored.sha256)
            raise Http404("The original file is missing from the store.")
        response = FileResponse(
            path.open("rb"),
            as_attachment=True,
            filename=(stored.original_name or stored.sha256).rsplit("/", 1)[-1],
            content_type="application/octet-stream",
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return response
