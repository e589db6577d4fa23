"""The catalogue's sorts read their first page from an index, not from a sort of every practice
(found by bench/run.py at 250,000 practices: "newest" and "recently updated" sorted them all)."""

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection

from sebaya.innovations.selectors import CatalogueFilters, innovation_list
from tests.innovations.factories import InnovationFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("sort", "index"),
    [("-year", "innovation_status_newest"), ("-updated", "innovation_status_updated")],
)
def test_catalogue_sort_reads_its_index(sort, index):
    for year in (2019, 2020, 2021):
        InnovationFactory.create(year=year)
    page = (
        innovation_list(user=AnonymousUser(), filters=CatalogueFilters(sort=sort))
        .prefetch_related(None)
        .values_list("pk", flat=True)[:20]
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Three rows: a sequential scan would win; ask whether the index can serve the order.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_sort = off")
        else:
            cursor.execute("ANALYZE innovations_innovation")
    plan = page.explain()
    if connection.vendor == "postgresql":
        # PostgreSQL may pick either status index of equal cost and finish the order with an
        # incremental sort (presorted by year or date, stopping at the page's end); what must
        # not happen is a full sort, or reading every row.
        assert "Index Scan" in plan and "Seq Scan" not in plan, plan
        assert not re.search(r"^\s*(->\s*)?Sort\s+\(", plan, re.MULTILINE), plan
    else:
        assert index in plan, plan
        assert "TEMP B-TREE FOR ORDER BY" not in plan, plan


def test_theme_and_urusan_filters_list_each_practice_once_without_distinct():
    from sebaya.innovations.models import Urusan
    from tests.innovations.factories import AwardFactory, ThemeFactory

    theme, other = ThemeFactory(), ThemeFactory()
    urusan = Urusan.objects.create(code="9.99", name_id="Uji", name_en="Test", category="pilihan")
    practice = InnovationFactory.create()
    practice.themes.add(theme, other)
    practice.urusan.add(urusan)
    AwardFactory(innovation=practice, programme="iga", year=2020)
    AwardFactory(innovation=practice, programme="iga", year=2021)
    anonymous = AnonymousUser()
    for filters in (
        CatalogueFilters(theme=theme.slug),
        CatalogueFilters(theme=theme.slug, urusan="9.99"),
        CatalogueFilters(award="iga"),
        CatalogueFilters(award="any", theme=other.slug),
    ):
        listed = innovation_list(user=anonymous, filters=filters)
        assert list(listed) == [practice], filters
        assert listed.count() == 1
    plain = innovation_list(user=anonymous, filters=CatalogueFilters(theme=theme.slug))
    assert "DISTINCT" not in str(plain.query)
