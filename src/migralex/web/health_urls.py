from django.urls import path

from migralex.web.views_health import healthz

urlpatterns = [path("", healthz, name="healthz")]
