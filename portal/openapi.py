"""The OpenAPI schema of /api/v1/, written for an integrator, in one place.

`AutoSchema` (REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"]) gives every operation its resource's tag, a
summary and a description, and documents the error answers every operation can give (400 with
field errors, 401, 403, 404, 409, 429 with Retry-After) with their JSON bodies and examples.
`postprocess` (a SPECTACULAR_SETTINGS hook) adds the tags' descriptions and the "Getting started"
text of /api/docs/. A view's own `extend_schema(summary=…, description=…)` wins over the generated text.

Every string is Chinese gettext source, evaluated while the schema is built, so /api/schema/ speaks
the language LocaleMiddleware chose from Accept-Language (or `?lang=en`). Tag *names* are the URL
segments (`demand-items`): stable in every language, so generated clients keep their names.
"""

import re
from dataclasses import dataclass

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular import openapi
from drf_spectacular.plumbing import ResolvedComponent

API_PREFIX = "/api/v1/"


@dataclass(frozen=True)
class Resource:
    name: Promise  # what one row is, as a noun phrase ("需求条目")
    description: Promise  # the tag's description: what it holds, who sees and changes what


# Every resource of /api/v1/ (its URL segment). tests/test_api_schema.py checks that none is missing.
RESOURCES = {
    "industries": Resource(
        _("行业"),
        _("国民经济行业分类（GB/T 4754-2017）代码表，以代码为键。所有角色可读，局端维护。"),
    ),
    "clusters": Resource(
        _("产业集群"),
        _("本市重点产业集群及其包含的行业代码（industry_codes），按 order 排列。所有角色可读，局端维护。"),
    ),
    "majors": Resource(
        _("专业"),
        _("职业教育专业目录（中职、高职专科、职业本科），以专业代码为键，并关联所属行业。所有角色可读，局端维护。"),
    ),
    "districts": Resource(
        _("区县"),
        _("本市区县名单，院校和企业以名称引用区县。仍被引用的区县不能删除或改名（409）。所有角色可读，局端维护。"),
    ),
    "priority-majors": Resource(
        _("优先发展专业"),
        _("优先发展专业目录：专业、对应产业集群和生效区间。`in_directory_on=YYYY-MM-DD` 只返回当天有效的条目。"),
    ),
    "enterprises": Resource(
        _("企业"),
        _("企业名录，以统一社会信用代码（uscc）为键。企业用户只能看到本企业；局端新增和删除。"),
    ),
    "demand-lists": Resource(
        _("需求清单"),
        _(
            "一企一清单：每家企业每季度一份。新增是“取或建”（已存在则回答 200 和原清单）。"
            "状态只能通过 submit（企业提交）、accept（局端受理）、return（局端退回）操作变更。"
        ),
    ),
    "demand-items": Resource(
        _("需求条目"),
        _(
            "企业清单中的每条用人或合作需求。内容通过新增、修改、删除维护；状态通过 transition 和 fulfil 变更；"
            "局端通过 assign/unassign 分派给院校；suggestions 推荐可承接的专业点。"
            "企业只看到本企业的条目，院校只看到分派给本校的条目及其分派信息。"
        ),
    ),
    "colleges": Resource(
        _("院校"),
        _("职业院校名录，以院校代码为键。院校用户只能看到和修改本校；局端新增和删除。"),
    ),
    "programs": Resource(
        _("专业点"),
        _("院校开设的专业点：院校代码、专业代码和学制确定一个专业点，含开设、停办日期和招生状态。"),
    ),
    "program-years": Resource(
        _("专业点年度数据"),
        _("专业点每年的招生、在校、毕业、就业（含对口就业和本地就业）人数。"),
    ),
    "industry-colleges": Resource(
        _("产业学院"),
        _("院校与企业共建的产业学院，含合作企业和链主企业。院校维护本校的产业学院。"),
    ),
    "training-bases": Resource(
        _("实训基地"),
        _("院校的实训基地及其合作企业、认定情况和开设、关闭日期。"),
    ),
    "order-classes": Resource(
        _("订单班"),
        _("院校为企业开设的订单班（冠名班、现代学徒制等）及其名额。"),
    ),
    "cooperation-projects": Resource(
        _("校企合作项目"),
        _("院校与企业的合作项目及其起止日期。"),
    ),
    "training-sessions": Resource(
        _("企业培训"),
        _("院校为企业开展的培训：日期、主题和培训人次。"),
    ),
    "policies": Resource(
        _("政策卡"),
        _(
            "政策卡：局端起草、发布并送达受众企业，企业确认知晓。已写入的卡不删除，发布后只能归档。"
            "按送达人数（reach）排序仅限局端。"
        ),
    ),
    "targets": Resource(
        _("目标"),
        _("规划目标：指标、阈值、截止年份和最新进度。所有角色可读，局端维护。"),
    ),
    "snapshots": Resource(
        _("指标快照"),
        _("每季度计算出的指标值，按指标、范围类型、范围和期间筛选。只读。"),
    ),
    "metric-runs": Resource(
        _("指标计算"),
        _(
            "按期间计算指标的任务。局端 POST {year, quarter} 排队一次计算并回答 202；"
            "该期间已有排队或运行中的计算时回答 200 和那次计算。详情含整张供需表。"
        ),
    ),
    "alerts": Resource(
        _("专业预警"),
        _("专业点预警：院校提交整改说明（answer），局端研判（decide）。院校只看到本校专业点的预警。"),
    ),
    "review-rules": Resource(
        _("预警规则"),
        _("专业预警与动态调整的规则：指标、比较方式、阈值和预警等级。所有角色可读，局端维护。"),
    ),
    "supply-demand": Resource(
        _("供需对照"),
        _("各范围、各产业集群的需求人数、毕业生、本地就业、缺口和三年预测，取每个期间最近一次成功的计算。只读。"),
    ),
    "supply-demand-majors": Resource(
        _("分专业供需"),
        _("全市分专业的需求人数、毕业生、缺口和三年预测，取每个期间最近一次成功的计算。只读。"),
    ),
    "scenarios": Resource(
        _("规划方案"),
        _("假设分析方案：局端维护和复制，所有角色可评估（evaluate），得到基准与方案逐年对照。"),
    ),
    "tasks": Resource(
        _("重点任务"),
        _(
            "市级规划的重点任务：牵头单位、责任单位、完成时限、最新进展和是否逾期。局端维护；责任单位只看到本单位的任务。"
        ),
    ),
    "task-reports": Resource(
        _("任务进展"),
        _(
            "责任单位按季度报送的任务进展（状态、说明、数据）。责任单位只能报送和修改本单位的进展；"
            "局端审核：通过或退回并说明理由（review）。"
        ),
    ),
    "deletions": Resource(
        _("删除记录"),
        _(
            "已删除的数据行（资源名和编号），供镜像同步时一并删除。"
            "按 resource 和 deleted_after 筛选。局端和其他部门可读。"
        ),
    ),
    "bundle": Resource(
        _("数据包"),
        _("按数据交换格式（CSV 文件打包为 zip）下载调用者可查看的全部数据；企业和院校只得到自己的数据。"),
    ),
}


