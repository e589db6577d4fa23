"""The generic history page: every recorded change of any tracked record, for curators."""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from sebaya.history.policies import history_policy
from sebaya.history.selectors import diff_of, history_for

PAGE_SIZE = 20


@login_required
def object_history(request: HttpRequest, model: str, object_id: str) -> HttpResponse:
    if not history_policy.can_view_any(request.user):
        raise PermissionDenied(_("Riwayat lengkap hanya untuk kurator."))
    try:
        model_class = apps.get_model(model)
    except (LookupError, ValueError):
        raise Http404(_("Jenis rekaman tidak dikenal.")) from None
    records = history_for(model=model_class._meta.label_lower, object_id=object_id)
    page = Paginator(records, PAGE_SIZE).get_page(request.GET.get("page"))
    first = page.object_list[0] if page.object_list else None
    return render(
        request,
        "history/object.html",
        {
            "page": page,
            "entries": [(r, diff_of(r)) for r in page],
            "model_name": model_class._meta.verbose_name,
            "label": first.object_repr if first else object_id,
            "object_id": object_id,
        },
    )
