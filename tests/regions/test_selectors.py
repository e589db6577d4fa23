"""Region reads: indicator series aligned with national values, latest values, counts."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser

from sebaya.innovations.models import PublicationStatus
from sebaya.regions.models import RegionLevel
from sebaya.regions.selectors import latest_observations, province_list, region_indicator_series
from tests.innovations.factories import InnovationFactory
from tests.regions.factories import (
    IndicatorFactory,
    ObservationFactory,
    ProvinceFactory,
    RegionFactory,
)

pytestmark = pytest.mark.django_db


def _obs(region, period, value, **kwargs):
    return ObservationFactory(
        region=region,
        period=period,
        period_start=datetime.date(int(period[:4]), int(period[5:7] or 1), 1),
        value=Decimal(value),
        **kwargs,
    )


def test_series_aligns_national_values_by_period(django_assert_max_num_queries):
    """Each point carries Indonesia's observations of the same period; others are ignored."""
    country = RegionFactory.create(code="ID", name="Indonesia", level=RegionLevel.COUNTRY)
    province = ProvinceFactory.create(code="61", name="Kalimantan Barat")
    _obs(province, "2021-03", "1.08")
    _obs(province, "2022-03", "1.41")
    _obs(country, "2022-03", "2.04")
    _obs(country, "2018-03", "3.60")
    poverty = IndicatorFactory(slug="poverty_rate", name_id="Kemiskinan", display_order=200)
    _obs(province, "2022-03", "6.73", indicator=poverty)

    with django_assert_max_num_queries(2):
        series = region_indicator_series(province)
    assert [s.indicator.slug for s in series] == ["extreme_poverty_rate", "poverty_rate"]
    extreme = series[0]
    assert [(p.period, p.value) for p in extreme.points] == [
        ("2021-03", Decimal("1.08")),
        ("2022-03", Decimal("1.41")),
    ]
    assert extreme.points[0].national == []
    assert [n.value for n in extreme.points[1].national] == [Decimal("2.04")]
    assert extreme.has_national
    assert not series[1].has_national


def test_national_series_has_no_national_column():
    """Indonesia's own page does not compare Indonesia with itself."""
    country = RegionFactory.create(code="ID", name="Indonesia", level=RegionLevel.COUNTRY)
    _obs(country, "2022-03", "2.04")
    (series,) = region_indicator_series(country)
    assert not series.has_national


def test_latest_observations_keep_every_source_of_the_latest_period():
    """The latest period of each indicator is returned, with all its sources."""
    province = ProvinceFactory.create(code="61")
    _obs(province, "2021-03", "1.08")
    _obs(province, "2022-03", "1.41", source_url="https://a.example/")
    _obs(province, "2022-03", "1.40", source_url="https://b.example/")
    assert [o.value for o in latest_observations(province)] == [Decimal("1.41"), Decimal("1.40")]
    assert latest_observations(None) == []


def test_province_list_counts():
    """Kabupaten/kota are counted per province; practices counted for visible ones only."""
    province = ProvinceFactory.create(code="61", name="Kalimantan Barat")
    sambas = RegionFactory.create(code="61.01", parent=province)
    RegionFactory.create(code="61.01.01", parent=sambas, level=RegionLevel.DISTRICT)
    InnovationFactory.create(region=sambas)
    InnovationFactory.create(region=province, status=PublicationStatus.DRAFT)
    (row,) = province_list(user=AnonymousUser())
    assert (row.children, row.practices) == (1, 1)
