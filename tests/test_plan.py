"""The city plan's tasks (SPEC 4.5) from the outside: a department user works only on its unit's tasks
(another unit's task or report is a 404), the bureau reviews, agencies read; overdue and due selectors on
hand-built data; the division-table export and the all-or-nothing task import."""

import datetime
import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from plan import selectors, services
from plan.models import Task, TaskReport
from plan.workbook import TaskImportInvalid, import_tasks
from portal.models import UserProfile
from portal.periods import Period
from tests import factories as f

NOW = Period.containing()
CLOSED = NOW.previous()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def units(db):
    return {name: f.UnitFactory(name=name) for name in ("市发展改革委", "市人力资源社会保障局", "市财政局")}


@pytest.fixture
def tasks(units):
    return {
        "own": f.TaskFactory(code="T01", lead_units=[units["市发展改革委"]], co_units=[units["市财政局"]]),
        "other": f.TaskFactory(code="T02", lead_units=[units["市人力资源社会保障局"]]),
    }


def _department(username, unit):
    return f.ProfileFactory(user=f.UserFactory(username=username), role="department", unit=unit).user


@pytest.fixture
def ndrc_user(units):
    return _department("ndrc", units["市发展改革委"])


@pytest.fixture
def finance_user(units):
    return _department("finance", units["市财政局"])


def _file(client, task, **fields):
    data = {"period": NOW.key, "status": "in_progress", "text": "已召开专题会议", "figures": "新增订单班：12个"}
    return client.post(f"/plan/{task.pk}/report/", data | fields)


# ---- roles ---------------------------------------------------------------------------------------


def test_a_department_profile_needs_its_unit_and_nothing_else(units, college):
    user = f.UserFactory(username="nounit")
    with pytest.raises(ValidationError):
        UserProfile(user=user, role="department").full_clean()
    with transaction.atomic(), pytest.raises(IntegrityError):
        UserProfile.objects.create(user=user, role="department", unit=units["市财政局"], college=college)
    with transaction.atomic(), pytest.raises(IntegrityError):
        UserProfile.objects.create(user=user, role="bureau", unit=units["市财政局"])


# ---- pages ---------------------------------------------------------------------------------------


def test_a_department_sees_and_reports_on_its_own_tasks_only(client, tasks, ndrc_user):
    client.force_login(ndrc_user)
    listing = client.get("/plan/").content.decode()
    assert "T01" in listing and "T02" not in listing
    assert client.get(f"/plan/{tasks['other'].pk}/").status_code == 404
    assert _file(client, tasks["other"]).status_code == 404
    assert not TaskReport.objects.exists()

    response = _file(client, tasks["own"])
    assert response.status_code == 302
    report = TaskReport.objects.get()
    assert (report.unit.name, report.year, report.quarter, report.author) == (
        "市发展改革委",
        NOW.year,
        NOW.quarter,
        ndrc_user,
    )
    assert report.figures == [{"label": "新增订单班", "value": "12个"}]
    assert report.review_state == "submitted"


def test_a_department_cannot_read_another_units_reports(client, tasks, units, ndrc_user):
    theirs = f.TaskReportFactory(
        task=tasks["other"], unit=units["市人力资源社会保障局"], attachment=SimpleUploadedFile("a.pdf", b"%PDF-1")
    )
    client.force_login(ndrc_user)
    assert client.get(f"/plan/reports/{theirs.pk}/attachment/").status_code == 404
    assert client.get(f"/api/v1/task-reports/{theirs.pk}/").status_code == 404
    assert client.get("/api/v1/task-reports/").json()["count"] == 0
    assert client.post(f"/plan/reports/{theirs.pk}/review/", {"decision": "accept"}).status_code == 404


def test_the_bureau_returns_a_report_with_a_reason_and_the_unit_resubmits(client, tasks, ndrc_user, bureau_user):
    client.force_login(ndrc_user)
    _file(client, tasks["own"], attachment=SimpleUploadedFile("进展.pdf", b"%PDF-1.4 data"))
    report = TaskReport.objects.get()
    client.force_login(bureau_user)
    assert client.post(f"/plan/reports/{report.pk}/review/", {"decision": "return"}).status_code == 302
    report.refresh_from_db()
    assert report.review_state == "submitted"  # a return needs a reason
    client.post(f"/plan/reports/{report.pk}/review/", {"decision": "return", "reason": "请补充资金到位数据"})
    report.refresh_from_db()
    assert (report.review_state, report.review_reason, report.reviewer) == (
        "returned",
        "请补充资金到位数据",
        bureau_user,
    )

    client.force_login(ndrc_user)
    page = client.get(f"/plan/{tasks['own'].pk}/").content.decode()
    assert "请补充资金到位数据" in page
    download = client.get(f"/plan/reports/{report.pk}/attachment/")
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")
    _file(client, tasks["own"], text="资金已到位 500 万元")
    report.refresh_from_db()
    assert (report.review_state, report.review_reason, report.text) == ("submitted", "", "资金已到位 500 万元")
    assert report.attachment  # kept when no new file is sent
    assert TaskReport.objects.count() == 1
    assert "请补充资金到位数据" in {h.review_reason for h in report.history.all()}

    client.force_login(bureau_user)
    client.post(f"/plan/reports/{report.pk}/review/", {"decision": "accept"})
    client.force_login(ndrc_user)
    _file(client, tasks["own"], text="再改")
    report.refresh_from_db()
    assert report.text == "资金已到位 500 万元"  # accepted is final


