"""Factories for adoption records (a separate test fixture, never demo data)."""

import factory

from sebaya.learning.models import Adoption, AdoptionStage
from tests.innovations.factories import InnovationFactory
from tests.regions.factories import RegionFactory


class AdoptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Adoption

    innovation = factory.SubFactory(InnovationFactory)
    region = factory.SubFactory(RegionFactory)
    stage = AdoptionStage.MINAT
