from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "sebaya.accounts"
    label = "accounts"
