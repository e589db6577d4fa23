from django.urls import path

from sebaya.matching import views

app_name = "matching"
urlpatterns = [
    path("wilayah/<str:code>/rekomendasi/", views.recommendations, name="recommendations"),
    path("wilayah/<str:code>/sebaya/", views.peers, name="peers"),
    path("prioritas/", views.priorities, name="priorities"),
]
