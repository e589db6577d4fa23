"""Catalogue and practice pages, and the pages where members and curators write practices."""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from sebaya.accounts.models import Organisation
from sebaya.core import versioning
from sebaya.core.caching import public_page
from sebaya.history.selectors import diff_of, history_of
from sebaya.innovations.forms import InnovationForm, RecheckForm, ReviewForm, review_field_label
from sebaya.innovations.models import AwardProgramme, Innovation, Jenis, Stage, Theme, Urusan
from sebaya.innovations.policies import editable_organisation_ids, innovation_policy
from sebaya.innovations.selectors import (
    CatalogueFacets,
    CatalogueFilters,
    catalogue_facets,
    innovation_detail,
    innovation_list,
    practices_due_for_recheck,
    practices_to_manage,
    province_counts,
    review_queue,
    similar_practices,
    theme_counts,
)
from sebaya.innovations.services import (
    innovation_create,
    innovation_delete,
    innovation_mark_running,
    innovation_publish,
    innovation_request_revision,
    innovation_submit,
    innovation_unpublish,
    innovation_update,
    innovation_verify,
)
from sebaya.learning.selectors import adopting_region_counts, attach_adopting_region_counts
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


@public_page
def catalogue(request: HttpRequest) -> HttpResponse:
    filters, errors = CatalogueFilters.from_mapping(request.GET)
    practices = innovation_list(user=request.user, filters=filters)
    paginator = Paginator(practices, settings.SEBAYA_PAGE_SIZE)
    if request.user.is_authenticated:  # may see drafts: counted for them
        facets = catalogue_facets(user=request.user, filters=filters)
    else:
        # Counting every match and the facets reads all of them: kept per data version, each
        # under only the filters it depends on (no sort; a facet without its own filter), so
        # the 38 province pages share one set of province counts.
        unsorted = replace(filters, sort="")
        version = versioning.current()
        paginator.count = versioning.cached(
            "catalogue-count", (unsorted,), lambda: paginator.count, shared=True, version=version
        )
        facets = CatalogueFacets(
            themes=versioning.cached(
                "catalogue-theme-counts",
                (replace(unsorted, theme=""),),
                lambda: theme_counts(user=request.user, filters=filters),
                shared=True,
                version=version,
            ),
            provinces=versioning.cached(
                "catalogue-province-counts",
                (replace(unsorted, province="", region=""),),
                lambda: province_counts(user=request.user, filters=filters),
                shared=True,
                version=version,
            ),
        )
    page = paginator.get_page(request.GET.get("page"))
    # "Ditiru N daerah" on each row: one query for the page (learning's adoption records).
    page.object_list = attach_adopting_region_counts(page.object_list)
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


@public_page
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
            "can_edit": innovation_policy.can_edit(request.user, innovation),
            "adopting_regions": adopting_region_counts([innovation.pk]).get(innovation.pk, 0),
            "can_view_history": innovation_policy.can_view_history(request.user, innovation),
        },
    )


MANAGE_PAGE_SIZE = 50


@login_required
def manage(request: HttpRequest) -> HttpResponse:
    """The practices the user may edit, drafts included, and where to add a new one."""
    practices = practices_to_manage(user=request.user)
    page = Paginator(practices, MANAGE_PAGE_SIZE).get_page(request.GET.get("page"))
    organisations = Organisation.objects.filter(
        pk__in=editable_organisation_ids(request.user)
    ).order_by("name")
    return render(
        request,
        "innovations/manage.html",
        {
            "page": page,
            "organisations": organisations,
            # Curators may add a practice for any organisation, or none.
            "can_create_any": innovation_policy.can_create(request.user, None),
        },
    )


