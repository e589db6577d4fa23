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


def test_demo_loads_the_pontianak_workshop_with_its_six_practices_and_source():
    from sebaya.learning.models import (
        ActionPlan,
        LearningEvent,
        LearningProgramme,
        Registration,
    )

    call_command("demo", stdout=StringIO())
    call_command("demo", stdout=StringIO())

    programme = LearningProgramme.objects.get()
    assert {o.name for o in programme.organisers.all()} == {
        "Pemerintah Provinsi Kalimantan Barat",
        "USAID ERAT",
    }
    assert programme.focus_region.code == "61"
    assert programme.source_url == "https://www.sonora.id/read/423811528"
    event = LearningEvent.objects.get()
    assert event.starts_on.isoformat() == "2023-06-13"
    assert event.kind == "workshop" and "Pontianak" in event.place
    assert event.source_url
    presented = {
        (f.innovation.external_id, f.presenter.slug)
        for f in event.featured.select_related("innovation", "presenter")
    }
    assert presented == {
        ("pekalongan-lab-kemiskinan", "pemkab-pekalongan"),
        ("jatim-puspa", "pemprov-jawa-timur"),
        ("jateng-kemiskinan-ekstrem", "pemprov-jawa-tengah"),
        ("trenggalek-gertak", "pemkab-trenggalek"),
        ("banyuwangi-kolaborasi-kemiskinan", "pemkab-banyuwangi"),
        ("sragen-uptpk", "pemkab-sragen"),
    }
    # No source names participants or action plans: none are invented.
    assert not Registration.objects.exists()
    assert not ActionPlan.objects.exists()
