"""Home and information pages."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.contrib.staticfiles import finders
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

import sebaya
from sebaya.core import versioning
from sebaya.core.caching import public_page
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


@public_page
def home(request: HttpRequest) -> HttpResponse:
    # The counts read every published practice: kept per data version (core.versioning).
    themes, figures = versioning.cached("home", (), _home_counts)
    workshop = {
        p.external_id or p.slug: p
        for p in innovation_list(user=request.user).filter(
            # By id first (two index lookups), then the list's joins for those few only: one
            # query over the list ordered by title read every practice (1.5 s at 250,000).
            pk__in=list(
                Innovation.objects.filter(
                    Q(external_id__in=WORKSHOP_PRACTICE_IDS) | Q(slug__in=WORKSHOP_PRACTICE_IDS)
                ).values_list("pk", flat=True)
            )
        )
    }
    figures = {**figures, "regions": _regions_with_practices(request.user)}
    return render(
        request,
        "core/home.html",
        {
            "figures": figures,
            "themes": themes,
            "workshop_practices": [workshop[i] for i in WORKSHOP_PRACTICE_IDS if i in workshop],
        },
    )


def _home_counts() -> tuple[list[Any], dict[str, int]]:
    """Themes with their published practices counted, and the site's figures (anyone's)."""
    published = Q(innovations__status=PublicationStatus.PUBLISHED)
    themes = list(
        Theme.objects.annotate(n=Count("innovations", filter=published))
        .filter(n__gt=0)
        .order_by("display_order", "slug")
    )
    figures = {
        "practices": Innovation.objects.filter(status=PublicationStatus.PUBLISHED).count(),
        "provinces": Region.objects.filter(level=RegionLevel.PROVINCE).count(),
        "observations": Observation.objects.count(),
    }
    return themes, figures


def _regions_with_practices(user: Any) -> int:
    if user.is_authenticated:  # may see drafts: counted for them
        return regions_with_practices_count(user=user)
    return versioning.cached(
        "regions-with-practices", (), lambda: regions_with_practices_count(user=user)
    )


@public_page
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


# Names of the browser caches the service worker keeps pages in (sebaya.js reads them too).
PAGE_CACHE = "sebaya-halaman"
SAVED_CACHE = "sebaya-simpan"
MAX_OFFLINE_PAGES = 60


@require_safe
def manifest(request: HttpRequest) -> JsonResponse:
    """The web app manifest: Sebaya can be installed on a phone's home screen."""
    body = {
        "name": _("Sebaya: belajar antardaerah"),
        "short_name": "Sebaya",
        "description": _("Praktik baik pemerintah daerah, untuk ditiru dan diadaptasi."),
        "lang": request.LANGUAGE_CODE,
        "start_url": reverse("core:home"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#0b5e55",
        "icons": [
            {"src": static("sebaya/img/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("sebaya/img/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {"src": static("sebaya/img/icon.svg"), "sizes": "any", "type": "image/svg+xml"},
        ],
    }
    return JsonResponse(body, content_type="application/manifest+json")


OFFLINE_ASSETS = ("sebaya/css/sebaya.css", "sebaya/js/sebaya.js", "sebaya/img/icon.svg")


@lru_cache(maxsize=1)
def _static_fingerprint() -> str:
    """A short hash of the files the worker keeps: a changed file makes a new worker."""
    digest = hashlib.sha256()
    for name in OFFLINE_ASSETS:
        path = finders.find(name)
        if isinstance(path, str):
            digest.update(Path(path).read_bytes())
    return digest.hexdigest()[:12]


@require_safe
def service_worker(request: HttpRequest) -> HttpResponse:
    """/sw.js, at the root so that it may keep every page of the site."""
    context = {
        "version": f"{sebaya.__version__}-{_static_fingerprint()}",
        "page_cache": PAGE_CACHE,
        "saved_cache": SAVED_CACHE,
        "offline_url": reverse("core:offline"),
        "max_pages": MAX_OFFLINE_PAGES,
        "static_prefix": static(""),
        "precache": [
            reverse("core:offline"),
            *(static(name) for name in OFFLINE_ASSETS),
        ],
    }
    response = render(request, "core/sw.js", context, content_type="text/javascript")
    # Browsers check for a new worker on every visit; never serve them a stale one.
    response["Cache-Control"] = "no-cache"
    return response


@require_safe
def offline(request: HttpRequest) -> HttpResponse:
    """Saved and recently read pages, listed from the browser's caches by sebaya.js."""
    return render(
        request, "core/offline.html", {"page_cache": PAGE_CACHE, "saved_cache": SAVED_CACHE}
    )


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """A request Django refuses before any view (e.g. more than DATA_UPLOAD_MAX_NUMBER_FIELDS
    parameters): JSON on the API, as its other errors are; Django's page elsewhere."""
    from django.views import defaults

    if request.path.startswith("/api/"):
        message = _("Permintaan tidak dapat dibaca: terlalu banyak parameter atau isinya rusak.")
        return JsonResponse({"detail": message}, status=400)
    return defaults.bad_request(request, exception)
