from django.apps import AppConfig


class KnowledgeConfig(AppConfig):
    name = "migralex.knowledge"
    label = "knowledge"
