"""`sebaya backup` / `sebaya restore`: a round trip gives back every table, row for row.

Runs on the database the suite runs on: SQLite (online backup API) or PostgreSQL (pg_dump and
pg_restore, which must be on the PATH).
"""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from sebaya.exchange.backup import (
    backup,
    backup_engine,
    content_tables,
    database_is_empty,
    restore,
    table_snapshot,
)
from sebaya.innovations.demo import SAMPLE_PATH
from sebaya.innovations.importers import import_innovations
from sebaya.innovations.models import Innovation
from sebaya.regions.loader import load_regions
from tests.accounts.factories import CuratorFactory, UserFactory
from tests.learning.factories import AdoptionFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def filled():
    load_regions()
    import_innovations(path=SAMPLE_PATH, source="sebaya-sample")
    CuratorFactory(username="kurator")
    practice = Innovation.objects.get(external_id="sragen-uptpk")
    from sebaya.regions.models import Region

    AdoptionFactory(innovation=practice, region=Region.objects.get(code="32.73"))


def test_round_trip_gives_back_every_table(filled, tmp_path):
    before = table_snapshot()
    assert len(before["innovations_innovation"]) == 20
    path = tmp_path / "cadangan.bak"
    out = StringIO()
    call_command("backup", str(path), stdout=out)
    assert backup_engine(path) == connection.vendor
    assert str(path) in out.getvalue()

    # Change the database in every way: delete, add, edit.
    Innovation.objects.filter(external_id="bandung-kredit-melati").delete()
    Innovation.objects.filter(external_id="sragen-uptpk").update(title="Diubah")
    UserFactory(username="baru")
    assert table_snapshot() != before

    with pytest.raises(CommandError, match="tidak kosong"):
        call_command("restore", str(path))
    call_command("restore", str(path), "--force", stdout=StringIO())
    after = table_snapshot()
    assert after.keys() == before.keys()
    for table in before:
        assert after[table] == before[table], table
    # The restored database works through the ORM as before.
    assert Innovation.objects.get(external_id="sragen-uptpk").title.startswith("Unit Pelayanan")


def test_restore_into_an_empty_database_needs_no_force(filled, tmp_path):
    path = tmp_path / "cadangan.bak"
    backup(path)
    before = table_snapshot()
    # Empty every content table (as a fresh `migrate` leaves them).
    from django.core.management import call_command as run

    run("flush", "--no-input", verbosity=0)
    assert database_is_empty()
    restore(path)
    assert table_snapshot()["innovations_innovation"] == before["innovations_innovation"]
    assert not database_is_empty()


def test_content_tables_cover_every_app():
    tables = set(content_tables())
    for expected in (
        "innovations_innovation",
        "regions_region",
        "learning_adoption",
        "exchange_importjob",
        "accounts_user",
    ):
        assert expected in tables
    assert "django_migrations" not in tables


def test_a_file_that_is_not_a_backup_is_refused(tmp_path):
    path = tmp_path / "bukan.bak"
    path.write_bytes(b"halo")
    with pytest.raises(CommandError, match="bukan cadangan"):
        call_command("restore", str(path))
    with pytest.raises(CommandError, match="tidak ditemukan"):
        call_command("restore", str(tmp_path / "tidak-ada.bak"))


def test_a_backup_of_the_other_engine_is_refused(tmp_path):
    path = tmp_path / "lain.bak"
    other = b"PGDMP" if connection.vendor == "sqlite" else b"SQLite format 3\x00"
    path.write_bytes(other + b"\x00" * 100)
    with pytest.raises(CommandError, match="mesin yang sama"):
        call_command("restore", str(path), "--force")


from io import StringIO  # noqa: E402
