"""Home and information pages."""

from __future__ import annotations

from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from sebaya.core.health import health_checks
from sebaya.innovations.models import Innovation, Link, PublicationStatus, Theme
from sebaya.innovations.policies import innovation_policy
from sebaya.innovations.selectors import innovation_list
from sebaya.regions.models import Observation, Region, RegionLevel
from sebaya.regions.selectors import regions_with_practices_count

# The six practices presented at the Pontianak peer-learning workshop (13 June 2023),
# by the ids of the sample data set; absent ones are simply not shown.
WORKSHOP_PRACTICE_IDS = (
    "pekalongan-lab-kemiskinan",
    "jatim-puspa",
    "jateng-kemiskinan-ekstrem",
    "trenggalek-gertak",
    "banyuwangi-kolaborasi-kemiskinan",
    "sragen-uptpk",
)


def home(request: HttpRequest) -> HttpResponse:
    published = Q(innovations__status=PublicationStatus.PUBLISHED)
    themes = (
        Theme.objects.annotate(n=Count("innovations", filter=published))
        .filter(n__gt=0)
        .order_by("display_order", "slug")
    )
    workshop = {
        p.external_id or p.slug: p
        for p in innovation_list(user=request.user).filter(
            Q(external_id__in=WORKSHOP_PRACTICE_IDS) | Q(slug__in=WORKSHOP_PRACTICE_IDS)
        )
    }
    figures = {
        "practices": Innovation.objects.filter(status=PublicationStatus.PUBLISHED).count(),
        "regions": regions_with_practices_count(user=request.user),
        "provinces": Region.objects.filter(level=RegionLevel.PROVINCE).count(),
        "observations": Observation.objects.count(),
    }
    return render(
        request,
        "core/home.html",
        {
            "figures": figures,
            "themes": themes,
            "workshop_practices": [workshop[i] for i in WORKSHOP_PRACTICE_IDS if i in workshop],
        },
    )


def sources(request: HttpRequest) -> HttpResponse:
    indicator_sources = (
        Observation.objects.values("source_url")
        .annotate(n=Count("pk"), regions=Count("region", distinct=True))
        .order_by("-n", "source_url")
    )
    visible = innovation_policy.visible(request.user)
    practice_datasets = (
        visible.exclude(source="").values("source").annotate(n=Count("pk")).order_by("source")
    )
    practice_links = Link.objects.filter(innovation__in=visible.values("pk")).count()
    return render(
        request,
        "core/sources.html",
        {
            "indicator_sources": indicator_sources,
            "practice_datasets": practice_datasets,
            "practice_links": practice_links,
        },
    )


@require_safe
@never_cache
def health(request: HttpRequest) -> JsonResponse:
    """For load balancers and monitors: 200 when the database and the queue answer, else 503."""
    checks = health_checks()
    ok = all(c.ok for c in checks)
    body = {
        "status": "ok" if ok else "error",
        "checks": {c.name: {"ok": c.ok, "ms": round(c.ms, 1), "detail": c.detail} for c in checks},
    }
    return JsonResponse(body, status=200 if ok else 503)
