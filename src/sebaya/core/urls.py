from django.urls import path

from sebaya.core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("sumber-data/", views.sources, name="sources"),
    path("healthz", views.health, name="health"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("sw.js", views.service_worker, name="service_worker"),
    path("luring/", views.offline, name="offline"),
]
