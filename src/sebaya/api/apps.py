from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "sebaya.api"
    label = "api"
