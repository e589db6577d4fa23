"""Page-number pagination of API lists: {count, page, page_size, next, previous, results}."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Schema
from pydantic import Field

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
# Far beyond any real list; keeps page * page_size a number every database accepts.
MAX_PAGE = 1_000_000

T = TypeVar("T")


class PageParams(Schema):
    page: int = Field(1, ge=1, le=MAX_PAGE, description="Page number, from 1.")
    page_size: int = Field(
        DEFAULT_PAGE_SIZE,
        ge=1,
        le=MAX_PAGE_SIZE,
        description=f"Results per page, 1 to {MAX_PAGE_SIZE}.",
    )


class PageBase(Schema):
    """Subclasses add `results: list[Item]`."""

    count: int = Field(description="Number of results over all pages.")
    page: int
    page_size: int
    next: str | None = Field(description="Absolute URL of the next page, or null.")
    previous: str | None = Field(description="Absolute URL of the previous page, or null.")


def _page_url(request: HttpRequest, page: int) -> str:
    query = request.GET.copy()
    query["page"] = str(page)
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


def paginate(
    request: HttpRequest,
    items: QuerySet[Any] | Sequence[T],
    *,
    params: PageParams,
    serialize: Callable[[Any], Any],
) -> dict[str, Any]:
    """One page of `items` in the envelope; a page past the end is empty, not an error."""
    count = items.count() if isinstance(items, QuerySet) else len(items)
    offset = (params.page - 1) * params.page_size
    # Past the end: no query for rows that cannot exist.
    rows = list(items[offset : offset + params.page_size]) if offset < count else []
    last_page = max(1, -(-count // params.page_size))
    return {
        "count": count,
        "page": params.page,
        "page_size": params.page_size,
        "next": _page_url(request, params.page + 1) if params.page < last_page else None,
        "previous": (
            _page_url(request, min(params.page - 1, last_page)) if params.page > 1 else None
        ),
        "results": [serialize(row) for row in rows],
    }
