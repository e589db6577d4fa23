"""Shared fixtures: factories are per app (tests/<app>/factories.py)."""

import ipaddress
import socket
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.utils import translation

_real_connect = socket.socket.connect


def _loopback_only_connect(self: socket.socket, address) -> None:  # type: ignore[no-untyped-def]
    """Sebaya must never need the network at run time: tests may only reach loopback."""
    if self.family in (socket.AF_INET, socket.AF_INET6):
        host = address[0]
        try:
            allowed = ipaddress.ip_address(host).is_loopback
        except ValueError:
            allowed = host == "localhost"
        if not allowed:
            raise OSError(f"network access outside loopback is blocked in tests: {address!r}")
    return _real_connect(self, address)


@pytest.fixture(autouse=True, scope="session")
def _block_network() -> Iterator[None]:
    socket.socket.connect = _loopback_only_connect  # type: ignore[method-assign]
    yield
    socket.socket.connect = _real_connect  # type: ignore[method-assign]


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """A request in English leaves English active in this thread: start every test in Indonesian."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploaded files of a test go to a temporary folder, never to var/."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    """Counters in the cache (login throttling) never leak from one test into another."""
    from django.core.cache import cache

    from sebaya.core import versioning
    from sebaya.core.caching import clear_pages

    cache.clear()
    versioning.clear_memo()
    clear_pages()
    yield
    cache.clear()
    versioning.clear_memo()
    clear_pages()
