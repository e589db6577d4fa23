"""A small world for permission tests: two organisations, one user per role, practices in every
state of the review workflow, and helpers to act as a role on the site or through the API."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.test import Client

from sebaya.accounts.models import Role, TokenScope, User
from sebaya.accounts.tokens import token_create
from sebaya.innovations.models import Innovation, PublicationStatus
from sebaya.regions.models import Region, RegionLevel
from tests.accounts.factories import (
    CuratorFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
)
from tests.innovations.factories import InnovationFactory
from tests.regions.factories import ProvinceFactory, RegionFactory

ROLES = ("anonymous", "user", "member", "editor", "org_admin", "other_org", "curator")


@dataclass
class World:
    region: Region
    org: Any
    other_org: Any
    users: dict[str, User | None]
    practices: dict[str, Innovation]

    def client(self, role: str) -> Client:
        client = Client()
        user = self.users[role]
        if user is not None:
            client.force_login(user)
        return client

    def token(self, role: str, scopes: tuple[str, ...] = (TokenScope.PRACTICES_WRITE,)) -> str:
        user = self.users[role]
        assert user is not None
        _token, raw = token_create(user=user, name=f"uji {role}", scopes=scopes)
        return raw

    def api(self, role: str, method: str, path: str, body: Any = None, **headers: str) -> Any:
        """Call the API as `role`: a token with practices:write, nothing for anonymous."""
        if self.users[role] is not None:
            headers.setdefault("HTTP_AUTHORIZATION", f"Bearer {self.token(role)}")
        if method.upper() == "GET":
            return Client().get(f"/api/v1{path}", **headers)
        data = json.dumps(body if body is not None else {})
        return getattr(Client(), method.lower())(
            f"/api/v1{path}", data=data, content_type="application/json", **headers
        )


def build_world() -> World:
    province = ProvinceFactory(code="61", name="Kalimantan Barat")
    region = RegionFactory(
        code="61.71", name="Kota Pontianak", level=RegionLevel.CITY, parent=province
    )
    org = OrganisationFactory(
        name="Bappeda Kota Pontianak", slug="bappeda-pontianak", region=region
    )
    other_org = OrganisationFactory(name="Bappeda Sambas", slug="bappeda-sambas", region=region)
    users: dict[str, User | None] = {
        "anonymous": None,
        "user": UserFactory(username="warga"),
        "member": MembershipFactory(organisation=org, role=Role.MEMBER).user,
        "editor": MembershipFactory(organisation=org, role=Role.EDITOR).user,
        "org_admin": MembershipFactory(organisation=org, role=Role.ADMIN).user,
        "other_org": MembershipFactory(organisation=other_org, role=Role.EDITOR).user,
        "curator": CuratorFactory(username="kurator"),
    }
    practices = {
        status: InnovationFactory(
            organisation=org,
            region=region,
            slug=f"praktik-{status}",
            title=f"Praktik {status}",
            status=status,
        )
        for status in PublicationStatus.values
    }
    return World(region, org, other_org, users, practices)
