"""The curators' import pages through the real HTTP stack: permissions, the flow, the downloads."""

import io
import zipfile

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from sebaya.exchange.models import ImportJob, JobStatus
from sebaya.exchange.progress import set_job_progress
from sebaya.innovations.models import Innovation
from tests.accounts.factories import CuratorFactory, UserFactory
from tests.exchange.conftest import ID_HEADER, id_row, write_xlsx
from tests.innovations.factories import InnovationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def curator(client):
    user = CuratorFactory()
    client.force_login(user)
    return user


def _upload(client, path, **data):
    with path.open("rb") as fh:
        return client.post(
            reverse("exchange:upload"),
            {"kind": "practices", "file": fh, "source": "uji", **data},
        )


def _job_urls(job):
    return [
        reverse("exchange:job", args=[job.pk]),
        reverse("exchange:mapping", args=[job.pk]),
        reverse("exchange:progress", args=[job.pk]),
        reverse("exchange:errors_csv", args=[job.pk]),
    ]


def test_only_curators_reach_the_import_pages(client, regions, tmp_path):
    job = ImportJob.objects.create(
        kind="practices", original_name="a.csv", file_format="csv", file="x.csv"
    )
    urls = [
        reverse("exchange:index"),
        reverse("exchange:upload"),
        reverse("exchange:template", args=["practices"]),
        *_job_urls(job),
    ]
    posts = [reverse("exchange:run", args=[job.pk]), reverse("exchange:preview", args=[job.pk])]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and "/masuk/" in response["Location"], url
    client.force_login(UserFactory())
    for url in urls:
        assert client.get(url).status_code == 403, url
    for url in posts:
        assert client.post(url).status_code == 403, url
    client.force_login(CuratorFactory())
    assert client.get(reverse("exchange:index")).status_code == 200


def test_nav_link_only_for_curators(client, regions):
    client.force_login(UserFactory())
    assert reverse("exchange:index") not in client.get("/").content.decode()
    client.force_login(CuratorFactory())
    assert reverse("exchange:index") in client.get("/").content.decode()


def test_upload_map_preview_run_and_log(
    client, curator, regions, tmp_path, django_capture_on_commit_callbacks
):
    rows = [id_row(n) for n in range(1, 6)]
    rows.append(id_row(6, Pemda="Kabupaten Sragenn"))
    path = write_xlsx(
        tmp_path / "inovasi.xlsx", [*ID_HEADER, "Catatan Internal"], [[*r, "x"] for r in rows]
    )
    response = _upload(client, path)
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "exchange:mapping", args=[job.pk]
    )
    assert job.file_format == "xlsx" and job.mapping["Nama Inovasi"] == "title"
    assert job.mapping["Catatan Internal"] == ""

    page = client.get(reverse("exchange:mapping", args=[job.pk])).content.decode()
    assert "Catatan Internal" in page and "(abaikan kolom ini)" in page

    form = {f"col_{i}": job.mapping[h] for i, h in enumerate([*ID_HEADER, "Catatan Internal"])}
    form.update({"source": "uji", "default_source_url": ""})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("exchange:mapping", args=[job.pk]), form)
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == JobStatus.CHECKED
    assert job.preview["created"] == 5 and job.preview["failed"] == 1
    assert not Innovation.objects.exists()  # the preview wrote nothing
    page = client.get(reverse("exchange:job", args=[job.pk])).content.decode()
    assert "Sragen" in page and "Unduh galat per baris" in page
    assert "Jalankan impor" not in page  # atomic: a failing row stops the run

    # Errors downloadable as CSV.
    csv_text = client.get(reverse("exchange:errors_csv", args=[job.pk])).content.decode()
    assert csv_text.splitlines()[0] == "baris,kolom,id,pesan"
    assert csv_text.splitlines()[1].startswith("7,region_name")

    # Choose to write the good rows only, preview again, run.
    form["skip_invalid"] = "on"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("exchange:mapping", args=[job.pk]), form)
    assert "Jalankan impor" in client.get(reverse("exchange:job", args=[job.pk])).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("exchange:run", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert job.report["created"] == 5
    assert Innovation.objects.count() == 5
    page = client.get(reverse("exchange:job", args=[job.pk])).content.decode()
    assert "Hasil impor" in page
    assert "inovasi.xlsx" in client.get(reverse("exchange:index")).content.decode()


def test_duplicate_choices_in_the_run(
    client, curator, regions, tmp_path, django_capture_on_commit_callbacks
):
    from sebaya.regions.models import Region

    stored = InnovationFactory(
        region=Region.objects.get(code="33.14"), title="Layanan Terpadu Uji 1", year=None
    )
    path = write_xlsx(tmp_path / "a.xlsx", ID_HEADER, [id_row(1), id_row(2)])
    _upload(client, path)
    job = ImportJob.objects.get()
    form = {f"col_{i}": job.mapping[h] for i, h in enumerate(ID_HEADER)}
    form["source"] = "uji"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("exchange:mapping", args=[job.pk]), form)
    job.refresh_from_db()
    assert [d["line"] for d in job.preview["duplicates"]] == [2, 3]
    page = client.get(reverse("exchange:job", args=[job.pk])).content.decode()
    assert f'value="merge:{stored.pk}" checked' in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("exchange:run", args=[job.pk]),
            {"dup_2": f"merge:{stored.pk}", "dup_3": "create"},
        )
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.message
    assert (job.report["merged"], job.report["created"]) == (1, 1)
    stored.refresh_from_db()
    assert stored.year == 2021
    # A forged choice (a practice that was not a candidate) is refused.
    job.status = JobStatus.CHECKED
    job.save()
    other = InnovationFactory()
    response = client.post(
        reverse("exchange:run", args=[job.pk]), {"dup_2": f"merge:{other.pk}"}, follow=True
    )
    assert "tidak sah" in response.content.decode()


