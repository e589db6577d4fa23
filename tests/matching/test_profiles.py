"""Region context profiles: latest values, trends, national figures, missing data, series breaks."""

from __future__ import annotations

import datetime

import pytest

from sebaya.matching.profiles import profile_table
from tests.matching.conftest import observe

pytestmark = pytest.mark.django_db


def test_latest_value_trend_and_national_figure_of_the_same_period(world):
    observe(world["61"], "extreme_poverty_rate", "2021-03", "1.08")
    observe(world["61"], "extreme_poverty_rate", "2022-03", "1.41")
    observe(world["ID"], "extreme_poverty_rate", "2022-03", "2.04")
    context = profile_table().profile(world["61"]).indicators["extreme_poverty_rate"]
    assert context.latest.value == 1.41 and context.latest.period == "2022-03"
    assert context.previous.period == "2021-03"
    assert context.change == pytest.approx(0.33)
    assert context.trend == "up" and context.worsening is True
    assert context.national.value == 2.04 and context.national_exact
    assert context.gap_to_national == pytest.approx(-0.63)
    assert context.worse_than_national is False


def test_no_change_is_computed_across_a_series_break(world):
    observe(world["ID"], "extreme_poverty_rate", "2024-03", "0.83")
    observe(world["ID"], "extreme_poverty_rate", "2025-03", "0.85", series_break=True)
    context = profile_table().profile(world["ID"]).indicators["extreme_poverty_rate"]
    assert context.latest.value == 0.85
    assert context.break_blocks_change
    assert context.change is None and context.trend is None and context.worsening is None


def test_a_break_on_the_earlier_value_does_not_block_the_change_after_it(world):
    observe(world["33"], "poverty_rate", "2021-03", "11.0", series_break=True)
    observe(world["33"], "poverty_rate", "2022-03", "10.5")
    context = profile_table().profile(world["33"]).indicators["poverty_rate"]
    assert not context.break_blocks_change
    assert context.change == pytest.approx(-0.5) and context.worsening is False


def test_missing_data_is_missing_never_zero_and_lowers_coverage(world):
    observe(world["33"], "extreme_poverty_rate", "2022-03", "4.0")
    observe(world["61"], "poverty_rate", "2022-09", "6.81")
    table = profile_table()
    jateng = table.profile(world["33"])
    poverty = jateng.indicators["poverty_rate"]
    assert poverty.missing and poverty.latest is None and jateng.value("poverty_rate") is None
    assert jateng.coverage == 0.5  # one of two indicators
    # A kabupaten without figures borrows its province's, marked, at half weight.
    sambas = table.profile(world["61.01"])
    assert not sambas.has_own_data and sambas.has_any_data
    assert sambas.indicators["poverty_rate"].proxy_region == world["61"]
    assert sambas.value("poverty_rate") == 6.81
    assert sambas.indicators["extreme_poverty_rate"].missing
    assert sambas.coverage == 0.25


def test_national_figure_of_the_same_year_when_the_period_differs(world):
    observe(world["33.26"], "extreme_poverty_rate", "2023", "3.5")
    observe(world["ID"], "extreme_poverty_rate", "2023-03", "1.12")
    context = profile_table().profile(world["33.26"]).indicators["extreme_poverty_rate"]
    assert context.national.period == "2023-03" and not context.national_exact


def test_as_of_keeps_only_observations_up_to_the_period(world):
    for period, value in (("2021-03", "1.08"), ("2022-03", "1.41"), ("2023-03", "0.99")):
        observe(world["61"], "extreme_poverty_rate", period, value)
    table = profile_table()
    latest = table.profile(world["61"]).indicators["extreme_poverty_rate"]
    assert latest.latest.period == "2023-03" and latest.change == pytest.approx(-0.42)
    then = table.profile(world["61"], "2022-03")
    assert then.as_of == datetime.date(2022, 3, 31)
    assert then.indicators["extreme_poverty_rate"].change == pytest.approx(0.33)


def test_one_value_per_period_when_several_sources_give_it(world):
    observe(world["61"], "poverty_rate", "2022-09", "6.81", source_url="https://a.example/x")
    observe(world["61"], "poverty_rate", "2022-09", "6.90", source_url="https://b.example/x")
    context = profile_table().profile(world["61"]).indicators["poverty_rate"]
    assert len(context.points) == 1
    assert context.latest.value == 6.81 and context.latest.other_sources == 1


def test_the_table_follows_new_observations(world):
    table = profile_table()
    assert profile_table() is table  # unchanged data: the same table, no rebuild
    assert table.profile(world["61"]).indicators == {}
    observe(world["61"], "poverty_rate", "2022-09", "6.81")
    fresh = profile_table()
    assert fresh is not table
    assert fresh.profile(world["61"]).value("poverty_rate") == 6.81


def test_spread_is_the_deviation_of_the_regions_latest_values(world):
    observe(world["33"], "poverty_rate", "2022-03", "10")
    observe(world["61"], "poverty_rate", "2022-03", "6")
    observe(world["ID"], "poverty_rate", "2022-03", "9.54")  # the country is not a region here
    assert profile_table().spread("poverty_rate") == pytest.approx(2.8284, abs=1e-4)
    assert profile_table().spread("unknown_indicator") == 1.0
