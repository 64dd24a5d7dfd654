from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "migralex.documents"
    label = "documents"