def test_uploads_refused_with_a_message(client, curator, regions, tmp_path, settings):
    fake = tmp_path / "palsu.xlsx"
    fake.write_text("Nama Inovasi,Pemda\nA,B\n", encoding="utf-8")
    response = _upload(client, fake)
    assert response.status_code == 200
    assert "isinya CSV" in response.content.decode()
    person = write_xlsx(tmp_path / "orang.xlsx", [*ID_HEADER, "NIK"], [[*id_row(1), "x"]])
    response = _upload(client, person)
    assert "data perorangan" in response.content.decode()
    settings.SEBAYA_IMPORT_MAX_BYTES = 100
    response = _upload(client, write_xlsx(tmp_path / "besar.xlsx", ID_HEADER, [id_row(1)]))
    assert "terlalu besar" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_progress_fragment(client, curator):
    job = ImportJob.objects.create(
        kind="practices",
        original_name="a.csv",
        file_format="csv",
        file="x.csv",
        status=JobStatus.RUNNING,
    )
    set_job_progress(job.pk, "write", 250, 1000)
    response = client.get(reverse("exchange:progress", args=[job.pk]), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert '<progress id="job-progress-bar" max="1000" value="250">' in html
    assert "25%" in html and "hx-trigger" in html
    assert "HX-Refresh" not in response
    job.status = JobStatus.DONE
    job.save()
    response = client.get(reverse("exchange:progress", args=[job.pk]))
    assert response["HX-Refresh"] == "true"


def test_template_download(client, curator):
    response = client.get(reverse("exchange:template", args=["practices"]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content))["Data"]
    assert [c.value for c in sheet[1]][:2] == ["ID Inovasi", "Nama Inovasi"]
    assert client.get("/pertukaran/templat/lain.xlsx").status_code == 404


def test_export_page_and_zip(client, regions, django_assert_max_num_queries):
    InnovationFactory.create_batch(3)
    page = client.get(reverse("exchange:export"))
    assert page.status_code == 200 and "datapackage.json" in page.content.decode()
    with django_assert_max_num_queries(12):
        response = client.get(
            reverse("exchange:export"), {"dataset": "practices", "format": "xlsx"}
        )
    assert response["Content-Type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert sorted(names) == ["datapackage.json", "practices.xlsx"]
    bad = client.get(reverse("exchange:export"), {"dataset": "rahasia", "format": "csv"})
    assert bad.status_code == 200 and "rahasia" in bad.content.decode()


def test_job_list_queries_do_not_grow_with_jobs(client, curator, django_assert_num_queries):
    def make(n):
        for i in range(n):
            ImportJob.objects.create(
                kind="practices",
                original_name=f"f{i}.csv",
                file_format="csv",
                file="x.csv",
                created_by=curator,
            )

    make(2)
    with django_assert_num_queries(3) as few:
        assert client.get(reverse("exchange:index")).status_code == 200
    make(20)
    with django_assert_num_queries(len(few.captured_queries)):
        page = client.get(reverse("exchange:index")).content.decode()
    assert page.count("f1.csv") >= 1
