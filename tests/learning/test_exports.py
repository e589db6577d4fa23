"""Exports of a programme and of a practice's adopters, opened back with openpyxl and csv."""

import csv
import datetime
import io

import openpyxl
import pytest

from sebaya.learning.models import AdoptionStage
from sebaya.learning.services import adoption_advance
from tests.learning.helpers import submit_plan, today

pytestmark = pytest.mark.django_db


def _plan_in_pilot(world):
    plan = submit_plan(world)
    adoption_advance(
        user=world.adopter, adoption=plan.adoption, to_stage=AdoptionStage.UJI_COBA, date=today()
    )
    return plan


def test_programme_xlsx_opens_with_summary_plans_and_stages(world, client):
    plan = _plan_in_pilot(world)
    response = client.get(f"/belajar/program/{world.programme.slug}/ekspor.xlsx")
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.xlsx"')
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Ringkasan", "Rencana tindak lanjut", "Adopsi per tahap"]
    summary = {row[0]: row[1] for row in book["Ringkasan"].iter_rows(min_row=2, values_only=True)}
    assert summary["Rencana tindak lanjut"] == 1
    assert summary["Organisasi terdaftar"] == 1
    plans = list(book["Rencana tindak lanjut"].iter_rows(values_only=True))
    assert plans[0][0] == "Organisasi pengadopsi"
    assert plans[1][0] == world.adopter_org.name
    assert plans[1][3] == world.practice.title
    assert plans[1][5] == "Uji coba"
    assert isinstance(plans[1][6], datetime.datetime)  # a real date cell
    assert plans[1][12].endswith(f"/belajar/rtl/{plan.pk}/")
    stages = {
        row[0]: row[1] for row in book["Adopsi per tahap"].iter_rows(min_row=2, values_only=True)
    }
    assert stages["Uji coba"] == 1 and stages["Minat"] == 0


def test_programme_csv_is_utf8_with_the_plans(world, client):
    _plan_in_pilot(world)
    response = client.get(f"/belajar/program/{world.programme.slug}/ekspor.csv")
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "Organisasi pengadopsi"
    assert rows[1][0] == world.adopter_org.name
    assert rows[1][6] == today().isoformat()


def test_exported_text_cannot_run_as_a_spreadsheet_formula(world, client):
    world.adopter_org.name = '=HYPERLINK("http://x")'
    world.adopter_org.save()
    _plan_in_pilot(world)
    book = openpyxl.load_workbook(
        io.BytesIO(client.get(f"/belajar/program/{world.programme.slug}/ekspor.xlsx").content)
    )
    cell = book["Rencana tindak lanjut"]["A2"]
    assert cell.data_type == "s" and cell.value.startswith("'=")


def test_practice_adopters_export(world, client):
    _plan_in_pilot(world)
    book = openpyxl.load_workbook(
        io.BytesIO(client.get(f"/belajar/praktik/{world.practice.slug}/ekspor.xlsx").content)
    )
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[1][0] == world.adopter_region.name
    assert rows[1][4] == "Uji coba"
    assert client.get(f"/belajar/praktik/{world.practice.slug}/ekspor.pdf").status_code == 404
