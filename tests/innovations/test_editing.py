"""The site's editing pages: members write their organisation's practices, curators write all."""

import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from sebaya.innovations.forms import pemda_regions
from sebaya.innovations.models import Innovation, PublicationStatus, SdgGoal, Urusan
from sebaya.innovations.services import unique_slug
from sebaya.regions.models import RegionLevel
from tests.accounts.factories import (
    CuratorFactory,
    MembershipFactory,
    OrganisationFactory,
)
from tests.innovations.factories import InnovationFactory, ThemeFactory
from tests.regions.factories import ProvinceFactory, RegionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _default_language_after():
    """A request in English leaves English active in this thread; later tests expect Indonesian."""
    yield
    translation.deactivate()


MANAGE = reverse("innovations:manage")
CREATE = reverse("innovations:create")
CATALOGUE = reverse("innovations:catalogue")


@pytest.fixture
def province():
    return ProvinceFactory(code="61", name="Kalimantan Barat")


@pytest.fixture
def region(province):
    return RegionFactory(
        code="61.71", name="Kota Pontianak", level=RegionLevel.CITY, parent=province
    )


@pytest.fixture
def other_region(province):
    return RegionFactory(code="61.01", name="Kabupaten Sambas", parent=province)


@pytest.fixture
def org_a(region):
    return OrganisationFactory(
        name="Bappeda Kota Pontianak", slug="bappeda-pontianak", region=region
    )


@pytest.fixture
def org_b(other_region):
    return OrganisationFactory(name="Bappeda Sambas", slug="bappeda-sambas", region=other_region)


@pytest.fixture
def editor_a(org_a):
    return MembershipFactory(organisation=org_a, role="editor").user


@pytest.fixture
def editor_b(org_b):
    return MembershipFactory(organisation=org_b, role="editor").user


@pytest.fixture
def member_a(org_a):
    return MembershipFactory(organisation=org_a, role="member").user


@pytest.fixture
def draft_a(org_a, region):
    return InnovationFactory(
        organisation=org_a,
        region=region,
        title="Draf Pontianak",
        slug="draf-pontianak",
        status=PublicationStatus.DRAFT,
    )


@pytest.fixture
def published_a(org_a, region):
    return InnovationFactory(
        organisation=org_a, region=region, title="Terbit Pontianak", slug="terbit-pontianak"
    )


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _edit(innovation: Innovation) -> str:
    return reverse("innovations:edit", kwargs={"slug": innovation.slug})


def _action(name: str, innovation: Innovation) -> str:
    return reverse(f"innovations:{name}", kwargs={"slug": innovation.slug})


def _form_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "Dapur Umum Kelurahan",
        "summary": "Warga memasak bersama untuk keluarga miskin ekstrem.",
        "overview": "",
        "region": "",
        "opd_name": "Dinas Sosial",
        "website": "https://pontianak.go.id/dapur",
        "bentuk": "pelayanan_publik",
        "jenis": "non_digital",
        "inisiator": "opd",
        "year": "2023",
        "stage": "penerapan",
        "running_status": "berjalan",
        "status_checked_on": "2025-01-15",
        "problem": "Anak kurang gizi.",
    }
    data.update(overrides)
    return data


def _catalogue_titles(client: Client) -> str:
    return client.get(CATALOGUE).content.decode()


def _snapshot(innovation: Innovation) -> tuple:
    innovation.refresh_from_db()
    return (innovation.title, innovation.status, innovation.summary, innovation.updated_at)


