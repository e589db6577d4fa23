"""Catalogue and practice pages."""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sebaya.innovations.models import AwardProgramme, Jenis, Stage, Theme, Urusan
from sebaya.innovations.selectors import (
    CatalogueFilters,
    catalogue_facets,
    innovation_detail,
    innovation_list,
)
from sebaya.regions.models import Region, RegionLevel
from sebaya.regions.selectors import latest_observations

FILTER_LABELS = {
    "year_from": gettext_lazy("Tahun dari"),
    "year_to": gettext_lazy("Tahun sampai"),
    "award": gettext_lazy("Penghargaan"),
    "stage": gettext_lazy("Tahapan"),
    "jenis": gettext_lazy("Jenis"),
    "sort": gettext_lazy("Urutan"),
}


def catalogue(request: HttpRequest) -> HttpResponse:
    filters, errors = CatalogueFilters.from_mapping(request.GET)
    practices = innovation_list(user=request.user, filters=filters)
    page = Paginator(practices, settings.SEBAYA_PAGE_SIZE).get_page(request.GET.get("page"))
    facets = catalogue_facets(user=request.user, filters=filters)
    provinces = Region.objects.filter(level=RegionLevel.PROVINCE).order_by("name")
    context = {
        "filters": filters,
        "invalid": [
            (str(FILTER_LABELS.get(name, name)), value) for name, value in sorted(errors.items())
        ],
        "page": page,
        "themes": Theme.objects.all(),
        "urusan_list": Urusan.objects.all(),
        "provinces": provinces,
        "award_choices": AwardProgramme.choices,
        "stage_choices": Stage.choices,
        "jenis_choices": Jenis.choices,
        "sort_choices": [
            ("title", _("Judul (A-Z)")),
            ("-year", _("Tahun terbaru")),
            ("year", _("Tahun terlama")),
            ("-updated", _("Baru diperbarui")),
        ],
        "theme_counts": facets.themes,
        "province_counts": facets.provinces,
    }
    template = "innovations/catalogue.html"
    if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "results":
        template = "innovations/_results.html"
    return render(request, template, context)


def detail(request: HttpRequest, slug: str) -> HttpResponse:
    innovation = innovation_detail(user=request.user, slug=slug)
    if innovation is None:
        raise Http404(_("Praktik tidak ditemukan."))
    region = innovation.region
    province = region.parent if region.level != RegionLevel.PROVINCE else None
    canonical = request.build_absolute_uri(innovation.get_absolute_url())
    share_text = f"{innovation.title} {canonical}"
    return render(
        request,
        "innovations/detail.html",
        {
            "innovation": innovation,
            "province": province,
            "region_indicators": latest_observations(region),
            "province_indicators": latest_observations(province),
            "canonical_url": canonical,
            "mailto_url": f"mailto:?subject={quote(innovation.title)}&body={quote(canonical)}",
            "whatsapp_url": f"https://wa.me/?text={quote(share_text)}",
        },
    )
