# factory-boy types a factory call as the factory, not the model it returns:
# mypy: disable-error-code="arg-type, attr-defined"
"""Semantic search: embedding text, int8 storage, recomputation, the in-process vector index."""

import numpy as np
import pytest
from django.core.management import call_command
from django.utils import timezone

from sebaya.innovations.models import Innovation, PublicationStatus
from sebaya.search import semantic
from sebaya.search.backends.base import PUBLIC, Visibility
from sebaya.search.models import Embedding
from tests.accounts.factories import OrganisationFactory
from tests.innovations.factories import InnovationFactory, ThemeFactory

pytestmark = pytest.mark.django_db

CURATOR = Visibility(see_all=True, organisation_ids=frozenset())


def _ids(hits: list[tuple[int, float]]) -> list[int]:
    return [innovation_id for innovation_id, _ in hits]


def _search(text: str, visibility: Visibility = PUBLIC, limit: int = 200) -> list[int]:
    return _ids(
        semantic.vector_index().search(
            semantic.embed_query(text), visibility=visibility, limit=limit
        )
    )


def test_embedding_text_starts_with_the_title_and_themes_in_both_languages():
    innovation = InnovationFactory(
        title="Lumbung Pangan Desa",
        summary="Desa menyimpan gabah bersama.",
        problem="Harga gabah jatuh saat panen.",
        how_it_works="Kelompok tani menyetor gabah ke lumbung.",
        results="Harga lebih stabil.",
        legal_basis="Peraturan Desa Nomor 3 Tahun 2019",
    )
    innovation.themes.add(ThemeFactory(name_id="Pertanian dan pangan", name_en="Agriculture"))

    text = semantic.embedding_text(innovation)

    assert text.startswith("Lumbung Pangan Desa. Tema: Pertanian dan pangan. Themes: Agriculture")
    for part in ("Desa menyimpan gabah bersama", "Harga gabah jatuh", "menyetor gabah", "stabil"):
        assert part in text
    # Legal references are left to the lexical index: they name laws, not what a practice does.
    assert "Peraturan Desa" not in text


def test_embedding_text_is_cut_on_a_word_to_what_the_model_reads():
    innovation = InnovationFactory(title="Judul Praktik", summary="kata " * 1000)

    text = semantic.embedding_text(innovation)

    assert len(text) <= semantic.MAX_TEXT_CHARS
    assert text.startswith("Judul Praktik. ")
    assert text.endswith("kata")


def test_embeddings_are_normalised_and_a_query_is_closest_to_its_own_topic():
    passages = semantic.embed_passages(
        ["Posyandu menimbang balita setiap bulan", "Pasar desa menjual hasil panen"]
    )
    query = semantic.embed_query("pemantauan berat badan anak")

    assert passages.shape == (2, semantic.DIM) and passages.dtype == np.float32
    assert np.allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-3)
    assert query.shape == (semantic.DIM,)
    assert passages[0] @ query > passages[1] @ query
    assert semantic.embed_passages([]).shape == (0, semantic.DIM)


def test_int8_round_trip_keeps_the_vector():
    rng = np.random.default_rng(7)
    vectors = rng.standard_normal((50, semantic.DIM)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)

    for vector in vectors:
        data, scale = semantic.quantise(vector)
        restored = semantic.dequantise(data, scale)
        assert len(data) == semantic.DIM
        assert scale == pytest.approx(np.abs(vector).max() / 127)
        # Rounding error is at most half a step per component.
        assert np.abs(restored - vector).max() <= scale / 2 + 1e-7
        assert float(restored @ vector) / float(np.linalg.norm(restored)) > 0.999


def test_quantising_a_zero_vector_does_not_divide_by_zero():
    data, scale = semantic.quantise(np.zeros(semantic.DIM, dtype=np.float32))

    assert scale > 0
    assert not semantic.dequantise(data, scale).any()


def test_update_embedding_stores_once_and_recomputes_when_the_text_changes():
    innovation = InnovationFactory(title="Bank Sampah Sekolah")

    assert semantic.update_embedding(innovation.pk) is True
    stored = Embedding.objects.get(pk=innovation.pk)
    assert stored.model == semantic.MODEL_NAME
    assert stored.dim == semantic.DIM and len(bytes(stored.vector)) == semantic.DIM
    assert stored.text_hash == semantic.text_hash(semantic.embedding_text(innovation))
    expected = semantic.embed_passages([semantic.embedding_text(innovation)])[0]
    assert semantic.dequantise(bytes(stored.vector), stored.scale) @ expected > 0.999

    assert semantic.update_embedding(innovation.pk) is False
    assert Embedding.objects.get(pk=innovation.pk).computed_at == stored.computed_at

    Innovation.objects.filter(pk=innovation.pk).update(summary="Tabungan sampah siswa.")
    assert semantic.update_embedding(innovation.pk) is True
    assert Embedding.objects.get(pk=innovation.pk).text_hash != stored.text_hash