def test_editor_creates_a_draft_edits_publishes_and_unpublishes(
    editor_a, org_a, region, other_region
):
    """An editor's new practice is a draft of their organisation, public only once published."""
    theme = ThemeFactory(slug="pangan", name_id="Pangan", name_en="Food")
    sdg = SdgGoal.objects.create(number=2, name_id="Tanpa kelaparan", name_en="Zero hunger")
    client = _client(editor_a)
    anonymous = Client()

    page = client.get(f"{CREATE}?org={org_a.slug}")
    assert page.status_code == 200
    assert f'<option value="{region.pk}" selected>' in page.content.decode()

    response = client.post(
        f"{CREATE}?org={org_a.slug}",
        _form_data(organisation=org_a.pk, themes=[theme.pk], sdgs=[sdg.pk]),
    )
    practice = Innovation.objects.get(title="Dapur Umum Kelurahan")
    assert response.status_code == 302
    assert response["Location"] == _edit(practice)
    assert practice.status == PublicationStatus.DRAFT
    assert practice.organisation == org_a
    assert practice.created_by == editor_a
    assert practice.region == region  # the organisation's region, as nothing was chosen
    assert practice.year == 2023
    assert list(practice.themes.all()) == [theme]
    assert list(practice.sdgs.all()) == [sdg]
    assert "Dapur Umum Kelurahan" not in _catalogue_titles(anonymous)

    edit_page = client.get(_edit(practice))
    assert edit_page.status_code == 200
    assert "tersimpan" in edit_page.content.decode()  # the message after the redirect

    response = client.post(
        _edit(practice),
        _form_data(title="Dapur Umum Kelurahan Sehat", region=other_region.pk, themes=[]),
    )
    assert response.status_code == 302
    practice.refresh_from_db()
    assert practice.title == "Dapur Umum Kelurahan Sehat"
    assert practice.slug == "dapur-umum-kelurahan"  # shared links keep working
    assert practice.region == other_region
    assert practice.themes.count() == 0

    # Publishing waits for a curator's verification (the review workflow, docs/review.md).
    response = client.post(_action("publish", practice), follow=True)
    practice.refresh_from_db()
    assert practice.status == PublicationStatus.DRAFT
    assert "ajukan dulu untuk ditinjau" in response.content.decode()
    assert client.post(_action("submit", practice)).status_code == 302
    practice.refresh_from_db()
    assert practice.status == PublicationStatus.SUBMITTED
    assert "Dapur Umum Kelurahan Sehat" not in _catalogue_titles(anonymous)
    curator = _client(CuratorFactory())
    assert curator.post(_action("review", practice), {"decision": "verify"}).status_code == 302
    practice.refresh_from_db()
    assert practice.status == PublicationStatus.VERIFIED

    response = client.post(_action("publish", practice))
    assert response.status_code == 302
    practice.refresh_from_db()
    assert practice.status == PublicationStatus.PUBLISHED
    assert practice.published_at is not None
    assert "Dapur Umum Kelurahan Sehat" in _catalogue_titles(anonymous)
    assert anonymous.get(practice.get_absolute_url()).status_code == 200

    response = client.post(_action("unpublish", practice))
    assert response.status_code == 302
    practice.refresh_from_db()
    assert practice.status == PublicationStatus.DRAFT
    assert "Dapur Umum Kelurahan Sehat" not in _catalogue_titles(anonymous)
    assert anonymous.get(practice.get_absolute_url()).status_code == 404


def test_management_page_lists_drafts_and_offers_new_practice_per_organisation(
    editor_a, org_a, draft_a, published_a, org_b
):
    InnovationFactory(organisation=org_b, title="Praktik Sambas")
    response = _client(editor_a).get(MANAGE)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Draf Pontianak" in body and "Terbit Pontianak" in body
    assert "Praktik Sambas" not in body
    assert _edit(draft_a) in body
    assert f"{CREATE}?org={org_a.slug}" in body
    assert f"?org={org_b.slug}" not in body


def test_management_page_query_count_does_not_grow_with_practices(editor_a, org_a, region):
    """The list runs the same queries for 1 and for 20 practices (no per-row query)."""
    client = _client(editor_a)
    InnovationFactory(organisation=org_a, region=region, status=PublicationStatus.DRAFT)
    with CaptureQueriesContext(connection) as one:
        assert client.get(MANAGE).status_code == 200
    for _ in range(19):
        InnovationFactory(organisation=org_a, region=RegionFactory())
    with CaptureQueriesContext(connection) as twenty:
        response = client.get(MANAGE)
    assert response.content.decode().count(">Ubah<") == 20
    assert len(twenty.captured_queries) == len(one.captured_queries)
    assert len(one.captured_queries) <= 8


