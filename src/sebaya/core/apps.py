from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "sebaya.core"
    label = "core"
    verbose_name = "Sebaya"

    def ready(self) -> None:
        from sebaya.core import versioning

        versioning.connect()
