"""Who is calling the API: personal access tokens (`Authorization: Bearer sby_...`) or the site's
session (with its CSRF token), what the token may do (scopes), and how often (rate limits).

Write endpoints of every app use:

    @router.post("", auth=WRITE_AUTH, response={201: ..., **WRITE_RESPONSES})
    def create(request, payload: ...):
        user = write_user(request, TokenScope.PRACTICES_WRITE)   # scope + rate limit
        with service_errors():
            thing = thing_create(user=user, ...)                 # the app's service + policy

A token acts as its user: the app's permission policy still decides every write. A session
acts as the signed-in user with every scope (the site allows it all the same).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.security import HttpBearer, SessionAuth

from sebaya.accounts.models import PersonalAccessToken, TokenScope
from sebaya.accounts.throttle import client_address
from sebaya.accounts.tokens import token_authenticate
from sebaya.api.errors import ApiError, ErrorResponse
from sebaya.core.errors import Conflict

__all__ = [
    "READ_RESPONSES",
    "WRITE_AUTH",
    "WRITE_RESPONSES",
    "TokenAuth",
    "TokenScope",
    "WriteSessionAuth",
    "api_user",
    "enforce_rate",
    "require_scope",
    "service_errors",
    "write_user",
]


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <personal access token>`; the request then acts as its user."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = token_authenticate(token.strip())
        if found is None:
            return None
        request.user = found.user
        request.api_token = found  # type: ignore[attr-defined]
        return found.user


class WriteSessionAuth(SessionAuth):
    """The site's session, for the pages' own htmx/JS calls; needs the CSRF token.

    Without a session cookie there is nothing to protect: the request is simply not signed in
    (401), rather than refused for a missing CSRF token (403).
    """

    def _get_key(self, request: HttpRequest) -> str | None:
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return None
        return super()._get_key(request)


#: Auth of every write endpoint: a token, or the session with CSRF.
WRITE_AUTH: list[Any] = [TokenAuth(), WriteSessionAuth(csrf=True)]

#: Error answers of write endpoints, for the OpenAPI document.
WRITE_RESPONSES: dict[int, Any] = {
    400: ErrorResponse,
    401: ErrorResponse,
    403: ErrorResponse,
    404: ErrorResponse,
    409: ErrorResponse,
    429: ErrorResponse,
}
#: Error answers of reads that accept an optional token.
READ_RESPONSES: dict[int, Any] = {401: ErrorResponse, 429: ErrorResponse}

#: Read endpoints that accept a token without requiring one (OpenAPI "optional security").
OPTIONAL_TOKEN: dict[str, Any] = {"security": [{}, {"TokenAuth": []}]}


def request_token(request: HttpRequest) -> PersonalAccessToken | None:
    return getattr(request, "api_token", None)


def require_scope(request: HttpRequest, scope: str) -> None:
    """403 when the request came with a token that lacks `scope` (sessions have every scope)."""
    token = request_token(request)
    if token is not None and not token.has_scope(scope):
        raise ApiError(
            403,
            [(None, _("Token ini tidak punya cakupan “%(scope)s”.") % {"scope": scope})],
        )


def _rate_identity(request: HttpRequest) -> str:
    token = request_token(request)
    if token is not None:
        return f"token:{token.pk}"
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return f"addr:{client_address(request)}"


def enforce_rate(request: HttpRequest, kind: str = "write") -> None:
    """429 with Retry-After when this caller made too many `kind` calls in the current minute.

    Counters live in Django's cache (Redis when configured, so shared by every app server).
    """
    limit = (
        settings.SEBAYA_API_WRITES_PER_MINUTE
        if kind == "write"
        else settings.SEBAYA_API_TOKEN_READS_PER_MINUTE
    )
    if limit <= 0:
        return
    now = int(time.time())
    window = now // 60
    key = f"api-rate:{kind}:{_rate_identity(request)}:{window}"
    if cache.add(key, 1, timeout=61):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add() and incr()
            cache.add(key, 1, timeout=61)
            count = 1
    if count > limit:
        retry = 60 - now % 60
        raise ApiError(
            429,
            [
                (
                    None,
                    _("Terlalu banyak permintaan; coba lagi dalam %(s)d detik.") % {"s": retry},
                )
            ],
            headers={"Retry-After": str(retry)},
        )


def write_user(request: HttpRequest, scope: str) -> Any:
    """The user a write endpoint acts for, after the scope check and the rate limit."""
    require_scope(request, scope)
    enforce_rate(request, "write")
    return request.user


def api_user(request: HttpRequest) -> Any:
    """The user a read endpoint answers for: a token's user, the session's, or anonymous.

    A token sent with a read must be valid (401 otherwise), so a typo never silently reads as
    anonymous. Any live token may read as its user; `read` is the scope of read-only tokens.
    """
    header = request.headers.get("Authorization", "")
    if not header:
        return getattr(request, "user", None) or AnonymousUser()
    scheme, _sep, raw = header.partition(" ")
    found = token_authenticate(raw.strip()) if scheme.lower() == "bearer" else None
    if found is None:
        raise ApiError(401, [(None, _("Token tidak sah, dicabut atau kedaluwarsa."))])
    request.user = found.user
    request.api_token = found  # type: ignore[attr-defined]
    enforce_rate(request, "read")
    return found.user


def validation_items(exc: ValidationError) -> list[tuple[str | None, str]]:
    if hasattr(exc, "error_dict"):
        return [
            (None if field == "__all__" else field, str(message))
            for field, errors in exc.error_dict.items()
            for error in errors
            for message in error.messages
        ]
    return [(None, str(message)) for message in exc.messages]


@contextmanager
def service_errors() -> Iterator[None]:
    """Turn a service's refusal into the API's error format: 400, 403 or 409."""
    try:
        yield
    except Conflict as exc:
        raise ApiError(409, validation_items(exc)) from exc
    except ValidationError as exc:
        raise ApiError(400, validation_items(exc)) from exc
    except PermissionDenied as exc:
        raise ApiError(403, [(None, str(exc) or _("Tidak diizinkan."))]) from exc