def test_editor_of_another_organisation_is_refused_and_nothing_changes(
    editor_b, published_a, draft_a
):
    """403 on a practice they can see but not edit; 404 on a draft they cannot even see."""
    client = _client(editor_b)
    before = _snapshot(published_a)
    assert client.get(_edit(published_a)).status_code == 403
    assert client.post(_edit(published_a), _form_data(title="Diambil alih")).status_code == 403
    assert client.post(_action("unpublish", published_a)).status_code == 403
    assert client.get(_action("delete", published_a)).status_code == 403
    assert client.post(_action("delete", published_a)).status_code == 403
    assert _snapshot(published_a) == before

    draft_before = _snapshot(draft_a)
    assert client.get(_edit(draft_a)).status_code == 404
    assert client.post(_edit(draft_a), _form_data(title="Diambil alih")).status_code == 404
    assert client.post(_action("publish", draft_a)).status_code == 404
    assert client.post(_action("delete", draft_a)).status_code == 404
    assert _snapshot(draft_a) == draft_before

    response = client.get(f"{CREATE}?org={draft_a.organisation.slug}")
    assert response.status_code == 403
    assert "tidak berhak" in response.content.decode()
    count = Innovation.objects.count()
    response = client.post(
        f"{CREATE}?org={draft_a.organisation.slug}",
        _form_data(organisation=draft_a.organisation_id),
    )
    assert response.status_code == 403
    assert Innovation.objects.count() == count


def test_plain_member_sees_drafts_but_cannot_write(member_a, org_a, draft_a):
    client = _client(member_a)
    before = _snapshot(draft_a)
    manage = client.get(MANAGE)
    assert manage.status_code == 200
    assert "Draf Pontianak" not in manage.content.decode()  # not editable, so not listed
    assert "belum menjadi editor" in manage.content.decode()
    assert client.get(draft_a.get_absolute_url()).status_code == 200  # members may read drafts
    assert client.get(CREATE).status_code == 403
    assert client.get(f"{CREATE}?org={org_a.slug}").status_code == 403
    assert client.get(_edit(draft_a)).status_code == 403
    assert client.post(_edit(draft_a), _form_data()).status_code == 403
    assert client.post(_action("publish", draft_a)).status_code == 403
    assert client.post(_action("delete", draft_a)).status_code == 403
    assert _snapshot(draft_a) == before


