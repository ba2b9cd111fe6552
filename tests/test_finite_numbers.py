"""NaN and infinities are refused wherever a number comes in: API, model validation, admin form,
bundle cells (issue #15, finding 3)."""

import math

import pytest
from django.core.exceptions import ValidationError

from exchange.cells import INVALID, Row
from exchange.errors import ErrorLog
from metrics.models import Target
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("bad", ['"NaN"', '"nan"', '"Infinity"', '"-Infinity"', '"inf"', "1e999"])
def test_api_refuses_a_non_finite_target_threshold_and_keeps_answering(client, bureau_user, bad):
    target = f.TargetFactory(threshold=0.8)
    client.force_login(bureau_user)

    body = f'{{"threshold": {bad}}}'  # JSON's own NaN/Infinity literals are refused by the parser already
    response = client.patch(f"/api/v1/targets/{target.pk}/", body, content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {"threshold": ["必须是有限的数值（不能是 NaN 或无穷大）。"]}
    target.refresh_from_db()
    assert target.threshold == 0.8
    assert client.get("/api/v1/targets/").status_code == 200
    assert client.get("/").status_code == 200


def test_api_refuses_a_non_finite_threshold_on_create(client, bureau_user):
    client.force_login(bureau_user)
    count = Target.objects.count()
    body = {"metric": "alignment_rate", "threshold": "Infinity", "source": "条款"}
    response = client.post("/api/v1/targets/", body, content_type="application/json")
    assert response.status_code == 400
    assert Target.objects.count() == count


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_model_validation_refuses_non_finite_floats(bad):
    target = Target(metric="alignment_rate", threshold=bad, source="条款")
    with pytest.raises(ValidationError) as caught:
        target.full_clean()
    assert list(caught.value.message_dict) == ["threshold"]


def test_admin_form_refuses_nan(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", "root@example.com", "x-long-password-1"))
    count = Target.objects.count()
    body = {
        "metric": "alignment_rate",
        "scope_type": "city",
        "comparator": ">=",
        "threshold": "nan",
        "source": "条款",
        "order": 0,
    }
    response = client.post("/admin/metrics/target/add/", body)
    assert response.status_code == 200  # the form again, with its error
    assert Target.objects.count() == count


@pytest.mark.parametrize("raw", ["nan", "NaN", "inf", "-Infinity", "1e999", "1,5", "abc"])
def test_bundle_cells_refuse_non_finite_numbers(raw):
    log = ErrorLog()
    assert Row(log, "targets.csv", 2, {"threshold": raw}).field("threshold", Target) is INVALID
    [error] = log.errors
    assert (error.file, error.row, error.column) == ("targets.csv", 2, "threshold")


@pytest.mark.parametrize("raw,value", [("0.85", 0.85), ("-2", -2.0), ("3e4", 30000.0), (".5", 0.5)])
def test_bundle_cells_read_finite_numbers(raw, value):
    log = ErrorLog()
    assert Row(log, "targets.csv", 2, {"threshold": raw}).field("threshold", Target) == value
    assert not log