@login_required
def create(request: HttpRequest) -> HttpResponse:
    """A new practice, saved as a draft of the chosen organisation."""
    organisation = None
    if request.GET.get("org"):
        organisation = get_object_or_404(Organisation, slug=request.GET["org"])
        if not innovation_policy.can_create(request.user, organisation):
            raise PermissionDenied(_("Anda tidak berhak menambah praktik untuk organisasi ini."))
    elif not innovation_policy.organisations_for_create(request.user).exists() and not (
        innovation_policy.can_create(request.user, None)
    ):
        raise PermissionDenied(
            _("Anda belum menjadi editor organisasi mana pun, jadi belum bisa menambah praktik.")
        )
    form = InnovationForm(
        request.POST if request.method == "POST" else None,
        user=request.user,
        organisation=organisation,
    )
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        try:
            innovation = innovation_create(
                user=request.user,
                organisation=fields.pop("organisation", None),
                region=fields.pop("region"),
                title=fields.pop("title"),
                **fields,
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(
                request,
                _("Draf “%(title)s” tersimpan. Praktik belum terlihat publik sampai diterbitkan.")
                % {"title": innovation.title},
            )
            return redirect("innovations:edit", slug=innovation.slug)
    return render(
        request,
        "innovations/form.html",
        {
            "form": form,
            "heading": _("Praktik baru"),
            "organisation": organisation,
            "similar_url": True,
        },
    )


def _practice_to_edit(request: HttpRequest, slug: str) -> Innovation:
    """The practice, or 404 if the user may not even see it, or 403 if they may not edit it."""
    innovation = get_object_or_404(
        Innovation.objects.select_related("organisation", "region"), slug=slug
    )
    # A draft the user cannot see does not exist for them: 404, so drafts' titles do not leak.
    if not innovation_policy.can_view(request.user, innovation):
        raise Http404(_("Praktik tidak ditemukan."))
    if not innovation_policy.can_edit(request.user, innovation):
        raise PermissionDenied(_("Anda tidak berhak mengubah praktik ini."))
    return innovation


@login_required
def edit(request: HttpRequest, slug: str) -> HttpResponse:
    innovation = _practice_to_edit(request, slug)
    heading = _("Ubah: %(title)s") % {"title": innovation.title}
    form = InnovationForm(
        request.POST if request.method == "POST" else None,
        instance=innovation,
        user=request.user,
    )
    if request.method == "POST" and form.is_valid():
        try:
            innovation_update(user=request.user, innovation=innovation, **form.service_fields())
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Perubahan tersimpan."))
            return redirect("innovations:edit", slug=innovation.slug)
    return render(
        request,
        "innovations/form.html",
        {
            "form": form,
            "heading": heading,
            "innovation": innovation,
            **_workflow_context(request, innovation),
        },
    )


def _workflow_context(request: HttpRequest, innovation: Innovation) -> dict[str, object]:
    open_notes = list(innovation.review_notes.filter(resolved_at__isnull=True))
    by_field: dict[str, list[object]] = {}
    for note in open_notes:
        by_field.setdefault(note.field, []).append(note)
    user = request.user
    return {
        "can_publish": innovation_policy.can_publish(user, innovation),
        "can_unpublish": innovation_policy.can_unpublish(user, innovation),
        "can_submit": innovation_policy.can_submit(user, innovation),
        "can_review": innovation_policy.can_review(user, innovation),
        "can_delete": innovation_policy.can_delete(user, innovation),
        "can_recheck": innovation_policy.can_recheck(user, innovation),
        "open_notes": [(note, review_field_label(note.field)) for note in open_notes],
        "review_notes": by_field,
    }


@login_required
@require_POST
def publish(request: HttpRequest, slug: str) -> HttpResponse:
    innovation = _practice_to_edit(request, slug)
    try:
        innovation_publish(user=request.user, innovation=innovation)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Praktik diterbitkan dan kini terlihat publik."))
    return redirect("innovations:edit", slug=innovation.slug)


@login_required
@require_POST
def unpublish(request: HttpRequest, slug: str) -> HttpResponse:
    innovation = _practice_to_edit(request, slug)
    innovation_unpublish(user=request.user, innovation=innovation)
    messages.success(request, _("Praktik ditarik dari terbitan dan kembali menjadi draf."))
    return redirect("innovations:edit", slug=innovation.slug)


@login_required
@require_POST
def submit(request: HttpRequest, slug: str) -> HttpResponse:
    """Submit for review; the form carries optional answers to the open review notes."""
    innovation = _practice_to_edit(request, slug)
    responses = {}
    for note in innovation.review_notes.filter(resolved_at__isnull=True):
        answer = str(request.POST.get(f"response_{note.pk}", ""))[:5000]
        if answer.strip():
            responses[note.pk] = answer
    try:
        innovation_submit(user=request.user, innovation=innovation, responses=responses)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Praktik diajukan; kurator akan meninjaunya."))
    return redirect("innovations:edit", slug=innovation.slug)


def _visible_or_404(request: HttpRequest, slug: str) -> Innovation:
    innovation = get_object_or_404(
        Innovation.objects.select_related("organisation", "region"), slug=slug
    )
    if not innovation_policy.can_view(request.user, innovation):
        raise Http404(_("Praktik tidak ditemukan."))
    return innovation


@login_required
def review(request: HttpRequest, slug: str) -> HttpResponse:
    """A curator reviews a submitted practice: notes per field, then verify or send back."""
    innovation = _visible_or_404(request, slug)
    if not innovation_policy.can_review_any(request.user):
        raise PermissionDenied(_("Hanya kurator yang meninjau praktik."))
    form = ReviewForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            if request.POST.get("decision") == "verify":
                innovation_verify(user=request.user, innovation=innovation)
                messages.success(
                    request, _("Praktik terverifikasi; editornya kini dapat menerbitkannya.")
                )
            else:
                innovation_request_revision(
                    user=request.user, innovation=innovation, notes=form.notes()
                )
                messages.success(request, _("Permintaan revisi terkirim ke organisasi pemilik."))
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            return redirect("innovations:review_queue")
    return render(
        request,
        "innovations/review.html",
        {
            "innovation": innovation,
            "form": form,
            "can_review": innovation_policy.can_review(request.user, innovation),
            "past_notes": [
                (note, review_field_label(note.field))
                for note in innovation.review_notes.order_by("-created_at", "-pk")
            ],
        },
    )


@login_required
def review_list(request: HttpRequest) -> HttpResponse:
    if not innovation_policy.can_review_any(request.user):
        raise PermissionDenied(_("Hanya kurator yang meninjau praktik."))
    page = Paginator(review_queue(user=request.user), MANAGE_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "innovations/review_queue.html", {"page": page})


@login_required
def recheck(request: HttpRequest, slug: str) -> HttpResponse:
    """The yearly "still running?" check of one practice."""
    innovation = _visible_or_404(request, slug)
    if not innovation_policy.can_recheck(request.user, innovation):
        raise PermissionDenied(_("Anda tidak berhak memeriksa status praktik ini."))
    form = RecheckForm(
        request.POST if request.method == "POST" else None,
        initial={"running_status": innovation.running_status},
    )
    if request.method == "POST" and form.is_valid():
        try:
            innovation_mark_running(
                user=request.user,
                innovation=innovation,
                running_status=form.cleaned_data["running_status"],
                checked_on=form.cleaned_data["checked_on"],
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Status berjalan tersimpan."))
            return redirect("innovations:recheck_list")
    return render(request, "innovations/recheck.html", {"innovation": innovation, "form": form})


@login_required
def recheck_list(request: HttpRequest) -> HttpResponse:
    """Practices the user may answer for whose "still running?" check is a year old or more."""
    page = Paginator(practices_due_for_recheck(user=request.user), MANAGE_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "innovations/recheck_list.html", {"page": page})


HISTORY_PAGE_SIZE = 20


@login_required
def history(request: HttpRequest, slug: str) -> HttpResponse:
    """Every recorded change of the practice, each as a per-field difference."""
    innovation = _visible_or_404(request, slug)
    if not innovation_policy.can_view_history(request.user, innovation):
        raise PermissionDenied(_("Riwayat praktik hanya untuk anggota organisasi dan kurator."))
    page = Paginator(history_of(innovation), HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "innovations/history.html",
        {"innovation": innovation, "page": page, "entries": [(r, diff_of(r)) for r in page]},
    )


@login_required
def similar(request: HttpRequest) -> HttpResponse:
    """Existing practices resembling the title being typed (the new-practice form asks, htmx)."""
    title = str(request.GET.get("title", ""))[:300]
    return render(
        request,
        "innovations/_similar.html",
        {"similar": similar_practices(user=request.user, title=title), "title": title},
    )


@login_required
def delete(request: HttpRequest, slug: str) -> HttpResponse:
    """Ask first (GET), delete on POST. The policy allows deleting drafts only, for editors."""
    innovation = _practice_to_edit(request, slug)
    if not innovation_policy.can_delete(request.user, innovation):
        raise PermissionDenied(
            _("Anda tidak berhak menghapus praktik ini; praktik terbit hanya dihapus kurator.")
        )
    if request.method == "POST":
        title = innovation.title
        innovation_delete(user=request.user, innovation=innovation)
        messages.success(request, _("Praktik “%(title)s” dihapus.") % {"title": title})
        return redirect("innovations:manage")
    return render(request, "innovations/confirm_delete.html", {"innovation": innovation})
