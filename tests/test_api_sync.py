"""Incremental sync and bulk reads of the API (issue 16): updated_after on every resource (also through
the bulk import), the deletions feed, cursor pages, ?format=csv and the scoped bundle download.
Resources and their rows come from the role matrix (tests/test_api_matrix.py)."""

import csv
import datetime
import io
import zipfile

import pytest
from django.utils import timezone

from demand.models import DemandItem
from enterprises.models import Enterprise
from exchange.importer import import_bundle
from metrics import services
from metrics.models import MetricRun, Snapshot
from portal.csv_export import cell
from portal.models import Deletion
from tests import factories as f
from tests.exchange_helpers import small_city_copy
from tests.test_api_matrix import REGISTERED, RESOURCES, World, api_client

# Their rows' updated_at is their run's finish (SPEC 6), tested in test_api_planning.py.
RUN_TABLES = ("supply-demand", "supply-demand-majors")


@pytest.fixture
def world(college, other_college, enterprise, other_enterprise):
    return World(college, other_college, enterprise, other_enterprise)


def _all(client, prefix, **params):
    response = client.get(f"/api/v1/{prefix}/", {"page_size": 500, **params})
    assert response.status_code == 200, response.content
    return response.json()["results"]


def _rows(world, prefix, n=3):
    return [RESOURCES[prefix].make(world, i) for i in range(n)]


# ------------------------------------------------------------------ updated_after


@pytest.mark.parametrize("prefix", [p for p in REGISTERED if p not in RUN_TABLES])
def test_updated_after_returns_exactly_the_rows_changed_since(prefix, world, bureau_user):
    spec = RESOURCES[prefix]
    rows = _rows(world, prefix)
    model = type(rows[0])
    long_ago = timezone.now() - datetime.timedelta(days=30)
    model.objects.update(updated_at=long_ago)
    since = timezone.now()
    new = spec.make(world, 9)
    changed = rows[1]
    changed.save()  # auto_now: any write through the ORM moves updated_at
    client = api_client(bureau_user)

    ids = {row["id"] for row in _all(client, prefix, updated_after=since.isoformat())}

    assert ids == {new.pk, changed.pk}
    assert {row["id"] for row in _all(client, prefix, updated_after=long_ago.isoformat())} >= {r.pk for r in rows}


def test_updated_after_follows_writes_through_the_api(world, bureau_user):
    items = _rows(world, "demand-items")
    DemandItem.objects.update(updated_at=timezone.now() - datetime.timedelta(days=1))
    since = timezone.now()
    client = api_client(bureau_user)
    assert client.patch(f"/api/v1/demand-items/{items[0].pk}/", {"title": "新标题"}, format="json").status_code == 200
    # An item's row lists its assignments: withdrawing one changes the row.
    unassign = client.post(
        f"/api/v1/demand-items/{items[2].pk}/unassign/", {"college": world.other_college.pk}, format="json"
    )
    assert unassign.status_code in (200, 204), unassign.content

    assert {row["id"] for row in _all(client, "demand-items", updated_after=since.isoformat())} == {
        items[0].pk,
        items[2].pk,
    }


@pytest.mark.parametrize("value", ["yesterday", "2025-13-01T00:00:00+08:00"])
def test_a_bad_updated_after_is_a_400_naming_it(value, bureau_user):
    response = api_client(bureau_user).get("/api/v1/enterprises/", {"updated_after": value})
    assert response.status_code == 400
    assert "updated_after" in response.json()


def _edit_csv(path, match, column, value):
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        fields, rows = reader.fieldnames, list(reader)
    hits = [row for row in rows if match(row)]
    for row in hits:
        row[column] = value
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fields)
        writer.writeheader()
        writer.writerows(rows)
    return hits


