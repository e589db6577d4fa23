from django.urls import path

from sebaya.learning import views

app_name = "learning"
urlpatterns = [
    path("", views.programmes, name="programmes"),
    path("program/baru/", views.programme_create_view, name="programme_create"),
    path("program/<slug:slug>/", views.programme, name="programme"),
    path("program/<slug:slug>/ubah/", views.programme_edit, name="programme_edit"),
    path("program/<slug:slug>/kegiatan/baru/", views.event_create_view, name="event_create"),
    path("program/<slug:slug>/dasbor/", views.dashboard, name="dashboard"),
    path("program/<slug:slug>/laporan/", views.report, name="report"),
    path("program/<slug:slug>/ekspor.<str:fmt>", views.programme_export, name="programme_export"),
    path("kegiatan/<int:pk>/", views.event, name="event"),
    path("kegiatan/<int:pk>/ubah/", views.event_edit, name="event_edit"),
    path("kegiatan/<int:pk>/sesi/", views.session_add, name="session_add"),
    path("kegiatan/<int:pk>/praktik/", views.featured_add, name="featured_add"),
    path(
        "kegiatan/<int:pk>/praktik/<int:featured_pk>/hapus/",
        views.featured_remove,
        name="featured_remove",
    ),
    path("kegiatan/<int:pk>/materi/", views.material_add, name="material_add"),
    path("kegiatan/<int:pk>/daftar/", views.register, name="register"),
    path("kegiatan/<int:pk>/rtl/baru/", views.action_plan_create_view, name="action_plan_create"),
    path("pendaftaran/<int:pk>/batal/", views.registration_cancel_view, name="registration_cancel"),
    path("pendaftaran/<int:pk>/hadir/", views.attendance, name="attendance"),
    path("rtl/<int:pk>/", views.action_plan, name="action_plan"),
    path("rtl/<int:pk>/ubah/", views.action_plan_edit, name="action_plan_edit"),
    path("rtl/<int:pk>/ingatkan/", views.remind, name="remind"),
    path("adopsi/<int:pk>/", views.adoption, name="adoption"),
    path("adopsi/<int:pk>/tahap/", views.advance, name="advance"),
    path("bukti/<int:pk>/", views.evidence_file, name="evidence_file"),
    path("materi/<int:pk>/", views.material_file, name="material_file"),
    path("ikuti/", views.follow, name="follow"),
    path("praktik/<slug:slug>/", views.practice, name="practice"),
    path("praktik/<slug:slug>/tanya/", views.ask, name="ask"),
    path(
        "praktik/<slug:slug>/rtl/", views.action_plan_for_practice, name="action_plan_for_practice"
    ),
    path("praktik/<slug:slug>/ekspor.<str:fmt>", views.practice_export, name="practice_export"),
    path("pertanyaan/<int:pk>/jawab/", views.answer, name="answer"),
    path("replikasi/", views.replications, name="replications"),
    path("notifikasi/", views.notifications, name="notifications"),
]
