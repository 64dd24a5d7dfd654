from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "migralex.search"
    label = "search"
