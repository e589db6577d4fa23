from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "sebaya.core"
    label = "core"
    verbose_name = "Sebaya"
