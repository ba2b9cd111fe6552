"""Issue 18: the portal as an IT department runs it — gunicorn with production settings after
collectstatic, static files from WhiteNoise with long cache headers, health probes, the login page."""

import json
import re

import pytest

from tests.production_server import Server, manage, production_env, server_database_url

# django_db: pytest-django creates the test database only when a collected test asks for it.
pytestmark = [pytest.mark.slow, pytest.mark.django_db]

YEAR_IMMUTABLE = "max-age=315360000, public, immutable"


@pytest.fixture(scope="module")
def static_root(tmp_path_factory):
    return tmp_path_factory.mktemp("static")


@pytest.fixture(scope="module")
def server(django_db_setup, django_db_blocker, static_root, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("server")
    env = production_env(static_root, server_database_url(tmp))
    if env["DATABASE_URL"].startswith("sqlite"):
        manage(env, "migrate", "--noinput", "-v0")
    manage(env, "collectstatic", "--noinput", "-v0")
    running = Server(env, tmp / "gunicorn.log")
    yield running
    running.stop()


@pytest.fixture(scope="module")
def manifest(server, static_root):
    return json.loads((static_root / "staticfiles.json").read_text())["paths"]


@pytest.mark.parametrize(
    "name, content_type",
    [
        ("portal/portal.css", "text/css"),
        ("vendor/echarts/echarts.min.js", "text/javascript"),
        ("drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js", "text/javascript"),
    ],
)
def test_collected_static_files_are_served_compressed_with_a_year_long_cache(server, manifest, name, content_type):
    hashed = manifest[name]
    assert hashed != name  # a content hash in the name: a new release gets new URLs
    answer = server.get(f"/static/{hashed}", headers={"Accept-Encoding": "gzip"})
    assert answer.status == 200
    assert answer.headers["Cache-Control"] == YEAR_IMMUTABLE
    assert answer.headers["Content-Type"].startswith(content_type)
    assert answer.headers["Content-Encoding"] == "gzip"


def test_swagger_ui_page_and_every_asset_it_links_answer_200(server):
    page = server.get("/api/docs/")
    assert page.status == 200
    assets = set(re.findall(r"/static/drf_spectacular_sidecar/[^\"' ]+", page.text))
    assert any(a.endswith(".css") for a in assets) and any(a.endswith(".js") for a in assets)
    for asset in assets:
        answer = server.get(asset)
        assert answer.status == 200, asset
        assert answer.headers["Cache-Control"] == YEAR_IMMUTABLE, asset


def test_login_page_renders_with_hashed_stylesheet(server, manifest):
    answer = server.get("/accounts/login/")
    assert answer.status == 200
    assert "登录" in answer.text
    assert f"/static/{manifest['portal/portal.css']}" in answer.text
    assert answer.headers["Strict-Transport-Security"].startswith("max-age=")


def test_plain_http_is_redirected_to_https_but_probes_are_not(server):
    assert server.get("/accounts/login/", https=False).status == 301
    # Probes come from the machine itself: plain http, any Host.
    healthz = server.get("/healthz", https=False, host="127.0.0.1:8000")
    assert healthz.status == 200
    assert healthz.json() == {"status": "ok"}


def test_readyz_reports_database_and_migrations(server):
    answer = server.get("/readyz", https=False, host="127.0.0.1")
    assert answer.status == 200, answer.text
    body = answer.json()
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["migrations"] == {"ok": True}
    assert body["checks"]["broker"] == {"ok": True, "configured": False}
    # No succeeded metric run in this database yet: reported, but the portal still serves.
    assert body["checks"]["metric_run"] == {"ok": False, "run": None}
    assert body["status"] == "degraded"
    assert "no-cache" in answer.headers["Cache-Control"]


def test_request_id_is_echoed_or_made(server):
    assert server.get("/healthz", headers={"X-Request-ID": "probe-42"}).headers["X-Request-ID"] == "probe-42"
    made = server.get("/accounts/login/", headers={"X-Request-ID": "bad id with spaces"}).headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", made)


def test_readyz_answers_503_when_the_database_is_unreachable(static_root, server, tmp_path):
    env = production_env(static_root, "postgres://portal@127.0.0.1:1/portal", LOG_FORMAT="json")
    down = Server(env, tmp_path / "gunicorn-down.log")
    try:
        assert down.get("/healthz", https=False).status == 200
        answer = down.get("/readyz", https=False)
        assert answer.status == 503
        body = answer.json()
        assert body["status"] == "unavailable"
        assert body["checks"]["database"] == {"ok": False, "error": "OperationalError"}
        assert "127.0.0.1" not in answer.text and "portal@" not in answer.text  # no connection details
    finally:
        down.stop()
    # LOG_FORMAT=json: gunicorn's own lines are JSON objects too.
    lines = [line for line in down.log().splitlines() if line.strip()]
    assert lines and all(json.loads(line)["time"].endswith("+08:00") for line in lines)
