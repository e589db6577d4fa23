"""Login throttling: a few failed attempts per account and per address, then a pause.

Counts live in Django's cache (Redis in production when SEBAYA_REDIS_URL is set, so every app
server sees the same counts; process memory on a laptop). A success clears the account's count.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


@dataclass(frozen=True)
class Limits:
    per_account: int
    per_address: int
    window_seconds: int


def limits() -> Limits:
    return Limits(
        per_account=settings.SEBAYA_LOGIN_FAILURES_PER_ACCOUNT,
        per_address=settings.SEBAYA_LOGIN_FAILURES_PER_ADDRESS,
        window_seconds=settings.SEBAYA_LOGIN_WINDOW_SECONDS,
    )


def client_address(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or X-Forwarded-For behind SEBAYA_PROXY_COUNT proxies."""
    proxies = settings.SEBAYA_PROXY_COUNT
    if proxies > 0:
        hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        hops = [h for h in hops if h]
        if len(hops) >= proxies:
            return hops[-proxies]
    return str(request.META.get("REMOTE_ADDR", ""))


def _keys(request: HttpRequest, username: str) -> tuple[str, str]:
    account = username.strip().casefold()[:150]
    return f"login-fail:account:{account}", f"login-fail:address:{client_address(request)}"


def is_blocked(request: HttpRequest, username: str) -> bool:
    account_key, address_key = _keys(request, username)
    counts = cache.get_many([account_key, address_key])
    lim = limits()
    return (
        counts.get(account_key, 0) >= lim.per_account
        or counts.get(address_key, 0) >= lim.per_address
    )


def _bump(key: str, window: int) -> None:
    # add() starts the window once; incr() keeps its expiry. A race at the start costs one count.
    if not cache.add(key, 1, timeout=window):
        try:
            cache.incr(key)
        except ValueError:  # expired between add() and incr()
            cache.add(key, 1, timeout=window)


def record_failure(request: HttpRequest, username: str) -> None:
    window = limits().window_seconds
    for key in _keys(request, username):
        _bump(key, window)


def record_success(request: HttpRequest, username: str) -> None:
    cache.delete(_keys(request, username)[0])
