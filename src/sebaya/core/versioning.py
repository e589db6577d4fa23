"""The data version: one number raised after every committed write to public content.

Expensive anonymous computations (home figures, catalogue facets, the need ranking) are cached
under keys that hold it, and public pages answer conditional GETs (ETag) with it, so a write
shows at once on every page and in every worker: the version lives in the database, not in a
process. Writes through models raise it by signals (post_save, post_delete, m2m_changed of the
content apps); writers that bypass signals (bulk_create, QuerySet.update) call `bump()`.

The raise runs once per transaction, after the commit (a reader never caches the old data under
the new number: it reads the number before the data). Cached values are also keyed by the writes
this process has seen, so its own writes show at once, even inside their transaction. They also
expire after CACHE_SECONDS, which bounds what a missed raise could cost (e.g. the search index,
updated by the task worker after the practice's own commit).
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar

from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

#: Apps whose records public pages show.
CONTENT_APPS = frozenset({"innovations", "regions", "learning", "matching", "accounts", "search"})
#: Models written for bookkeeping, not content (reading a notification, using a token, ...).
IGNORED_MODELS = frozenset(
    {
        "accounts.user",
        "accounts.personalaccesstoken",
        "learning.notification",
        "learning.follow",
    }
)
CACHE_SECONDS = 300
logger = logging.getLogger(__name__)

T = TypeVar("T")


def current() -> int:
    """The data version now (one indexed read)."""
    from sebaya.core.models import DataVersion

    value = DataVersion.objects.filter(pk=1).values_list("version", flat=True).first()
    return int(value) if value is not None else 0


def _bump_now(using: str = DEFAULT_DB_ALIAS) -> None:
    from sebaya.core.models import DataVersion

    updated = (
        DataVersion.objects.using(using)
        .filter(pk=1)
        .update(version=F("version") + 1, changed_at=timezone.now())
    )
    if not updated:
        DataVersion.objects.using(using).get_or_create(pk=1, defaults={"version": 1})


_local_writes = 0  # writes seen by this process: its own changes show before their commit


def bump(using: str = DEFAULT_DB_ALIAS) -> None:
    """Raise the version after the current transaction commits (once per transaction)."""
    global _local_writes
    _local_writes += 1
    connection = connections[using]
    if not connection.in_atomic_block:
        _bump_now(using)
        return
    # Already queued in this transaction? Django replaces its list of commit hooks when it
    # commits and when a transaction or savepoint rolls back (dropping the hooks queued in it),
    # so "queued in the current list" is one identity check, whatever the number of writes (an
    # import writes thousands of rows in one transaction). After a savepoint rollback the hook
    # may be queued twice: the version then rises by two, which is harmless.
    pending = connection.run_on_commit
    if getattr(connection, "_sebaya_version_hooks", None) is pending:
        return
    connection._sebaya_version_hooks = pending  # type: ignore[attr-defined]

    def callback() -> None:
        _bump_now(using)

    transaction.on_commit(callback, using=using)


def _is_content(sender: Any) -> bool:
    meta = getattr(sender, "_meta", None)
    if meta is None:
        return False
    return meta.app_label in CONTENT_APPS and meta.label_lower not in IGNORED_MODELS


def _on_write(sender: Any, using: str = DEFAULT_DB_ALIAS, **kwargs: Any) -> None:
    if kwargs.get("raw"):  # fixtures: loaddata bumps nothing row by row
        return
    if sender is not None and _is_content(sender):
        bump(using)


def _on_m2m(sender: Any, action: str, using: str = DEFAULT_DB_ALIAS, **kwargs: Any) -> None:
    if action.startswith("post_") and (_is_content(sender) or _is_content(kwargs.get("model"))):
        bump(using)


def connect() -> None:
    """Listen to every content write (CoreConfig.ready)."""
    post_save.connect(_on_write, dispatch_uid="sebaya-data-version-save")
    post_delete.connect(_on_write, dispatch_uid="sebaya-data-version-delete")
    m2m_changed.connect(_on_m2m, dispatch_uid="sebaya-data-version-m2m")


_memo: OrderedDict[str, tuple[float, Any]] = OrderedDict()
_memo_lock = threading.Lock()
MEMO_ENTRIES = 256


def cache_key(name: str, *parts: object, version: int | None = None) -> str:
    """A key for `name` with these parts at the data version (the current one)."""
    version = current() if version is None else version
    return f"v{version}.{_local_writes}:{name}:{_digest(parts)}"


def _digest(parts: tuple[object, ...]) -> str:
    return hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).hexdigest()[:32]


_MISSING = object()


def cached(
    name: str,
    parts: tuple[object, ...],
    compute: Callable[[], T],
    *,
    shared: bool = False,
    version: int | None = None,
) -> T:
    """`compute()`, kept in this process at the current data version under `name` and `parts`.

    In process memory (no pickling: values may be model instances and profile tables), at most
    MEMO_ENTRIES values, each for CACHE_SECONDS; every worker keeps its own and every worker
    sees the same version (it is read from the database). With `shared` (picklable values), the
    value is also kept in the site's cache (Redis in production) under the data version alone,
    so one worker computes it for all: never from inside a transaction, whose reads may hold
    its own uncommitted writes, and never failing a page when the cache is down."""
    version = current() if version is None else version  # one read for several values
    key = cache_key(name, *parts, version=version)
    now = time.monotonic()
    with _memo_lock:
        found = _memo.get(key)
        if found is not None and found[0] > now:
            _memo.move_to_end(key)
            return found[1]
    value: Any = _MISSING
    share = shared and not connections[DEFAULT_DB_ALIAS].in_atomic_block
    shared_key = f"sebaya:v{version}:{name}:{_digest(parts)}"
    if share:
        value = _shared_get(shared_key)
    if value is _MISSING:
        value = compute()
        if share:
            _shared_set(shared_key, value)
    with _memo_lock:
        _memo[key] = (now + CACHE_SECONDS, value)
        _memo.move_to_end(key)
        while len(_memo) > MEMO_ENTRIES:
            _memo.popitem(last=False)
    return value


def _shared_get(key: str) -> Any:
    from django.core.cache import cache

    try:
        return cache.get(key, _MISSING)
    except Exception:  # the cache is an optimisation: a page never fails for it
        logger.warning("the shared cache could not be read", exc_info=True)
        return _MISSING


def _shared_set(key: str, value: Any) -> None:
    from django.core.cache import cache

    try:
        cache.set(key, value, CACHE_SECONDS)
    except Exception:
        logger.warning("the shared cache could not be written", exc_info=True)


def clear_memo() -> None:
    """Forget every kept value (tests)."""
    with _memo_lock:
        _memo.clear()


def is_registered_model(label: str) -> bool:
    """For tests: the model exists (catches typos in IGNORED_MODELS)."""
    try:
        apps.get_model(label)
    except LookupError:
        return False
    return True
