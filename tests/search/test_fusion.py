"""Reciprocal rank fusion and boosts: pure functions, no database."""

import pytest

from sebaya.search import fusion
from sebaya.search.fusion import BOOSTS, RRF_K, fuse, rrf_contribution


def test_rrf_contribution_is_one_over_k_plus_rank():
    assert RRF_K == 60
    assert rrf_contribution(1) == pytest.approx(1 / 61)
    assert rrf_contribution(10) == pytest.approx(1 / 70)
    assert rrf_contribution(1, k=0) == 1.0


def test_scores_add_over_both_lists():
    """A practice found by both retrievers sums both contributions and ranks first."""
    result = fuse(lexical=[1, 2, 3], semantic=[3, 4])
    by_id = {f.innovation_id: f for f in result}
    assert by_id[3].score == pytest.approx(1 / 63 + 1 / 61)
    assert by_id[1].score == pytest.approx(1 / 61)
    assert by_id[4].score == pytest.approx(1 / 62)
    # 2 and 4 tie at 1/62: the lexical rank decides.
    assert [f.innovation_id for f in result] == [3, 1, 2, 4]
    assert (by_id[3].lexical_rank, by_id[3].semantic_rank) == (3, 1)
    assert (by_id[4].lexical_rank, by_id[4].semantic_rank) == (None, 2)


def test_either_list_alone_keeps_its_order():
    assert [f.innovation_id for f in fuse(lexical=[5, 3, 9], semantic=[])] == [5, 3, 9]
    assert [f.innovation_id for f in fuse(lexical=[], semantic=[7, 2])] == [7, 2]
    assert fuse(lexical=[], semantic=[]) == []


def test_ties_break_on_lexical_then_semantic_rank_then_id():
    """Rank 1 lexical only and rank 1 semantic only score the same: lexical first, stably."""
    assert [f.innovation_id for f in fuse(lexical=[8], semantic=[4])] == [8, 4]
    assert [f.innovation_id for f in fuse(lexical=[8, 4], semantic=[4, 8])] == [8, 4]


def test_repeated_ids_keep_their_best_rank():
    result = fuse(lexical=[1, 1, 2], semantic=[])
    assert [(f.innovation_id, f.lexical_rank) for f in result] == [(1, 1), (2, 3)]


def test_semantic_list_is_cut_at_its_depth():
    result = fuse(lexical=[], semantic=list(range(1, 300)))
    assert len(result) == fusion.SEMANTIC_DEPTH == 100
    assert len(fuse(lexical=[], semantic=[1, 2, 3], semantic_depth=2)) == 2


def test_boosts_reorder_neighbours_in_their_documented_order():
    """Among otherwise equal practices, verified > institutionalised > awarded > running."""
    ids = [1, 2, 3, 4, 5]
    # Each alone at rank 1 of the lexical list, so only the boosts differ.
    boosts = {
        1: {fusion.RUNNING},
        2: {fusion.AWARDED},
        3: {fusion.INSTITUTIONALISED},
        4: {fusion.VERIFIED},
        5: set(),
    }
    scores = {i: fuse(lexical=[i], semantic=[], boosts=boosts)[0].score for i in ids}
    assert sorted(ids, key=lambda i: -scores[i]) == [4, 3, 2, 1, 5]
    assert list(BOOSTS) == [
        fusion.VERIFIED,
        fusion.INSTITUTIONALISED,
        fusion.AWARDED,
        fusion.RUNNING,
    ]


def test_boosts_are_reported_and_unknown_names_ignored():
    result = fuse(
        lexical=[1], semantic=[], boosts={1: {fusion.RUNNING, "made-up", fusion.VERIFIED}}
    )
    assert result[0].boosts == (fusion.VERIFIED, fusion.RUNNING)
    assert result[0].score == pytest.approx(
        1 / 61 + BOOSTS[fusion.VERIFIED] + BOOSTS[fusion.RUNNING]
    )


def test_boosts_stay_small_next_to_relevance():
    """All boosts together move a practice a few places, never past one found by both lists."""
    everything = set(BOOSTS)
    # Rank 1 of one list with every boost, against rank 20 of both lists without any.
    result = fuse(
        lexical=[1, *range(100, 118), 2],
        semantic=[*range(200, 219), 2],
        boosts={1: everything},
    )
    ranks = [f.innovation_id for f in result]
    assert ranks.index(2) < ranks.index(1)
    # And within one list, the boosts are worth less than ten places.
    one_list = fuse(lexical=list(range(1, 12)), semantic=[], boosts={11: everything})
    assert [f.innovation_id for f in one_list].index(11) > 0
    assert sum(BOOSTS.values()) < rrf_contribution(1) - rrf_contribution(11)
