"""Each score component, the context similarity, and how they combine."""

from __future__ import annotations

import datetime

import pytest

from sebaya.matching import scoring
from sebaya.matching.profiles import profile_table
from sebaya.matching.scoring import (
    Adopter,
    EvidenceFacts,
    FeasibilityFacts,
    combine,
    context_similarity,
    evidence_component,
    feasibility_component,
    relevance_component,
    term_coverage,
    track_record_component,
    transferability_component,
)
from tests.matching.conftest import observe

TODAY = datetime.date(2025, 6, 1)


def test_relevance_is_half_rank_half_share_of_the_problems_words():
    top = relevance_component(rank=1, coverage=1.0, query_source="user")
    assert top.score == 1.0
    fourth = relevance_component(rank=4, coverage=0.5, query_source="user")
    assert fourth.score == pytest.approx(0.5 * 3 / 6 + 0.25)
    assert any("peringkat 4" in r for r in fourth.reasons)
    missing = relevance_component(rank=None, coverage=0.0, query_source="user")
    assert missing.score == 0.0
    no_problem = relevance_component(rank=None, coverage=0.0, query_source="none")
    assert no_problem.score is None  # does not apply: left out of the weighting
    from_need = relevance_component(rank=1, coverage=1.0, query_source="need")
    assert any("kebutuhan wilayah" in r for r in from_need.reasons)


def test_term_coverage_counts_the_problems_stems_in_the_practice():
    assert term_coverage(["data", "miskin"], {"data", "desa"}) == 0.5
    assert term_coverage([], {"data"}) == 0.0


def _evidence(**kw):
    base = {
        "sourced_results": 0,
        "regulations": 0,
        "awards": (),
        "running_status": "unknown",
        "status_checked_on": None,
    }
    return EvidenceFacts(**(base | kw))


def test_evidence_counts_results_regulation_awards_and_a_recent_check():
    full = evidence_component(
        _evidence(
            sourced_results=2,
            regulations=1,
            awards=[("KIPP", 2020), ("IGA", 2021)],
            running_status="berjalan",
            status_checked_on=datetime.date(2025, 1, 1),
        ),
        today=TODAY,
    )
    assert full.score == 1.0 and full.confidence == 1.0
    stale = evidence_component(
        _evidence(running_status="berjalan", status_checked_on=datetime.date(2020, 1, 1)),
        today=TODAY,
    )
    assert stale.details["parts"]["running"] == 0.6
    stopped = evidence_component(_evidence(running_status="berhenti"), today=TODAY)
    assert stopped.score == 0.0 and "berhenti" in " ".join(stopped.reasons)
    nothing = evidence_component(_evidence(), today=TODAY)
    assert nothing.score == 0.0
    assert nothing.confidence == pytest.approx(0.8)  # running not checked: less sure, not lower
    one_result = evidence_component(_evidence(sourced_results=1), today=TODAY)
    assert one_result.score == pytest.approx(0.35 * 0.6 / 0.8, abs=1e-4)


def _feasibility(**kw):
    base = {
        "guidance_filled": 0,
        "has_contact": False,
        "digital": None,
        "province_scale": False,
        "budget_line": False,
    }
    return FeasibilityFacts(**(base | kw))


def test_feasibility_unknown_signals_are_neutral_and_lower_confidence():
    silent = feasibility_component(_feasibility())
    assert silent.score == scoring.UNKNOWN_PRIOR and silent.confidence == 0.0
    documented = feasibility_component(_feasibility(guidance_filled=4, has_contact=True))
    assert documented.score == 1.0 and documented.confidence == 1.0


def test_feasibility_reads_digital_readiness_and_budget_only_when_stated():
    digital = _feasibility(guidance_filled=4, has_contact=True, digital=True)
    assert feasibility_component(digital).score == 1.0  # readiness not stated: not asked
    low = feasibility_component(digital, digital_readiness="low")
    assert low.score == pytest.approx((1 + 1 + 0.2) / 3, abs=1e-4)
    offline = _feasibility(guidance_filled=4, has_contact=True, digital=False)
    assert feasibility_component(offline, digital_readiness="low").score == 1.0
    province = _feasibility(guidance_filled=4, has_contact=True, province_scale=True)
    assert feasibility_component(province, budget="low").score == pytest.approx(2.3 / 3, abs=1e-4)
    unknown_cost = feasibility_component(_feasibility(guidance_filled=4), budget="low")
    assert "biaya tidak tercatat" in unknown_cost.reasons
    assert unknown_cost.confidence == pytest.approx(1 / 3, abs=1e-4)


