"""Conditional GET for public pages: an ETag from the data version, answered before rendering.

A public page (`@public_page`) read by an anonymous visitor gets an ETag made of the data version
(core.versioning), the site's code version, the full path with its query, the language, the
htmx headers and the visitor's own CSRF cookie. A browser that sends it back (If-None-Match) gets
304 Not Modified without the page being rendered, until any content changes. Pages embed a CSRF
token (the language form): the cookie in the tag means a 304 only ever confirms the visitor's own
copy, whose token matches their cookie; `private` keeps shared caches from storing the page.

The page itself is also kept (in this process, at most PAGE_ENTRIES pages, keyed by the data
version, the address with its host, the language and the htmx headers) and served again to the
next anonymous visitor with their own CSRF token written in place of the one it was rendered
with: the token is the only thing on an anonymous page that belongs to the visitor. Pages with
messages pending are rendered, never kept nor served from the store.

Signed-in readers get no ETag and no kept page: their pages are `private, no-store`
(PrivatePagesMiddleware).
"""

from __future__ import annotations

import hashlib
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.middleware.csrf import get_token
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import get_language

import sebaya
from sebaya.core import versioning

VARY = ("Cookie", "HX-Request", "HX-Target")
PAGE_ENTRIES = 2000
PAGE_MAX_BYTES = 512 * 1024  # bigger pages are rendered each time
PAGES_MAX_BYTES = 64 * 1024 * 1024  # all kept pages of a process
_SLOT = b"\x00sebaya-csrf-slot\x00"  # where the visitor's CSRF token goes
_TOKEN_IN_FORM = re.compile(rb'name="csrfmiddlewaretoken" value="([A-Za-z0-9]{32,})"')
_KEPT_HEADERS = ("Content-Type", "Content-Language", "Content-Security-Policy", "X-Frame-Options")


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


def page_etag(request: HttpRequest, version: int | None = None, period: str = "") -> str:
    parts = [
        str(versioning.current() if version is None else version),
        period,
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


@dataclass(frozen=True)
class _Kept:
    body: bytes  # with TOKEN_SLOT where the CSRF token was
    headers: tuple[tuple[str, str], ...]


_pages: OrderedDict[str, _Kept] = OrderedDict()
_pages_lock = threading.Lock()
_pages_bytes = 0


def _page_key(request: HttpRequest, version: int, period: str = "") -> str:
    return versioning.cache_key(
        "page",
        period,
        request.get_host(),
        request.is_secure(),
        request.get_full_path(),
        get_language() or "",
        request.headers.get("HX-Request", ""),
        request.headers.get("HX-Target", ""),
        version=version,
    )


def _keep(key: str, response: HttpResponse) -> None:
    if response.streaming or response.status_code != 200 or response.cookies:
        return
    body = response.content
    if len(body) > PAGE_MAX_BYTES:
        return
    tokens = set(_TOKEN_IN_FORM.findall(body))
    if len(tokens) > 1:
        return
    for token in tokens:
        body = body.replace(token, _SLOT)
    headers = tuple((h, response[h]) for h in _KEPT_HEADERS if response.has_header(h))
    global _pages_bytes
    with _pages_lock:
        old = _pages.pop(key, None)
        _pages_bytes -= len(old.body) if old else 0
        _pages[key] = _Kept(body, headers)
        _pages_bytes += len(body)
        while len(_pages) > PAGE_ENTRIES or _pages_bytes > PAGES_MAX_BYTES:
            _oldest, dropped = _pages.popitem(last=False)
            _pages_bytes -= len(dropped.body)


def _kept(request: HttpRequest, key: str) -> HttpResponse | None:
    with _pages_lock:
        kept = _pages.get(key)
        if kept is None:
            return None
        _pages.move_to_end(key)
    body = kept.body
    if _SLOT in body:
        body = body.replace(_SLOT, get_token(request).encode())
    response = HttpResponse(body)
    for header, value in kept.headers:
        response[header] = value
    return response


def clear_pages() -> None:
    """Forget every kept page (tests)."""
    global _pages_bytes
    with _pages_lock:
        _pages.clear()
        _pages_bytes = 0


def public_page(view: Callable[..., HttpResponse] | None = None, *, max_age: int = 0) -> Any:
    """Answer conditional GETs of anonymous visitors from the data version, and serve them kept
    pages (see module doc). `@public_page(max_age=60)`: the page also depends on something the
    data version does not follow (the search indexes, which catch up with a write a little
    after it), so its tag and kept copy last at most `max_age` seconds."""
    if view is None:
        return lambda function: _public_page(function, max_age)
    return _public_page(view, max_age)


def _public_page(view: Callable[..., HttpResponse], max_age: int) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not _conditional(request):
            return view(request, *args, **kwargs)
        version = versioning.current()
        period = str(int(time.time() // max_age)) if max_age else ""
        etag = page_etag(request, version, period)
        if _matches(request, etag):
            response: HttpResponse = HttpResponseNotModified()
        else:
            key = _page_key(request, version, period)
            kept = _kept(request, key)
            response = kept if kept is not None else view(request, *args, **kwargs)
            if kept is None:
                _keep(key, response)
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
