from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "sebaya.regions"
    label = "regions"
