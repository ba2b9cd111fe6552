"""The floors of docs/architecture.md: an app imports only from the floors below it, and none looks a
model up by name (apps.get_model) to reach around that. Migrations and the root URL wiring are exempt."""

import ast
from pathlib import Path

import pytest
from django.conf import settings

FLOORS = {
    "portal": 0,
    "reference": 1,
    "notices": 1,  # knows only users and portal, so every app above can notify
    "enterprises": 2,
    "colleges": 3,
    "programs": 4,
    "demand": 5,
    "policies": 5,
    "plan": 5,  # the city plan's tasks: needs only the ground floor, stands with the other work apps
    "metrics": 6,
    "exchange": 7,
    "ops": 7,
    "followup": 7,
    "accounts": 8,
    "home": 8,
    "bench": 8,  # a harness over every app's real code paths, the demo city included
}
# The root URL configuration and the settings name every app by design.
WIRING = {"portal/urls.py", "portal/page_urls.py", "portal/api_urls.py", "portal/settings.py"}
ROOT = Path(settings.BASE_DIR)


def _modules():
    for app in FLOORS:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if "/migrations/" not in relative and relative not in WIRING:
                yield app, relative, ast.parse(path.read_text(encoding="utf-8"))


def _imported_apps(tree):
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        for name in names:
            top = name.split(".")[0]
            if top in FLOORS:
                yield top, node.lineno


@pytest.mark.parametrize("app", list(FLOORS))
def test_an_app_imports_only_from_the_floors_below(app):
    upward = [
        f"{relative}:{line} imports {other}"
        for owner, relative, tree in _modules()
        if owner == app
        for other, line in _imported_apps(tree)
        if other != app and FLOORS[other] >= FLOORS[app]
    ]
    assert upward == []


def test_no_model_is_looked_up_by_name():
    found = [
        f"{relative}:{node.lineno}"
        for _app, relative, tree in _modules()
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "get_model" and node.args
    ]
    assert found == []
