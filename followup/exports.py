"""A chase list as an .xlsx table (every row under the filters, not only the page shown)."""

from django.utils import timezone
from django.utils.translation import gettext as _

from demand.choices import ListStatus
from enterprises.choices import EnterpriseTag
from portal.xlsx import HEADCOUNT, new_workbook, table_sheet, workbook_bytes

from .selectors import ACKNOWLEDGEMENT, FILING, Chase

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TAGS = dict(EnterpriseTag.choices)


def tag_labels(tags) -> str:
    return "、".join(str(TAGS.get(tag, tag)) for tag in tags or [])


def _table(chase: Chase, rows, days_left: int):
    enterprise = [
        (_("统一社会信用代码"), None, 22),
        (_("企业名称"), None, 36),
        (_("区县"), None, 12),
        (_("标签"), None, 24),
    ]
    if chase.key == FILING.key:
        statuses = dict(ListStatus.choices)
        columns = [*enterprise, (_("本季度清单"), None, 12), (_("距季度末天数"), HEADCOUNT, 14)]
        values = (
            (e.uscc, e.name, e.district, tag_labels(e.tags), str(statuses.get(e.list_status, _("未填报"))), days_left)
            for e in rows.iterator()
        )
    elif chase.key == ACKNOWLEDGEMENT.key:
        columns = [*enterprise, (_("未知晓政策数"), HEADCOUNT, 14), (_("最早送达"), None, 14)]
        values = (
            (e.uscc, e.name, e.district, tag_labels(e.tags), e.pending, timezone.localtime(e.since).date().isoformat())
            for e in rows.iterator()
        )
    else:
        columns = [*enterprise, (_("政策"), None, 36), (_("抽样时间"), None, 14)]
        values = (
            (
                fb.enterprise.uscc,
                fb.enterprise.name,
                fb.enterprise.district,
                tag_labels(fb.enterprise.tags),
                fb.card.title,
                timezone.localtime(fb.requested_at).date().isoformat(),
            )
            for fb in rows.iterator()
        )
    return columns, values


def chase_xlsx(chase: Chase, rows, *, days_left: int) -> bytes:
    workbook = new_workbook()
    columns, values = _table(chase, rows, days_left)
    table_sheet(workbook, str(chase.label), columns, values, set())
    return workbook_bytes(workbook)
