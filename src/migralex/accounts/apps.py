from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "migralex.accounts"
    label = "accounts"