def test_attachments_are_limited_in_type_and_size(client, tasks, ndrc_user):
    client.force_login(ndrc_user)
    response = _file(client, tasks["own"], attachment=SimpleUploadedFile("run.exe", b"MZ"))
    assert response.status_code == 200 and "附件" in response.content.decode()
    big = SimpleUploadedFile("big.pdf", b"0" * (10 * 1024 * 1024 + 1))
    response = _file(client, tasks["own"], attachment=big)
    assert response.status_code == 200 and "10 MB" in response.content.decode()
    assert not TaskReport.objects.exists()


def test_other_roles_do_not_reach_the_task_pages(client, tasks, college_user, enterprise_user):
    for user in (college_user, enterprise_user):
        client.force_login(user)
        assert client.get("/plan/").status_code == 404
        assert client.get(f"/plan/{tasks['own'].pk}/").status_code == 404


def test_department_users_read_the_pages_agencies_read(client, tasks, ndrc_user):
    client.force_login(ndrc_user)
    home = client.get("/").content.decode()
    assert "市发展改革委" in home and "T01" in home and "T02" not in home  # its report due this quarter
    _file(client, tasks["own"])
    assert "T01" not in client.get("/").content.decode().split('data-testid="reports-due"')[1].split("</section>")[0]
    assert client.get("/policies/").status_code == 200
    assert client.get("/metrics/scenarios/").status_code == 200
    assert client.get("/plan/board/").status_code == 200


def test_the_task_list_and_board_take_a_constant_number_of_queries(
    client, bureau_user, units, django_assert_max_num_queries
):
    for n in range(30):
        task = f.TaskFactory(code=f"L{n:02d}", lead_units=[units["市发展改革委"]], co_units=[units["市财政局"]])
        f.TaskReportFactory(task=task, unit=units["市发展改革委"], year=CLOSED.year, quarter=CLOSED.quarter)
    client.force_login(bureau_user)
    with django_assert_max_num_queries(14):
        assert client.get("/plan/").status_code == 200
    with django_assert_max_num_queries(14):
        page = client.get("/plan/board/")
    row = next(r for r in page.context["board"]["rows"] if r["unit"].name == "市发展改革委")
    assert row["cells"]["in_progress"] == 30
    with django_assert_max_num_queries(12):
        assert client.get("/api/v1/tasks/?page_size=100").json()["count"] == 30


# ---- API -----------------------------------------------------------------------------------------


def test_api_scoping_for_department_bureau_and_agency(
    client, tasks, units, ndrc_user, finance_user, bureau_user, agency_user
):
    client.force_login(ndrc_user)
    assert [t["code"] for t in client.get("/api/v1/tasks/").json()["results"]] == ["T01"]
    assert client.get(f"/api/v1/tasks/{tasks['other'].pk}/").status_code == 404
    body = {"task": tasks["other"].pk, "year": NOW.year, "quarter": NOW.quarter, "status": "done", "text": "x"}
    assert client.post("/api/v1/task-reports/", body, content_type="application/json").status_code == 400
    body["task"] = tasks["own"].pk
    body["figures"] = [{"label": "项目数", "value": "3"}]
    created = client.post("/api/v1/task-reports/", body, content_type="application/json")
    assert created.status_code == 201, created.json()
    report_id = created.json()["id"]
    assert created.json()["unit_name"] == "市发展改革委"
    assert (
        client.post(
            f"/api/v1/task-reports/{report_id}/review/", {"accept": True}, content_type="application/json"
        ).status_code
        == 403
    )

    # A co-unit sees the lead unit's report on the shared task but cannot change it.
    client.force_login(finance_user)
    assert client.get(f"/api/v1/task-reports/{report_id}/").status_code == 200
    patch = client.patch(f"/api/v1/task-reports/{report_id}/", {"text": "改"}, content_type="application/json")
    assert patch.status_code == 403

    client.force_login(agency_user)
    assert client.get("/api/v1/tasks/").json()["count"] == 2
    assert client.get("/api/v1/task-reports/").json()["count"] == 1
    assert client.post("/api/v1/task-reports/", body, content_type="application/json").status_code == 403

    client.force_login(bureau_user)
    returned = client.post(
        f"/api/v1/task-reports/{report_id}/review/", {"accept": False}, content_type="application/json"
    )
    assert returned.status_code == 400 and "review_reason" in returned.json()
    returned = client.post(
        f"/api/v1/task-reports/{report_id}/review/",
        {"accept": False, "reason": "数据不全"},
        content_type="application/json",
    )
    assert returned.json()["review_state"] == "returned"
    assert client.post("/api/v1/task-reports/", body, content_type="application/json").status_code == 403

    client.force_login(ndrc_user)
    again = client.patch(f"/api/v1/task-reports/{report_id}/", {"text": "补充"}, content_type="application/json")
    assert again.json()["review_state"] == "submitted" and again.json()["text"] == "补充"
    assert client.get("/api/v1/task-reports/", {"updated_after": again.json()["updated_at"]}).json()["count"] == 1


