"""Factories of peer learning (a separate test fixture, never demo data)."""

import datetime

import factory

from sebaya.learning.models import (
    ActionPlan,
    Adoption,
    AdoptionStage,
    EventKind,
    LearningEvent,
    LearningProgramme,
)
from tests.accounts.factories import OrganisationFactory
from tests.innovations.factories import InnovationFactory
from tests.regions.factories import RegionFactory


class AdoptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Adoption

    innovation = factory.SubFactory(InnovationFactory)
    region = factory.SubFactory(RegionFactory)
    stage = AdoptionStage.MINAT


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LearningProgramme
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Program Contoh {n}")
    slug = factory.Sequence(lambda n: f"program-contoh-{n}")
    theme = "Kemiskinan"
    starts_on = datetime.date(2024, 1, 10)

    @factory.post_generation
    def organisers(self, create, extracted, **kwargs):
        if create and extracted:
            self.organisers.set(extracted)


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LearningEvent

    programme = factory.SubFactory(ProgrammeFactory)
    kind = EventKind.WORKSHOP
    title = factory.Sequence(lambda n: f"Lokakarya Contoh {n}")
    starts_on = datetime.date(2024, 2, 1)
    place = "Kota Contoh"
    registration_open = True


class ActionPlanFactory(factory.django.DjangoModelFactory):
    """A plan with its adoption, written straight to the tables (services are tested apart)."""

    class Meta:
        model = ActionPlan

    organisation = factory.SubFactory(OrganisationFactory)
    innovation = factory.SubFactory(InnovationFactory)
    adoption = factory.LazyAttribute(
        lambda o: AdoptionFactory(
            innovation=o.innovation,
            region=o.organisation.region or RegionFactory(),
            organisation=o.organisation,
        )
    )
    modification = "Sasaran disesuaikan dengan desa pesisir."
    rationale = "Sebagian besar keluarga miskin tinggal di pesisir."
    responsible_unit = "Bappeda"
