from django.apps import AppConfig


class SourcesConfig(AppConfig):
    name = "migralex.sources"
    label = "sources"
