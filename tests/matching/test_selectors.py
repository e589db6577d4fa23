"""Recommendations, peers, who nearby has done it, and the need ranking, on the real demo data."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from sebaya.learning.models import Adoption
from sebaya.matching.selectors import (
    nearby_practices,
    need_ranking,
    peer_regions,
    recommend,
)
from sebaya.matching.weights import Weights
from sebaya.regions.models import Region

pytestmark = pytest.mark.django_db

ANON = AnonymousUser()


def ids(result):
    return [r.innovation.external_id for r in result.items]


def test_recommendations_for_sambas_explain_each_component(demo):
    sambas = Region.objects.get(code="61.01")
    result = recommend(
        user=ANON,
        region=sambas,
        problem="kemiskinan ekstrem naik dan data warga miskin tidak tepat sasaran",
    )
    assert result.query_source == "user"
    assert ids(result)[0] == "pekalongan-lab-kemiskinan"
    top = result.items[0]
    assert set(top.components) == {
        "relevance",
        "transferability",
        "evidence",
        "track_record",
        "feasibility",
    }
    assert top.score == pytest.approx(sum(top.contributions.values()), abs=1e-3)
    assert top.components["track_record"].details["adopters"] == 15
    assert "dilembagakan: 3 regulasi" in top.components["evidence"].reasons
    # Sambas has no figures of its own: Kalimantan Barat's are used, and said so.
    assert any("dipakai angka Kalimantan Barat" in m for m in result.messages)
    assert top.components["transferability"].confidence < 1
    # Scores are ordered, and its own practice (PELAKAT) is never recommended to Sambas.
    assert [r.score for r in result.items] == sorted((r.score for r in result.items), reverse=True)
    assert "sambas-pelakat" not in ids(
        recommend(user=ANON, region=sambas, problem="administrasi kependudukan", limit=20)
    )


def test_weights_change_the_order_and_relevance_only_ranks_by_relevance(demo):
    sambas = Region.objects.get(code="61.01")
    problem = "penanggulangan kemiskinan"
    relevance_only = recommend(
        user=ANON, region=sambas, problem=problem, weights=Weights(1, 0, 0, 0, 0), limit=5
    )
    relevance = [r.components["relevance"].score for r in relevance_only.items]
    assert relevance == sorted(relevance, reverse=True)
    assert [r.score for r in relevance_only.items] == relevance
    evidence_heavy = recommend(
        user=ANON, region=sambas, problem=problem, weights=Weights(0.2, 0, 1, 0, 0), limit=5
    )
    assert ids(evidence_heavy)[0] == "pekalongan-lab-kemiskinan"
    assert ids(evidence_heavy) != ids(relevance_only)


def test_hidden_adoptions_leave_the_track_record(demo):
    """Leave-one-out: the held-out visit is not counted; the adopter's own visit never is."""
    lab = demo["pekalongan-lab-kemiskinan"]
    visit = Adoption.objects.filter(innovation=lab).select_related("region").first()
    semarang = Region.objects.get(code="33.74")
    shown = recommend(user=ANON, region=semarang, problem="kemiskinan", limit=22)
    lab_rec = next(r for r in shown.items if r.innovation.pk == lab.pk)
    assert lab_rec.adopter_stage == "studi_tiru"  # Kota Semarang itself made a visit
    assert lab_rec.components["track_record"].details["adopters"] == 14
    hidden = recommend(
        user=ANON,
        region=semarang,
        problem="kemiskinan",
        limit=22,
        hidden_adoptions={(lab.pk, visit.region_id)},
    )
    lab_hidden = next(r for r in hidden.items if r.innovation.pk == lab.pk)
    expected = 13 if visit.region_id != semarang.pk else 14
    assert lab_hidden.components["track_record"].details["adopters"] == expected


def test_empty_problem_gives_need_based_suggestions(demo):
    papua = Region.objects.get(code="91")  # extreme poverty far above Indonesia's
    result = recommend(user=ANON, region=papua, problem="  ")
    assert result.query_source == "need"
    assert result.query == "penanggulangan kemiskinan ekstrem"
    assert result.items and any("kebutuhan wilayah" in m for m in result.messages)
    assert any(s.kind == "above_national" for s in result.needs)


def test_a_problem_without_searchable_words_falls_back_to_suggestions(demo):
    papua = Region.objects.get(code="91")
    result = recommend(user=ANON, region=papua, problem="yang dan di ???")
    assert result.messages[0] == "Masalah ini tidak berisi kata yang bisa dicari."
    assert result.query_source == "need" and result.items
    assert result.problem == "yang dan di ???"


def test_empty_problem_with_a_theme_and_a_region_without_data(demo):
    kapuas = Region.objects.get(code="61.06")
    by_theme = recommend(user=ANON, region=Region.objects.get(code="71"), theme="kesehatan")
    assert by_theme.query_source == "none" and by_theme.query == ""
    assert "relevance" not in by_theme.normalised_weights
    assert by_theme.items and all(
        any(t.slug == "kesehatan" for t in r.innovation.themes.all()) for r in by_theme.items
    )
    assert any("Belum ada data indikator" in m for m in by_theme.messages)
    general = recommend(user=ANON, region=kapuas, problem="")
    assert general.query_source == "general" and general.items


