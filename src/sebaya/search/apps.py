from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "sebaya.search"
    label = "search"

    def ready(self) -> None:
        # Keep the index in step with every write to a practice (see indexing.py).
        from sebaya.search import signals  # noqa: F401
