from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "migralex.api"
    label = "api"