def test_a_reimport_moves_updated_at_of_the_rows_it_changes_only(tmp_path, bureau_user):
    """Decision: the import rewrites only rows whose values differ; those (and only those) get a new
    updated_at, through the bulk UPDATE as through a single save."""
    folder = small_city_copy(tmp_path / "city")
    import_bundle(folder)
    long_ago = timezone.now() - datetime.timedelta(days=30)
    for model in (Enterprise, DemandItem):
        model.objects.update(updated_at=long_ago)
    enterprise = Enterprise.objects.order_by("uscc").first()
    _edit_csv(folder / "enterprises.csv", lambda row: row["uscc"] == enterprise.uscc, "name", "改名后的企业")
    item = DemandItem.objects.order_by("demand_list__enterprise__uscc", "demand_list__year", "id").first()
    first_of_list = [
        row
        for row in csv.DictReader(open(folder / "demand_items.csv", encoding="utf-8-sig"))  # noqa: SIM115
        if row["uscc"] == item.demand_list.enterprise.uscc
        and int(row["year"]) == item.demand_list.year
        and int(row["quarter"]) == item.demand_list.quarter
    ][0]
    _edit_csv(folder / "demand_items.csv", lambda row: row == first_of_list, "headcount", "97")
    since = timezone.now()

    import_bundle(folder)

    client = api_client(bureau_user)
    assert [row["id"] for row in _all(client, "enterprises", updated_after=since.isoformat())] == [enterprise.pk]
    changed = _all(client, "demand-items", updated_after=since.isoformat())
    assert [(row["id"], row["headcount"]) for row in changed] == [(item.pk, 97)]


# ------------------------------------------------------------------ deletions


def test_deletions_through_the_api_services_and_cascades_appear_in_the_feed(world, bureau_user, agency_user):
    items = _rows(world, "demand-items")
    client = api_client(bureau_user)
    since = timezone.now()
    assert client.delete(f"/api/v1/demand-items/{items[0].pk}/").status_code == 204
    DemandItem.objects.filter(pk=items[1].pk).delete()  # a queryset delete (the import's) signals per row too

    feed = _all(api_client(agency_user), "deletions", resource="demand-items", deleted_after=since.isoformat())

    assert [(row["resource"], row["object_id"]) for row in feed] == [
        ("demand-items", items[0].pk),
        ("demand-items", items[1].pk),
    ]
    assert _all(client, "deletions", resource="enterprises") == []


def test_a_reimport_that_drops_an_item_reports_its_deletion(tmp_path, bureau_user):
    folder = small_city_copy(tmp_path / "city")
    import_bundle(folder)
    with open(folder / "demand_items.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    last = rows[-1]
    keep = [r for r in rows if r is not last]
    with open(folder / "demand_items.csv", "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, list(rows[0]))
        writer.writeheader()
        writer.writerows(keep)
    before = set(DemandItem.objects.values_list("pk", flat=True))

    import_bundle(folder)

    gone = before - set(DemandItem.objects.values_list("pk", flat=True))
    assert len(gone) == 1
    feed = _all(api_client(bureau_user), "deletions", resource="demand-items")
    assert [row["object_id"] for row in feed] == sorted(gone)


def test_a_rerun_reports_the_replaced_snapshots_deleted(bureau_user):
    f.ClusterFactory(code="NEV", industry_codes=["C36"])
    first = services.metric_run_create(year=2025, quarter=2, by=bureau_user)
    services.metric_run_execute(run_id=first.pk)
    old = set(Snapshot.objects.values_list("pk", flat=True))
    assert old
    second = services.metric_run_create(year=2025, quarter=2, by=bureau_user)
    services.metric_run_execute(run_id=second.pk)

    assert MetricRun.objects.get(pk=second.pk).status == "succeeded"
    deleted = set(Deletion.objects.filter(resource="snapshots").values_list("object_id", flat=True))
    assert deleted == old
    assert not deleted & set(Snapshot.objects.values_list("pk", flat=True))


@pytest.mark.parametrize("role", ["college_user", "enterprise_user"])
def test_colleges_and_enterprises_may_not_read_the_deletions_feed(role, request):
    response = api_client(request.getfixturevalue(role)).get("/api/v1/deletions/")
    assert response.status_code == 403


def test_the_deletions_feed_refuses_an_unknown_resource_naming_the_parameter(bureau_user):
    response = api_client(bureau_user).get("/api/v1/deletions/", {"resource": "nonsense"})
    assert response.status_code == 400
    assert "resource" in response.json()


# ------------------------------------------------------------------ cursor pages


@pytest.mark.parametrize("prefix", ["demand-items", "demand-lists", "program-years", "snapshots", "enterprises"])
def test_cursor_pages_walk_every_row_once(prefix, world, bureau_user):
    _rows(world, prefix, 12)
    client = api_client(bureau_user)
    expected = {row["id"] for row in _all(client, prefix)}
    seen, url, params = [], f"/api/v1/{prefix}/", {"pagination": "cursor", "page_size": 5}
    while url:
        body = client.get(url, params).json()
        assert "count" not in body
        seen += [row["id"] for row in body["results"]]
        url, params = body["next"], None
    assert seen == sorted(expected)
    assert len(expected) >= 12


def test_cursor_pages_refuse_an_ordering(bureau_user):
    response = api_client(bureau_user).get("/api/v1/enterprises/", {"pagination": "cursor", "ordering": "name"})
    assert response.status_code == 400
    assert "ordering" in response.json()


def test_a_bad_cursor_is_a_400_naming_it(bureau_user):
    response = api_client(bureau_user).get("/api/v1/demand-items/", {"cursor": "not-a-cursor"})
    assert response.status_code == 400
    assert "cursor" in response.json()


def test_page_numbers_stay_the_default(bureau_user):
    body = api_client(bureau_user).get("/api/v1/enterprises/").json()
    assert set(body) == {"count", "next", "previous", "results"}


# ------------------------------------------------------------------ CSV


def _csv(client, prefix, **params):
    response = client.get(f"/api/v1/{prefix}/", {"format": "csv", **params})
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(body[1:])))


