"""Factories for users, organisations and memberships."""

import factory

from sebaya.accounts.models import Membership, Organisation, OrganisationKind, Role, User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("sandi-rahasia-123")


class CuratorFactory(UserFactory):
    is_staff = True


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Bappeda Contoh {n}")
    slug = factory.Sequence(lambda n: f"bappeda-contoh-{n}")
    kind = OrganisationKind.PEMDA
    region = None


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.EDITOR
