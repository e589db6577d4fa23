from django.apps import AppConfig


class InnovationsConfig(AppConfig):
    name = "sebaya.innovations"
    label = "innovations"
