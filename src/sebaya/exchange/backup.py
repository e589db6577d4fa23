"""`sebaya backup` and `sebaya restore`: the whole database to one file and back.

SQLite: the online backup API, page by page, consistent while the site runs; a restore copies
the file back through the same API into the live database in one step. PostgreSQL: pg_dump's
custom format; pg_restore --single-transaction, so a failed restore leaves the database as it
was. A backup is restored only into the engine it came from.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps
from django.db import connection, connections
from django.utils.translation import gettext as _

SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"
# Tables that `migrate` fills by itself: a database holding only these is empty.
_BOOKKEEPING = {"django_migrations", "django_content_type", "auth_permission", "django_session"}


class BackupError(Exception):
    """The backup or restore cannot be done; the message says why."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    engine: str
    size: int


def _engine(alias: str = "default") -> str:
    vendor = connections[alias].vendor
    if vendor not in ("sqlite", "postgresql"):
        raise BackupError(_("Basis data %(vendor)s tidak didukung.") % {"vendor": vendor})
    return vendor


def content_tables() -> list[str]:
    """Every table of an installed model, except what `migrate` fills by itself."""
    existing = set(connection.introspection.table_names())
    tables = set()
    for model in apps.get_models(include_auto_created=True):
        table = model._meta.db_table
        if table in existing and table not in _BOOKKEEPING and not model._meta.proxy:
            tables.add(table)
    return sorted(tables)


def database_is_empty() -> bool:
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in content_tables():
            cursor.execute(f"SELECT 1 FROM {quote(table)} LIMIT 1")  # noqa: S608 (table names)
            if cursor.fetchone():
                return False
    return True


def _pg_env(settings_dict: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    args = []
    if settings_dict.get("HOST"):
        args += ["--host", str(settings_dict["HOST"])]
    if settings_dict.get("PORT"):
        args += ["--port", str(settings_dict["PORT"])]
    if settings_dict.get("USER"):
        args += ["--username", str(settings_dict["USER"])]
    env = {**os.environ}
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    return args, env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            _("%(tool)s tidak ditemukan; pasang klien PostgreSQL (paket postgresql-client).")
            % {"tool": name}
        )
    return found


def backup(path: Path) -> BackupResult:
    """Write the whole database to `path` (replaced if it exists, only once complete)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    engine = _engine()
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    if engine == "sqlite":
        connection.ensure_connection()
        target = sqlite3.connect(partial)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
    else:
        settings_dict = connection.settings_dict
        args, env = _pg_env(settings_dict)
        result = subprocess.run(  # noqa: S603 (fixed tool, arguments from settings)
            [
                _tool("pg_dump"),
                *args,
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                "--file",
                str(partial),
                str(settings_dict["NAME"]),
            ],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            partial.unlink(missing_ok=True)
            raise BackupError(
                _("pg_dump gagal: %(error)s") % {"error": result.stderr.strip()[-2000:]}
            )
    partial.replace(path)
    return BackupResult(path=path, engine=engine, size=path.stat().st_size)


def backup_engine(path: Path) -> str:
    with Path(path).open("rb") as fh:
        head = fh.read(16)
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PGDUMP_MAGIC):
        return "postgresql"
    raise BackupError(_("%(path)s bukan cadangan Sebaya (SQLite atau pg_dump).") % {"path": path})


def restore(path: Path, *, force: bool = False) -> BackupResult:
    """Replace the database's content with the backup at `path`.

    Refuses a database that holds data unless `force`; refuses a backup of the other engine.
    """
    path = Path(path)
    if not path.is_file():
        raise BackupError(_("Berkas cadangan tidak ditemukan: %(path)s") % {"path": path})
    engine = _engine()
    found = backup_engine(path)
    if found != engine:
        raise BackupError(
            _(
                "Cadangan ini dari %(found)s, basis data ini %(engine)s; pulihkan ke mesin yang "
                "sama (atau pindahkan data dengan `sebaya export` lalu impor)."
            )
            % {"found": found, "engine": engine}
        )
    if not force and not database_is_empty():
        raise BackupError(
            _(
                "Basis data tidak kosong; pemulihan akan menimpa isinya. Ulangi dengan --force "
                "bila memang itu maksudnya (buat cadangan dulu)."
            )
        )
    if engine == "sqlite":
        _restore_sqlite(path)
    else:
        _restore_postgresql(path)
    return BackupResult(path=path, engine=engine, size=path.stat().st_size)


def _restore_sqlite(path: Path) -> None:
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        check = source.execute("PRAGMA integrity_check").fetchone()
        if not check or check[0] != "ok":
            raise BackupError(_("Berkas cadangan SQLite rusak."))
        connection.ensure_connection()
        if connection.in_atomic_block:
            raise BackupError(_("Pemulihan tidak dapat berjalan di dalam transaksi."))
        # The backup API writes the whole copy under one lock: readers see the old database
        # or the new one, never a mixture.
        source.backup(connection.connection)
    finally:
        source.close()


def _restore_postgresql(path: Path) -> None:
    settings_dict = connection.settings_dict
    args, env = _pg_env(settings_dict)
    # Django's own connection must not hold locks on the tables pg_restore drops.
    connection.close()
    result = subprocess.run(  # noqa: S603 (fixed tool, arguments from settings)
        [
            _tool("pg_restore"),
            *args,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            "--dbname",
            str(settings_dict["NAME"]),
            str(path),
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BackupError(
            _("pg_restore gagal; basis data tidak berubah: %(error)s")
            % {"error": result.stderr.strip()[-2000:]}
        )


def table_snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (bookkeeping included), sorted: for comparing two databases."""
    quote = connection.ops.quote_name
    snapshot: dict[str, list[tuple[Any, ...]]] = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names()):
            cursor.execute(f"SELECT * FROM {quote(table)}")  # noqa: S608 (table names)
            rows = [tuple(row) for row in cursor.fetchall()]
            snapshot[table] = sorted(rows, key=repr)
    return snapshot
