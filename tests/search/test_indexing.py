"""The index follows every write to a practice, after commit; `sebaya reindex` rebuilds it."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.db import transaction

from sebaya.innovations import services
from sebaya.innovations.models import Innovation
from sebaya.search import indexing
from sebaya.search.analysis import analyse
from sebaya.search.backends import Visibility, get_backend, visibility_for
from sebaya.search.models import SearchDocument
from tests.accounts.factories import CuratorFactory, MembershipFactory, OrganisationFactory
from tests.innovations.factories import AwardFactory, InnovationFactory, ThemeFactory
from tests.regions.factories import ProvinceFactory, RegionFactory

pytestmark = pytest.mark.django_db

ALL = Visibility(see_all=True, organisation_ids=frozenset())


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run the after-commit callbacks of the block, as a real commit would."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


@pytest.fixture(autouse=True)
def _no_embedding(monkeypatch):
    """Indexing queues a vector per changed practice; record it instead of running the model."""
    queued: list[int] = []
    monkeypatch.setattr("sebaya.search.tasks.schedule_embedding", queued.append)
    # `sebaya demo` computes the vectors too; these tests are about the lexical index only.
    monkeypatch.setattr("sebaya.search.semantic.embed_all", lambda **kwargs: 0)
    return queued


def found(word: str, visibility: Visibility = ALL) -> list[int]:
    return [hit.innovation_id for hit in get_backend().search(analyse(word), visibility=visibility)]


@pytest.fixture
def editor():
    membership = MembershipFactory()
    return membership.user, membership.organisation


def test_document_holds_analysed_text_labels_and_words():
    province = ProvinceFactory(name="Jawa Tengah")
    region = RegionFactory(name="Kabupaten Brebes", parent=province)
    org = OrganisationFactory(name="Bappeda Brebes")
    innovation = InnovationFactory(
        title="Pemberdayaan Nelayan Pesisir",
        summary="Bantuan modal untuk ibu-ibu pedagang ikan.",
        how_it_works="Kelompok usaha bersama dibina dinas.",
        region=region,
        organisation=org,
        opd_name="Dinas Kelautan",
        sector="Perikanan",
    )
    innovation.themes.add(ThemeFactory(name_id="Perlindungan sosial", name_en="Social protection"))
    AwardFactory(innovation=innovation, programme="kipp", title="Top 45")
    doc = indexing.build_document(indexing.innovations_for_index().get(pk=innovation.pk))
    assert doc.title.split() == analyse(innovation.title)
    body = set(doc.body.split())
    for text in (
        "modal pedagang",
        "kelompok",
        "brebes",
        "jawa tengah",
        "bappeda",
        "kelautan",
        "perlindungan",
        "social protection",
        "kompetisi pelayanan publik",
        "perikanan",
    ):
        assert set(analyse(text)) <= body, text
    assert "pedagang" in doc.words.split()
    assert len(doc.words.split()) == len(set(doc.words.split()))
    assert doc.is_published
    assert doc.organisation_id == org.pk


def test_award_names_are_indonesian_whatever_the_active_language(settings):
    innovation = InnovationFactory()
    AwardFactory(innovation=innovation, programme="sinovik")
    from django.utils import translation

    with translation.override("en"):
        doc = indexing.build_document(indexing.innovations_for_index().get(pk=innovation.pk))
    assert set(analyse("pendahulu")) <= set(doc.body.split())


def test_create_update_publish_unpublish_delete_through_services(committed, editor):
    user, org = editor
    region = RegionFactory()
    with committed():
        innovation = services.innovation_create(
            user=user, organisation=org, region=region, title="Lumbung pangan desa"
        )
    doc = SearchDocument.objects.get(pk=innovation.pk)
    assert not doc.is_published and doc.organisation_id == org.pk
    assert found("lumbung") == [innovation.pk]
    assert found("lumbung", visibility_for(AnonymousUser())) == []
    assert found("lumbung", visibility_for(user)) == [innovation.pk]

    with committed():
        services.innovation_update(
            user=user, innovation=innovation, title="Bank sampah sekolah", summary="Pilah sampah."
        )
    assert found("lumbung") == []
    assert found("sampah") == [innovation.pk]

    with committed():
        services.innovation_submit(user=user, innovation=innovation)
        services.innovation_verify(user=CuratorFactory(), innovation=innovation)
    assert found("sampah", visibility_for(AnonymousUser())) == []
    with committed():
        services.innovation_publish(user=user, innovation=innovation)
    assert found("sampah", visibility_for(AnonymousUser())) == [innovation.pk]

    with committed():
        services.innovation_unpublish(user=user, innovation=innovation)
    assert found("sampah", visibility_for(AnonymousUser())) == []
    assert found("sampah", visibility_for(CuratorFactory())) == [innovation.pk]

    pk = innovation.pk
    with committed():
        services.innovation_delete(user=user, innovation=innovation)
    assert not SearchDocument.objects.filter(pk=pk).exists()
    assert found("sampah") == []
    assert "sampah" not in get_backend().vocabulary()


def test_nothing_is_indexed_before_commit_nor_after_rollback(committed, editor):
    user, org = editor
    with committed() as callbacks:
        innovation = services.innovation_create(
            user=user, organisation=org, region=RegionFactory(), title="Lumbung pangan"
        )
        assert not SearchDocument.objects.filter(pk=innovation.pk).exists()
    assert len(callbacks) == 1
    with committed() as callbacks:
        try:
            with transaction.atomic():
                services.innovation_update(user=user, innovation=innovation, title="Gagal")
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
    assert callbacks == []
    assert found("lumbung") == [innovation.pk]


def test_many_to_many_changes_both_directions(committed):
    innovation = InnovationFactory(title="Posyandu keliling")
    theme = ThemeFactory(name_id="Kesehatan ibu anak", name_en="Maternal health")
    with committed():
        services.innovation_update(user=CuratorFactory(), innovation=innovation, themes=[theme])
    assert found("maternal") == [innovation.pk]
    with committed():
        innovation.themes.clear()
    assert found("maternal") == []
    with committed():
        theme.innovations.add(innovation)
    assert found("maternal") == [innovation.pk]
    with committed():
        theme.innovations.clear()
    assert found("maternal") == []


def test_renamed_reference_records_reindex_their_practices(committed):
    province = ProvinceFactory(name="Provinsi Lama")
    org = OrganisationFactory(name="Bappeda Lama")
    theme = ThemeFactory(name_id="Tema lama", name_en="Old theme")
    with committed():
        innovation = InnovationFactory(region=RegionFactory(parent=province), organisation=org)
        innovation.themes.add(theme)
        award = AwardFactory(innovation=innovation, title="Juara harapan")
    assert found("harapan") == [innovation.pk]
    with committed():
        theme.name_en = "Renamed theme"
        theme.save()
        org.name = "Bappeda Sumbawa"
        org.save()
        province.name = "Nusa Tenggara Barat"
        province.save()
        award.title = "Juara utama"
        award.save()
    for word in ("renamed", "sumbawa", "nusa", "utama"):
        assert found(word) == [innovation.pk], word
    assert found("harapan") == []
    with committed():
        award.delete()
    assert found("utama") == []


def test_deleting_the_organisation_moves_drafts_out_of_its_members_view(committed):
    membership = MembershipFactory()
    with committed():
        draft = InnovationFactory(
            title="Draf koperasi", status="draft", organisation=membership.organisation
        )
    assert found("koperasi", visibility_for(membership.user)) == [draft.pk]
    with committed():
        membership.organisation.delete()
    assert SearchDocument.objects.get(pk=draft.pk).organisation_id is None


def test_unchanged_practices_are_skipped_and_vectors_queued_once(committed, _no_embedding):
    with committed():
        innovation = InnovationFactory(title="Rumah singgah")
    assert _no_embedding == [innovation.pk]
    assert indexing.index_innovations([innovation.pk]) == []
    innovation.save()
    assert indexing.index_innovations([innovation.pk]) == []
    assert _no_embedding == [innovation.pk]
    Innovation.objects.filter(pk=innovation.pk).update(summary="Tempat tinggal sementara")
    assert indexing.index_innovations([innovation.pk]) == [innovation.pk]
    assert _no_embedding == [innovation.pk, innovation.pk]


def test_one_transaction_indexes_each_practice_once(committed, monkeypatch):
    """An import of 20 practices (saves, themes, links) is indexed in one batch after commit."""
    batches: list[list[int]] = []
    real = indexing.index_innovations

    def recording(ids):
        batches.append(sorted(ids))
        return real(ids)

    monkeypatch.setattr(indexing, "index_innovations", recording)
    # New practices of a bulk import are indexed from the records in hand, in one batch too.
    real_new = indexing.index_new_innovations

    def recording_new(practices):
        batches.append(sorted(innovation.pk for innovation, _related in practices))
        return real_new(practices)

    monkeypatch.setattr(indexing, "index_new_innovations", recording_new)
    with committed():
        call_command("demo", verbosity=0)
    practices = Innovation.objects.count()
    assert practices == 22
    indexed = [pk for batch in batches for pk in batch]
    # One batch per transaction that touched practices: the sample import (20) and the
    # enrichment of the workshop's six (2 of them new) — never one round per save.
    assert len(batches) <= 3
    assert max(len(batch) for batch in batches) >= 20
    assert len(indexed) <= 2 * practices
    assert SearchDocument.objects.count() == practices


def test_reindex_command_rebuilds_and_is_idempotent(monkeypatch):
    call_command("demo", verbosity=0)
    SearchDocument.objects.all().delete()
    out = StringIO()
    call_command("reindex", "--no-embed", stdout=out)
    assert "22 praktik diindeks" in out.getvalue()
    first = dict(SearchDocument.objects.values_list("pk", "content_hash"))
    stems = get_backend().vocabulary()
    hits = get_backend().search(analyse("kemiskinan"), visibility=ALL)
    call_command("reindex", "--no-embed", stdout=StringIO())
    assert dict(SearchDocument.objects.values_list("pk", "content_hash")) == first
    assert get_backend().vocabulary() == stems
    assert get_backend().search(analyse("kemiskinan"), visibility=ALL) == hits
    assert len(first) == 22


def test_reindex_all_reports_progress_and_embeds_when_asked(monkeypatch):
    call_command("demo", verbosity=0)
    calls = []
    monkeypatch.setattr("sebaya.search.semantic.embed_all", lambda **kwargs: 7)  # counted only
    report = indexing.reindex_all(embed=True, progress=lambda done, total: calls.append(done))
    assert report.documents == 22 and report.embedded == 7
    assert calls[-1] == 22
    assert indexing.reindex_all(embed=False).embedded == 0


def test_remove_innovation():
    innovation = InnovationFactory(title="Sekolah lapang")
    indexing.index_innovation(innovation.pk)
    assert found("lapang") == [innovation.pk]
    indexing.remove_innovation(innovation.pk)
    assert found("lapang") == []
