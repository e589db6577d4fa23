"""The documented study visits load as adoption records at the studi tiru stage, once."""

from io import StringIO

import pytest
from django.core.management import call_command

from sebaya.learning.models import Adoption, AdoptionStage, AdoptionStageChange

pytestmark = pytest.mark.django_db

RADAR = "https://radarpekalongan.id/2023/05/19/entaskan-kemiskinan-bupati-fadia-terus-dorong-inovasi-laboratorium-kemiskinan/2"


def test_demo_loads_the_fifteen_study_visits_to_pekalongan_once():
    call_command("demo", stdout=StringIO())
    call_command("demo", stdout=StringIO())

    visits = Adoption.objects.filter(innovation__external_id="pekalongan-lab-kemiskinan")
    assert visits.count() == 15
    assert set(visits.values_list("stage", flat=True)) == {AdoptionStage.STUDI_TIRU}
    assert set(visits.values_list("source_url", flat=True)) == {RADAR}
    names = set(visits.values_list("region__name", flat=True))
    assert {"Kota Semarang", "Kota Pekalongan", "Kabupaten Sidenreng Rappang"} <= names
    assert "Kabupaten Pekalongan" not in names
    # One opening step each, undated because the source gives no date.
    assert AdoptionStageChange.objects.count() == 15
    assert not AdoptionStageChange.objects.exclude(date=None).exists()
    assert Adoption.objects.count() == 15
