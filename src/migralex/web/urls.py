from django.contrib.auth import views as auth_views
from django.urls import path

from migralex.web import views, views_documents, views_search, views_sources, views_upload

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views_search.search_page, name="search"),
    path("search/export.csv", views_search.export_csv, name="search-csv"),
    path("search/export.json", views_search.export_json, name="search-json"),
    path("documents/<int:pk>/", views_documents.document_detail, name="document"),
    path(
        "documents/<int:pk>/versions/<int:number>/original",
        views_documents.document_original,
        name="document-original",
    ),
    path("documents/<int:pk>/similar/", views_documents.document_similar, name="document-similar"),
    path(
        "documents/<int:pk>/correct", views_documents.document_correct_view, name="document-correct"
    ),
    path("upload/", views_upload.upload, name="upload"),
    path("sources/", views_sources.source_list, name="sources"),
    path("sources/add/", views_sources.source_add_view, name="source-add"),
    path("sources/<int:pk>/", views_sources.source_detail, name="source"),
    path("sources/<int:pk>/poll", views_sources.source_poll_view, name="source-poll"),
    path("login/", auth_views.LoginView.as_view(template_name="web/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
]