def test_update_embedding_of_a_missing_practice_does_nothing():
    assert semantic.update_embedding(987654) is False
    assert not Embedding.objects.exists()


def test_embed_all_computes_only_missing_or_stale_vectors():
    _, second, third = InnovationFactory.create_batch(3)
    progress: list[tuple[int, int]] = []

    assert (
        semantic.embed_all(
            batch_size=2, progress=lambda done, total: progress.append((done, total))
        )
        == 3
    )
    assert Embedding.objects.count() == 3
    assert progress[-1] == (3, 3)
    assert semantic.embed_all() == 0

    Innovation.objects.filter(pk=second.pk).update(title="Judul yang diubah")
    Embedding.objects.filter(pk=third.pk).update(model="model-lama")
    assert semantic.embed_all() == 2
    assert Embedding.objects.get(pk=third.pk).model == semantic.MODEL_NAME
    assert semantic.embed_all() == 0


def test_demo_practices_are_found_by_meaning_across_languages():
    call_command("demo", verbosity=0)
    semantic.embed_all()
    assert Embedding.objects.count() == Innovation.objects.count() == 22
    by_external_id = dict(Innovation.objects.values_list("external_id", "pk"))

    # English queries sharing no word with the Indonesian title: the expected practice must
    # be among the first three of 22 (ranks, not scores: e5 cosines all sit around 0.75-0.85).
    expectations = {
        "village-owned enterprise income": "klaten-bumdes-ponggok",
        "women's small business capital": "jatim-puspa",
        "loan sharks": "bandung-kredit-melati",
        "children dropping out of school": "polman-sipbm",
        "birth certificates through the village": "brebes-akta-desa",
    }
    for query, external_id in expectations.items():
        ranked = _search(query, limit=10)
        assert by_external_id[external_id] in ranked[:3], (query, ranked)


def test_search_ranks_best_first_and_respects_the_limit():
    InnovationFactory(title="Beasiswa anak nelayan", summary="Biaya sekolah anak nelayan.")
    InnovationFactory(title="Pasar ikan higienis", summary="Tempat pelelangan ikan bersih.")
    InnovationFactory(title="Imunisasi keliling", summary="Vaksin untuk balita di pulau.")
    semantic.embed_all()

    index = semantic.vector_index()
    hits = index.search(semantic.embed_query("sekolah"), visibility=PUBLIC, limit=2)

    assert len(index) == 3
    assert len(hits) == 2
    assert hits[0][1] >= hits[1][1]
    assert index.search(semantic.embed_query("sekolah"), visibility=PUBLIC, limit=0) == []
    assert index.memory_bytes() >= 3 * semantic.DIM


def test_a_draft_is_seen_only_by_its_organisation_and_curators():
    owner, other = OrganisationFactory(), OrganisationFactory()
    draft = InnovationFactory(
        title="Klinik apung untuk pulau terpencil",
        status=PublicationStatus.DRAFT,
        organisation=owner,
    )
    published = InnovationFactory(title="Perahu ambulans desa pesisir")
    semantic.embed_all()
    query = "layanan kesehatan pulau terpencil"

    assert draft.pk not in _search(query)
    assert published.pk in _search(query)
    assert draft.pk not in _search(query, Visibility(False, frozenset({other.pk})))
    assert draft.pk in _search(query, Visibility(False, frozenset({owner.pk})))
    assert draft.pk in _search(query, CURATOR)


def test_publishing_and_unpublishing_move_the_labels_without_a_new_vector(
    django_capture_on_commit_callbacks,
):
    practice = InnovationFactory(title="Dapur umum lansia", status=PublicationStatus.DRAFT)
    semantic.embed_all()
    assert practice.pk not in _search("makanan untuk orang tua")

    # The labels follow the lexical index's document, rewritten after the commit.
    with django_capture_on_commit_callbacks(execute=True):
        practice.status = PublicationStatus.PUBLISHED
        practice.save()
    assert semantic.update_embedding(practice.pk) is False
    assert practice.pk in _search("makanan untuk orang tua")

    with django_capture_on_commit_callbacks(execute=True):
        practice.status = PublicationStatus.DRAFT
        practice.save()
    assert practice.pk not in _search("makanan untuk orang tua")


