"""Pages of peer learning: who sees and does what, forms keep input on errors, bounded queries."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sebaya.learning.models import (
    ActionPlan,
    Adoption,
    AdoptionStage,
    LearningEvent,
    LearningProgramme,
    Registration,
)
from tests.accounts.factories import OrganisationFactory
from tests.learning.factories import ActionPlanFactory, AdoptionFactory, ProgrammeFactory
from tests.learning.helpers import PDF, submit_plan, today
from tests.regions.factories import RegionFactory

pytestmark = pytest.mark.django_db


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def test_public_pages_render_for_everyone(world, client):
    plan = submit_plan(world)
    for url in (
        "/belajar/",
        world.programme.get_absolute_url(),
        world.event.get_absolute_url(),
        plan.get_absolute_url(),
        plan.adoption.get_absolute_url(),
        f"/belajar/praktik/{world.practice.slug}/",
        f"/belajar/program/{world.programme.slug}/dasbor/",
        f"/belajar/program/{world.programme.slug}/laporan/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert b"Catat tahap baru" not in response.content


def test_writing_pages_need_sign_in(world, client):
    for url in (
        "/belajar/program/baru/",
        f"/belajar/kegiatan/{world.event.pk}/rtl/baru/",
        "/belajar/notifikasi/",
        "/belajar/replikasi/",
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/masuk/" in response["Location"], url


def test_organiser_creates_a_programme_and_an_event(world, client):
    client.force_login(world.organiser)
    response = client.post(
        "/belajar/program/baru/",
        {
            "title": "Lokakarya Stunting",
            "organisers": [world.organiser_org.pk],
            "starts_on": "2025-01-10",
            "theme": "Stunting",
        },
    )
    programme = LearningProgramme.objects.get(title="Lokakarya Stunting")
    assert response["Location"] == programme.get_absolute_url()
    response = client.post(
        f"/belajar/program/{programme.slug}/kegiatan/baru/",
        {
            "kind": "workshop",
            "title": "Hari pertama",
            "starts_on": "2025-02-01",
            "place": "Pontianak",
            "capacity": "40",
            "registration_open": "on",
        },
    )
    event = LearningEvent.objects.get(programme=programme)
    assert response["Location"] == event.get_absolute_url()
    response = client.post(
        f"/belajar/kegiatan/{event.pk}/praktik/",
        {"practice": f"http://testserver/praktik/{world.practice.slug}/"},
    )
    assert response.status_code == 302
    assert event.featured.get().presenter == world.origin_org


def test_errors_on_the_event_page_keep_what_was_typed(world, client):
    client.force_login(world.organiser)
    response = client.post(
        f"/belajar/kegiatan/{world.event.pk}/praktik/", {"practice": "tidak-ada-praktik-ini"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "tidak ditemukan" in html
    assert 'value="tidak-ada-praktik-ini"' in html


def test_others_cannot_manage_the_programme(world, client):
    client.force_login(world.adopter)
    assert client.get(f"/belajar/program/{world.programme.slug}/ubah/").status_code == 403
    assert client.get(f"/belajar/program/{world.programme.slug}/kegiatan/baru/").status_code == 403
    response = client.post(f"/belajar/kegiatan/{world.event.pk}/sesi/", {"title": "Sesi"})
    assert response.status_code == 403
    assert not world.event.sessions.exists()


def test_adopter_registers_and_submits_an_action_plan(world, client):
    Registration.objects.all().delete()
    client.force_login(world.adopter)
    client.post(
        f"/belajar/kegiatan/{world.event.pk}/daftar/", {"organisation": world.adopter_org.pk}
    )
    assert Registration.objects.get().organisation == world.adopter_org
    response = client.post(
        f"/belajar/kegiatan/{world.event.pk}/rtl/baru/",
        {
            "organisation": world.adopter_org.pk,
            "innovation": world.practice.pk,
            "modification": "Dipakai untuk desa pesisir.",
            "rationale": "Kemiskinan di pesisir.",
            "responsible_unit": "Bappeda",
            "target_pilot_on": "2025-03-01",
        },
    )
    plan = ActionPlan.objects.get()
    assert response["Location"] == plan.get_absolute_url()
    assert plan.target_pilot_on == datetime.date(2025, 3, 1)


def test_advancing_through_the_page(world, client):
    adoption = submit_plan(world).adoption
    client.force_login(world.adopter)
    page = client.get(adoption.get_absolute_url()).content.decode()
    assert "Catat tahap baru" in page and 'name="version" value="1"' in page
    url = f"/belajar/adopsi/{adoption.pk}/tahap/"

    # Pelembagaan without evidence: refused, shown, what was typed kept.
    response = client.post(
        url,
        {
            "to_stage": "pelembagaan",
            "date": today().isoformat(),
            "note": "Perbup terbit.",
            "version": "1",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "memerlukan bukti" in html and "Perbup terbit." in html

    response = client.post(
        url,
        {
            "to_stage": "pelembagaan",
            "date": today().isoformat(),
            "note": "Perbup terbit.",
            "version": "1",
            "evidence_kind": "regulasi",
            "evidence_reference": "Peraturan Bupati Nomor 5 Tahun 2025",
            "evidence_date": "2025-01-15",
            "evidence_file": SimpleUploadedFile("perbup.pdf", PDF),
        },
    )
    assert response.status_code == 302
    adoption.refresh_from_db()
    assert adoption.stage == AdoptionStage.PELEMBAGAAN

    # A second tab still holding version 1 is told, not obeyed.
    response = client.post(
        url, {"to_stage": "evaluasi", "date": today().isoformat(), "version": "1"}
    )
    assert response.status_code == 409
    assert "baru saja diubah orang lain" in response.content.decode()
    adoption.refresh_from_db()
    assert adoption.stage == AdoptionStage.PELEMBAGAAN

    evidence = adoption.stage_changes.last().evidence.get()
    download = client.get(f"/belajar/bukti/{evidence.pk}/")
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment")
    assert b"".join(download.streaming_content) == PDF


def test_outsiders_cannot_advance(world, client):
    adoption = submit_plan(world).adoption
    client.force_login(world.outsider)
    assert b"Catat tahap baru" not in client.get(adoption.get_absolute_url()).content
    response = client.post(
        f"/belajar/adopsi/{adoption.pk}/tahap/",
        {"to_stage": "studi_tiru", "date": today().isoformat(), "version": "1"},
    )
    assert response.status_code == 403
    assert Adoption.objects.get().stage == AdoptionStage.MINAT


def test_originator_sees_who_replicates_its_practices(world, client):
    submit_plan(world)
    client.force_login(world.originator)
    html = client.get("/belajar/replikasi/").content.decode()
    assert world.adopter_region.name in html and "Minat" in html


def test_questions_and_answers_on_the_practice_page(world, client):
    client.force_login(world.adopter)
    client.post(
        f"/belajar/praktik/{world.practice.slug}/tanya/",
        {"body": "Berapa petugas yang diperlukan?"},
    )
    client.force_login(world.originator)
    page = client.get(f"/belajar/praktik/{world.practice.slug}/").content.decode()
    assert "Berapa petugas" in page and "Kirim jawaban" in page
    question = world.practice.questions.get()
    client.post(f"/belajar/pertanyaan/{question.pk}/jawab/", {"body": "Tiga orang per desa."})
    assert question.answers.get().organisation == world.origin_org
    client.logout()
    page = client.get(f"/belajar/praktik/{world.practice.slug}/").content.decode()
    assert "Tiga orang per desa." in page and "Kirim jawaban" not in page


def test_user_text_is_escaped(world, client):
    client.force_login(world.adopter)
    client.post(
        f"/belajar/praktik/{world.practice.slug}/tanya/", {"body": "<script>alert(1)</script>"}
    )
    page = client.get(f"/belajar/praktik/{world.practice.slug}/").content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page


def test_catalogue_and_practice_page_show_how_many_regions_replicate(world, client):
    AdoptionFactory(innovation=world.practice, stage=AdoptionStage.STUDI_TIRU)
    AdoptionFactory(innovation=world.practice, stage=AdoptionStage.PENERAPAN)
    AdoptionFactory(innovation=world.practice, stage=AdoptionStage.BERHENTI)
    assert "ditiru 2 daerah" in client.get("/praktik/").content.decode()
    detail = client.get(world.practice.get_absolute_url()).content.decode()
    assert "tercatat ditiru oleh 2 daerah" in detail


def test_dashboard_stalled_days_come_from_the_query(world, client):
    plan = submit_plan(world)
    ActionPlan.objects.filter(pk=plan.pk).update(
        created_at=plan.created_at - datetime.timedelta(days=40)
    )
    Adoption.objects.filter(pk=plan.adoption_id).update(
        stage_changed_on=today() - datetime.timedelta(days=40)
    )
    url = f"/belajar/program/{world.programme.slug}/dasbor/"
    assert "Tidak ada rencana yang macet" in client.get(url).content.decode()  # 60 by default
    html = client.get(url + "?hari=30").content.decode()
    assert "Tidak ada rencana yang macet" not in html
    assert client.get(url + "?hari=abc").status_code == 200


def test_list_pages_run_the_same_queries_for_few_and_many_rows(world, client):
    def grow(n: int, start: int) -> None:
        for i in range(start, start + n):
            ProgrammeFactory(organisers=[world.organiser_org])
            region = RegionFactory(code=f"61.{50 + i}", parent=world.province)
            ActionPlanFactory(
                programme=world.programme,
                innovation=world.practice,
                organisation=OrganisationFactory(region=region),
            )

    grow(2, 0)
    urls = [
        "/belajar/",
        f"/belajar/program/{world.programme.slug}/dasbor/",
        f"/belajar/praktik/{world.practice.slug}/",
        world.programme.get_absolute_url(),
    ]
    few = [_queries(client, url) for url in urls]
    grow(10, 2)
    many = [_queries(client, url) for url in urls]
    assert few == many
    assert max(many) <= 20


def test_dashboard_is_kept_per_data_version_and_follows_a_write_at_once(world, client):
    url = f"/belajar/program/{world.programme.slug}/dasbor/"
    from sebaya.core.caching import clear_pages

    first = client.get(url).context["report"]
    clear_pages()  # the page itself is kept too: render it again
    assert client.get(url).context["report"] is first  # the report is not computed again
    submit_plan(world)  # a new action plan and adoption record
    assert client.get(url).context["report"] is not first
