from django.urls import path

from sebaya.accounts import views

app_name = "accounts"
urlpatterns = [
    path("", views.account, name="account"),
    path("token/", views.tokens, name="tokens"),
    path("token/<int:pk>/cabut/", views.token_revoke_view, name="token_revoke"),
    path("sandi/", views.PasswordChangeView.as_view(), name="password_change"),
]
