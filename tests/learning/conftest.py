"""A small peer-learning world: an organiser, an originating and an adopting region, their people.

Made-up test fixtures (separate from the demo data): organisation and user names are invented
for the tests only.
"""

import datetime
from dataclasses import dataclass

import pytest

from sebaya.accounts.models import Organisation, Role, User
from sebaya.innovations.models import Innovation
from sebaya.learning.models import (
    FeaturedPractice,
    LearningEvent,
    LearningProgramme,
    Registration,
)
from sebaya.regions.models import Region, RegionLevel
from tests.accounts.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.innovations.factories import InnovationFactory
from tests.learning.factories import EventFactory, ProgrammeFactory
from tests.regions.factories import ProvinceFactory, RegionFactory


@dataclass
class World:
    province: Region
    origin: Region
    adopter_region: Region
    organiser_org: Organisation
    origin_org: Organisation
    adopter_org: Organisation
    other_org: Organisation
    organiser: User
    originator: User
    adopter: User
    adopter_member: User
    outsider: User
    practice: Innovation
    programme: LearningProgramme
    event: LearningEvent


@pytest.fixture
def world(db) -> World:
    province = ProvinceFactory(code="61", name="Kalimantan Barat")
    java = ProvinceFactory(code="33", name="Jawa Tengah")
    origin = RegionFactory(code="33.26", name="Kabupaten Contoh Asal", parent=java)
    adopter_region = RegionFactory(
        code="61.01", name="Kabupaten Contoh Peniru", parent=province, level=RegionLevel.REGENCY
    )
    other_region = RegionFactory(code="61.02", name="Kabupaten Contoh Lain", parent=province)
    organiser_org = OrganisationFactory(name="Penyelenggara Contoh", region=province)
    origin_org = OrganisationFactory(name="Pemkab Contoh Asal", region=origin)
    adopter_org = OrganisationFactory(name="Bappeda Contoh Peniru", region=adopter_region)
    other_org = OrganisationFactory(name="Bappeda Contoh Lain", region=other_region)
    organiser = MembershipFactory(organisation=organiser_org, role=Role.EDITOR).user
    originator = MembershipFactory(organisation=origin_org, role=Role.EDITOR).user
    adopter = MembershipFactory(organisation=adopter_org, role=Role.EDITOR).user
    adopter_member = MembershipFactory(organisation=adopter_org, role=Role.MEMBER).user
    outsider = MembershipFactory(organisation=other_org, role=Role.ADMIN).user
    practice = InnovationFactory(
        title="Praktik Contoh", slug="praktik-contoh", region=origin, organisation=origin_org
    )
    programme = ProgrammeFactory(organisers=[organiser_org])
    event = EventFactory(programme=programme, starts_on=datetime.date(2024, 2, 1))
    FeaturedPractice.objects.create(event=event, innovation=practice, presenter=origin_org)
    Registration.objects.create(event=event, organisation=adopter_org, user=adopter)
    return World(
        province=province,
        origin=origin,
        adopter_region=adopter_region,
        organiser_org=organiser_org,
        origin_org=origin_org,
        adopter_org=adopter_org,
        other_org=other_org,
        organiser=organiser,
        originator=originator,
        adopter=adopter,
        adopter_member=adopter_member,
        outsider=outsider,
        practice=practice,
        programme=programme,
        event=event,
    )


@pytest.fixture
def curator(db) -> User:
    return UserFactory(is_staff=True)