def test_the_bureau_keeps_tasks_through_the_api(client, units, bureau_user):
    client.force_login(bureau_user)
    body = {
        "code": "T09",
        "title": "建设市域产教联合体",
        "lead_units": [units["市发展改革委"].code],
        "co_units": [units["市财政局"].code],
        "due_on": "2027-06-30",
    }
    created = client.post("/api/v1/tasks/", body, content_type="application/json")
    assert created.status_code == 201, created.json()
    assert created.json()["lead_unit_names"] == ["市发展改革委"] and created.json()["overdue"] is True
    body["co_units"] = [units["市发展改革委"].code]
    assert (
        "co_units" in client.put(f"/api/v1/tasks/{created.json()['id']}/", body, content_type="application/json").json()
    )


# ---- selectors -----------------------------------------------------------------------------------


def test_overdue_is_a_task_without_a_counted_report_for_the_closed_quarter(units):
    ndrc, hr = units["市发展改革委"], units["市人力资源社会保障局"]
    q3 = Period(2026, 3)
    reported = f.TaskFactory(code="A", lead_units=[ndrc], co_units=[hr])
    f.TaskReportFactory(task=reported, unit=hr, year=2026, quarter=3)  # any one unit's report will do
    silent = f.TaskFactory(code="B", lead_units=[ndrc])
    f.TaskReportFactory(task=silent, unit=ndrc, year=2026, quarter=2)  # an older quarter does not count
    returned = f.TaskFactory(code="C", lead_units=[ndrc])
    f.TaskReportFactory(task=returned, unit=ndrc, review_state="returned", review_reason="重报")
    done = f.TaskFactory(code="D", lead_units=[ndrc])
    f.TaskReportFactory(task=done, unit=ndrc, year=2026, quarter=1, status="done", review_state="accepted")
    claimed = f.TaskFactory(code="E", lead_units=[ndrc])
    f.TaskReportFactory(task=claimed, unit=ndrc, year=2026, quarter=1, status="done")  # not yet accepted

    today = datetime.date(2026, 11, 2)
    assert selectors.closed_period(today) == q3
    overdue = set(selectors.overdue_tasks(today=today).values_list("code", flat=True))
    assert overdue == {"B", "C", "E"}
    flags = dict(selectors.with_progress(Task.objects.all(), today=today).values_list("code", "overdue"))
    assert {code for code, flag in flags.items() if flag} == overdue


def test_reports_due_lists_each_unit_without_a_report_this_quarter(units):
    ndrc, hr, finance = units["市发展改革委"], units["市人力资源社会保障局"], units["市财政局"]
    shared = f.TaskFactory(code="A", lead_units=[ndrc], co_units=[hr, finance])
    f.TaskReportFactory(task=shared, unit=hr, year=NOW.year, quarter=NOW.quarter)
    f.TaskReportFactory(
        task=shared, unit=finance, year=NOW.year, quarter=NOW.quarter, review_state="returned", review_reason="x"
    )
    done = f.TaskFactory(code="B", lead_units=[ndrc])
    f.TaskReportFactory(
        task=done, unit=ndrc, year=CLOSED.year, quarter=CLOSED.quarter, status="done", review_state="accepted"
    )
    assert selectors.reports_due() == sorted([(shared.pk, ndrc.pk), (shared.pk, finance.pk)])


