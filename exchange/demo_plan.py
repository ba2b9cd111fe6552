"""The demo city's plan tasks: the 24 tasks and lead/co units of Panjin's division of work for deepening
industry–education integration (盘锦市深化产教融合重点任务分工), with this city's units in place of Panjin's own
(its bank branch, regulator and development zones), a login per unit, and six quarters of
reports (2025Q2–2026Q3, some of the current quarter), some returned with a reason, a few tasks silent in the
closed quarter (overdue). Everything is drawn from the seeder's random.Random in a fixed order."""

import datetime

from django.contrib.auth import get_user_model

from plan import models as plm
from portal.models import UserProfile
from portal.periods import Period

# (code, name, login) — the login is the demo account of the unit's staff (dept_<abbreviation>).
UNITS = [
    ("FGW", "市发展改革委", "dept_fgw"),
    ("JYJ", "市教育局", "dept_jyj"),
    ("RSJ", "市人力资源社会保障局", "dept_rsj"),
    ("CZJ", "市财政局", "dept_czj"),
    ("GXJ", "市工业和信息化局", "dept_gxj"),
    ("KJJ", "市科技局", "dept_kjj"),
    ("GZW", "市国资委", "dept_gzw"),
    ("ZRZYJ", "市自然资源局", "dept_zrzyj"),
    ("SWJ", "市税务局", "dept_swj"),
    ("RMYH", "人民银行淮安市分行", "dept_rmyh"),
    ("JRJG", "国家金融监督管理总局淮安监管分局", "dept_jrjg"),
    ("SWUJ", "市商务局", "dept_swuj"),
    ("MZJ", "市民政局", "dept_mzj"),
    ("WJW", "市卫生健康委", "dept_wjw"),
    ("NYJ", "市农业农村局", "dept_nyj"),
    ("ZGH", "市总工会", "dept_zgh"),
    ("XCB", "市委宣传部", "dept_xcb"),
    ("KFQ", "淮安经济技术开发区管委会", "dept_kfq"),
    ("GXQ", "淮安高新区管委会", "dept_gxq"),
]
DEPARTMENT_LOGINS = [login for _code, _name, login in UNITS]

