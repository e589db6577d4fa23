"""Offline evaluation of Sebaya search on the demo corpus: lexical, semantic, hybrid, plain BM25.

`make eval` runs it. It builds a throw-away SQLite database with the demo data, indexes it with
vectors, runs every query of eval/search_queries.json through the search service in each mode,
and through a plain BM25 baseline (bm25s over the unanalysed text: no stemming, no stopwords, no
glossary), and prints nDCG@10, recall@10 and MRR side by side.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
TARGET_NDCG = 0.80
TARGET_RATIO = 1.25


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--queries", type=Path, default=HERE / "search_queries.json")
    parser.add_argument("--show", action="store_true", help="print each query's top 5 (hybrid)")
    args = parser.parse_args()

    var_dir = tempfile.mkdtemp(prefix="sebaya-eval-")
    os.environ["SEBAYA_VAR_DIR"] = var_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sebaya.settings")
    import django

    django.setup()
    import bm25s
    from django.contrib.auth.models import AnonymousUser
    from django.core.management import call_command

    from sebaya.innovations.models import Innovation, PublicationStatus
    from sebaya.search.evaluation import Scores
    from sebaya.search.indexing import reindex_all
    from sebaya.search.selectors import search_practices

    call_command("demo", verbosity=0)
    reindex_all()
    queries = json.loads(args.queries.read_text(encoding="utf-8"))["queries"]
    known = set(Innovation.objects.values_list("external_id", flat=True))
    for item in queries:
        unknown = set(item["rel"]) - known
        if unknown:
            raise SystemExit(f"query {item['q']!r} judges unknown practices: {sorted(unknown)}")

    # The baseline: bm25s over the raw text, lower-cased and split into words, nothing else.
    docs = list(Innovation.objects.filter(status=PublicationStatus.PUBLISHED).order_by("pk"))
    texts = [
        " ".join([d.title, d.summary, d.overview, *(text for _, _, text in d.narrative())])
        for d in docs
    ]
    retriever = bm25s.BM25()
    retriever.index(bm25s.tokenize(texts, stopwords=None, show_progress=False), show_progress=False)

    def bm25_ranking(query: str) -> list[str]:
        tokens = bm25s.tokenize([query], stopwords=None, show_progress=False)
        if not tokens.vocab:
            return []
        k = min(10, len(docs))
        hits, scores = retriever.retrieve(tokens, k=k, show_progress=False)
        return [docs[i].external_id for i, s in zip(hits[0], scores[0], strict=True) if s > 0]

    from django.test import override_settings

    from sebaya.search.backends import tantivy_index

    reader = tantivy_index.current_reader()
    engine = (
        f"tantivy index ({reader.state.count} documents, decision 0006)"
        if reader is not None
        else "the database's full-text index"
    )
    anonymous = AnonymousUser()
    runs: dict[str, list] = defaultdict(list)
    by_kind: dict[tuple[str, str], list] = defaultdict(list)
    for item in queries:
        grades = item["rel"]
        rankings = {"bm25 baseline": bm25_ranking(item["q"])}
        for mode in ("lexical", "semantic", "hybrid"):
            results = search_practices(user=anonymous, query=item["q"], limit=10, mode=mode)
            rankings[mode] = [hit.innovation.external_id for hit in results.items]
        # The database engines alone (SEBAYA_SEARCH_INDEX=database), for comparison.
        with override_settings(SEBAYA_SEARCH_INDEX="database"):
            for mode in ("lexical", "hybrid"):
                results = search_practices(user=anonymous, query=item["q"], limit=10, mode=mode)
                ranked_ids = [hit.innovation.external_id for hit in results.items]
                rankings[f"{mode} (db only)"] = ranked_ids
        for system, ranked in rankings.items():
            runs[system].append((ranked, grades))
            by_kind[(system, item["kind"])].append((ranked, grades))
        if args.show:
            print(f"{item['q']!r}: {rankings['hybrid'][:5]}")

    print(f"Search evaluation: {len(queries)} queries, {len(docs)} practices (demo corpus)")
    print(f"Lexical candidates from the {engine}; '(db only)': the database engine alone")
    print(f"{'system':18} {'nDCG@10':>8} {'recall@10':>10} {'MRR':>6}")
    scores = {system: Scores.mean(r) for system, r in runs.items()}
    for system, s in scores.items():
        print(f"{system:18} {s.ndcg:8.3f} {s.recall:10.3f} {s.mrr:6.3f}")
    kinds = sorted({kind for _, kind in by_kind})
    print("\nnDCG@10 by kind of query: " + ", ".join(kinds))
    for system in runs:
        cells = [f"{kind} {Scores.mean(by_kind[(system, kind)]).ndcg:.2f}" for kind in kinds]
        print(f"{system:18} " + "  ".join(cells))
    hybrid, baseline = scores["hybrid"].ndcg, scores["bm25 baseline"].ndcg
    ratio = hybrid / baseline if baseline else float("inf")
    met = hybrid >= TARGET_NDCG and ratio >= TARGET_RATIO
    print(
        f"\nhybrid nDCG@10 {hybrid:.3f} (target >= {TARGET_NDCG}); "
        f"{ratio:.2f} x the BM25 baseline (target >= {TARGET_RATIO}): "
        + ("target met" if met else "TARGET MISSED")
    )
    shutil.rmtree(var_dir, ignore_errors=True)
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