@pytest.mark.django_db
def test_context_similarity_scores_what_is_known_and_lowers_confidence_for_the_rest(world):
    observe(world["33.26"], "poverty_rate", "2022-03", "10.0")
    observe(world["33.14"], "poverty_rate", "2022-03", "10.0")
    observe(world["61"], "poverty_rate", "2022-03", "6.0")
    table = profile_table()
    pekalongan, sragen = table.profile(world["33.26"]), table.profile(world["33.14"])
    same = context_similarity(pekalongan, sragen, table)
    assert same.score == 1.0 and same.confidence == 1.0
    assert "satu provinsi" in same.reasons
    semarang = table.profile(world["33.74"])  # a kota, no figure of its own: none in Jateng
    unknown = context_similarity(pekalongan, semarang, table)
    assert unknown.parts["indicators"] is None
    assert unknown.score == pytest.approx((0.25 * 0.5 + 0.25 * 1.0) / 0.5, abs=1e-4)
    assert unknown.confidence == 0.5
    sambas = table.profile(world["61.01"])  # Kalimantan Barat's figure, half confidence
    far = context_similarity(pekalongan, sambas, table)
    assert far.parts["geography"] == 0.0 and far.parts["level"] == 1.0
    assert far.confidence == pytest.approx(0.75)
    assert far.score < same.score


@pytest.mark.django_db
def test_transferability_names_the_origin_and_the_borrowed_figures(world):
    observe(world["33"], "poverty_rate", "2022-03", "10.9")
    table = profile_table()
    component = transferability_component(
        table.profile(world["33.26"]), table.profile(world["33.14"]), table
    )
    assert component.reasons[0] == "asal: Kabupaten Pekalongan"
    assert "sebagian memakai angka provinsi" in component.reasons
    assert component.details["origin_region"] == "33.26"


@pytest.mark.django_db
def test_track_record_counts_adopters_their_stage_and_the_most_alike(world):
    table = profile_table()
    sambas = table.profile(world["61.01"])
    none = track_record_component([], sambas, table)
    assert none.score == 0.0 and none.confidence == scoring.NO_RECORD_CONFIDENCE

    def adopter(code, stage="studi_tiru", rank=1):
        return Adopter(table.profile(world[code]), stage, rank, stage)

    far = track_record_component([adopter("33.14")], sambas, table)
    near = track_record_component([adopter("61.02")], sambas, table)
    assert near.score > far.score  # a neighbour took it up
    assert "Kabupaten Mempawah" in " ".join(near.reasons)
    deeper = track_record_component([adopter("61.02", "pelembagaan", 6)], sambas, table)
    assert deeper.details["depth"] == 1.0 and deeper.score > near.score
    with_stop = track_record_component(
        [adopter("61.02"), adopter("33.14", "berhenti", -1)], sambas, table
    )
    assert with_stop.score == pytest.approx(near.score / 2, abs=1e-4)
    assert with_stop.details["stopped"] == 1


def test_combine_gates_the_other_components_by_relevance():
    def c(name, score, confidence=1.0):
        return scoring.Component(name, score, confidence)

    weights = {"relevance": 0.5, "evidence": 0.5}
    strong = combine({"relevance": c("relevance", 1.0), "evidence": c("evidence", 1.0)}, weights)
    assert strong[0] == 1.0
    weak = combine({"relevance": c("relevance", 0.2), "evidence": c("evidence", 1.0, 0.5)}, weights)
    assert weak[0] == pytest.approx(0.5 * 0.2 + 0.5 * 1.0 * 0.2)
    assert weak[1] == pytest.approx(0.75)
    assert weak[2] == {"relevance": 0.1, "evidence": 0.1}
    # Without a problem nothing gates.
    ungated = combine(
        {"relevance": c("relevance", None), "evidence": c("evidence", 0.8)}, {"evidence": 1.0}
    )
    assert ungated[0] == 0.8
