"""Services of peer learning: every stage rule, action plans, registration, programmes."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from sebaya.learning.models import (
    Adoption,
    AdoptionEvidence,
    AdoptionStage,
    AdoptionStageChange,
    EvidenceKind,
    Follow,
    RegistrationStatus,
)
from sebaya.learning.services import (
    ActionPlanInput,
    EvidenceInput,
    adoption_advance,
    event_create,
    event_material_add,
    programme_create,
    registration_cancel,
    registration_create,
)
from tests.accounts.factories import MembershipFactory
from tests.learning.factories import EventFactory
from tests.learning.helpers import PDF, PLAN, days_ago, submit_plan, today

pytestmark = pytest.mark.django_db

MOU = EvidenceInput(kind=EvidenceKind.MOU, url="https://contoh.go.id/mou.pdf", title="MoU")
PERBUP = EvidenceInput(
    kind=EvidenceKind.REGULATION,
    reference="Peraturan Bupati Nomor 12 Tahun 2024",
    date=datetime.date(2024, 3, 1),
)


def _messages(exc: ValidationError, field: str) -> str:
    return " ".join(exc.message_dict.get(field, []))


def _advance(world, adoption, to_stage, **kwargs):
    kwargs.setdefault("date", today())
    return adoption_advance(
        user=kwargs.pop("user", world.adopter), adoption=adoption, to_stage=to_stage, **kwargs
    )


# Action plans ----------------------------------------------------------------------------


def test_action_plan_opens_an_adoption_at_minat_and_follows_it(world):
    plan = submit_plan(world)

    adoption = plan.adoption
    assert adoption.stage == AdoptionStage.MINAT
    assert adoption.region == world.adopter_region
    assert adoption.organisation == world.adopter_org
    assert adoption.programme == world.programme
    assert adoption.stage_changed_on == today()
    change = adoption.stage_changes.get()
    assert (change.from_stage, change.to_stage, change.changed_by) == ("", "minat", world.adopter)
    assert Follow.objects.filter(user=world.adopter, adoption=adoption).exists()


def test_second_plan_for_the_same_practice_and_region_joins_the_adoption(world):
    first = submit_plan(world)
    second = submit_plan(world)
    assert first.adoption_id == second.adoption_id
    assert Adoption.objects.count() == 1
    assert AdoptionStageChange.objects.count() == 1


def test_plan_on_a_documented_adoption_keeps_its_stage_and_claims_it(world):
    documented = Adoption.objects.create(
        innovation=world.practice,
        region=world.adopter_region,
        stage=AdoptionStage.STUDI_TIRU,
        source_url="https://contoh.go.id/berita",
    )
    plan = submit_plan(world)
    documented.refresh_from_db()
    assert plan.adoption == documented
    assert documented.stage == AdoptionStage.STUDI_TIRU
    assert documented.organisation == world.adopter_org


@pytest.mark.parametrize(
    ("field", "changes"),
    [
        ("modification", {"modification": "  "}),
        ("rationale", {"rationale": ""}),
        ("responsible_unit", {"responsible_unit": ""}),
        (
            "target_operation_on",
            {
                "target_pilot_on": datetime.date(2025, 6, 1),
                "target_operation_on": datetime.date(2025, 1, 1),
            },
        ),
    ],
)
def test_action_plan_refuses_incomplete_or_disordered_plans(world, field, changes):
    plan = ActionPlanInput(**{**PLAN.__dict__, **changes})
    with pytest.raises(ValidationError) as caught:
        submit_plan(world, plan=plan)
    assert field in caught.value.message_dict
    assert not Adoption.objects.exists()


def test_action_plan_needs_a_registered_organisation_and_a_featured_practice(world):
    MembershipFactory(user=world.adopter, organisation=world.other_org, role="editor")
    with pytest.raises(ValidationError) as caught:
        submit_plan(world, organisation=world.other_org)
    assert "belum terdaftar" in _messages(caught.value, "organisation")

    from tests.innovations.factories import InnovationFactory

    elsewhere = InnovationFactory(region=world.origin)
    with pytest.raises(ValidationError) as caught:
        submit_plan(world, innovation=elsewhere)
    assert "tidak disajikan" in _messages(caught.value, "innovation")


def test_a_region_cannot_adopt_its_own_practice(world):
    with pytest.raises(ValidationError) as caught:
        submit_plan(world, user=world.originator, organisation=world.origin_org, event=None)
    assert "wilayah Anda sendiri" in _messages(caught.value, "innovation")


def test_only_editors_of_the_adopting_organisation_submit_plans(world):
    for user in (world.adopter_member, world.outsider, world.organiser, world.originator):
        with pytest.raises(PermissionDenied):
            submit_plan(world, user=user)
    assert not Adoption.objects.exists()


# Stage rules -----------------------------------------------------------------------------


def test_forward_steps_record_date_note_and_version(world):
    adoption = submit_plan(world).adoption
    change = _advance(world, adoption, AdoptionStage.STUDI_TIRU, note="Kunjungan ke daerah asal.")
    adoption.refresh_from_db()
    assert adoption.stage == AdoptionStage.STUDI_TIRU
    assert adoption.version == 2
    assert change.from_stage == AdoptionStage.MINAT
    assert change.note == "Kunjungan ke daerah asal."
    assert change.organisation == world.adopter_org


def test_stages_may_be_skipped_forwards(world):
    adoption = submit_plan(world).adoption
    _advance(world, adoption, AdoptionStage.ADAPTASI)
    adoption.refresh_from_db()
    assert adoption.stage == AdoptionStage.ADAPTASI


def test_no_date_in_the_future(world):
    adoption = submit_plan(world).adoption
    with pytest.raises(ValidationError) as caught:
        _advance(world, adoption, AdoptionStage.STUDI_TIRU, date=today() + datetime.timedelta(1))
    assert "masa depan" in _messages(caught.value, "date")
    adoption.refresh_from_db()
    assert adoption.stage == AdoptionStage.MINAT and adoption.version == 1


def test_date_is_required_and_not_before_the_last_change(world):
    adoption = submit_plan(world).adoption
    with pytest.raises(ValidationError) as caught:
        _advance(world, adoption, AdoptionStage.STUDI_TIRU, date=None)
    assert "date" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        _advance(world, adoption, AdoptionStage.STUDI_TIRU, date=days_ago(3))
    assert "sebelum perubahan tahap terakhir" in _messages(caught.value, "date")


def test_no_silent_jump_backwards(world):
    adoption = submit_plan(world).adoption
    _advance(world, adoption, AdoptionStage.UJI_COBA)
    with pytest.raises(ValidationError) as caught:
        _advance(world, adoption, AdoptionStage.ADAPTASI)
    assert "mundur tahap" in _messages(caught.value, "to_stage")
    with pytest.raises(ValidationError) as caught:
        _advance(world, adoption, AdoptionStage.ADAPTASI, going_back=True)
    assert "alasan" in _messages(caught.value, "note")

    change = _advance(
        world,
        adoption,
        AdoptionStage.ADAPTASI,
        going_back=True,
        note="Uji coba di dua desa gagal; rancangan diubah.",
    )
    assert change.is_backwards
    adoption.refresh_from_db()
    assert adoption.stage == AdoptionStage.ADAPTASI


def test_same_stage_again_is_refused(world):
    adoption = submit_plan(world).adoption
    with pytest.raises(ValidationError) as caught:
        _advance(world, adoption, AdoptionStage.MINAT)
    assert "sudah berada" in _messages(caught.value, "to_stage")


def test_unknown_stage_is_refused(world):
    adoption = submit_plan(world).adoption
    with pytest.raises(ValidationError) as caught:
        _advance(world, adoption, "lompat")
    assert "to_stage" in caught.value.message_dict


@pytest.mark.parametrize("stage", [AdoptionStage.KESEPAKATAN, AdoptionStage.PELEMBAGAAN])
def test_kesepakatan_and_pelembagaan_need_evidence(world, stage):
    adoption = submit_plan(world).adoption
    with pytest.raises(ValidationError) as caught:
        _advance(world, adoption, stage)
    assert "memerlukan bukti" in _messages(caught.value, "evidence_kind")
    # Evidence of the wrong kind does not count either.
    wrong = EvidenceInput(kind=EvidenceKind.REPORT, url="https://contoh.go.id/laporan.pdf")
    with pytest.raises(ValidationError):
        _advance(world, adoption, stage, evidence=[wrong])
    right = MOU if stage == AdoptionStage.KESEPAKATAN else PERBUP
    _advance(world, adoption, stage, evidence=[right])
    adoption.refresh_from_db()
    assert adoption.stage == stage
    assert AdoptionEvidence.objects.get().kind == right.kind


def test_regulation_evidence_needs_number_and_date(world):
    adoption = submit_plan(world).adoption
    no_date = EvidenceInput(kind=EvidenceKind.REGULATION, reference="Perbup 12/2024")
    with pytest.raises(ValidationError) as caught:
        _advance(world, adoption, AdoptionStage.PELEMBAGAAN, evidence=[no_date])
    assert "nomor dan tanggal" in _messages(caught.value, "evidence_reference")


def test_evidence_dates_may_not_be_in_the_future_and_links_must_be_web_addresses(world):
    adoption = submit_plan(world).adoption
    future = EvidenceInput(
        kind=EvidenceKind.MOU, reference="MoU 1/2024", date=today() + datetime.timedelta(5)
    )
    with pytest.raises(ValidationError) as caught:
        _advance(world, adoption, AdoptionStage.KESEPAKATAN, evidence=[future])
    assert "evidence_date" in caught.value.message_dict
    bad_link = EvidenceInput(kind=EvidenceKind.MOU, url="javascript:alert(1)")
    with pytest.raises(ValidationError) as caught:
        _advance(world, adoption, AdoptionStage.KESEPAKATAN, evidence=[bad_link])
    assert "evidence_url" in caught.value.message_dict


def test_evidence_file_is_checked_by_content_and_stored(world):
    adoption = submit_plan(world).adoption
    fake = SimpleUploadedFile("mou.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationError) as caught:
        _advance(
            world,
            adoption,
            AdoptionStage.KESEPAKATAN,
            evidence=[EvidenceInput(kind=EvidenceKind.MOU, file=fake)],
        )
    assert "Jenis berkas" in _messages(caught.value, "evidence_file")
    assert not AdoptionEvidence.objects.exists()

    real = SimpleUploadedFile("MoU 2024.pdf", PDF, content_type="application/octet-stream")
    _advance(
        world,
        adoption,
        AdoptionStage.KESEPAKATAN,
        evidence=[EvidenceInput(kind=EvidenceKind.MOU, file=real)],
    )
    stored = AdoptionEvidence.objects.get()
    assert stored.content_type == "application/pdf"
    assert stored.file.name.endswith(".pdf")
    assert stored.file.read() == PDF


def test_berhenti_needs_a_reason_and_resuming_needs_a_note(world):
    adoption = submit_plan(world).adoption
    with pytest.raises(ValidationError) as caught:
        _advance(world, adoption, AdoptionStage.BERHENTI)
    assert "stopped_reason" in caught.value.message_dict
    _advance(world, adoption, AdoptionStage.BERHENTI, stopped_reason="Anggaran dialihkan.")
    adoption.refresh_from_db()
    assert adoption.stopped_reason == "Anggaran dialihkan."

    with pytest.raises(ValidationError) as caught:
        _advance(world, adoption, AdoptionStage.ADAPTASI)
    assert "dilanjutkan kembali" in _messages(caught.value, "note")
    _advance(world, adoption, AdoptionStage.ADAPTASI, note="Anggaran perubahan tersedia.")
    adoption.refresh_from_db()
    assert adoption.stage == AdoptionStage.ADAPTASI and adoption.stopped_reason == ""


def test_a_refused_change_saves_nothing(world):
    adoption = submit_plan(world).adoption
    with pytest.raises(ValidationError):
        _advance(world, adoption, AdoptionStage.PELEMBAGAAN)
    adoption.refresh_from_db()
    assert adoption.version == 1
    assert adoption.stage_changes.count() == 1


def test_documented_adoption_without_organisation_is_advanced_by_its_region(world):
    documented = Adoption.objects.create(
        innovation=world.practice, region=world.adopter_region, stage=AdoptionStage.STUDI_TIRU
    )
    _advance(world, documented, AdoptionStage.ADAPTASI)
    documented.refresh_from_db()
    assert documented.organisation == world.adopter_org
    with pytest.raises(PermissionDenied):
        _advance(world, documented, AdoptionStage.UJI_COBA, user=world.outsider)


# Registration and programmes -------------------------------------------------------------


def test_registration_respects_capacity_and_the_waiting_list_moves_up(world):
    event = EventFactory(programme=world.programme, capacity=1)
    first = registration_create(user=world.adopter, event=event, organisation=world.adopter_org)
    second = registration_create(user=world.outsider, event=event, organisation=world.other_org)
    assert first.status == RegistrationStatus.REGISTERED
    assert second.status == RegistrationStatus.WAITLISTED
    with pytest.raises(ValidationError):
        registration_create(user=world.adopter, event=event, organisation=world.adopter_org)
    registration_cancel(user=world.adopter, registration=first)
    second.refresh_from_db()
    assert second.status == RegistrationStatus.REGISTERED


def test_registration_only_when_open_and_only_for_ones_own_organisation(world):
    closed = EventFactory(programme=world.programme, registration_open=False)
    with pytest.raises(ValidationError):
        registration_create(user=world.adopter, event=closed, organisation=world.adopter_org)
    with pytest.raises(PermissionDenied):
        registration_create(user=world.adopter, event=world.event, organisation=world.other_org)


def test_programme_create_names_own_organisations_and_checks_period(world):
    with pytest.raises(PermissionDenied):
        programme_create(user=world.adopter, title="Program", organisers=[world.other_org])
    with pytest.raises(ValidationError) as caught:
        programme_create(
            user=world.adopter,
            title="Program",
            organisers=[world.adopter_org],
            starts_on=datetime.date(2024, 5, 1),
            ends_on=datetime.date(2024, 4, 1),
        )
    assert "ends_on" in caught.value.message_dict
    programme = programme_create(
        user=world.adopter, title="Program Baru", organisers=[world.adopter_org]
    )
    assert programme.slug == "program-baru"
    assert list(programme.organisers.all()) == [world.adopter_org]


def test_reserved_slug_is_never_given_to_a_programme(world):
    programme = programme_create(user=world.adopter, title="Baru", organisers=[world.adopter_org])
    assert programme.slug != "baru"


def test_webinar_needs_an_online_link(world):
    with pytest.raises(ValidationError) as caught:
        event_create(
            user=world.organiser,
            programme=world.programme,
            kind="webinar",
            title="Webinar",
            starts_on=datetime.date(2024, 6, 1),
        )
    assert "online_url" in caught.value.message_dict


def test_material_needs_link_or_checked_file(world):
    with pytest.raises(ValidationError):
        event_material_add(user=world.organiser, event=world.event, title="Bahan")
    exe = SimpleUploadedFile("slides.pdf", b"MZ\x00\x00", content_type="application/pdf")
    with pytest.raises(ValidationError) as caught:
        event_material_add(user=world.organiser, event=world.event, title="Bahan", file=exe)
    assert "file" in caught.value.message_dict
    material = event_material_add(
        user=world.organiser,
        event=world.event,
        title="Bahan",
        file=SimpleUploadedFile("bahan.pdf", PDF),
    )
    assert material.content_type == "application/pdf"


# History ---------------------------------------------------------------------------------


def test_plans_and_stage_changes_are_recorded_with_who_before_and_after(world):
    from sebaya.history.models import ChangeRecord

    plan = submit_plan(world)
    adoption = plan.adoption
    _advance(world, adoption, AdoptionStage.STUDI_TIRU, note="Kunjungan ke Pekalongan.")

    records = ChangeRecord.objects.filter(model="learning.adoption", object_id=str(adoption.pk))
    created, moved = records.order_by("pk")
    assert created.action == "create" and created.after["stage"] == "minat"
    assert created.actor == world.adopter
    assert moved.action == "status" and moved.actor == world.adopter
    assert (moved.before["stage"], moved.after["stage"]) == ("minat", "studi_tiru")
    assert "stage" in moved.changed_fields and moved.note == "Kunjungan ke Pekalongan."
    assert ChangeRecord.objects.filter(
        model="learning.actionplan", object_id=str(plan.pk), action="create"
    ).exists()

    # A refused change leaves no record.
    with pytest.raises(ValidationError):
        _advance(world, adoption, AdoptionStage.PELEMBAGAAN)
    assert records.count() == 2