# (title, lead units, co units, due on, what its reports count)
TASKS = [
    (
        "将产教融合纳入全市经济社会发展规划，同步规划产业发展与人才培养",
        ["FGW"],
        ["JYJ", "RSJ", "GXJ"],
        "2025-12-31",
        "纳入规划事项",
    ),
    (
        "创建省级产教融合型城市，制定产教融合型城市建设方案",
        ["FGW", "JYJ"],
        ["RSJ", "CZJ", "GXJ"],
        "2026-12-31",
        "完成建设指标",
    ),
    ("围绕石化及精细化工、新材料产业集群优化职业院校专业布局", ["JYJ"], ["GXJ", "RSJ"], "2026-08-31", "新增对接专业数"),
    (
        "推动经济技术开发区、高新区建设产教融合园区，引导院校与园区共建实训基地",
        ["KFQ", "GXQ"],
        ["JYJ", "GXJ"],
        "2027-06-30",
        "共建实训基地数",
    ),
    (
        "培育认定产教融合型企业，建立入库培育企业名单",
        ["FGW", "JYJ"],
        ["GXJ", "GZW", "RSJ"],
        "2026-12-31",
        "入库培育企业数",
    ),
    ("支持国有企业举办或参与举办职业教育，深化“引企入教”", ["GZW"], ["JYJ", "RSJ"], "2027-12-31", "参与办学国企数"),
    (
        "推行现代学徒制和企业新型学徒制，扩大订单班、冠名班规模",
        ["RSJ", "JYJ"],
        ["GXJ", "ZGH"],
        "2026-12-31",
        "学徒制培养人数",
    ),
    (
        "组织学生到企业开展生产性实习实训，落实实习保险和报酬保障",
        ["JYJ"],
        ["RSJ", "GXJ"],
        "2026-06-30",
        "实习实训学生数",
    ),
    ("以企业为主体推进校企协同创新和科技成果转化", ["KJJ"], ["JYJ", "GXJ"], "2027-12-31", "校企合作研发项目数"),
    ("开展企业职工在岗教育培训和职业技能提升行动", ["RSJ"], ["ZGH", "JYJ", "CZJ"], "2026-12-31", "培训职工人次"),
    ("加强“双师型”教师队伍建设，推动企业技术人员到院校兼职任教", ["JYJ"], ["RSJ"], "2026-12-31", "兼职教师人数"),
    (
        "建设市级产教融合信息服务平台，发布人才需求和校企合作供需信息",
        ["JYJ", "FGW"],
        ["RSJ", "GXJ"],
        "2026-03-31",
        "发布供需信息条数",
    ),
    ("建立紧缺人才需求预测和专业设置动态调整机制", ["RSJ", "JYJ"], ["FGW", "GXJ"], "2025-12-31", "发布紧缺目录项数"),
    (
        "落实产教融合型企业“金融+财政+土地+信用”组合式激励政策",
        ["FGW"],
        ["CZJ", "ZRZYJ", "SWJ", "RMYH"],
        "2026-12-31",
        "享受激励企业数",
    ),
    ("统筹安排财政资金支持产教融合实训基地和项目建设", ["CZJ"], ["JYJ", "FGW"], "2026-12-31", "安排资金（万元）"),
    ("落实企业投资职业教育税收抵免和教育费附加减免政策", ["SWJ"], ["CZJ", "FGW"], "2026-06-30", "抵免税额（万元）"),
    ("保障产教融合实训基地、职业院校建设用地", ["ZRZYJ"], ["JYJ", "FGW"], "2027-12-31", "保障用地（亩）"),
    (
        "引导金融机构开发产教融合专属信贷产品，加大信贷支持",
        ["RMYH", "JRJG"],
        ["FGW", "CZJ"],
        "2026-12-31",
        "发放贷款（万元）",
    ),
    ("围绕现代农业和稻蟹产业培养涉农技术技能人才", ["NYJ"], ["JYJ", "RSJ"], "2026-12-31", "培养涉农人才数"),
    ("加快养老、护理、家政等紧缺领域人才培养", ["MZJ", "WJW"], ["JYJ", "RSJ"], "2026-12-31", "培养服务人才数"),
    ("支持职业院校与企业联合开展国际交流合作，服务企业“走出去”", ["SWUJ", "JYJ"], [], "2027-12-31", "合作项目数"),
    ("推动工业企业与职业院校共建产业学院和技术研发中心", ["GXJ"], ["JYJ", "KJJ"], "2026-12-31", "共建产业学院数"),
    ("建立产教融合工作联席会议制度，定期调度重点任务进展", ["FGW", "JYJ"], [], "2025-09-30", "召开调度会次数"),
    ("加强产教融合政策宣传解读，选树校企合作典型案例", ["XCB"], ["JYJ", "FGW"], "2026-12-31", "宣传报道篇数"),
]

PROGRESS = {
    "not_started": ["已明确责任科室和联系人，正在制定工作方案。", "正在开展前期调研，拟于下季度启动。"],
    "in_progress": [
        "召开专题推进会，细化分解年度目标，按月调度落实情况。",
        "会同相关单位赴企业和院校开展实地调研，梳理问题清单并逐项推进。",
        "已印发工作方案，组织有关县区和单位对照任务清单落实。",
        "阶段性任务按期完成，正在总结经验并推动扩面提质。",
    ],
    "done": ["年度目标任务已全部完成，相关材料已报送市产教融合工作领导小组办公室。"],
    "blocked": ["受资金拨付进度影响，部分项目推进滞后，已报请协调。", "用地指标尚未落实，需市级层面统筹解决。"],
}
RETURN_REASONS = [
    "进展情况过于笼统，请补充量化数据和佐证材料。",
    "数据与上季度报送口径不一致，请核实后重新报送。",
    "未说明下一步工作安排，请补充完善。",
]
REPORTED_QUARTERS = [(2025, 2), (2025, 3), (2025, 4), (2026, 1), (2026, 2), (2026, 3)]
CURRENT = (2026, 4)
OVERDUE_SHARE = 0.17  # about four tasks silent in the closed quarter


