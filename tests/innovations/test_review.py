"""Review workflow pages, the yearly "still running?" check, and the duplicate hint."""

from __future__ import annotations

import datetime
import json

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from sebaya.core.errors import Conflict
from sebaya.innovations.models import Innovation, PublicationStatus, RunningStatus
from sebaya.innovations.selectors import practices_due_for_recheck, similar_practices
from sebaya.innovations.services import (
    innovation_mark_running,
    innovation_request_revision,
    innovation_submit,
    innovation_update,
    innovation_verify,
)
from sebaya.innovations.tasks import recheck_reminders_task
from tests.innovations.factories import InnovationFactory
from tests.security.world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def test_revision_notes_per_field_reach_the_editor_and_close_on_resubmit(world):
    practice = world.practices["submitted"]
    curator = world.client("curator")
    review = curator.get(reverse("innovations:review", kwargs={"slug": practice.slug}))
    assert 'name="note_summary"' in review.content.decode()
    response = curator.post(
        reverse("innovations:review", kwargs={"slug": practice.slug}),
        {"decision": "revise", "note_summary": "Sebutkan angka sasaran.", "note_general": "Rapi."},
    )
    assert response.status_code == 302
    practice.refresh_from_db()
    assert practice.status == PublicationStatus.REVISION
    assert sorted(practice.review_notes.values_list("field", flat=True)) == ["", "summary"]

    editor = world.client("editor")
    edit = editor.get(reverse("innovations:edit", kwargs={"slug": practice.slug})).content.decode()
    assert "Sebutkan angka sasaran." in edit
    assert 'id="id_summary_review"' in edit  # shown beside the field itself
    assert "Ajukan untuk ditinjau" in edit
    note = practice.review_notes.get(field="summary")
    editor.post(
        reverse("innovations:submit", kwargs={"slug": practice.slug}),
        {f"response_{note.pk}": "Sudah ditambah."},
    )
    practice.refresh_from_db()
    note.refresh_from_db()
    assert practice.status == PublicationStatus.SUBMITTED
    assert note.response == "Sudah ditambah." and not note.is_open


def test_a_revision_needs_a_note_and_known_fields(world):
    practice = world.practices["submitted"]
    curator = world.users["curator"]
    with pytest.raises(Exception) as empty:
        innovation_request_revision(user=curator, innovation=practice, notes={"title": "  "})
    assert "notes" in empty.value.message_dict
    with pytest.raises(Exception) as unknown:
        innovation_request_revision(user=curator, innovation=practice, notes={"status": "x"})
    assert "notes" in unknown.value.message_dict
    page = world.client("curator").post(
        reverse("innovations:review", kwargs={"slug": practice.slug}), {"decision": "revise"}
    )
    assert (
        page.status_code == 200 and "Tulis setidaknya satu catatan revisi." in page.content.decode()
    )
    practice.refresh_from_db()
    assert practice.status == PublicationStatus.SUBMITTED


def test_steps_out_of_order_are_conflicts(world):
    curator = world.users["curator"]
    with pytest.raises(Conflict):
        innovation_verify(user=curator, innovation=world.practices["draft"])
    with pytest.raises(Conflict):
        innovation_submit(user=curator, innovation=world.practices["published"])


def test_changing_a_verified_practice_sends_it_back_for_review(world):
    practice = world.practices["verified"]
    innovation_update(user=world.users["editor"], innovation=practice, summary="Berubah.")
    practice.refresh_from_db()
    assert practice.status == PublicationStatus.SUBMITTED
    # A curator's correction keeps the verification.
    innovation_verify(user=world.users["curator"], innovation=practice)
    innovation_update(user=world.users["curator"], innovation=practice, summary="Dirapikan.")
    practice.refresh_from_db()
    assert practice.status == PublicationStatus.VERIFIED


