"""The OpenAPI schema (SPEC 6) is valid, and every operation of it survives generated requests.

schemathesis drives the WSGI app in-process as a bureau token user (the role that may call every
operation), a few examples per operation: no response is a server error, and every documented
response matches its schema and content type.
"""

import pytest
import schemathesis
from django.core import signals
from django.core.cache import cache
from django.core.management import call_command
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from tests import factories as f

CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]
# A few valid and a few invalid requests per operation, no coverage or stateful phase: the whole
# schema in about two minutes. Invalid input must come back 4xx, never 5xx.
CONFIG = SchemathesisConfig.from_dict(
    {
        "phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}},
        "generation": {"mode": "all", "max-examples": 3, "deterministic": True, "database": "none"},
    }
)


def test_schema_generates_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))
    text = (tmp_path / "schema.yml").read_text(encoding="utf-8")
    assert "/api/v1/snapshots/" in text
    assert "/api/v1/metric-runs/" in text


def test_docs_page_and_schema_are_served(client):
    assert client.get("/api/schema/").status_code == 200
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert b"swagger-ui" in docs.content


@pytest.fixture
def api_schema(db):
    from portal.wsgi import application

    # Like Django's test client: the real WSGI handler would close the test's connection (and
    # its transaction) at the end of each request.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield schemathesis.openapi.from_wsgi("/api/schema/", application, config=CONFIG)
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def bureau_headers(db, bureau_user, college, enterprise):
    cache.clear()  # throttle counters
    # A little of everything, so list and detail responses carry real rows to check.
    program = f.ProgramFactory(college=college)
    f.ProgramYearFactory(program=program)
    f.DemandItemFactory(demand_list__enterprise=enterprise)
    f.TrainingBaseFactory(college=college, enterprise=enterprise)
    f.PolicyCardFactory()
    f.TargetFactory()
    f.TaskReportFactory(figures=[{"label": "项目数", "value": "3"}])
    token, _ = Token.objects.get_or_create(user=bureau_user)
    return {"Authorization": f"Token {token.key}"}


schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.mark.slow
@schema.parametrize()
# Only generated cases: Hypothesis' explicit phase is where schemathesis adds its coverage cases,
# which combine every optional filter of a list (2^20 cases) and would never finish.
@settings(deadline=None, phases=[Phase.generate], suppress_health_check=list(HealthCheck))
def test_every_operation_answers_within_its_schema(case, bureau_headers):
    response = case.call(headers=bureau_headers)
    case.validate_response(response, checks=CHECKS)
