"""`sebaya demo`: the whole demo data set, loaded twice without duplicates."""

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from sebaya.accounts.models import Organisation, OrganisationKind, User
from sebaya.innovations.demo import SIX_PRACTICES_PATH, WORKSHOP_SOURCE
from sebaya.innovations.models import (
    Award,
    EvidenceItem,
    Innovation,
    Link,
    OutcomeFigure,
    StageEvent,
)
from sebaya.regions.models import Observation

pytestmark = pytest.mark.django_db

SIX = {
    ("sebaya-sample", "sragen-uptpk"),
    ("sebaya-sample", "trenggalek-gertak"),
    ("sebaya-sample", "pekalongan-lab-kemiskinan"),
    ("sebaya-sample", "jatim-puspa"),
    (WORKSHOP_SOURCE, "jateng-kemiskinan-ekstrem"),
    (WORKSHOP_SOURCE, "banyuwangi-kolaborasi-kemiskinan"),
}
MODELS = (
    Innovation,
    Organisation,
    Award,
    EvidenceItem,
    OutcomeFigure,
    StageEvent,
    Link,
    Observation,
)


def _counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def _snapshot():
    return sorted(
        (i.external_id, i.updated_at, i.organisation_id, i.year_note, i.how_it_works)
        for i in Innovation.objects.all()
    )


def test_demo_runs_twice_and_the_second_run_changes_nothing():
    out = StringIO()
    call_command("demo", stdout=out)
    assert "Enam praktik lokakarya: 2 baru" in out.getvalue()
    counts, snapshot = _counts(), _snapshot()
    assert counts["Innovation"] == 22

    out = StringIO()
    call_command("demo", stdout=out)
    assert _counts() == counts
    assert _snapshot() == snapshot
    assert "0 baru, 0 dilengkapi, 6 tetap" in out.getvalue()
    assert "0 bagian baru, 0 bagian diperbarui" in out.getvalue()
    assert not User.objects.exists()

    _check_six_practices()
    _check_kalimantan_barat()


def _check_six_practices():
    for source, external_id in SIX:
        innovation = Innovation.objects.get(source=source, external_id=external_id)
        assert innovation.is_published
        assert innovation.links.exists(), external_id
        organisation = innovation.organisation
        assert organisation is not None, external_id
        assert organisation.kind == OrganisationKind.PEMDA
        assert organisation.region == innovation.region
    # One organisation per owner pemda; the learning demo adds the workshop's two organisers.
    organisers = ["pemprov-kalimantan-barat", "usaid-erat"]
    assert Organisation.objects.exclude(slug__in=organisers).count() == 6
    assert Organisation.objects.filter(slug__in=organisers).count() == 2

    pekalongan = Innovation.objects.get(external_id="pekalongan-lab-kemiskinan")
    award = pekalongan.awards.get()
    assert (award.programme, award.year, str(award.awarded_on)) == ("kipp", 2020, "2020-11-25")
    assert set(pekalongan.evidence.values_list("reference", flat=True)) == {
        "Perbup 97/2017",
        "Perbup 39/2019",
        "Perbup 57/2021",
    }
    poverty = pekalongan.outcomes.get(label__startswith="Tingkat kemiskinan")
    assert (poverty.value_before, poverty.period_before) == (Decimal("12.96"), "2016")
    assert (poverty.value_after, poverty.period_after) == (Decimal("9.71"), "2019")
    assert poverty.source_url.startswith("https://radarpekalongan")
    assert "2016" in pekalongan.year_note and "2018" in pekalongan.year_note
    assert pekalongan.legal_basis and pekalongan.replication_notes

    sragen = Innovation.objects.get(external_id="sragen-uptpk")
    assert set(sragen.awards.values_list("programme", "year")) == {
        ("sinovik", 2015),
        ("unpsa", 2015),
    }
    assert sragen.stage_events.filter(year=2012, note__contains="Desember 2012").exists()
    assert not sragen.outcomes.exists()  # the fact sheet has no figures for Sragen

    gertak = Innovation.objects.get(external_id="trenggalek-gertak")
    assert str(gertak.stage_events.get().date) == "2016-05-12"
    assert gertak.outcomes.get().value_after == Decimal("12.02")

    jateng = Innovation.objects.get(external_id="jateng-kemiskinan-ekstrem")
    assert jateng.title == "Penanggulangan Kemiskinan Ekstrem Provinsi Jawa Tengah"
    assert jateng.region.code == "33"
    assert jateng.evidence.get().reference == "SK Gubernur 465/13/2023"
    figure = jateng.outcomes.get()
    assert (figure.value_before, figure.value_after) == (Decimal("1.97"), Decimal("1.11"))

    banyuwangi = Innovation.objects.get(external_id="banyuwangi-kolaborasi-kemiskinan")
    assert banyuwangi.region.code == "35.10"
    assert banyuwangi.stage_events.filter(date="2018-03-15").exists()
    figure = banyuwangi.outcomes.get()
    assert (figure.value_before, figure.value_after) == (Decimal("0.98"), Decimal("0.29"))

    puspa = Innovation.objects.get(external_id="jatim-puspa")
    assert puspa.outcomes.filter(label__contains="367-474", period_after="2023").exists()
    # The sample's full address and the fact sheet's shorter one are the same article.
    assert puspa.links.filter(url__contains="1294470").count() == 1


def _check_kalimantan_barat():
    values = dict(
        Observation.objects.filter(
            region__code="61", indicator__slug="extreme_poverty_rate"
        ).values_list("period", "value")
    )
    assert values["2021-03"] == Decimal("1.08")
    assert values["2022-03"] == Decimal("1.41")


def test_every_fact_in_the_demo_file_has_a_source():
    data = json.loads(SIX_PRACTICES_PATH.read_text(encoding="utf-8"))
    assert len(data["practices"]) == 6
    for practice in data["practices"]:
        for name, fact in practice["fields"].items():
            assert fact["text"].strip(), name
            assert fact["sources"], (practice["key"], name)
            assert all(url.startswith("https://") for url in fact["sources"])
        for part in ("awards", "outcomes", "stage_events"):
            for item in practice[part]:
                assert item["source_url"].startswith("https://"), (practice["key"], part)
        for item in practice["evidence"]:
            assert item["url"].startswith("https://")
        assert all(url.startswith("https://") for url in practice["links"])
