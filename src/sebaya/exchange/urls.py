from django.urls import path

from sebaya.exchange import views

app_name = "exchange"
urlpatterns = [
    path("", views.index, name="index"),
    path("impor/baru/", views.upload, name="upload"),
    path("impor/<int:pk>/", views.job_detail, name="job"),
    path("impor/<int:pk>/kolom/", views.mapping, name="mapping"),
    path("impor/<int:pk>/kemajuan/", views.job_progress_fragment, name="progress"),
    path("impor/<int:pk>/pratinjau/", views.repreview, name="preview"),
    path("impor/<int:pk>/jalankan/", views.run, name="run"),
    path("impor/<int:pk>/galat.csv", views.errors_csv, name="errors_csv"),
    path("templat/<str:kind>.xlsx", views.template, name="template"),
    path("ekspor/", views.export, name="export"),
]