def test_constraints_reach_feasibility(demo):
    sambas = Region.objects.get(code="61.01")
    low = recommend(
        user=ANON, region=sambas, problem="layanan desa berbasis digital", digital="low", limit=22
    )
    smart = next(r for r in low.items if r.innovation.external_id == "banyuwangi-smart-kampung")
    assert smart.components["feasibility"].details["parts"]["digital"] == 0.2
    high = recommend(
        user=ANON, region=sambas, problem="layanan desa berbasis digital", digital="high", limit=22
    )
    smart_high = next(
        r for r in high.items if r.innovation.external_id == "banyuwangi-smart-kampung"
    )
    assert smart_high.components["feasibility"].score > smart.components["feasibility"].score


def test_peers_and_who_nearby_has_done_it(demo):
    sambas = Region.objects.get(code="61.01")
    peers = peer_regions(sambas, limit=5)
    assert [p.region.code[:3] for p in peers] == ["61."] * 5  # kabupaten/kota of Kalbar
    assert all(p.similarity.confidence < 1 for p in peers)  # borrowed figures
    kalbar_peers = peer_regions(Region.objects.get(code="61"), limit=4)
    assert {p.region.level for p in kalbar_peers} == {"province"}
    assert kalbar_peers[0].region.island_group == "Kalimantan"

    blora = Region.objects.get(code="33.16")
    nearby = nearby_practices(user=ANON, region=blora)
    lab = next(n for n in nearby if n.innovation.external_id == "pekalongan-lab-kemiskinan")
    roles = {(p.region.code, p.role, p.nearness) for p in lab.practitioners}
    assert ("33.26", "origin", "province") in roles
    assert ("33.74", "adopter", "province") in roles
    assert all(p.region.code != "33.16" for p in lab.practitioners)  # not itself
    takalar = Region.objects.get(code="73.05")
    sulawesi = nearby_practices(user=ANON, region=takalar, innovation=lab.innovation)
    assert {p.region.code for p in sulawesi[0].practitioners} >= {"73.07", "73.01"}
    assert all(p.role == "adopter" for p in sulawesi[0].practitioners)


def test_need_ranking_finds_kalimantan_barat_rising_by_march_2022(demo):
    ranking = need_ranking(user=ANON, as_of="2022-03", practices=2)
    kalbar = next(row for row in ranking.rows if row.region.code == "61")
    rising = [s for s in kalbar.signals if s.kind == "rising"]
    assert len(rising) == 1
    assert rising[0].amount == pytest.approx(0.33)
    assert rising[0].context.previous.period == "2021-03"
    assert rising[0].context.latest.period == "2022-03"
    assert "0,33 poin" in rising[0].text
    assert len(kalbar.recommendations) == 2
    scores = [row.score for row in ranking.rows]
    assert scores == sorted(scores, reverse=True)
    # With the latest data Kalimantan Barat fell (1,41 -> 0,99 in March 2023): no longer listed.
    latest = need_ranking(user=ANON, practices=0)
    assert "61" not in {row.region.code for row in latest.rows}
    assert "61" in {p.region.code for p in latest.without_signal}
    sumba_timur = next(row for row in latest.rows if row.region.code == "53.11")
    assert {s.kind for s in sumba_timur.signals} == {"rising", "above_national"}
    assert latest.regions_without_data > 400


def test_need_ranking_never_counts_a_change_across_a_series_break(demo):
    """Indonesia's 2025 figure uses the new line; no region's change is computed across one."""
    latest = need_ranking(user=ANON, practices=0)
    for row in latest.rows:
        for signal in row.signals:
            if signal.kind == "rising":
                assert not signal.context.latest.series_break
    provinces = need_ranking(user=ANON, level="province", practices=0)
    assert {row.region.level for row in provinces.rows} == {"province"}


@pytest.mark.django_db
def test_digital_readiness_comes_from_the_jenis_or_the_digital_theme():
    """Feasibility's "digital" fact: a digital jenis, or the digital-services theme on a practice
    whose jenis is not stated; a non-digital jenis says no; otherwise unknown."""
    from sebaya.innovations.models import Jenis
    from sebaya.matching import scoring
    from sebaya.matching.selectors import _practice_facts
    from tests.innovations.factories import InnovationFactory, ThemeFactory

    digital_theme = ThemeFactory(slug=scoring.DIGITAL_THEME)
    by_jenis = InnovationFactory(jenis=Jenis.DIGITAL)
    by_theme = InnovationFactory(jenis="")
    by_theme.themes.add(digital_theme, ThemeFactory())
    not_digital = InnovationFactory(jenis=Jenis.NON_DIGITAL)
    unknown = InnovationFactory(jenis="")
    unknown.themes.add(ThemeFactory())
    facts = _practice_facts([by_jenis, by_theme, not_digital, unknown])
    assert facts[by_jenis.pk].feasibility.digital is True
    assert facts[by_theme.pk].feasibility.digital is True
    assert facts[not_digital.pk].feasibility.digital is False
    assert facts[unknown.pk].feasibility.digital is None
