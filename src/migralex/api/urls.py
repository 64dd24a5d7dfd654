from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from migralex.alerts.api import SavedSearchViewSet
from migralex.api.docs import ApiDocsView, not_found
from migralex.api.documents import DocumentViewSet
from migralex.api.instruments import InstrumentViewSet
from migralex.api.sources import SourceViewSet
from migralex.api.themes import ThemeViewSet
from migralex.api.versions import StoredFileViewSet, VersionViewSet

router = DefaultRouter()
router.register("documents", DocumentViewSet, basename="document")
router.register("versions", VersionViewSet, basename="version")
router.register("files", StoredFileViewSet, basename="file")
router.register("sources", SourceViewSet, basename="source")
router.register("themes", ThemeViewSet, basename="theme")
router.register("instruments", InstrumentViewSet, basename="instrument")
router.register("alerts", SavedSearchViewSet, basename="alert")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", ApiDocsView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include(router.urls)),
    # Anything else under /api/v1/ is a JSON 404, not the HTML error page of the site.
    re_path(r"^[\s\S]*$", not_found),
]
