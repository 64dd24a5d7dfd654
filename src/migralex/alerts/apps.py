from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "migralex.alerts"
    label = "alerts"
