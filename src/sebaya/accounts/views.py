"""Sign-in with throttling of repeated failures."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse

from sebaya.accounts import throttle


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
