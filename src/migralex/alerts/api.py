"""/api/v1/alerts/: a signed-in user's saved searches (create, edit, pause, delete) and their
hits. Each user sees only their own alerts; writes go through the alert services."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from migralex.alerts import selectors, services
from migralex.alerts.delivery import feed_url
from migralex.alerts.models import Frequency, Hit, SavedSearch
from migralex.alerts.services import AlertError
from migralex.api.pagination import Pages
from migralex.api.schema import ApiSchema
from migralex.documents.selectors import documents_visible_to


class SavedSearchSerializer(serializers.ModelSerializer):
    followed_document = serializers.UUIDField(
        source="followed_document.uid", required=False, allow_null=True
    )
    feed_url = serializers.SerializerMethodField()
    webhook_secret = serializers.SerializerMethodField()

    class Meta:
        model = SavedSearch
        fields = [
            "id",
            "name",
            "query",
            "filters",
            "expand",
            "followed_document",
            "frequency",
            "by_email",
            "digest_hour",
            "digest_weekday",
            "paused",
            "webhook_url",
            "webhook_secret",
            "webhook_failures",
            "webhook_disabled_at",
            "feed_url",
            "created_at",
        ]
        read_only_fields = ["id", "webhook_failures", "webhook_disabled_at", "created_at"]
        # The service names an unnamed alert after its query, filters or document.
        extra_kwargs = {"name": {"required": False, "allow_blank": True}}

    def get_feed_url(self, obj) -> str:
        return feed_url(obj)

    def get_webhook_secret(self, obj) -> str:
        # Receivers need it to verify signatures; only the owner ever sees this serializer.
        return obj.webhook_secret if obj.webhook_url else ""


class AlertHitSerializer(serializers.ModelSerializer):
    document = serializers.UUIDField(source="document.uid")
    title = serializers.CharField(source="document.title")
    doc_type = serializers.CharField(source="document.doc_type")
    country = serializers.CharField(source="document.country")
    version = serializers.IntegerField(source="version.number")

    class Meta:
        model = Hit
        fields = [
            "id",
            "document",
            "version",
            "title",
            "doc_type",
            "country",
            "created_at",
            "emailed_at",
        ]


class SavedSearchViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = SavedSearchSerializer
    permission_classes = [IsAuthenticated]
    schema = ApiSchema()  # error answers (401/403/404, 400…) are part of the contract
    pagination_class = Pages
    # Any id segment reaches this view and gets a JSON 404, instead of falling through to the
    # API's catch-all, where an unsafe method meets Django's HTML CSRF refusal.
    lookup_value_regex = "[^/]+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return SavedSearch.objects.none()
        return selectors.saved_searches_of(self.request.user)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        followed = None
        uid = (data.get("followed_document") or {}).get("uid")
        if uid:
            followed = documents_visible_to(request.user).filter(uid=uid).first()
            if followed is None:
                raise ValidationError({"followed_document": "no such document"})
        try:
            saved = services.saved_search_create(
                request.user,
                data.get("query", ""),
                data.get("filters") or {},
                name=data.get("name", ""),
                frequency=data.get("frequency", Frequency.DAILY),
                by_email=data.get("by_email", True),
                expand=data.get("expand", True),
                webhook_url=data.get("webhook_url", ""),
                digest_hour=data.get("digest_hour", 8),
                digest_weekday=data.get("digest_weekday", 0),
                followed_document=followed,
            )
        except AlertError as exc:
            raise ValidationError({"detail": str(exc)}) from exc
        return Response(self.get_serializer(saved).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        saved = self.get_object()
        serializer = self.get_serializer(saved, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        changes = {k: v for k, v in serializer.validated_data.items() if k in services.EDITABLE}
        try:
            services.saved_search_update(saved, **changes)
        except AlertError as exc:
            raise ValidationError({"detail": str(exc)}) from exc
        return Response(self.get_serializer(saved).data)

    def perform_destroy(self, instance):
        services.saved_search_delete(instance)

    @extend_schema(responses=AlertHitSerializer(many=True))
    @action(detail=True, methods=["get"])
    def hits(self, request, pk=None):
        saved = self.get_object()
        page = self.paginate_queryset(selectors.hits_of(saved))
        return self.get_paginated_response(AlertHitSerializer(page, many=True).data)
