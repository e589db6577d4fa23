# factory-boy types a factory call as the factory, not the model it returns:
# mypy: disable-error-code="arg-type, attr-defined"
"""Write services for practices: permissions, validation, slugs and publication."""

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError

from sebaya.accounts.models import Role
from sebaya.innovations.models import Innovation, LinkKind, PublicationStatus
from sebaya.innovations.services import (
    innovation_create,
    innovation_delete,
    innovation_publish,
    innovation_submit,
    innovation_unpublish,
    innovation_update,
    innovation_upsert_from_import,
    innovation_verify,
    unique_slug,
)
from tests.accounts.factories import (
    CuratorFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
)
from tests.innovations.factories import InnovationFactory, ThemeFactory
from tests.regions.factories import RegionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def region():
    return RegionFactory()


@pytest.fixture
def editor():
    return MembershipFactory(role=Role.EDITOR)


def _create(user, organisation, region, title="Laboratorium Kemiskinan", **fields):
    return innovation_create(
        user=user, organisation=organisation, region=region, title=title, **fields
    )


def test_member_editor_creates_a_draft_for_their_organisation(editor, region):
    theme = ThemeFactory()
    innovation = _create(
        editor.user, editor.organisation, region, summary="Ringkas.", themes=[theme], year=2020
    )
    assert innovation.pk
    assert innovation.status == PublicationStatus.DRAFT
    assert innovation.published_at is None
    assert innovation.slug == "laboratorium-kemiskinan"
    assert innovation.created_by == editor.user
    assert list(innovation.themes.all()) == [theme]


def test_plain_member_cannot_create(region):
    membership = MembershipFactory(role=Role.MEMBER)
    with pytest.raises(PermissionDenied):
        _create(membership.user, membership.organisation, region)


def test_member_of_another_organisation_cannot_create_or_edit(editor, region):
    other = MembershipFactory(role=Role.EDITOR)
    with pytest.raises(PermissionDenied):
        _create(other.user, editor.organisation, region)
    innovation = _create(editor.user, editor.organisation, region)
    with pytest.raises(PermissionDenied):
        innovation_update(user=other.user, innovation=innovation, summary="Bukan milik saya")
    innovation.refresh_from_db()
    assert innovation.summary == ""


def test_anonymous_cannot_create_edit_publish_or_delete(editor, region):
    anonymous = AnonymousUser()
    with pytest.raises(PermissionDenied):
        _create(anonymous, editor.organisation, region)
    innovation = _create(editor.user, editor.organisation, region, summary="Ada.")
    for action in (innovation_publish, innovation_unpublish, innovation_delete):
        with pytest.raises(PermissionDenied):
            action(user=anonymous, innovation=innovation)
    with pytest.raises(PermissionDenied):
        innovation_update(user=anonymous, innovation=innovation, title="Baru")


def test_curator_can_create_without_organisation_and_edit_anything(editor, region):
    curator = CuratorFactory()
    own = _create(curator, None, region, title="Praktik Kurator")
    assert own.organisation is None
    theirs = _create(editor.user, editor.organisation, region)
    innovation_update(user=curator, innovation=theirs, summary="Diperiksa kurator.")
    theirs.refresh_from_db()
    assert theirs.summary == "Diperiksa kurator."


def test_editor_edits_their_own_practice_and_slug_stays(editor, region):
    innovation = _create(editor.user, editor.organisation, region)
    innovation_update(user=editor.user, innovation=innovation, title="Judul Baru", year=2018)
    innovation.refresh_from_db()
    assert (innovation.title, innovation.year) == ("Judul Baru", 2018)
    assert innovation.slug == "laboratorium-kemiskinan"


def test_editor_cannot_move_a_practice_to_another_organisation(editor, region):
    innovation = _create(editor.user, editor.organisation, region)
    with pytest.raises(PermissionDenied):
        innovation_update(
            user=editor.user, innovation=innovation, organisation=OrganisationFactory()
        )


def test_slug_gets_a_suffix_on_collision(editor, region):
    first = _create(editor.user, editor.organisation, region, title="Gandeng Gendong")
    second = _create(editor.user, editor.organisation, region, title="Gandeng  Gendong!")
    third = _create(editor.user, editor.organisation, region, title="Gandeng Gendong")
    assert [first.slug, second.slug, third.slug] == [
        "gandeng-gendong",
        "gandeng-gendong-2",
        "gandeng-gendong-3",
    ]
    assert unique_slug("???") == "praktik"


def test_missing_title_is_refused_in_indonesian(editor, region):
    with pytest.raises(ValidationError) as exc:
        _create(editor.user, editor.organisation, region, title="  ")
    assert exc.value.message_dict["title"] == ["Judul wajib diisi."]
    assert not Innovation.objects.exists()


