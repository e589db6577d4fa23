from django.urls import path

from sebaya.regions import views

app_name = "regions"
urlpatterns = [
    path("", views.region_list, name="list"),
    path("<str:code>/", views.detail, name="detail"),
]