@pytest.mark.parametrize("prefix", REGISTERED)
def test_csv_holds_the_json_rows(prefix, world, bureau_user):
    _rows(world, prefix)
    client = api_client(bureau_user)
    rows = _all(client, prefix, ordering="id") if prefix not in RUN_TABLES else _all(client, prefix)
    params = {"ordering": "id"} if prefix not in RUN_TABLES else {}

    table = _csv(client, prefix, **params)

    assert table == [{name: cell(value) for name, value in row.items()} for row in rows]
    assert len(table) >= 3


def test_csv_keeps_the_filters_and_the_scoping(world, enterprise_user, other_enterprise):
    own = _rows(world, "demand-items")
    f.DemandItemFactory(demand_list=f.DemandListFactory(enterprise=other_enterprise), title="他企业需求")
    client = api_client(enterprise_user)

    assert {int(row["id"]) for row in _csv(client, "demand-items")} == {item.pk for item in own}
    assert [int(row["id"]) for row in _csv(client, "demand-items", search=own[1].title)] == [own[1].pk]


def test_csv_lists_join_list_values_with_semicolons(bureau_user):
    f.ClusterFactory(code="CLS", industry_codes=["C36", "C39"])
    (row,) = _csv(api_client(bureau_user), "clusters", code="CLS")
    assert row["industry_codes"] == "C36;C39"


def test_a_bad_filter_of_a_csv_list_answers_json(bureau_user):
    response = api_client(bureau_user).get("/api/v1/enterprises/", {"format": "csv", "updated_after": "x"})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert "updated_after" in response.json()


def test_csv_is_for_lists_only(bureau_user, enterprise):
    response = api_client(bureau_user).get(f"/api/v1/enterprises/{enterprise.pk}/", {"format": "csv"})
    assert response.status_code == 404


# ------------------------------------------------------------------ bundle


def _bundle(client) -> dict[str, list[dict]]:
    response = client.get("/api/v1/bundle/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    return {
        name.removesuffix(".csv"): list(csv.DictReader(io.StringIO(archive.read(name).decode("utf-8-sig"))))
        for name in archive.namelist()
    }


def test_an_enterprise_bundle_holds_only_its_own_rows(world, enterprise_user, enterprise, other_enterprise):
    own = f.DemandItemFactory(demand_list=f.DemandListFactory(enterprise=enterprise), title="本企业需求")
    f.DemandItemFactory(demand_list=f.DemandListFactory(enterprise=other_enterprise), title="他企业需求")
    f.OrderClassFactory(enterprise=other_enterprise, program=f.ProgramFactory(college=world.other_college))
    f.TrainingSessionFactory(enterprise=other_enterprise, college=world.other_college)

    files = _bundle(api_client(enterprise_user))

    assert [row["uscc"] for row in files["enterprises"]] == [enterprise.uscc]
    assert [row["title"] for row in files["demand_items"]] == [own.title]
    assert files["order_classes"] == files["training_sessions"] == []
    assert other_enterprise.uscc not in str(files)


def test_the_bureau_bundle_holds_every_file_of_spec_7(world, bureau_user, enterprise, other_enterprise):
    from exchange.spec import FILES

    f.DemandItemFactory(demand_list=f.DemandListFactory(enterprise=other_enterprise))
    files = _bundle(api_client(bureau_user))

    assert set(files) == set(FILES)
    assert {row["uscc"] for row in files["enterprises"]} >= {enterprise.uscc, other_enterprise.uscc}
