"""Import and export on the bureau's pages (SPEC 7): upload, dry run, confirm, history, downloads."""

import csv
import io
import threading
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from colleges.models import College
from enterprises.models import Enterprise
from exchange import services
from exchange.importer import import_bundle
from exchange.models import ImportJob
from tests import factories as f
from tests.exchange_helpers import BASE, SMALL_CITY, table_counts, write_bundle
from tests.test_exchange_export import canonical_dump
from tests.test_exchange_import import SMALL_CITY_COUNTS

pytestmark = pytest.mark.django_db


def zipped(folder: Path, name="bundle.zip", **replace: str) -> SimpleUploadedFile:
    """The CSV files of `folder` as an uploaded .zip; `replace` swaps a file's text."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(folder.glob("*.csv")):
            archive.writestr(path.name, replace.get(path.stem, path.read_bytes()))
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/zip")


def upload(client, file, capture) -> ImportJob:
    with capture(execute=True):
        response = client.post(reverse("exchange:import_list"), {"file": file})
    assert response.status_code == 302, response.content.decode()[:2000]
    job = ImportJob.objects.latest("id")
    assert response.url == reverse("exchange:import_detail", args=[job.pk])
    return job


def confirm(client, job, capture):
    with capture(execute=True):
        response = client.post(reverse("exchange:import_confirm", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    return job


@pytest.fixture
def bureau(client, bureau_user):
    client.force_login(bureau_user)
    return client


def test_a_dry_run_changes_nothing_and_counts_what_it_would_do(bureau, django_capture_on_commit_callbacks):
    before = table_counts()

    job = upload(bureau, zipped(SMALL_CITY), django_capture_on_commit_callbacks)

    job.refresh_from_db()
    assert (job.mode, job.status, job.error_count) == ("dry_run", "valid", 0)
    assert {name: n["created"] for name, n in job.counts.items()} == SMALL_CITY_COUNTS
    assert all(n["updated"] == n["deleted"] == 0 for n in job.counts.values())
    assert job.progress_done == job.progress_total > 0
    assert table_counts() == before
    page = bureau.get(reverse("exchange:import_detail", args=[job.pk])).content.decode()
    assert "确认导入" in page and "1148" in page


def test_a_confirmed_page_import_equals_import_bundle(bureau, bureau_user, django_capture_on_commit_callbacks):
    with transaction.atomic():
        import_bundle(SMALL_CITY)
        expected, expected_counts = canonical_dump(), table_counts()
        transaction.set_rollback(True)
    assert Enterprise.objects.count() == 0

    job = confirm(
        bureau,
        upload(bureau, zipped(SMALL_CITY), django_capture_on_commit_callbacks),
        django_capture_on_commit_callbacks,
    )

    assert (job.mode, job.status, job.confirmed_by) == ("apply", "applied", bureau_user)
    assert {name: n["created"] for name, n in job.counts.items()} == SMALL_CITY_COUNTS
    assert canonical_dump() == expected
    assert table_counts() == expected_counts
    assert "导入成功" in bureau.get(reverse("exchange:import_detail", args=[job.pk])).content.decode()


def test_a_job_is_confirmed_once(bureau, django_capture_on_commit_callbacks):
    job = confirm(
        bureau,
        upload(bureau, zipped(SMALL_CITY), django_capture_on_commit_callbacks),
        django_capture_on_commit_callbacks,
    )
    after = table_counts()

    response = bureau.post(reverse("exchange:import_confirm", args=[job.pk]), follow=True)

    assert "只有试运行通过、尚未导入的任务可以确认导入" in response.content.decode()
    assert table_counts() == after


def test_errors_are_listed_by_file_row_and_column_and_downloadable(
    bureau, tmp_path, django_capture_on_commit_callbacks
):
    bad_programs = (
        BASE["programs"] + "13200,460701,9yr,2020-09-01,,normal,0\n99999,460701,3yr_higher,2020-09-01,,normal,0\n"
    )
    folder = write_bundle(tmp_path / "bad", {**BASE, "programs": bad_programs})
    before = table_counts()

    job = upload(bureau, zipped(folder), django_capture_on_commit_callbacks)

    job.refresh_from_db()
    assert (job.status, job.error_count, job.counts) == ("invalid", 2, {})
    assert [row[:3] for row in job.errors] == [["programs.csv", 3, "schooling"], ["programs.csv", 4, "college_code"]]
    assert table_counts() == before
    page = bureau.get(reverse("exchange:import_detail", args=[job.pk])).content.decode()
    assert "确认导入" not in page
    assert '<td>programs.csv</td><td class="num">4</td><td>college_code</td>' in page
    report = bureau.get(reverse("exchange:import_errors", args=[job.pk]))
    rows = list(csv.reader(io.StringIO(report.content.decode("utf-8-sig"))))
    assert rows[0] == ["file", "row", "column", "message"]
    assert [row[:3] for row in rows[1:]] == [["programs.csv", "3", "schooling"], ["programs.csv", "4", "college_code"]]
    assert "99999" in rows[2][3]


def test_the_errors_table_is_paginated(bureau, tmp_path, django_capture_on_commit_callbacks):
    rows = "".join(f"13200,460701,bad{i},2020-09-01,,normal,0\n" for i in range(120))
    folder = write_bundle(tmp_path / "bad", {**BASE, "programs": BASE["programs"] + rows})
    job = upload(bureau, zipped(folder), django_capture_on_commit_callbacks)

    first = bureau.get(reverse("exchange:import_detail", args=[job.pk])).content.decode()
    last = bureau.get(reverse("exchange:import_detail", args=[job.pk]) + "?page=3").content.decode()

    assert first.count("<td>schooling</td>") == 50 and "第 1 / 3 页，共 120 条" in first
    assert last.count("<td>schooling</td>") == 20


def test_confirming_revalidates_against_the_database_as_it_is_then(
    bureau, tmp_path, django_capture_on_commit_callbacks
):
    import_bundle(write_bundle(tmp_path / "base", BASE))
    folder = write_bundle(tmp_path / "programs", {"programs": BASE["programs"].replace("2020-09-01", "2021-09-01")})
    job = upload(bureau, zipped(folder), django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.status == "valid" and job.counts["programs"]["updated"] == 1
    College.objects.all().delete()  # meanwhile someone removes the college the bundle names
    before = table_counts()

    job = confirm(bureau, job, django_capture_on_commit_callbacks)

    assert (job.mode, job.status) == ("apply", "invalid")
    assert job.errors[0][:3] == ["programs.csv", 2, "college_code"]
    assert table_counts() == before


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("bundle.txt", b"x", "无法识别的文件类型"),
        ("bundle.zip", b"", "提交的是空文件"),
    ],
)
def test_an_upload_of_the_wrong_kind_is_refused_at_the_field(bureau, name, content, message):
    response = bureau.post(reverse("exchange:import_list"), {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ImportJob.objects.exists()


def test_an_upload_over_the_size_limit_is_refused(bureau, settings):
    settings.UPLOAD_MAX_BYTES = 100
    response = bureau.post(reverse("exchange:import_list"), {"file": SimpleUploadedFile("b.zip", b"x" * 101)})
    assert "文件超过上限 100 字节" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_a_hostile_zip_is_reported_not_unpacked(bureau, settings, django_capture_on_commit_callbacks):
    """A member declared larger than the limit (a zip bomb) is refused before it is inflated; a member's
    path (../../etc) is only a name: nothing is ever written to disk."""
    settings.UPLOAD_MAX_BYTES = 50_000
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("../../industries.csv", "code,name,parent_code\n" + "C,制造业,\n" * 20_000)
    job = upload(bureau, SimpleUploadedFile("bomb.zip", buffer.getvalue()), django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.status == "invalid"
    assert job.errors[0][0] == "industries.csv" and "超过上限" in job.errors[0][3]


def test_a_broken_workbook_is_an_error_row(bureau, django_capture_on_commit_callbacks):
    job = upload(bureau, SimpleUploadedFile("bundle.xlsx", b"not a workbook"), django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.status == "invalid" and job.errors[0][0] == "bundle.xlsx"


def test_the_history_lists_every_job_in_constant_queries(
    bureau, bureau_user, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    for i in range(3):
        ImportJob.objects.create(uploaded_by=f.UserFactory(), filename=f"old-{i}.zip", kind="zip", size=1, data=b"x")
    upload(bureau, zipped(SMALL_CITY, name="city.zip"), django_capture_on_commit_callbacks)

    with django_assert_max_num_queries(8):
        page = bureau.get(reverse("exchange:import_list")).content.decode()

    assert page.count('data-testid="import-history"') == 1
    assert all(name in page for name in ("city.zip", "old-0.zip", "old-2.zip", bureau_user.username))
    assert "检查通过，待确认" in page


def test_progress_is_json(bureau, django_capture_on_commit_callbacks):
    job = upload(bureau, zipped(SMALL_CITY), django_capture_on_commit_callbacks)
    progress = bureau.get(reverse("exchange:import_progress", args=[job.pk])).json()
    assert progress["finished"] is True and progress["percent"] == 100 and progress["status"] == "valid"


@pytest.mark.parametrize("fixture", ["college_user", "enterprise_user", "agency_user"])
def test_import_pages_do_not_exist_for_anyone_but_the_bureau(client, request, fixture):
    job = ImportJob.objects.create(filename="a.zip", kind="zip", size=1, data=b"x", status="valid")
    client.force_login(request.getfixturevalue(fixture))
    for name, args in [
        ("exchange:import_list", []),
        ("exchange:import_detail", [job.pk]),
        ("exchange:import_progress", [job.pk]),
        ("exchange:import_errors", [job.pk]),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 404, name
    response = client.post(reverse("exchange:import_list"), {"file": zipped(SMALL_CITY)})
    assert response.status_code == 404
    assert client.post(reverse("exchange:import_confirm", args=[job.pk])).status_code == 404
    job.refresh_from_db()
    assert (job.mode, job.status) == ("dry_run", "valid")
    assert ImportJob.objects.count() == 1


def test_the_bureau_downloads_the_whole_bundle(bureau, tmp_path):
    import_bundle(SMALL_CITY)

    response = bureau.get(reverse("exchange:export") + "?format=zip")

    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert "industries.csv" in archive.namelist() and "demand_items.csv" in archive.namelist()
    assert archive.read("demand_items.csv").startswith(b"\xef\xbb\xbf")
    with archive.open("enterprises.csv") as member:
        assert len(list(csv.DictReader(io.TextIOWrapper(member, encoding="utf-8-sig")))) == 140
    workbook = bureau.get(reverse("exchange:export") + "?format=xlsx")
    assert workbook.status_code == 200 and b"".join(workbook.streaming_content).startswith(b"PK")


def test_an_enterprise_downloads_only_its_own_rows(client, enterprise_user, enterprise, other_enterprise):
    f.DemandItemFactory(demand_list=f.DemandListFactory(enterprise=enterprise), title="本企业需求")
    f.DemandItemFactory(demand_list=f.DemandListFactory(enterprise=other_enterprise), title="他企业需求")
    client.force_login(enterprise_user)

    assert "导出数据包" in client.get(reverse("exchange:export")).content.decode()
    response = client.get(reverse("exchange:export") + "?format=zip")

    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    with archive.open("enterprises.csv") as member:
        assert [r["uscc"] for r in csv.DictReader(io.TextIOWrapper(member, encoding="utf-8-sig"))] == [enterprise.uscc]
    with archive.open("demand_items.csv") as member:
        assert [r["title"] for r in csv.DictReader(io.TextIOWrapper(member, encoding="utf-8-sig"))] == ["本企业需求"]


def test_the_agency_has_no_export_page(client, agency_user):
    client.force_login(agency_user)
    assert client.get(reverse("exchange:export")).status_code == 404


def test_the_bureau_nav_leads_to_the_import_page(bureau):
    page = bureau.get(reverse("home")).content.decode()
    assert f'href="{reverse("exchange:import_list")}"' in page and "数据交换/导入" in page


@pytest.mark.skipif(connection.vendor == "sqlite", reason="on SQLite the import runs in-process: no progress writer")
def test_progress_is_written_outside_the_import_transaction(transactional_db):
    """Watchers see the progress while the import's transaction is still open (it is rolled back here)."""
    job = ImportJob.objects.create(filename="a.zip", kind="zip", size=1, data=b"x")
    with transaction.atomic():
        with services._progress_writer(job.pk) as write:
            write(3, 7)
        transaction.set_rollback(True)
    job.refresh_from_db()
    assert (job.progress_done, job.progress_total) == (3, 7)


