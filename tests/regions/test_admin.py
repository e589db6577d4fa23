"""The admin pages of regions, indicators and observations render and search."""

import pytest

from tests.regions.factories import ObservationFactory


@pytest.fixture
def staff_client(client, django_user_model):
    user = django_user_model.objects.create_superuser(
        username="admin", email="admin@example.org", password="x"
    )
    client.force_login(user)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "text"),
    [
        ("/admin/regions/region/?q=sragen", "Kabupaten Sragen"),
        ("/admin/regions/region/?q=33.14", "Kabupaten Sragen"),
        ("/admin/regions/region/?level__exact=province", "Kalimantan Barat"),
        ("/admin/regions/indicator/", "extreme_poverty_rate"),
        ("/admin/regions/observation/", "2022-03"),
    ],
)
def test_admin_lists(staff_client, regions, url, text):
    ObservationFactory()

    response = staff_client.get(url)

    assert response.status_code == 200
    assert text in response.content.decode()


@pytest.mark.django_db
def test_admin_region_change_page(staff_client, regions):
    from sebaya.regions.models import Region

    sragen = Region.objects.get(code="33.14")

    response = staff_client.get(f"/admin/regions/region/{sragen.pk}/change/")

    assert response.status_code == 200
