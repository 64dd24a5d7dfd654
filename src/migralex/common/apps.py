from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "migralex.common"
    label = "common"
    verbose_name = "Common"
