"""Weights: defaults, the site setting, per-request overrides, normalisation, bad input."""

from __future__ import annotations

import pytest

from sebaya.matching.weights import (
    Weights,
    WeightsError,
    default_weights,
    parse_weights,
    resolve_weights,
)


def test_defaults_sum_to_one_and_relevance_weighs_most():
    weights = Weights()
    assert sum(weights.as_dict().values()) == pytest.approx(1.0)
    assert max(weights.as_dict(), key=weights.as_dict().get) == "relevance"


def test_parse_accepts_names_spaces_and_either_separator():
    assert parse_weights(" relevance=0.6 ; evidence = 0.2,") == {"relevance": 0.6, "evidence": 0.2}
    assert parse_weights("track-record=1") == {"track_record": 1.0}
    assert parse_weights("") == {}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("popularity=1", "tidak dikenal"),
        ("relevance", "nama=angka"),
        ("relevance=abc", "harus berupa angka"),
        ("relevance=-1", "antara 0 dan"),
        ("relevance=nan", "antara 0 dan"),
        ("relevance=1000", "antara 0 dan"),
    ],
)
def test_parse_refuses_bad_text_with_a_readable_message(text, message):
    with pytest.raises(WeightsError, match=message):
        parse_weights(text)


def test_all_zero_is_refused():
    with pytest.raises(WeightsError):
        resolve_weights("relevance=0,transferability=0,evidence=0,track_record=0,feasibility=0")


def test_normalised_over_the_components_that_apply():
    weights = Weights(relevance=2, transferability=1, evidence=1, track_record=0, feasibility=0)
    assert weights.normalised() == {
        "relevance": 0.5,
        "transferability": 0.25,
        "evidence": 0.25,
        "track_record": 0.0,
        "feasibility": 0.0,
    }
    without_relevance = weights.normalised({"transferability", "evidence"})
    assert without_relevance == {"transferability": 0.5, "evidence": 0.5}


def test_site_setting_changes_the_defaults_and_requests_override_it(settings):
    settings.SEBAYA_MATCHING_WEIGHTS = "relevance=0.8"
    assert default_weights().relevance == 0.8
    assert default_weights().evidence == Weights().evidence
    assert resolve_weights("evidence=0.5").as_dict() == {
        **Weights().as_dict(),
        "relevance": 0.8,
        "evidence": 0.5,
    }
    settings.SEBAYA_MATCHING_WEIGHTS = ""
    assert default_weights() == Weights()
    assert Weights.to_text(Weights()).startswith("relevance=0.45,")
