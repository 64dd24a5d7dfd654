"""Alerts pages (language-prefixed): saved searches, hits, bulletins, mailing lists, log."""

from django.urls import path

from migralex.alerts import views

app_name = "alerts"
urlpatterns = [
    path("", views.alert_list, name="list"),
]
