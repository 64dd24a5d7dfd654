from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "migralex.web"
    label = "web"
