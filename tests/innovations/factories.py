"""Factories for practices and their parts."""

import factory

from sebaya.innovations.models import (
    Award,
    AwardProgramme,
    Innovation,
    Link,
    LinkKind,
    OutcomeFigure,
    PublicationStatus,
    Theme,
)
from tests.regions.factories import RegionFactory


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"tema-{n}")
    name_id = factory.Sequence(lambda n: f"Tema {n}")
    name_en = factory.Sequence(lambda n: f"Theme {n}")


class InnovationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Innovation

    slug = factory.Sequence(lambda n: f"praktik-{n}")
    title = factory.Sequence(lambda n: f"Praktik Baik {n}")
    summary = "Ringkasan praktik untuk pengujian."
    region = factory.SubFactory(RegionFactory)
    year = 2020
    status = PublicationStatus.PUBLISHED


class LinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Link

    innovation = factory.SubFactory(InnovationFactory)
    kind = LinkKind.SOURCE
    url = factory.Sequence(lambda n: f"https://example.org/sumber/{n}")


class AwardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Award

    innovation = factory.SubFactory(InnovationFactory)
    programme = AwardProgramme.KIPP
    title = "Top 45"
    year = 2020


class OutcomeFigureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OutcomeFigure

    innovation = factory.SubFactory(InnovationFactory)
    label = "Tingkat kemiskinan"
    unit = "%"
    source_url = "https://example.org/hasil"
