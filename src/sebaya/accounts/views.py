"""Sign-in with throttling of repeated failures; the account pages (API tokens, password)."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.messages.views import SuccessMessageMixin
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from sebaya.accounts import throttle
from sebaya.accounts.forms import TokenForm
from sebaya.accounts.models import PersonalAccessToken, TokenScope, User
from sebaya.accounts.tokens import token_create, token_revoke


class LoginView(auth_views.LoginView):
    """Django's login, refusing further attempts (429) after too many failures."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        username = str(request.POST.get("username", ""))
        if throttle.is_blocked(request, username):
            form = self.get_form()
            minutes = max(1, -(-throttle.limits().window_seconds // 60))
            context = self.get_context_data(form=form, throttled=True, throttle_minutes=minutes)
            return self.render_to_response(context, status=429)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        throttle.record_failure(self.request, str(self.request.POST.get("username", "")))
        return super().form_invalid(form)

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        throttle.record_success(self.request, form.get_user().get_username())
        return super().form_valid(form)


@login_required
def account(request: HttpRequest) -> HttpResponse:
    memberships = request.user.memberships.select_related("organisation").order_by(  # type: ignore[union-attr]
        "organisation__name"
    )
    return render(request, "accounts/account.html", {"memberships": memberships})


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    """The user's API tokens: create one (its secret is shown once, here), list, revoke."""
    form = TokenForm(request.POST if request.method == "POST" else None)
    new_secret = None
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_secret = token_create(
                user=request.user,
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                expires_in_days=form.cleaned_data["expires_in_days"],
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            status = 201
            form = TokenForm()
    elif request.method == "POST":
        status = 400
    listed = PersonalAccessToken.objects.filter(user=cast(User, request.user)).order_by(
        "-created_at", "-pk"
    )
    scope_labels = dict(TokenScope.choices)
    response = render(
        request,
        "accounts/tokens.html",
        {
            "form": form,
            "new_secret": new_secret,
            "now": timezone.now(),
            "tokens": [(t, [str(scope_labels.get(s, s)) for s in t.scopes]) for t in listed],
        },
        status=status,
    )
    if new_secret:
        # The secret is in this page only: never cache it anywhere.
        response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def token_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    token = PersonalAccessToken.objects.filter(pk=pk, user=cast(User, request.user)).first()
    if token is None:
        raise Http404(_("Token tidak ditemukan."))
    token_revoke(user=request.user, token=token)
    messages.success(request, _("Token “%(name)s” dicabut.") % {"name": token.name})
    return redirect("accounts:tokens")


class PasswordChangeView(SuccessMessageMixin, auth_views.PasswordChangeView):
    """Django's password change, with the validators of AUTH_PASSWORD_VALIDATORS."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:account")
    success_message = gettext_lazy("Kata sandi diganti.")
