from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("api/v1/", include("migralex.api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", include("migralex.web.health_urls")),
    path("a/", include("migralex.alerts.public_urls")),
]
urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    path("alerts/", include("migralex.alerts.urls")),
    path("", include("migralex.web.urls")),
    prefix_default_language=True,
)
