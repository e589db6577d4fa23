"""Change history: written by the services, for practices, memberships and indicators, and shown
as per-field differences."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sebaya.accounts.models import Role
from sebaya.accounts.services import membership_add, membership_remove
from sebaya.history.models import ChangeRecord
from sebaya.history.selectors import diff_of, history_for, word_diff
from sebaya.history.services import record_change, snapshot
from sebaya.innovations.models import Innovation
from sebaya.innovations.services import (
    innovation_create,
    innovation_delete,
    innovation_update,
)
from sebaya.regions.indicators import import_indicator_rows
from sebaya.regions.models import Observation
from tests.accounts.factories import UserFactory
from tests.innovations.factories import ThemeFactory
from tests.security.world import build_world

pytestmark = pytest.mark.django_db


def test_practice_changes_are_recorded_with_who_when_before_and_after():
    world = build_world()
    editor = world.users["editor"]
    theme = ThemeFactory(slug="pangan", name_id="Pangan")
    practice = innovation_create(
        user=editor, organisation=world.org, region=world.region, title="Dapur Umum"
    )
    innovation_update(
        user=editor,
        innovation=practice,
        summary="Makan bersama warga.",
        themes=[theme],
    )
    innovation_update(user=editor, innovation=practice, summary="Makan bersama warga.")
    records = list(history_for(model="innovations.innovation", object_id=practice.pk))
    assert [r.action for r in records] == ["update", "create"]  # the no-op wrote nothing
    update = records[0]
    assert update.actor == editor
    assert update.changed_fields == ["summary", "themes"]
    assert update.before["summary"] == "" and update.after["summary"] == "Makan bersama warga."
    assert update.after["themes"] == ["Pangan"]
    assert records[1].after["title"] == "Dapur Umum"
    assert records[1].after["region"] == "Kota Pontianak"

    pk = practice.pk
    innovation_delete(user=editor, innovation=practice)
    deleted = history_for(model="innovations.innovation", object_id=pk).first()
    assert deleted.action == "delete" and deleted.before["title"] == "Dapur Umum"
    assert not Innovation.objects.filter(pk=pk).exists()


def test_membership_changes_are_recorded():
    world = build_world()
    admin = world.users["org_admin"]
    newcomer = UserFactory(username="pendatang")
    membership = membership_add(user=admin, organisation=world.org, member=newcomer)
    membership_add(user=admin, organisation=world.org, member=newcomer, role=Role.EDITOR)
    pk = membership.pk
    membership_remove(user=admin, membership=membership)
    records = list(history_for(model="accounts.membership", object_id=pk))
    assert [r.action for r in records] == ["delete", "update", "create"]
    assert records[1].before["role"] == "member" and records[1].after["role"] == "editor"
    assert {r.actor for r in records} == {admin}


def test_indicator_imports_record_each_observation():
    build_world()
    row = {
        "region_name": "Kota Pontianak",
        "region_level": "kota",
        "indicator": "poverty_rate",
        "period": "2023-03",
        "value_percent": "4,5",
        "source_url": "https://bps.go.id/x",
    }
    report = import_indicator_rows(rows=[row])
    assert report.written, report.errors
    observation = Observation.objects.get()
    created = history_for(model="regions.observation", object_id=observation.pk).get()
    assert created.action == "create" and created.actor is None
    assert created.after["value"] == "4.5"
    import_indicator_rows(rows=[{**row, "value_percent": "4,25"}])
    latest = history_for(model="regions.observation", object_id=observation.pk).first()
    assert latest.action == "update" and latest.changed_fields == ["value"]
    assert (latest.before["value"], latest.after["value"]) == ("4.5", "4.25")
    assert ChangeRecord.objects.filter(model="regions.indicator").exists()


def test_word_diff_marks_deleted_and_inserted_words():
    pieces = word_diff("warga miskin di desa", "warga rentan di kota")
    assert [(p.op, p.text) for p in pieces if p.op != "equal"] == [
        ("delete", "miskin"),
        ("insert", "rentan"),
        ("delete", "desa"),
        ("insert", "kota"),
    ]


def test_record_change_refuses_unknown_actions_and_skips_empty_updates():
    world = build_world()
    practice = world.practices["draft"]
    with pytest.raises(ValueError):
        record_change(actor=None, instance=practice, action="rename")
    same = snapshot(practice)
    assert (
        record_change(actor=None, instance=practice, action="update", before=same, after=same)
        is None
    )


def test_diff_page_shows_the_change_escaped():
    world = build_world()
    practice = world.practices["published"]
    innovation_update(user=world.users["editor"], innovation=practice, summary="Lama <b>x</b>")
    innovation_update(user=world.users["editor"], innovation=practice, summary="Baru <b>x</b>")
    html = (
        world.client("member")
        .get(reverse("innovations:history", kwargs={"slug": practice.slug}))
        .content.decode()
    )
    assert "<del>Lama</del>" in html and "<ins>Baru</ins>" in html
    assert "&lt;b&gt;x&lt;/b&gt;" in html and "<b>x</b>" not in html
    assert world.users["editor"].username in html
    rows = diff_of(history_for(model="innovations.innovation", object_id=practice.pk).first())
    assert [r.field for r in rows] == ["summary"] and rows[0].label == "ringkasan"
    generic = world.client("curator").get(
        reverse(
            "history:object",
            kwargs={"model": "innovations.innovation", "object_id": str(practice.pk)},
        )
    )
    assert generic.status_code == 200 and "<ins>Baru</ins>" in generic.content.decode()
    unknown = world.client("curator").get(
        reverse("history:object", kwargs={"model": "tidak.ada", "object_id": "1"})
    )
    assert unknown.status_code == 404


def test_history_list_queries_stay_bounded(django_assert_max_num_queries):
    world = build_world()
    practice = world.practices["published"]
    for i in range(15):
        innovation_update(user=world.users["editor"], innovation=practice, summary=f"Versi {i}")
    client = world.client("member")
    url = reverse("innovations:history", kwargs={"slug": practice.slug})
    with django_assert_max_num_queries(9):
        assert client.get(url).status_code == 200