def test_anonymous_is_sent_to_login_and_cannot_post(draft_a, published_a):
    client = Client()
    before = _snapshot(published_a)
    for url in (MANAGE, CREATE, _edit(draft_a), _action("delete", draft_a)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login") + "?next=")
    for url in (
        CREATE,
        _edit(published_a),
        _action("unpublish", published_a),
        _action("delete", published_a),
    ):
        response = client.post(url, _form_data(title="Tanpa akun"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    assert _snapshot(published_a) == before
    assert not Innovation.objects.filter(title="Tanpa akun").exists()


def test_curator_edits_any_practice_and_may_create_without_organisation(
    published_a, draft_a, region
):
    curator = CuratorFactory()
    client = _client(curator)
    manage = client.get(MANAGE).content.decode()
    assert "Draf Pontianak" in manage and "Terbit Pontianak" in manage

    response = client.post(_edit(draft_a), _form_data(title="Dirapikan kurator"))
    assert response.status_code == 302
    draft_a.refresh_from_db()
    assert draft_a.title == "Dirapikan kurator"
    assert draft_a.organisation is not None  # editing never moves the practice

    response = client.post(CREATE, _form_data(title="Praktik kurator", region=region.pk))
    assert response.status_code == 302
    created = Innovation.objects.get(title="Praktik kurator")
    assert created.organisation is None
    assert created.status == PublicationStatus.DRAFT


@pytest.mark.parametrize("existing", [False, True])
def test_invalid_input_is_shown_next_to_fields_keeps_values_and_writes_nothing(
    editor_a, org_a, draft_a, existing
):
    client = _client(editor_a)
    data = _form_data(
        organisation=org_a.pk,
        title="  ",
        year="1800",
        website="bukan alamat",
        summary="Ringkasan yang sudah diketik panjang-panjang.",
        problem="Masalah yang sudah diketik.",
    )
    before = _snapshot(draft_a)
    count = Innovation.objects.count()
    url = _edit(draft_a) if existing else f"{CREATE}?org={org_a.slug}"

    response = client.post(url, data)

    assert response.status_code == 200
    body = response.content.decode()
    assert 'class="error-summary"' in body
    assert 'role="alert"' in body
    assert '<a href="#id_title">' in body
    assert 'id="id_title_error"' in body and 'aria-invalid="true"' in body
    assert "Bidang ini tidak boleh kosong." in body  # Django's own message, in Indonesian
    assert "Tahun harus antara 1945 dan" in body
    assert "Masukkan URL yang valid." in body
    assert 'value="1800"' in body
    assert 'value="bukan alamat"' in body
    assert "Ringkasan yang sudah diketik panjang-panjang." in body
    assert "Masalah yang sudah diketik." in body
    assert Innovation.objects.count() == count
    assert _snapshot(draft_a) == before
    if existing:
        assert "Ubah: Draf Pontianak" in body  # the heading names the saved title


def test_region_must_be_chosen_when_the_organisation_has_none(editor_a, org_a):
    org_a.region = None
    org_a.save()
    response = _client(editor_a).post(CREATE, _form_data(organisation=org_a.pk))
    assert response.status_code == 200
    assert "Wilayah asal wajib diisi." in response.content.decode()
    assert not Innovation.objects.exists()


def test_form_lists_only_editable_organisations_and_pemda_regions(editor_a, org_a, org_b, region):
    RegionFactory(code="31.71", name="Kota Administrasi Jakarta Pusat", level=RegionLevel.CITY)
    RegionFactory(code="61.71.01", name="Pontianak Selatan", level=RegionLevel.DISTRICT)
    body = _client(editor_a).get(CREATE).content.decode()
    assert org_a.name in body and org_b.name not in body
    assert "Kota Pontianak (61.71)" in body
    assert "Kalimantan Barat (61)" in body
    assert "Jakarta Pusat" not in body
    assert "Pontianak Selatan" not in body
    codes = list(pemda_regions().values_list("code", flat=True))
    assert codes == sorted(codes)


def test_editing_keeps_a_non_pemda_region_choosable(editor_a, org_a):
    district = RegionFactory(code="61.71.01", name="Pontianak Selatan", level="district")
    practice = InnovationFactory(organisation=org_a, region=district)
    client = _client(editor_a)
    assert "Pontianak Selatan" in client.get(_edit(practice)).content.decode()
    response = client.post(_edit(practice), _form_data(region=district.pk))
    assert response.status_code == 302
    practice.refresh_from_db()
    assert practice.region == district


def test_every_control_has_a_label(editor_a, org_a):
    Urusan.objects.create(code="1.06", name_id="Sosial", name_en="Social", category="wajib_dasar")
    body = _client(editor_a).get(f"{CREATE}?org={org_a.slug}").content.decode()
    form = body[body.index('<form method="post" class="edit-form"') :]
    form = form[: form.index("</form>")]
    ids = re.findall(r'<(?:input|select|textarea)[^>]*\sid="([^"]+)"', form)
    assert len(ids) == 28  # 27 fields (no themes or SDGs yet) and one urusan checkbox
    # Every control of the page (the header's search box too) has its label.
    ids += re.findall(r'<(?:input|select|textarea)[^>]*\sid="([^"]+)"', body)
    for control_id in ids:
        assert f'for="{control_id}"' in body, control_id


def test_csrf_is_enforced_on_every_write(editor_a, org_a, draft_a, published_a):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor_a)
    before = (_snapshot(draft_a), _snapshot(published_a))
    count = Innovation.objects.count()
    assert (
        client.post(f"{CREATE}?org={org_a.slug}", _form_data(organisation=org_a.pk)).status_code
        == 403
    )
    assert client.post(_edit(draft_a), _form_data()).status_code == 403
    assert client.post(_action("publish", draft_a)).status_code == 403
    assert client.post(_action("unpublish", published_a)).status_code == 403
    assert client.post(_action("delete", draft_a)).status_code == 403
    assert (_snapshot(draft_a), _snapshot(published_a)) == before
    assert Innovation.objects.count() == count
    # The edit page carries the token for each of its forms.
    body = client.get(_edit(draft_a)).content.decode()
    assert body.count('name="csrfmiddlewaretoken"') >= 3  # language switch, publish, edit form


def test_publish_actions_are_post_only(editor_a, draft_a, published_a):
    client = _client(editor_a)
    assert client.get(_action("publish", draft_a)).status_code == 405
    assert client.get(_action("unpublish", published_a)).status_code == 405
    draft_a.refresh_from_db()
    assert draft_a.status == PublicationStatus.DRAFT


def test_submitting_without_summary_is_refused_with_a_message(editor_a, draft_a):
    draft_a.summary = ""
    draft_a.save()
    client = _client(editor_a)
    response = client.post(_action("submit", draft_a), follow=True)
    assert "Ringkasan wajib diisi sebelum praktik diajukan." in response.content.decode()
    draft_a.refresh_from_db()
    assert draft_a.status == PublicationStatus.DRAFT


def test_editor_deletes_drafts_after_confirmation_but_not_published(editor_a, draft_a, published_a):
    client = _client(editor_a)
    edit_body = client.get(_edit(draft_a)).content.decode()
    assert _action("delete", draft_a) in edit_body
    assert _action("delete", published_a) not in client.get(_edit(published_a)).content.decode()

    confirm = client.get(_action("delete", draft_a))
    assert confirm.status_code == 200
    assert "Ya, hapus" in confirm.content.decode()
    assert Innovation.objects.filter(pk=draft_a.pk).exists()  # asking deletes nothing

    response = client.post(_action("delete", draft_a))
    assert response.status_code == 302
    assert response["Location"] == MANAGE
    assert not Innovation.objects.filter(pk=draft_a.pk).exists()

    assert client.get(_action("delete", published_a)).status_code == 403
    assert client.post(_action("delete", published_a)).status_code == 403
    assert Innovation.objects.filter(pk=published_a.pk).exists()


def test_detail_page_shows_edit_link_only_to_those_who_may_edit(
    editor_a, editor_b, member_a, draft_a, published_a
):
    edit_link = f'href="{_edit(published_a)}"'
    assert edit_link in _client(editor_a).get(published_a.get_absolute_url()).content.decode()
    for client in (_client(editor_b), _client(member_a), Client()):
        assert edit_link not in client.get(published_a.get_absolute_url()).content.decode()
    draft_page = _client(member_a).get(draft_a.get_absolute_url()).content.decode()
    assert '<span class="badge draft">Draf</span>' in draft_page


def test_detail_page_queries_for_an_editor_stay_bounded(editor_a, published_a):
    """Asking the policy adds one query (the user's memberships), not one per part."""
    anonymous, editor = Client(), _client(editor_a)
    with CaptureQueriesContext(connection) as anon:
        anonymous.get(published_a.get_absolute_url())
    with CaptureQueriesContext(connection) as edit:
        editor.get(published_a.get_absolute_url())
    # Session and user lookups (2), visibility (1), the edit check (1) and the history link
    # check (1) on top.
    assert len(edit.captured_queries) <= len(anon.captured_queries) + 5


def test_header_links_to_the_management_page_for_logged_in_users(editor_a):
    assert f'href="{MANAGE}"' in _client(editor_a).get(CATALOGUE).content.decode()
    assert f'href="{MANAGE}"' not in Client().get(CATALOGUE).content.decode()


def test_new_practices_never_take_the_paths_of_pages():
    assert unique_slug("Baru") == "baru-2"
    assert unique_slug("Kelola") == "kelola-2"


def test_editing_pages_render_in_english(editor_a, editor_b, org_a, draft_a, published_a):
    """With the language switch's cookie; pages ignore Accept-Language (decision 0003)."""
    client = _client(editor_a)
    client.cookies["django_language"] = "en"
    for url in (
        MANAGE,
        f"{CREATE}?org={org_a.slug}",
        _edit(draft_a),
        _edit(published_a),
        _action("delete", draft_a),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert '<html lang="en">' in response.content.decode()
    invalid = client.post(_edit(draft_a), _form_data(title=""))
    assert "This field is required." in invalid.content.decode()
    other = _client(editor_b)
    other.cookies["django_language"] = "en"
    denied = other.get(_edit(published_a))
    assert denied.status_code == 403
    assert '<html lang="en">' in denied.content.decode()