def resource_of(path: str) -> str:
    """The URL segment naming the resource of an /api/v1/ path."""
    return path.removeprefix(API_PREFIX).split("/")[0]


# ---- error answers ------------------------------------------------------------------------


def _detail_schema():
    return {
        "type": "object",
        "properties": {"detail": {"type": "string", "description": gettext("错误说明（按请求的语言）")}},
        "required": ["detail"],
    }


def _validation_schema():
    return {
        "type": "object",
        "description": gettext(
            "键为出错的字段名（或查询参数名），值为该字段的错误信息列表；与单个字段无关的错误在 non_field_errors 中；"
            "列表或嵌套字段的错误按下标或子字段嵌套。请求体无法解析时只有 detail。"
        ),
        "properties": {
            "non_field_errors": {"type": "array", "items": {"type": "string"}},
            "detail": {"type": "string"},
        },
        "additionalProperties": {},
    }


def _errors():
    """(status, component name, schema builder, description, example) of each documented error answer."""
    return {
        "400": (
            "ValidationErrors",
            _validation_schema,
            gettext("请求有误：字段校验失败、查询参数无效（如未知的排序字段）或请求体不是合法 JSON。"),
            {
                "headcount": [gettext("请确保该值小于或者等于 100000。")],
                "ordering": [gettext("未知的排序字段：salary。")],
            },
        ),
        "401": (
            "ErrorDetail",
            _detail_schema,
            gettext("未认证：缺少或无效的令牌（Authorization: Token …）。"),
            {"detail": gettext("认证令牌无效。")},
        ),
        "403": (
            "ErrorDetail",
            _detail_schema,
            gettext("无权操作：您的角色不能进行此操作，或您能查看此数据但无权修改。"),
            {"detail": gettext("您可以查看此数据，但无权修改。")},
        ),
        "404": (
            "ErrorDetail",
            _detail_schema,
            gettext("未找到：记录不存在或不在您的查看范围内（不透露是否存在），或页码超出范围。"),
            {"detail": gettext("未找到。")},
        ),
        "409": (
            "ErrorDetail",
            _detail_schema,
            gettext("冲突：仍被其他数据引用而不能删除，或与已有数据冲突（如重复的代码，或刚被他人修改）。"),
            {"detail": gettext("仍有其他数据引用它，不能删除。")},
        ),
        "429": (
            "ErrorDetail",
            _detail_schema,
            gettext("请求过于频繁：超过了限流速率。请在 Retry-After 秒后重试。"),
            {"detail": gettext("请求超过了限速。")},
        ),
    }


WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's AutoSchema with the portal's tags, texts and error answers (module docstring)."""

    @property
    def resource(self) -> Resource | None:
        return RESOURCES.get(resource_of(self.path))

    def get_tags(self):
        return [resource_of(self.path)]

    def _action(self) -> str:
        return getattr(self.view, "action", None) or self.method.lower()

    def get_summary(self):
        template = {
            "list": _("列出%(name)s"),
            "retrieve": _("读取一条%(name)s"),
            "create": _("新增%(name)s"),
            "update": _("修改%(name)s（整条替换）"),
            "partial_update": _("修改%(name)s（只改给出的字段）"),
            "destroy": _("删除%(name)s"),
        }.get(self._action())
        if template is None or self.resource is None:
            return None
        return str(template) % {"name": str(self.resource.name)}

    def get_description(self):
        text = {
            "list": _(
                "分页列出您有权查看的%(name)s：企业用户只看到本企业的数据，院校用户只看到本校的数据，"
                "局端和合作机构看到全部。可按下列参数筛选、搜索和排序；未知的排序字段回答 400。"
                "回答为 {count, next, previous, results}，每页默认 50 条，page_size 最多 500。"
            ),
            "retrieve": _("按 ID 读取一条%(name)s。不存在或不在您查看范围内的记录一律回答 404。"),
            "create": _(
                "新增一条%(name)s，成功回答 201 和新记录（含生成的 ID）。字段校验失败回答 400，正文按字段列出错误；"
                "您的角色不能新增此类数据时回答 403；与已有数据冲突（如重复的代码）回答 409。"
            ),
            "update": _(
                "以请求体整条替换一条%(name)s（须给出全部必填字段），回答修改后的记录。"
                "看不到的记录回答 404，能看到但无权修改的回答 403，字段错误回答 400。"
            ),
            "partial_update": _(
                "只修改请求体中给出的字段，其余不变，回答修改后的记录。"
                "看不到的记录回答 404，能看到但无权修改的回答 403，字段错误回答 400。"
            ),
            "destroy": _(
                "删除一条%(name)s，成功回答 204（无正文）。仍被其他数据引用时回答 409，"
                "看不到的记录回答 404，无权删除时回答 403。"
            ),
        }.get(self._action())
        if self.resource is None:
            return super().get_description()
        parts = [str(self.resource.description)]
        if text is not None:
            parts.append(str(text) % {"name": str(self.resource.name)})
        return "\n\n".join(parts)

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response" or not self.path.startswith(API_PREFIX):
            return responses
        has_id = "{" in self.path
        codes = ["401", "403", "429"]
        if self.method in WRITE_METHODS or self._is_list_view():
            codes.append("400")
        if has_id or self._is_list_view():  # a list's page out of range is a 404 too
            codes.append("404")
        if self.method in WRITE_METHODS:
            codes.append("409")
        errors = _errors()
        for code in sorted(codes):
            if code in responses:
                continue
            name, schema, description, example = errors[code]
            component = ResolvedComponent(name=name, type=ResolvedComponent.SCHEMA, object=name, schema=schema())
            self.registry.register_on_missing(component)
            responses[code] = {
                "content": {"application/json": {"schema": component.ref, "example": example}},
                "description": description,
            }
            if code == "429":
                responses[code]["headers"] = {
                    "Retry-After": {
                        "schema": {"type": "integer"},
                        "description": gettext("可以再次请求之前应等待的秒数。"),
                    }
                }
        return responses


# ---- the whole document -------------------------------------------------------------------

CURL_EXAMPLE = """```bash
curl -H "Authorization: Token $TOKEN" -H "Accept-Language: zh-hans" \\
  "https://portal.example.cn/api/v1/demand-items/?year=2026&status=open&page_size=500"
```"""

PYTHON_EXAMPLE = """```python
import requests

session = requests.Session()
session.headers["Authorization"] = f"Token {TOKEN}"
url = "https://portal.example.cn/api/v1/demand-items/"
params = {"year": 2026, "page_size": 500, "ordering": "id"}
while url:
    page = session.get(url, params=params, timeout=30)
    page.raise_for_status()
    body = page.json()
    for item in body["results"]:
        print(item["id"], item["title"], item["headcount"])
    url, params = body["next"], None  # `next` already carries the filters
```"""

PAGE_EXAMPLE = """```json
{"count": 1234, "next": "https://portal.example.cn/api/v1/demand-items/?page=2&page_size=500",
 "previous": null, "results": [{"id": 42, "title": "…", "updated_at": "2026-03-31T08:00:00+08:00"}]}
```"""

ERROR_EXAMPLE = """```json
{"headcount": ["…"], "non_field_errors": ["…"]}
{"detail": "…"}
```"""


def docs_description() -> str:
    """The API's description: what it is, then "Getting started" for an integrator (shown by /api/docs/)."""
    throttle = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    return "\n\n".join(
        [
            gettext("产教融合管理平台的 REST API：企业需求、院校与专业点、政策、指标和预警。"),
            "## " + gettext("入门"),
            "### " + gettext("获取令牌"),
            gettext(
                "令牌由市教育局发放：局端在门户的“API 令牌”页面（/api-tokens/）或用 "
                "`python manage.py issue_token` 为您的账号签发。每次请求带上 `Authorization: Token <令牌>`；"
                "重新签发后旧令牌立即失效。合作机构的令牌只读；企业和院校用户只能看到本单位的数据。"
            ),
            "### " + gettext("第一个请求"),
            CURL_EXAMPLE,
            PYTHON_EXAMPLE,
            "### " + gettext("分页"),
            gettext(
                "列表回答 {count, next, previous, results}。`page` 从 1 开始，`page_size` 默认 50、最多 500"
                "（更大的值按 500 处理）。按 `next` 链接翻页直到它为 null；页码超出范围回答 404。"
            ),
            PAGE_EXAMPLE,
            "### " + gettext("筛选、搜索和排序"),
            gettext(
                "每个列表的筛选参数见其说明。`search` 在参数说明中列出的字段里查找；`ordering` 取说明中列出的字段，"
                "逗号分隔可多个，前加 `-` 为倒序，未知字段回答 400。"
            ),
            "### " + gettext("增量同步"),
            gettext(
                "每条记录都有 `updated_at`。记下上次同步时收到的最大 `updated_at`，下次用 "
                "`updated_after=<该时间>` 只取此后变化的记录（含等于该时间的记录，按 id 去重即可）。"
            ),
            "### " + gettext("限流"),
            gettext(
                "每个令牌（用户）的限速为 %(user)s，未认证的请求按来源地址限速 %(anon)s。"
                "超过时回答 429，`Retry-After` 头给出需要等待的秒数。"
            )
            % {"user": throttle["user"], "anon": throttle["anon"]},
            "### " + gettext("错误格式"),
            gettext(
                "错误回答都是 JSON，语言随 `Accept-Language`（zh-hans 或 en）。400 按字段列出错误信息，"
                "与单个字段无关的错误在 `non_field_errors` 中；401、403、404、409、429 只有 `detail`。"
                "不在您查看范围内的记录与不存在的记录一样回答 404。"
            ),
            ERROR_EXAMPLE,
            "### " + gettext("文档语言"),
            gettext("本文档按请求的 `Accept-Language` 显示中文或英文；也可用 `/api/schema/?lang=en`。"),
        ]
    )


