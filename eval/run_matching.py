"""Offline evaluation of the Sebaya matcher on the demo data: full matcher against relevance-only.

`make eval` runs it after the search evaluation. It builds a throw-away SQLite database with the
demo data (regions, sourced indicators, 22 practices, 15 documented study visits), indexes it
with vectors, and ranks practices for:

- the hand-labelled cases of eval/matching_cases.json (region + problem -> the practices a
  domain expert would pick, graded, each with its reason);
- leave-one-out on the documented study visits: for each visiting region, its own visit is
  hidden from the track record and the visited practice is the one right answer.

Each case is ranked three ways in the same run: by the full matcher (the site's weights), by
its relevance component alone (weights relevance=1, the rest 0: the same candidates, the
adopter's own practices left out as the matcher does), and in the plain search order (own
practices left out too). It prints hit@5 (a grade-3 pick in the top 5) and nDCG@5 for each,
and exits 1 if the matcher does not beat relevance-only on nDCG@5 over all cases.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from collections import defaultdict
from collections.abc import Mapping, Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
K = 5


def hit_at_k(ranked: Sequence[str], grades: Mapping[str, int], k: int = K) -> float:
    return 1.0 if any(grades.get(doc, 0) >= 3 for doc in ranked[:k]) else 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=Path, default=HERE / "matching_cases.json")
    parser.add_argument("--show", action="store_true", help="print each case's top 5")
    args = parser.parse_args()

    var_dir = tempfile.mkdtemp(prefix="sebaya-eval-matching-")
    os.environ["SEBAYA_VAR_DIR"] = var_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sebaya.settings")
    import django

    django.setup()
    from django.contrib.auth.models import AnonymousUser
    from django.core.management import call_command

    from sebaya.innovations.models import Innovation
    from sebaya.learning.models import Adoption
    from sebaya.matching.selectors import recommend
    from sebaya.matching.weights import COMPONENTS, Weights, default_weights
    from sebaya.regions.models import Region
    from sebaya.search.evaluation import ndcg_at_k
    from sebaya.search.indexing import reindex_all
    from sebaya.search.selectors import search_practices

    call_command("demo", verbosity=0)
    reindex_all()
    data = json.loads(args.cases.read_text(encoding="utf-8"))
    practices = {i.external_id: i for i in Innovation.objects.all()}
    anonymous = AnonymousUser()
    site = default_weights()
    systems: dict[str, Weights | None] = {
        "matcher": site,
        "relevance only": Weights(1, 0, 0, 0, 0),
        "search order": None,
    }
    # Ablations: the matcher with one component's weight set to 0.
    ablations = {
        f"- {name}": site.with_overrides({name: 0.0}) for name in COMPONENTS if name != "relevance"
    }
    systems |= ablations

    runs: dict[tuple[str, str], list[tuple[list[str], dict[str, int]]]] = defaultdict(list)

    def rank(system: str, region: Region, problem: str, **extra: object) -> list[str]:
        if systems[system] is None:
            hits = search_practices(user=anonymous, query=problem, limit=50).items
            return [h.innovation.external_id for h in hits if h.innovation.region_id != region.pk][
                :K
            ]
        result = recommend(
            user=anonymous,
            region=region,
            problem=problem,
            weights=systems[system],  # type: ignore[arg-type]
            limit=K,
            **extra,  # type: ignore[arg-type]
        )
        return [r.innovation.external_id for r in result.items]

    for case in data["cases"]:
        unknown = set(case["picks"]) - set(practices)
        if unknown:
            raise SystemExit(f"case {case['problem']!r} picks unknown practices: {unknown}")
        region = Region.objects.get(code=case["region"])
        grades = {pid: grade for pid, (grade, _reason) in case["picks"].items()}
        constraints = case.get("constraints", {})
        for system in systems:
            ranked = rank(
                system,
                region,
                case["problem"],
                digital=constraints.get("digital", ""),
                budget=constraints.get("budget", ""),
            )
            runs[("labelled", system)].append((ranked, grades))
            if args.show:
                print(f"{system:17} {region.code:6} {case['problem'][:40]!r}: {ranked}")

    loo = data["loo"]
    practice = practices[loo["practice"]]
    visits = list(Adoption.objects.filter(innovation=practice).select_related("region"))
    for visit in visits:
        hidden = {(practice.pk, visit.region_id)}
        for problem in loo["problems"]:
            for system in systems:
                ranked = rank(system, visit.region, problem, hidden_adoptions=hidden)
                runs[("leave-one-out", system)].append((ranked, {practice.external_id: 3}))
                if args.show:
                    print(f"{system:17} {visit.region.code:6} {problem!r}: {ranked}")

    print(
        f"Matching evaluation: {len(data['cases'])} labelled cases, {len(visits)} study visits "
        f"x {len(loo['problems'])} problems left out one at a time, "
        f"{len(practices)} practices (demo corpus)"
    )
    totals: dict[str, list[tuple[list[str], dict[str, int]]]] = defaultdict(list)
    for (_name, system), items in runs.items():
        totals[system].extend(items)
    rows = [*runs.items(), *((("all", s), items) for s, items in totals.items())]
    scores: dict[tuple[str, str], float] = {}
    lines: dict[str, list[str]] = defaultdict(list)
    for (name, system), items in rows:
        hits = sum(hit_at_k(r, g) for r, g in items) / len(items)
        ndcg = sum(ndcg_at_k(r, g, K) for r, g in items) / len(items)
        scores[(name, system)] = ndcg
        table = "ablation" if system in ablations else "main"
        lines[table].append(f"{name:14} {system:17} {len(items):5d} {hits:6.3f} {ndcg:7.3f}")
    header = f"{'set':14} {'system':17} {'cases':>5} {'hit@5':>6} {'nDCG@5':>7}"
    print(header)
    print("\n".join(sorted(lines["main"], key=lambda line: line[:14] == "all")))
    print("\nAblation: the matcher with one component left out (its weight 0)")
    print(header)
    print("\n".join(sorted(lines["ablation"], key=lambda line: line[:14] == "all")))
    weights = default_weights()
    print(f"\nweights: {weights.to_text()}")
    beats = scores[("all", "matcher")] > scores[("all", "relevance only")]
    print(
        f"matcher nDCG@5 {scores[('all', 'matcher')]:.3f} vs relevance-only "
        f"{scores[('all', 'relevance only')]:.3f}: "
        + ("matcher beats relevance-only" if beats else "MATCHER DOES NOT BEAT RELEVANCE-ONLY")
    )
    shutil.rmtree(var_dir, ignore_errors=True)
    return 0 if beats else 1


if __name__ == "__main__":
    sys.exit(main())