def test_missing_region_is_refused(editor):
    with pytest.raises(ValidationError) as exc:
        _create(editor.user, editor.organisation, None)
    assert "Wilayah asal wajib diisi." in exc.value.message_dict["region"]


@pytest.mark.parametrize("year", [1900, 3000])
def test_year_out_of_range_is_refused(editor, region, year):
    with pytest.raises(ValidationError) as exc:
        _create(editor.user, editor.organisation, region, year=year)
    assert "Tahun harus antara 1945" in exc.value.message_dict["year"][0]


def test_bad_choice_and_url_are_refused(editor, region):
    with pytest.raises(ValidationError) as exc:
        _create(editor.user, editor.organisation, region, jenis="analog", website="bukan url")
    assert set(exc.value.message_dict) == {"jenis", "website"}


def test_unknown_field_is_a_programming_error(editor, region):
    with pytest.raises(TypeError):
        _create(editor.user, editor.organisation, region, status=PublicationStatus.PUBLISHED)


def test_publish_sets_published_at_and_unpublish_clears_it(editor, region):
    innovation = _create(editor.user, editor.organisation, region, summary="Ringkas.")
    innovation_submit(user=editor.user, innovation=innovation)
    innovation_verify(user=CuratorFactory(), innovation=innovation)
    innovation_publish(user=editor.user, innovation=innovation)
    innovation.refresh_from_db()
    assert innovation.status == PublicationStatus.PUBLISHED
    assert innovation.published_at is not None
    innovation_unpublish(user=editor.user, innovation=innovation)
    innovation.refresh_from_db()
    assert innovation.status == PublicationStatus.DRAFT
    assert innovation.published_at is None


def test_publish_needs_a_summary(editor, region):
    innovation = _create(editor.user, editor.organisation, region)
    with pytest.raises(ValidationError) as exc:
        innovation_publish(user=CuratorFactory(), innovation=innovation)
    assert "summary" in exc.value.message_dict
    innovation.refresh_from_db()
    assert innovation.status == PublicationStatus.DRAFT


def test_member_of_another_org_cannot_publish(editor, region):
    innovation = _create(editor.user, editor.organisation, region, summary="Ringkas.")
    other = MembershipFactory(role=Role.ADMIN)
    with pytest.raises(PermissionDenied):
        innovation_publish(user=other.user, innovation=innovation)


def test_editor_deletes_drafts_but_only_curators_delete_published(editor, region):
    draft = _create(editor.user, editor.organisation, region)
    innovation_delete(user=editor.user, innovation=draft)
    assert not Innovation.objects.filter(pk=draft.pk).exists()

    published = InnovationFactory(organisation=editor.organisation)
    with pytest.raises(PermissionDenied):
        innovation_delete(user=editor.user, innovation=published)
    innovation_delete(user=CuratorFactory(), innovation=published)
    assert not Innovation.objects.filter(pk=published.pk).exists()


def _upsert(user=None, **overrides):
    values: dict[str, Any] = {
        "source": "uji",
        "external_id": "satu",
        "region": RegionFactory(code="33.14", name="Kabupaten Sragen"),
        "title": "UPTPK",
        "summary": "Ringkasan.",
        "year": 2015,
        "source_urls": ["https://example.org/a", "https://example.org/b"],
    }
    values.update(overrides)
    return innovation_upsert_from_import(user=user, **values)


def test_upsert_creates_published_then_reports_unchanged_then_updated():
    first = _upsert()
    assert first.action == "created"
    innovation = first.innovation
    assert innovation.status == PublicationStatus.PUBLISHED
    assert innovation.published_at is not None
    assert [(link.kind, link.url) for link in innovation.links.all()] == [
        (LinkKind.SOURCE, "https://example.org/a"),
        (LinkKind.SOURCE, "https://example.org/b"),
    ]
    assert _upsert().action == "unchanged"
    again = _upsert(summary="Ringkasan baru.")
    assert again.action == "updated"
    assert again.innovation.pk == innovation.pk
    assert Innovation.objects.count() == 1


def test_upsert_keeps_curated_fields_and_a_takedown():
    innovation = _upsert().innovation
    curator = CuratorFactory()
    innovation_update(user=curator, innovation=innovation, problem="Data tersebar.")
    innovation_unpublish(user=curator, innovation=innovation)
    assert _upsert(title="UPTPK Sragen").action == "updated"
    innovation.refresh_from_db()
    assert innovation.problem == "Data tersebar."
    assert innovation.status == PublicationStatus.DRAFT


def test_upsert_by_a_person_needs_the_import_permission():
    with pytest.raises(PermissionDenied):
        _upsert(user=UserFactory())
    assert _upsert(user=CuratorFactory()).action == "created"