def test_unpublished_states_stay_out_of_the_catalogue_and_api(world):
    anonymous = world.client("anonymous")
    slugs = {row["slug"] for row in anonymous.get("/api/v1/practices").json()["results"]}
    assert slugs == {world.practices["published"].slug}
    for status, practice in world.practices.items():
        expected = 200 if status == "published" else 404
        assert anonymous.get(practice.get_absolute_url()).status_code == expected
        assert world.client("member").get(practice.get_absolute_url()).status_code == 200


def test_review_queue_lists_submitted_practices(world):
    html = world.client("curator").get(reverse("innovations:review_queue")).content.decode()
    assert world.practices["submitted"].title in html
    assert world.practices["draft"].title not in html


def test_recheck_marks_berlanjut_or_vakum_with_the_date(world):
    practice = world.practices["published"]
    today = timezone.localdate()
    assert practice in practices_due_for_recheck()
    response = world.client("editor").post(
        reverse("innovations:recheck", kwargs={"slug": practice.slug}),
        {"running_status": "berhenti", "checked_on": ""},
    )
    assert response.status_code == 302
    practice.refresh_from_db()
    assert practice.running_status == RunningStatus.STOPPED
    assert practice.status_checked_on == today
    assert practice not in practices_due_for_recheck()
    assert practice in practices_due_for_recheck(today=today + datetime.timedelta(days=365))
    future = world.client("editor").post(
        reverse("innovations:recheck", kwargs={"slug": practice.slug}),
        {"running_status": "berjalan", "checked_on": (today + datetime.timedelta(days=3))},
    )
    assert future.status_code == 200
    assert "masa depan" in future.content.decode()
    with pytest.raises(Exception) as older:
        innovation_mark_running(
            user=None,
            innovation=practice,
            running_status="berlanjut",
            checked_on=today - datetime.timedelta(days=30),
        )
    assert "checked_on" in older.value.message_dict


def test_recheck_command_lists_and_marks(world, capsys):
    practice = world.practices["published"]
    call_command("recheck", "--json")
    rows = json.loads(capsys.readouterr().out)
    assert [r["slug"] for r in rows] == [practice.slug]
    call_command("recheck", "--mark", practice.slug, "vakum", "--date", "2025-02-01")
    practice.refresh_from_db()
    assert practice.running_status == RunningStatus.STOPPED
    assert practice.status_checked_on == datetime.date(2025, 2, 1)


def test_periodic_task_emails_the_editors_of_due_practices(world):
    for role in ("editor", "org_admin", "member", "other_org"):
        user = world.users[role]
        user.email = f"{role}@example.org"
        user.save()
    sent = recheck_reminders_task.call_local()
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert sent == 2 and recipients == ["editor@example.org", "org_admin@example.org"]
    assert f"/praktik/{world.practices['published'].slug}/periksa/" in mail.outbox[0].body


def test_similar_practices_are_suggested_while_typing(world):
    InnovationFactory(title="Lumbung Pangan Desa Mandiri", slug="lumbung-pangan")
    InnovationFactory(title="Bank Sampah Sekolah", slug="bank-sampah")
    hidden = InnovationFactory(
        title="Lumbung Pangan Rahasia", slug="lumbung-rahasia", status=PublicationStatus.DRAFT
    )
    found = [
        p.slug for p, _score in similar_practices(user=world.users["user"], title="lumbung pangan")
    ]
    assert found == ["lumbung-pangan"]  # another organisation's draft never leaks
    assert hidden.slug not in found
    assert similar_practices(user=world.users["user"], title="dan di ke") == []
    editor = world.client("editor")
    form = editor.get(reverse("innovations:create") + "?org=bappeda-pontianak").content.decode()
    assert f'hx-get="{reverse("innovations:similar")}"' in form
    assert 'id="similar-practices"' in form and "htmx.min.js" in form
    hint = editor.get(reverse("innovations:similar"), {"title": "Lumbung pangan kelurahan"})
    assert "Lumbung Pangan Desa Mandiri" in hint.content.decode()
    assert "Bank Sampah" not in hint.content.decode()
    assert Innovation.objects.count() == 3 + len(world.practices)
