"""Routes without a language prefix: links that mail clients and feed readers follow as they
are (RFC 8058 one-click unsubscribe posts to the exact URL of the header; a feed URL must not
redirect by browser language)."""

from django.urls import path

from migralex.alerts import views_public
from migralex.alerts.feeds import SavedSearchFeed

app_name = "alerts_public"
urlpatterns = [
    path("feed/<str:token>.atom", SavedSearchFeed(), name="feed"),
    path("unsubscribe/<str:token>/", views_public.unsubscribe, name="unsubscribe"),
    path("confirm/<str:token>/", views_public.list_confirm, name="list-confirm"),
    path("leave/<str:token>/", views_public.list_leave, name="list-leave"),
]
