from django.urls import path

from sebaya.innovations import views

app_name = "innovations"
urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("<slug:slug>/", views.detail, name="detail"),
]