def test_a_report_only_for_a_begun_quarter_and_a_unit_of_the_task(tasks, units, ndrc_user):
    with pytest.raises(ValidationError):
        services.task_report_submit(
            task=tasks["own"], year=NOW.next().year, quarter=NOW.next().quarter, by=ndrc_user, status="done", text="x"
        )
    old = Period(NOW.year - 1, NOW.quarter)
    with pytest.raises(ValidationError, match="前三个季度"):
        services.task_report_submit(
            task=tasks["own"], year=old.year, quarter=old.quarter, by=ndrc_user, status="done", text="x"
        )
    with pytest.raises(Exception, match="不是该任务"):
        services.task_report_submit(
            task=tasks["other"], year=NOW.year, quarter=NOW.quarter, by=ndrc_user, status="done", text="x"
        )


# ---- workbooks -----------------------------------------------------------------------------------


def _workbook(rows):
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


HEADER = ["code", "title", "content", "lead_units", "co_units", "due_on"]


def test_import_names_each_bad_row_and_saves_nothing(units, bureau_user):
    data = _workbook(
        [
            HEADER,
            ["T01", "建立产教融合项目库", "", "市发展改革委", "市财政局;市人力资源社会保障局", "2027-12-31"],
            ["T02", "", "", "市发展改革委", "", "2027-12-31"],
            ["T03", "落实税收优惠", "", "市税务局", "", "2027-12-31"],
            ["T04", "建设实训基地", "", "市财政局", "", "明年"],
            ["T01", "重复", "", "市财政局", "", "2027-12-31"],
        ]
    )
    with pytest.raises(TaskImportInvalid) as refused:
        import_tasks(data, by=bureau_user)
    errors = {(row, column) for row, column, _message in refused.value.errors}
    assert errors == {(3, "title"), (4, "lead_units"), (5, "due_on"), (6, "code")}
    assert any("市税务局" in message for _r, _c, message in refused.value.errors)
    assert not Task.objects.exists()


def test_import_creates_and_updates_tasks_by_code_through_the_page(client, units, bureau_user):
    f.TaskFactory(code="T01", title="旧标题", lead_units=[units["市财政局"]])
    data = _workbook(
        [
            ["编号", "任务", "任务内容", "牵头单位", "责任单位", "完成时限"],
            [
                "T01",
                "建立产教融合项目库",
                "入库项目",
                "市发展改革委",
                "市财政局；市人力资源社会保障局",
                datetime.date(2027, 12, 31),
            ],
            ["T02", "落实金融支持", "", "市财政局", "", "2026-12-31"],
        ]
    )
    client.force_login(bureau_user)
    response = client.post("/plan/import/", {"file": SimpleUploadedFile("tasks.xlsx", data)})
    assert response.status_code == 302
    task = Task.objects.get(code="T01")
    assert task.title == "建立产教融合项目库"
    assert [u.name for u in task.lead_units.all()] == ["市发展改革委"]
    assert {u.name for u in task.co_units.all()} == {"市财政局", "市人力资源社会保障局"}
    assert Task.objects.count() == 2


def test_export_is_laid_out_like_the_division_table(client, tasks, units, bureau_user):
    f.TaskReportFactory(
        task=tasks["own"], unit=units["市发展改革委"], year=CLOSED.year, quarter=CLOSED.quarter, text="已建成项目库"
    )
    client.force_login(bureau_user)
    response = client.get("/plan/export.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert "重点任务分工" in sheet["A1"].value
    assert [c.value for c in sheet[2]] == [
        "序号",
        "任务",
        "牵头单位",
        "责任单位",
        "完成时限",
        "最新进展状态",
        "最新进展",
    ]
    first, second = [c.value for c in sheet[3]], [c.value for c in sheet[4]]
    assert first[0] == 1 and first[2] == "市发展改革委" and first[3] == "市财政局"
    assert first[5] == "推进中" and "已建成项目库" in first[6] and "市发展改革委" in first[6]
    assert second[0] == 2 and "逾期未报" in second[5]


def test_the_import_command_lists_row_errors_and_saves_nothing(units, tmp_path):
    from django.core.management import CommandError, call_command

    path = tmp_path / "tasks.xlsx"
    path.write_bytes(
        _workbook([HEADER, ["T01", "好任务", "", "市财政局", "", "2027-01-01"], ["T02", "坏", "", "市税务局", "", "x"]])
    )
    err = io.StringIO()
    with pytest.raises(CommandError, match="2 处错误"):
        call_command("import_tasks", str(path), stderr=err)
    assert "第 3 行 lead_units" in err.getvalue() and "第 3 行 due_on" in err.getvalue()
    assert not Task.objects.exists()
    path.write_bytes(_workbook([HEADER, ["T01", "好任务", "", "市财政局", "", "2027-01-01"]]))
    call_command("import_tasks", str(path), stdout=io.StringIO())
    assert Task.objects.get().lead_units.get().name == "市财政局"