def _at(day: datetime.date, hour: int):
    from django.utils import timezone

    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def seed(rng, hashed_password: str, bureau, counts: dict) -> list:
    """Write units, tasks, one department login per unit and the reports; returns the department users."""
    units = {code: plm.Unit(code=code, name=name, order=i) for i, (code, name, _login) in enumerate(UNITS, 1)}
    plm.Unit.objects.bulk_create(units.values())
    User = get_user_model()
    users = {}
    for code, _name, login in UNITS:
        users[code] = User.objects.create(username=login, password=hashed_password)
        UserProfile.objects.create(user=users[code], role="department", unit=units[code])
    tasks = [
        plm.Task(code=f"{n:02d}", title=title, content="", due_on=datetime.date.fromisoformat(due))
        for n, (title, _lead, _co, due, _figure) in enumerate(TASKS, 1)
    ]
    plm.Task.objects.bulk_create(tasks)
    lead_rows, co_rows = [], []
    for task, (_title, lead, co, _due, _figure) in zip(tasks, TASKS, strict=True):
        lead_rows += [plm.Task.lead_units.through(task_id=task.pk, unit_id=units[c].pk) for c in lead]
        co_rows += [plm.Task.co_units.through(task_id=task.pk, unit_id=units[c].pk) for c in co]
    plm.Task.lead_units.through.objects.bulk_create(lead_rows)
    plm.Task.co_units.through.objects.bulk_create(co_rows)

    reports = []
    for task, (_title, lead, co, _due, figure) in zip(tasks, TASKS, strict=True):
        silent_from_closed = rng.random() < OVERDUE_SHARE
        done_in = REPORTED_QUARTERS[-1] if task.due_on <= Period(2026, 3).end and rng.random() < 0.6 else None
        total = 0
        for index, (year, quarter) in enumerate([*REPORTED_QUARTERS, CURRENT]):
            if (year, quarter) == REPORTED_QUARTERS[-1] and silent_from_closed:
                continue
            current = (year, quarter) == CURRENT
            if current and done_in:
                continue
            for code in [*lead, *co]:
                is_lead = code in lead
                if not rng.random() < (0.95 if is_lead else 0.6) or (current and rng.random() < 0.5):
                    continue
                if index == 0 and rng.random() < 0.4:
                    status = "not_started"
                elif done_in == (year, quarter) and is_lead:
                    status = "done"
                else:
                    status = "blocked" if rng.random() < 0.06 else "in_progress"
                total += rng.randint(1, 12)
                submitted = Period(year, quarter).end + datetime.timedelta(days=rng.randint(1, 12))
                if current:
                    submitted = datetime.date(2026, 11, rng.randint(2, 24))
                    state, reason, reviewed = "submitted", "", None
                elif (year, quarter) == REPORTED_QUARTERS[-1] and rng.random() < 0.25:
                    state, reason, reviewed = "returned", rng.choice(RETURN_REASONS), submitted
                else:
                    state, reason, reviewed = "accepted", "", submitted + datetime.timedelta(days=rng.randint(1, 6))
                reports.append(
                    plm.TaskReport(
                        task=task,
                        unit=units[code],
                        year=year,
                        quarter=quarter,
                        status=status,
                        text=f"{units[code].name}：{rng.choice(PROGRESS[status])}",
                        figures=[{"label": figure, "value": str(total)}] if status != "not_started" else [],
                        author=users[code],
                        submitted_at=_at(submitted, 10),
                        review_state=state,
                        review_reason=reason,
                        reviewer=bureau if reviewed else None,
                        reviewed_at=_at(reviewed, 16) if reviewed else None,
                    )
                )
    plm.TaskReport.objects.bulk_create(reports)
    counts.update(unit=len(units), task=len(tasks), taskreport=len(reports))
    return [users[code] for code, _name, _login in UNITS]


def reset() -> None:
    """Delete the plan's rows, their history and the department logins (few rows: ORM deletes)."""
    plm.TaskReport.objects.all().delete()
    plm.Task.objects.all().delete()
    plm.Unit.objects.all().delete()
    for model in (plm.TaskReport, plm.Task, plm.Unit):
        model.history.all().delete()
    get_user_model().objects.filter(username__in=DEPARTMENT_LOGINS).delete()


def digest_rows():
    """The plan's content by natural keys, for demo_city.digest()."""
    yield from plm.Unit.objects.values_list("code", "name", "order")
    yield from plm.Task.objects.values_list("code", "title", "due_on", "lead_units__code")
    yield from plm.Task.objects.values_list("code", "co_units__code")
    yield from plm.TaskReport.objects.values_list(
        "task__code", "unit__code", "year", "quarter", "status", "text", "review_state", "review_reason", "submitted_at"
    )
