"""Alerts pages (language-prefixed): saved searches, hits, bulletins, mailing lists, log."""

from django.urls import path

from migralex.alerts import views, views_bulletins

app_name = "alerts"
urlpatterns = [
    path("", views.alert_list, name="list"),
    path("new/", views.alert_create, name="create"),
    path("follow/<uuid:uid>/", views.follow_document, name="follow"),
    path("<int:pk>/", views.alert_detail, name="detail"),
    path("<int:pk>/edit/", views.alert_edit, name="edit"),
    path("<int:pk>/pause/", views.alert_pause, name="pause"),
    path("<int:pk>/delete/", views.alert_delete, name="delete"),
    path("deliveries/", views.delivery_log, name="deliveries"),
    path("bulletins/", views_bulletins.bulletin_list, name="bulletins"),
    path("bulletins/new/", views_bulletins.bulletin_create, name="bulletin-create"),
    path("bulletins/<int:pk>/", views_bulletins.bulletin_detail, name="bulletin"),
    path("bulletins/<int:pk>/edit/", views_bulletins.bulletin_edit, name="bulletin-edit"),
    path("bulletins/<int:pk>/add/", views_bulletins.bulletin_add, name="bulletin-add"),
    path(
        "bulletins/<int:pk>/items/<int:item_pk>/",
        views_bulletins.bulletin_item,
        name="bulletin-item",
    ),
    path("bulletins/<int:pk>/preview/", views_bulletins.bulletin_preview, name="bulletin-preview"),
    path("bulletins/<int:pk>/pdf/", views_bulletins.bulletin_pdf, name="bulletin-pdf"),
    path("bulletins/<int:pk>/send/", views_bulletins.bulletin_send, name="bulletin-send"),
    path("lists/", views_bulletins.mailing_lists, name="lists"),
    path("lists/<slug:slug>/subscribe/", views_bulletins.list_subscribe, name="subscribe"),
]