# Example values by field name, then by format; the rest follow the type. Data, not prose: not translated.
EXAMPLE_VALUES = {
    "uscc": "91320800MA1W2X3Y4Z",
    "code": "C36",
    "major_code": "460701",
    "college_code": "13290",
    "cluster_code": "NEV",
    "industry": "C36",
    "parent_code": "C",
    "district": "清江浦区",
    "name": "淮安新能源汽车产业学院",
    "title": "新能源汽车装调工",
    "major_name": "新能源汽车技术",
    "college_name": "淮安测试职业技术学院",
    "enterprise_name": "淮安测试新能源有限公司",
    "year": 2026,
    "quarter": 1,
    "headcount": 20,
    "schooling": "3",
}
FORMAT_VALUES = {
    "date": "2026-06-30",
    "date-time": "2026-03-31T08:00:00+08:00",
    "uri": "https://portal.example.cn/api/v1/demand-items/?page=2",
}


def example_of(schema: dict, components: dict, name: str = "", depth: int = 0):
    """A value that fits `schema` (a realistic one for the usual field names), for the schema's examples."""
    if "$ref" in schema:
        return example_of(components[schema["$ref"].rsplit("/", 1)[1]], components, name, depth)
    for key in ("allOf", "oneOf", "anyOf"):
        if schema.get(key):
            return example_of(schema[key][0], components, name, depth)
    if "enum" in schema:
        return next((value for value in schema["enum"] if value not in ("", None)), None)
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        if depth > 3:
            return {}
        return {
            key: example_of(value, components, key, depth + 1) for key, value in schema.get("properties", {}).items()
        }
    if kind == "array":
        return [example_of(schema.get("items", {}), components, name, depth + 1)]
    if kind in ("integer", "number"):
        value = EXAMPLE_VALUES.get(name, 1 if name in ("id", "page") or kind == "integer" else 0.85)
        value = value if isinstance(value, int | float) else 1
        return min(max(value, schema.get("minimum", value)), schema.get("maximum", value))
    if kind == "boolean":
        return True
    if kind == "string":
        value = FORMAT_VALUES.get(schema.get("format")) or str(EXAMPLE_VALUES.get(name, "…"))
        pattern = schema.get("pattern")
        if pattern and not re.fullmatch(pattern, value):
            value = next((v for v in ("460701", "rule-1") if re.fullmatch(pattern, v)), value)
        return value[: schema.get("maxLength", len(value))]
    return None


def add_examples(components: dict) -> None:
    """An example on every request and response body (paginated lists included), errors aside (they have theirs)."""
    for name, schema in components.items():
        if name in ("ErrorDetail", "ValidationErrors") or "properties" not in schema:
            continue
        schema["example"] = example_of(schema, components)


def postprocess(result, generator, request, public):
    """SPECTACULAR_SETTINGS hook: the tags' descriptions, the Getting started text (in the request's language)
    and the bodies' examples."""
    result["info"]["description"] = docs_description()
    add_examples(result.get("components", {}).get("schemas", {}))
    used = {tag for path in result.get("paths", {}).values() for op in path.values() for tag in op.get("tags", [])}
    result["tags"] = [
        {"name": name, "description": f"{resource.name}：{resource.description}"}
        for name, resource in RESOURCES.items()
        if name in used
    ] + [{"name": name} for name in sorted(used - RESOURCES.keys())]
    return result
