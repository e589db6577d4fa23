# factory-boy types a factory call as the factory, not the model it returns:
# mypy: disable-error-code="arg-type, attr-defined"
"""The admin for curators: its writes go through the services and their policies."""

import pytest
from django.urls import reverse

from sebaya.accounts.models import Membership, Organisation, Role
from sebaya.innovations.models import Innovation, PublicationStatus
from tests.accounts.factories import CuratorFactory, OrganisationFactory, UserFactory
from tests.innovations.factories import InnovationFactory, ThemeFactory
from tests.regions.factories import RegionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def curator_client(client):
    curator = CuratorFactory(is_superuser=True)
    client.force_login(curator)
    client.curator = curator
    return client


def _inline_management(prefix):
    return {
        f"{prefix}-TOTAL_FORMS": "0",
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


INLINE_PREFIXES = ("stage_events", "evidence", "awards", "outcomes", "links", "contacts")


def test_changelists_render_for_curators(curator_client):
    InnovationFactory()
    for name in (
        "innovations_innovation",
        "innovations_theme",
        "innovations_urusan",
        "innovations_sdggoal",
        "accounts_organisation",
        "accounts_membership",
        "accounts_user",
    ):
        response = curator_client.get(reverse(f"admin:{name}_changelist"))
        assert response.status_code == 200, name


def test_adding_a_practice_in_admin_uses_the_service(curator_client):
    region = RegionFactory()
    organisation = OrganisationFactory()
    theme = ThemeFactory()
    data = {
        "title": "Praktik Dari Admin",
        "region": str(region.pk),
        "organisation": str(organisation.pk),
        "running_status": "unknown",
        "themes": [str(theme.pk)],
        "year": "2019",
    }
    for prefix in INLINE_PREFIXES:
        data.update(_inline_management(prefix))
    response = curator_client.post(reverse("admin:innovations_innovation_add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    innovation = Innovation.objects.get()
    assert innovation.slug == "praktik-dari-admin"  # made by the service
    assert innovation.created_by == curator_client.curator
    assert innovation.status == PublicationStatus.DRAFT
    assert list(innovation.themes.all()) == [theme]


def test_admin_refuses_a_year_outside_the_range(curator_client):
    data = {
        "title": "Tahun Salah",
        "region": str(RegionFactory().pk),
        "running_status": "unknown",
        "year": "1800",
    }
    for prefix in INLINE_PREFIXES:
        data.update(_inline_management(prefix))
    response = curator_client.post(reverse("admin:innovations_innovation_add"), data)
    assert response.status_code == 200
    assert "1945" in response.content.decode()
    assert not Innovation.objects.exists()


def test_publish_action_goes_through_the_service(curator_client):
    draft = InnovationFactory(status=PublicationStatus.DRAFT, summary="Ada ringkasan.")
    empty = InnovationFactory(status=PublicationStatus.DRAFT, summary="")
    response = curator_client.post(
        reverse("admin:innovations_innovation_changelist"),
        {"action": "publish_selected", "_selected_action": [draft.pk, empty.pk]},
        follow=True,
    )
    assert response.status_code == 200
    draft.refresh_from_db()
    empty.refresh_from_db()
    assert draft.status == PublicationStatus.PUBLISHED and draft.published_at
    assert empty.status == PublicationStatus.DRAFT  # the service refused: no summary


def test_membership_added_in_admin_uses_the_service(curator_client):
    organisation = OrganisationFactory()
    user = UserFactory()
    response = curator_client.post(
        reverse("admin:accounts_membership_add"),
        {"user": str(user.pk), "organisation": str(organisation.pk), "role": Role.EDITOR},
    )
    assert response.status_code == 302
    assert Membership.objects.get().role == Role.EDITOR


def test_organisation_added_in_admin(curator_client):
    response = curator_client.post(
        reverse("admin:accounts_organisation_add"),
        {
            "name": "Bappeda Sambas",
            "slug": "bappeda-sambas",
            "kind": "opd",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
            "memberships-MIN_NUM_FORMS": "0",
            "memberships-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Organisation.objects.get().slug == "bappeda-sambas"


def test_parts_edited_in_admin_are_recorded_in_the_history(curator_client):
    from sebaya.history.models import ChangeRecord

    region = RegionFactory()
    organisation = OrganisationFactory()
    theme = ThemeFactory()
    data = {
        "title": "Praktik Dari Admin",
        "region": str(region.pk),
        "organisation": str(organisation.pk),
        "running_status": "unknown",
        "themes": [str(theme.pk)],
        "year": "2019",
    }
    for prefix in INLINE_PREFIXES:
        data.update(_inline_management(prefix))
    curator_client.post(reverse("admin:innovations_innovation_add"), data)
    innovation = Innovation.objects.get()

    parts = ChangeRecord.objects.filter(
        model="innovations.innovation", object_id=str(innovation.pk), note="admin"
    ).get()
    assert parts.actor == curator_client.curator
    assert parts.before["themes"] == [] and parts.after["themes"] == [str(theme)]
    assert "themes" in parts.changed_fields

    # Saving again without a change to the parts records nothing more.
    data.pop("themes")
    data["themes"] = [str(theme.pk)]
    curator_client.post(reverse("admin:innovations_innovation_change", args=[innovation.pk]), data)
    assert ChangeRecord.objects.filter(note="admin").count() == 1
