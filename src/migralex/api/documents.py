"""/api/v1/documents/: search (same query language, filters, facets and pagination as the search
page), detail, and upload of a new document into the ingestion pipeline."""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status, viewsets
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from migralex.api.permissions import ReadOrRole, uploaders_only
from migralex.api.schema import ObjectAnswerSchema
from migralex.documents.models import Document, DocumentTheme, Identifier, Relation
from migralex.documents.selectors import documents_visible_to
from migralex.web import counts

FILTERS = ("type", "country", "theme", "group", "year", "lang", "source", "status")
SORTS = ("relevance", "date")  # date: newest first


class HitSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    score = serializers.FloatField(allow_null=True)
    snippet_html = serializers.CharField(allow_blank=True)
    doc_type = serializers.CharField(allow_blank=True)
    country = serializers.CharField(allow_blank=True)
    language = serializers.CharField(allow_blank=True)
    date = serializers.CharField(allow_null=True)
    themes = serializers.ListField(child=serializers.CharField())


class FacetValueSerializer(serializers.Serializer):
    value = serializers.CharField()
    count = serializers.IntegerField()


class SearchPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    page = serializers.IntegerField()
    page_size = serializers.IntegerField()
    notice = serializers.CharField(allow_null=True)
    results = HitSerializer(many=True)
    facets = serializers.DictField(child=FacetValueSerializer(many=True))


class ThemeLinkSerializer(serializers.ModelSerializer):
    theme = serializers.CharField(source="theme_id")

    class Meta:
        model = DocumentTheme
        fields = ["theme", "score", "assigned_by", "confirmed"]


class IdentifierSerializer(serializers.ModelSerializer):
    class Meta:
        model = Identifier
        fields = ["type", "number", "text"]


class RelationSerializer(serializers.ModelSerializer):
    target_id = serializers.SerializerMethodField()

    class Meta:
        model = Relation
        fields = ["type", "target_id", "target_type", "target_number", "assigned_by"]

    def get_target_id(self, obj) -> int | None:
        # A target the caller may not see is given by its reference only.
        visible = self.context.get("visible_targets", set())
        return obj.target_id if obj.target_id in visible else None


class DocumentSerializer(serializers.ModelSerializer):
    themes = ThemeLinkSerializer(source="theme_links", many=True, read_only=True)
    identifiers = IdentifierSerializer(many=True, read_only=True)
    relations = RelationSerializer(source="relations_out", many=True, read_only=True)
    owner = serializers.CharField(source="owner.name", read_only=True)
    current_version = serializers.IntegerField(source="current_version_id", allow_null=True)
    versions = serializers.SerializerMethodField()
    summary = serializers.DictField(child=serializers.CharField())
    languages = serializers.ListField(child=serializers.CharField())
    unsure_fields = serializers.ListField(child=serializers.CharField())

    class Meta:
        model = Document
        fields = [
            "id",
            "uid",
            "title",
            "title_fr",
            "title_ar",
            "title_en",
            "summary",
            "doc_type",
            "country",
            "language",
            "languages",
            "official_number",
            "date_signed",
            "date_published",
            "date_in_force",
            "gazette_name",
            "gazette_number",
            "gazette_date",
            "legal_status",
            "relevant",
            "relevance",
            "visibility",
            "review_status",
            "unsure_fields",
            "owner",
            "source_id",
            "source_url",
            "current_version",
            "versions",
            "themes",
            "identifiers",
            "relations",
            "created_at",
            "updated_at",
        ]

    def get_versions(self, obj) -> list[int]:
        return list(obj.versions.order_by("number").values_list("id", flat=True))


class UploadOutcomeSerializer(serializers.Serializer):
    name = serializers.CharField()
    status = serializers.CharField()
    message = serializers.CharField(allow_blank=True)
    documents = serializers.ListField(child=serializers.IntegerField())


def _search_params(request) -> dict:
    get = request.query_params
    filters = {n: [v[:100] for v in get.getlist(n) if v.strip()][:20] for n in FILTERS}
    filters = {n: v for n, v in filters.items() if v}

    def number(name: str, default: int, low: int, high: int) -> int:
        try:
            return min(max(int(get.get(name, default)), low), high)
        except (TypeError, ValueError):
            return default

    sort = get.get("sort", "relevance")
    return {
        "q": get.get("q", "")[:1000],
        "filters": filters,
        "page": number("page", 1, 1, 500),
        "per_page": number("page_size", 20, 1, 100),
        "sort": sort if sort in SORTS else "relevance",
        "expand": get.get("expand", "true").lower() not in ("0", "false", "no"),
    }


