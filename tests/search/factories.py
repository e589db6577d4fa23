"""Factories and helpers for search tests."""

from __future__ import annotations

from sebaya.innovations.models import Innovation
from sebaya.search.backends import get_backend
from sebaya.search.models import SearchDocument
from tests.innovations.factories import InnovationFactory


def indexed_document(
    title: str,
    body: str = "",
    *,
    words: str = "",
    published: bool = True,
    organisation_id: int | None = None,
) -> Innovation:
    """A practice whose index document holds exactly this analysed text (no analysis run)."""
    innovation = InnovationFactory(organisation_id=organisation_id)
    get_backend().upsert(
        [
            SearchDocument(
                innovation_id=innovation.pk,
                title=title,
                body=body,
                words=words,
                is_published=published,
                organisation_id=organisation_id,
                content_hash=f"test-{innovation.pk}",
            )
        ]
    )
    return innovation
