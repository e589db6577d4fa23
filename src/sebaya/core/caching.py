"""Conditional GET for public pages: an ETag from the data version, answered before rendering.

A public page (`@public_page`) read by an anonymous visitor gets an ETag made of the data version
(core.versioning), the site's code version, the full path with its query, the language, the
htmx headers and the visitor's own CSRF cookie. A browser that sends it back (If-None-Match) gets
304 Not Modified without the page being rendered, until any content changes. Pages embed a CSRF
token (the language form): the cookie in the tag means a 304 only ever confirms the visitor's own
copy, whose token matches their cookie; `private` keeps shared caches from storing the page.

Signed-in readers get no ETag: their pages are `private, no-store` (PrivatePagesMiddleware).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import get_language

import sebaya
from sebaya.core import versioning

VARY = ("Cookie", "HX-Request", "HX-Target")


def _conditional(request: HttpRequest) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return False
    # Pending messages (e.g. "you have signed out") must be rendered, not confirmed as seen.
    if "messages" in request.COOKIES:
        return False
    session = getattr(request, "session", None)
    return not (session is not None and session.get("_messages"))


def page_etag(request: HttpRequest) -> str:
    parts = [
        str(versioning.current()),
        sebaya.__version__,
        request.get_full_path(),
        get_language() or "",
        request.headers.get("HX-Request", ""),
        request.headers.get("HX-Target", ""),
        request.COOKIES.get(settings.CSRF_COOKIE_NAME, ""),
    ]
    return '"' + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32] + '"'


def _matches(request: HttpRequest, etag: str) -> bool:
    sent = request.headers.get("If-None-Match", "")
    return any(tag.strip().removeprefix("W/") == etag for tag in sent.split(",")) or sent == "*"


def public_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Answer conditional GETs of anonymous visitors from the data version (see module doc)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not _conditional(request):
            return view(request, *args, **kwargs)
        etag = page_etag(request)
        if _matches(request, etag):
            response: HttpResponse = HttpResponseNotModified()
        else:
            response = view(request, *args, **kwargs)
            # A page rendered with a new CSRF cookie (set by the middleware on the way out)
            # holds a token the request's tag does not know: no tag (the next request gets one).
            used = request.META.get("CSRF_COOKIE")
            sent = request.COOKIES.get(settings.CSRF_COOKIE_NAME)
            if response.status_code != 200 or (used is not None and used != sent):
                return response
        response["ETag"] = etag
        patch_cache_control(response, private=True, no_cache=True)
        patch_vary_headers(response, VARY)
        return response

    return wrapper
