from django.urls import path

from sebaya.innovations import views

app_name = "innovations"
urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    # Fixed paths before <slug>; services.RESERVED_SLUGS keeps practices off them.
    path("kelola/", views.manage, name="manage"),
    path("baru/", views.create, name="create"),
    path("mirip/", views.similar, name="similar"),
    path("tinjauan/", views.review_list, name="review_queue"),
    path("periksa/", views.recheck_list, name="recheck_list"),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/ubah/", views.edit, name="edit"),
    path("<slug:slug>/terbitkan/", views.publish, name="publish"),
    path("<slug:slug>/tarik/", views.unpublish, name="unpublish"),
    path("<slug:slug>/hapus/", views.delete, name="delete"),
    path("<slug:slug>/ajukan/", views.submit, name="submit"),
    path("<slug:slug>/tinjau/", views.review, name="review"),
    path("<slug:slug>/periksa/", views.recheck, name="recheck"),
    path("<slug:slug>/riwayat/", views.history, name="history"),
]