def test_the_index_follows_new_changed_and_deleted_vectors():
    kept = InnovationFactory(title="Sekolah lapang iklim petani")
    semantic.embed_all()
    assert len(semantic.vector_index()) == 1

    added = InnovationFactory(title="Sumur bor untuk desa kekeringan")
    assert added.pk not in _search("air bersih")  # no vector yet: not in the index
    semantic.update_embedding(added.pk)
    assert len(semantic.vector_index()) == 2
    assert _search("air bersih saat kemarau")[0] == added.pk

    Innovation.objects.filter(pk=kept.pk).update(title="Penyediaan air minum kemarau panjang")
    semantic.update_embedding(kept.pk)
    assert _search("air minum kemarau")[0] == kept.pk

    added.delete()
    assert _search("air bersih saat kemarau") == [kept.pk]
    assert len(semantic.vector_index()) == 1


def test_vector_index_checks_the_database_once_per_call(django_assert_num_queries):
    InnovationFactory(title="Rumah singgah pasien")
    semantic.embed_all()
    semantic.vector_index()

    with django_assert_num_queries(1):
        semantic.vector_index()


def test_vectors_of_another_model_are_never_ranked():
    kept = InnovationFactory(title="Air bersih untuk desa")
    old = InnovationFactory(title="Air minum untuk sekolah")
    semantic.embed_all()
    Embedding.objects.filter(pk=old.pk).update(model="model-lama", computed_at=timezone.now())

    assert len(semantic.vector_index()) == 1
    assert _search("air minum", CURATOR) == [kept.pk]


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_database_is_checked_at_most_every_few_seconds(
    django_assert_num_queries, monkeypatch
):
    monkeypatch.setattr(semantic, "CHECK_SECONDS", 3600.0)
    first = InnovationFactory(title="Taman baca masyarakat")
    semantic.embed_all()
    assert len(semantic.vector_index()) == 1

    with django_assert_num_queries(0):
        semantic.vector_index()

    # A vector stored by this process is seen at once, without waiting for the interval.
    second = InnovationFactory(title="Perpustakaan keliling desa")
    semantic.update_embedding(second.pk)
    assert sorted(_search("buku bacaan")) == sorted([first.pk, second.pk])


def test_rows_merge_into_an_empty_index():
    """A process that searched before any vector existed must take the first ones in."""
    from sebaya.search.semantic import MODEL_NAME, _Rows

    code = bytes([1] * 384)
    changed = _Rows.from_database(
        [(3, MODEL_NAME, code, 0.02, "draft", 5), (7, MODEL_NAME, code, 0.01, "published", None)]
    )
    merged = _Rows.empty().merged(changed)
    assert len(merged) == 2
    assert list(merged.ids) == [3, 7]
    assert list(merged.published) == [False, True]


def test_query_text_is_bounded_and_drops_symbols():
    from sebaya.search.semantic import MAX_QUERY_CHARS, MAX_QUERY_WORDS, query_text

    assert query_text("Bantuan modal 🙂 buat ibu2!") == "bantuan modal buat ibu ibu"
    assert query_text("😀" * 500) == ""
    long = query_text("kemiskinan " * 2000)
    assert len(long) <= MAX_QUERY_CHARS
    assert len(long.split()) <= MAX_QUERY_WORDS


@pytest.mark.parametrize("threads", [1, 2, 3])
def test_vector_scan_split_over_threads_gives_the_same_scores(settings, monkeypatch, threads):
    """A large index is scanned in one part per thread; the scores are the one-thread ones."""
    import numpy as np

    from sebaya.search import semantic

    rng = np.random.default_rng(5)
    matrix = rng.integers(-127, 128, size=(5_003, semantic.DIM), dtype=np.int8)
    query = rng.standard_normal(semantic.DIM).astype(np.float32)
    expected = matrix.astype(np.float32) @ query
    monkeypatch.setattr(semantic, "PARALLEL_MIN_ROWS", 1_000)
    monkeypatch.setattr(semantic, "SEARCH_CHUNK_ROWS", 700)
    settings.SEBAYA_VECTOR_SEARCH_THREADS = threads
    assert semantic.scan_threads() == threads
    np.testing.assert_allclose(semantic._scan(matrix, query), expected, rtol=1e-5, atol=1e-2)


def test_query_vectors_are_kept_for_the_same_words(monkeypatch):
    """A facet click or a page turn repeats the query: its vector is reused, not recomputed."""
    from sebaya.search import semantic

    monkeypatch.setattr(semantic, "QUERY_VECTORS", 2)
    semantic._query_vectors.clear()
    first = semantic.embed_query("Air bersih desa")
    assert semantic.embed_query("air  bersih DESA") is first  # the same words to the model
    assert not first.flags.writeable
    semantic.embed_query("sekolah")
    semantic.embed_query("pasar ikan")  # a third: the oldest goes
    assert "air bersih desa" not in semantic._query_vectors
    again = semantic.embed_query("Air bersih desa")
    assert again is not first
    np.testing.assert_allclose(again, first, rtol=1e-6)
