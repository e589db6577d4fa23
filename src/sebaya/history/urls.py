from django.urls import path

from sebaya.history import views

app_name = "history"
urlpatterns = [
    path("<str:model>/<str:object_id>/", views.object_history, name="object"),
]
