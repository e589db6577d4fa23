"""The ranking metrics used by `make eval`, checked against values worked out by hand."""

import math

import pytest

from sebaya.search.evaluation import Scores, ndcg_at_k, recall_at_k, reciprocal_rank

GRADES = {"a": 3, "b": 2, "c": 1}


def test_perfect_ranking_has_ndcg_one():
    assert ndcg_at_k(["a", "b", "c"], GRADES, 10) == pytest.approx(1.0)


def test_ndcg_by_hand():
    # Ranked b, x, a: DCG = 3/1 + 0 + 7/log2(4) = 6.5; ideal = 7 + 3/log2(3) + 1/2
    ideal = 7 + 3 / math.log2(3) + 0.5
    assert ndcg_at_k(["b", "x", "a"], GRADES, 10) == pytest.approx(6.5 / ideal)


def test_ndcg_cuts_at_k():
    assert ndcg_at_k(["x", "a"], GRADES, 1) == 0.0


def test_recall_and_reciprocal_rank():
    assert recall_at_k(["a", "x", "c"], GRADES, 10) == pytest.approx(2 / 3)
    assert reciprocal_rank(["x", "c", "b"], GRADES) == pytest.approx(1 / 3)  # c is grade 1
    assert reciprocal_rank(["x"], GRADES) == 0.0


def test_mean_scores():
    scores = Scores.mean([(["a", "b", "c"], GRADES), (["x"], GRADES)], k=10)
    assert scores.ndcg == pytest.approx(0.5)
    assert scores.mrr == pytest.approx(0.5)
    assert scores.recall == pytest.approx(0.5)
