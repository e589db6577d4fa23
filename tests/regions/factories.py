"""Factories for regions and indicators."""

import datetime
from decimal import Decimal

import factory

from sebaya.regions.models import Indicator, Observation, Region, RegionLevel


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"9{n % 10}.{n:02d}")
    name = factory.Sequence(lambda n: f"Kabupaten Contoh {n}")
    level = RegionLevel.REGENCY
    parent = None


class ProvinceFactory(RegionFactory):
    code = factory.Sequence(lambda n: f"{90 + n % 10}")
    name = factory.Sequence(lambda n: f"Provinsi Contoh {n}")
    level = RegionLevel.PROVINCE


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator
        django_get_or_create = ("slug",)

    slug = "extreme_poverty_rate"
    name_id = "Tingkat kemiskinan ekstrem"
    name_en = "Extreme poverty rate"
    unit = "percent"


class ObservationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Observation

    region = factory.SubFactory(RegionFactory)
    indicator = factory.SubFactory(IndicatorFactory)
    period = "2022-03"
    period_start = datetime.date(2022, 3, 1)
    period_granularity = "month"
    value = Decimal("1.41")
    unit = "percent"
    source_url = "https://example.org/source"
