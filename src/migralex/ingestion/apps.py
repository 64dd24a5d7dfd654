from django.apps import AppConfig


class IngestionConfig(AppConfig):
    name = "migralex.ingestion"
    label = "ingestion"