def test_an_exported_workbook_uploads_and_would_change_nothing(bureau, tmp_path, django_capture_on_commit_callbacks):
    import_bundle(SMALL_CITY)
    workbook = bureau.get(reverse("exchange:export") + "?format=xlsx")
    data = b"".join(workbook.streaming_content)

    job = upload(bureau, SimpleUploadedFile("city.xlsx", data), django_capture_on_commit_callbacks)

    job.refresh_from_db()
    assert (job.kind, job.status) == ("xlsx", "valid")
    assert {name: n["unchanged"] for name, n in job.counts.items() if name in SMALL_CITY_COUNTS} == SMALL_CITY_COUNTS
    assert all(n["created"] == n["updated"] == n["deleted"] == 0 for n in job.counts.values())


def test_a_job_page_reads_in_constant_queries(
    bureau, tmp_path, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    rows = "".join(f"13200,460701,bad{i},2020-09-01,,normal,0\n" for i in range(120))
    job = upload(
        bureau,
        zipped(write_bundle(tmp_path / "bad", {**BASE, "programs": BASE["programs"] + rows})),
        django_capture_on_commit_callbacks,
    )
    with django_assert_max_num_queries(8):
        assert bureau.get(reverse("exchange:import_detail", args=[job.pk]) + "?page=2").status_code == 200


def test_the_admin_lists_jobs_read_only(client, django_capture_on_commit_callbacks):
    admin = f.UserFactory(is_superuser=True, is_staff=True)
    job = ImportJob.objects.create(filename="a.zip", kind="zip", size=1, data=b"x", errors=[["a.csv", 2, "x", "坏"]])
    client.force_login(admin)
    assert "a.zip" in client.get(reverse("admin:exchange_importjob_changelist")).content.decode()
    assert client.get(reverse("admin:exchange_importjob_change", args=[job.pk])).status_code == 200
    assert client.get(reverse("admin:exchange_importjob_add")).status_code == 403


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL: SQLite serialises writers itself")
def test_two_imports_of_the_same_new_rows_at_once_both_succeed(transactional_db):
    """The second waits for the first and then updates what the first created (no unique violation)."""
    barrier, outcomes = threading.Barrier(2), []

    def run():
        try:
            barrier.wait(timeout=10)
            outcomes.append(import_bundle(SMALL_CITY))
        except Exception as error:  # the outcome under test, asserted below
            outcomes.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert sorted(result.counts["enterprises"].created for result in outcomes) == [0, 140]
    assert Enterprise.objects.count() == 140


def test_a_job_running_past_the_time_limit_is_reaped(settings):
    from exchange import tasks

    long_ago = timezone.now() - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 120)
    dead = ImportJob.objects.create(filename="a.zip", kind="zip", size=1, data=b"x", status="running")
    ImportJob.objects.filter(pk=dead.pk).update(started_at=long_ago)
    alive = ImportJob.objects.create(
        filename="b.zip", kind="zip", size=1, data=b"x", status="running", started_at=timezone.now()
    )

    assert tasks.reap_stale_import_jobs.apply().get() == 1

    dead.refresh_from_db()
    alive.refresh_from_db()
    assert (dead.status, alive.status) == ("failed", "running")
    assert "中断" in dead.error and dead.finished_at
