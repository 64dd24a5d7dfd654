from django.apps import AppConfig


class AnalysisConfig(AppConfig):
    name = "migralex.analysis"
    label = "analysis"
