"""Ranking metrics for the offline evaluations (`make eval`): nDCG@k, recall@k, MRR."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass


def dcg(gains: Sequence[float]) -> float:
    """Discounted cumulative gain with exponential gain (2^grade - 1), rank 1 undiscounted."""
    return sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(gains))


def ndcg_at_k(ranked: Sequence[str], grades: Mapping[str, int], k: int) -> float:
    ideal = dcg(sorted(grades.values(), reverse=True)[:k])
    if ideal == 0:
        return 0.0
    return dcg([grades.get(doc, 0) for doc in ranked[:k]]) / ideal


def recall_at_k(ranked: Sequence[str], grades: Mapping[str, int], k: int) -> float:
    relevant = {doc for doc, grade in grades.items() if grade > 0}
    if not relevant:
        return 0.0
    return len(relevant & set(ranked[:k])) / len(relevant)


def reciprocal_rank(ranked: Sequence[str], grades: Mapping[str, int], min_grade: int = 2) -> float:
    """1/rank of the first clearly relevant result (grade >= min_grade), 0 if none."""
    for i, doc in enumerate(ranked):
        if grades.get(doc, 0) >= min_grade:
            return 1.0 / (i + 1)
    return 0.0


@dataclass(frozen=True)
class Scores:
    ndcg: float
    recall: float
    mrr: float

    @classmethod
    def mean(cls, runs: Sequence[tuple[Sequence[str], Mapping[str, int]]], k: int = 10) -> Scores:
        n = len(runs) or 1
        return cls(
            ndcg=sum(ndcg_at_k(r, g, k) for r, g in runs) / n,
            recall=sum(recall_at_k(r, g, k) for r, g in runs) / n,
            mrr=sum(reciprocal_rank(r, g) for r, g in runs) / n,
        )
