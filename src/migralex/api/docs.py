"""The API docs page (Swagger UI from the sidecar's static files, no CDN) and the API's 404."""

from django.http import JsonResponse
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularSwaggerSplitView

DOCS_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'self'"
)


class ApiDocsView(SpectacularSwaggerSplitView):
    """The split view serves its start-up script from a URL of its own, so the page runs under
    ``script-src 'self'``; Swagger UI sets inline styles, allowed here and nowhere else."""

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        response["Content-Security-Policy"] = DOCS_CSP
        return response


def not_found(request, *args, **kwargs):
    return JsonResponse({"detail": "Not found."}, status=404)
