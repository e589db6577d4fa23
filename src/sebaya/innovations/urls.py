from django.urls import path

from sebaya.innovations import views

app_name = "innovations"
urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    # Fixed paths before <slug>; services.RESERVED_SLUGS keeps practices off them.
    path("kelola/", views.manage, name="manage"),
    path("baru/", views.create, name="create"),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/ubah/", views.edit, name="edit"),
    path("<slug:slug>/terbitkan/", views.publish, name="publish"),
    path("<slug:slug>/tarik/", views.unpublish, name="unpublish"),
    path("<slug:slug>/hapus/", views.delete, name="delete"),
]
