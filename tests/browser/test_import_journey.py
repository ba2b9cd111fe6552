"""Browser journey: the bureau uploads a bundle with errors, reads them in the table, uploads the fixed
bundle, confirms the import after its dry run and sees it in the history."""

import io
import zipfile

import pytest
from django.conf import settings

from enterprises.models import Enterprise
from tests.browser.conftest import assert_accessible, login, make_user
from tests.celery_worker import celery_worker_factory  # noqa: F401 — the fixture
from tests.exchange_helpers import SMALL_CITY

pytestmark = pytest.mark.browser


def city_zip(**replace: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(SMALL_CITY.glob("*.csv")):
            archive.writestr(path.name, replace.get(path.stem, path.read_bytes()))
    return buffer.getvalue()


def upload(page, name: str, data: bytes) -> None:
    page.set_input_files("#id_file", {"name": name, "mimeType": "application/zip", "buffer": data})
    page.click("text=上传并试运行")
    page.wait_for_url("**/exchange/imports/*/")


def test_bureau_fixes_a_bundle_from_the_error_table_and_imports_it(page):
    make_user("bureau_import")
    programs = (SMALL_CITY / "programs.csv").read_text(encoding="utf-8-sig").splitlines()
    programs[2] = programs[2].replace(",normal,", ",nromal,")  # a typo on the file's row 3
    broken = city_zip(programs="\n".join(programs) + "\n")

    login(page, "bureau_import")
    page.click("nav.site-nav >> text=数据交换/导入")
    upload(page, "city-broken.zip", broken)

    page.locator("[data-testid=job-status]", has_text="有错误，未保存").wait_for()
    errors = page.locator("[data-testid=job-errors] tbody tr")
    assert errors.count() == 1
    cells = errors.first.locator("td").all_inner_texts()
    assert cells[:3] == ["programs.csv", "3", "enrollment_status"] and "nromal" in cells[3]
    assert page.locator("text=确认导入").count() == 0
    assert_accessible(page)
    assert Enterprise.objects.count() == 0

    page.click("nav.breadcrumbs >> text=数据交换/导入")
    upload(page, "city-fixed.zip", city_zip())
    page.locator("[data-testid=job-status]", has_text="检查通过，待确认").wait_for()
    counts = page.locator("[data-testid=job-counts]").inner_text()
    assert "demand_items" in counts and "1148" in counts
    assert Enterprise.objects.count() == 0  # the dry run saved nothing

    page.click("button:has-text('确认导入')")
    page.locator("[data-testid=job-applied]").wait_for()
    page.locator("[data-testid=job-status]", has_text="已导入").wait_for()
    assert Enterprise.objects.count() == 140

    page.click("nav.breadcrumbs >> text=数据交换/导入")
    history = page.locator("[data-testid=import-history] tbody tr")
    assert history.count() == 2
    assert "city-fixed.zip" in history.nth(0).inner_text() and "已导入" in history.nth(0).inner_text()
    assert "city-broken.zip" in history.nth(1).inner_text() and "有错误，未保存" in history.nth(1).inner_text()


@pytest.mark.broker
@pytest.mark.postgres
@pytest.mark.skipif(not settings.CELERY_BROKER_URL, reason="CELERY_BROKER_URL is not set: no Redis broker")
@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"),
    reason="a worker process cannot share the SQLite test database: set DATABASE_URL to PostgreSQL",
)
def test_the_job_page_follows_a_worker_until_the_import_ends(page, celery_worker_factory):  # noqa: F811
    """With a broker the upload only queues the job: the page polls its progress and shows the outcome.
    The worker starts after the upload, so the page surely sees the job waiting first."""
    polls = []
    page.on("request", lambda request: "progress.json" in request.url and polls.append(request.url))
    make_user("bureau_worker")
    login(page, "bureau_worker")
    page.goto(page.base_url + "/exchange/imports/")

    upload(page, "city.zip", city_zip())
    page.locator("[data-testid=job-status]", has_text="排队中").wait_for()
    celery_worker_factory()
    page.locator("[data-testid=job-status]", has_text="检查通过，待确认").wait_for(timeout=60_000)
    assert polls and page.locator("[role=progressbar]").get_attribute("aria-valuenow") == "100"
    page.click("button:has-text('确认导入')")
    page.locator("[data-testid=job-applied]").wait_for(timeout=60_000)
    assert Enterprise.objects.count() == 140