SEARCH_PARAMETERS = [
    OpenApiParameter(
        "q", str, description='Query: words, "phrases", OR, -not, prefix*, field:value'
    ),
    *[
        OpenApiParameter(name, str, many=True, description=f"Filter on {name} (repeatable)")
        for name in FILTERS
    ],
    OpenApiParameter("sort", str, enum=list(SORTS)),
    OpenApiParameter("expand", bool, description="Cross-lingual expansion (default true)"),
    OpenApiParameter("page", int),
    OpenApiParameter("page_size", int, description="1 to 100"),
]


class DocumentViewSet(viewsets.GenericViewSet):
    schema = ObjectAnswerSchema()  # the search answer is one object, not an array
    permission_classes = [ReadOrRole]
    serializer_class = DocumentSerializer
    write_check = staticmethod(uploaders_only)
    lookup_value_regex = r"[0-9]+"

    def get_queryset(self):
        return documents_visible_to(self.request.user).select_related("owner")

    def get_parsers(self):
        if getattr(self, "action", None) == "create":
            return [MultiPartParser(), FormParser()]
        return super().get_parsers()

    @extend_schema(
        operation_id="documents_search",
        parameters=SEARCH_PARAMETERS,
        responses=SearchPageSerializer,
    )
    def list(self, request):
        from migralex.search.services import search

        params = _search_params(request)
        results = search(
            params["q"],
            filters=params["filters"],
            user=request.user,
            page=params["page"],
            per_page=params["per_page"],
            sort=params["sort"],
            expand=params["expand"],
            lang=params["filters"].get("lang", [None])[0] or request.LANGUAGE_CODE,
        )
        payload = {
            "count": results.count,
            "page": params["page"],
            "page_size": params["per_page"],
            "notice": results.notice,
            "results": [
                {
                    "id": hit.document_id,
                    "title": hit.title,
                    "score": hit.score,
                    "snippet_html": hit.snippet_html or "",
                    "doc_type": hit.doc_type or "",
                    "country": hit.country or "",
                    "language": hit.language or "",
                    "date": str(hit.date) if hit.date else None,
                    "themes": list(hit.themes or []),
                }
                for hit in results.results
            ],
            "facets": {
                name: [{"value": str(v), "count": n} for v, n in rows]
                for name, rows in (results.facets or {}).items()
            },
        }
        return Response(SearchPageSerializer(payload).data)

    @extend_schema(parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)])
    def retrieve(self, request, pk=None):
        document = get_object_or_404(
            self.get_queryset().prefetch_related("theme_links", "identifiers", "relations_out"),
            pk=pk,
        )
        targets = [r.target_id for r in document.relations_out.all() if r.target_id]
        visible = set(
            documents_visible_to(request.user).filter(pk__in=targets).values_list("pk", flat=True)
        )
        serializer = DocumentSerializer(
            document, context={"request": request, "visible_targets": visible}
        )
        return Response(serializer.data)

    @extend_schema(
        request={
            "multipart/form-data": inline_serializer(
                "DocumentUpload", {"file": serializers.FileField()}
            )
        },
        responses={
            201: UploadOutcomeSerializer(many=True),
        },
    )
    def create(self, request):
        from migralex.accounts.services import organisation_default
        from migralex.ingestion.services import ingest_bytes

        upload = request.FILES.get("file")
        if upload is None:
            return Response({"file": ["Send the document as a multipart field named file."]}, 400)
        if upload.size > settings.MAX_UPLOAD_BYTES:
            return Response({"file": ["The file is too large."]}, 413)
        if upload.size == 0:
            return Response({"file": ["The file is empty."]}, 400)
        owner = request.user.organisation or organisation_default()
        outcomes = ingest_bytes(upload.read(), name=upload.name, owner=owner, user=request.user)
        counts.dashboard_counts_invalidate()
        data = [
            {
                "name": str(o.path),
                "status": str(o.status),
                "message": o.message or "",
                "documents": [getattr(d, "pk", d) for d in (o.documents or [])],
            }
            for o in outcomes
        ]
        return Response(
            UploadOutcomeSerializer(data, many=True).data, status=status.HTTP_201_CREATED
        )
