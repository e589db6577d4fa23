"""Top-level URL map: pages per app, the API, the admin and the language switch."""

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from sebaya.accounts.views import LoginView
from sebaya.api.api import api

urlpatterns = [
    path("", include("sebaya.core.urls")),
    path("praktik/", include("sebaya.innovations.urls")),
    path("wilayah/", include("sebaya.regions.urls")),
    path("cari/", include("sebaya.search.urls")),
    path("pertukaran/", include("sebaya.exchange.urls")),
    path("belajar/", include("sebaya.learning.urls")),
    path("", include("sebaya.matching.urls")),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("masuk/", LoginView.as_view(), name="login"),
    path("akun/", include("sebaya.accounts.urls")),
    path("riwayat/", include("sebaya.history.urls")),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
]
# The API answers JSON even for requests refused before any view.
handler400 = "sebaya.core.views.bad_request"

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
