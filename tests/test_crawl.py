"""Every page each role reaches by links from its home, in Chinese and in English: no 500, no link that
answers 404, none slower than PAGE_BUDGET_S, and no Chinese left in an English page outside user data.

The city is the demo generator's at a small scale (seed_demo's rules, a few colleges), with one
computed quarter; the roles are the demo logins it creates, so a role added there is crawled too.

Rules, chosen so the crawl is complete in kind yet fast (README "Translations"):
- same host, GET only; not followed: logout, the API and its docs, the Django admin, files (names with
  xlsx, csv, export, download, template) and anchors;
- every distinct page kind — view name and query keys — is visited at most PER_KIND times, so a list
  with 300 rows costs two detail pages, not 300;
- time is the server's answer measured around the test client; a page over budget is measured twice
  more and its best time counts, so a busy CI machine's hiccup does not fail the run;
- a Chinese page writes its colons full-width ("：");
- an English page's visible text (and its title, placeholder, aria-label attributes) is split into runs
  of Chinese characters; a run that is part of a stored value (names, titles, notes of the seeded data,
  any text column) is user data, any other run is an untranslated message.
"""

import io
import re
import statistics
import time
from collections import defaultdict, deque
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urljoin, urlsplit

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.test import Client, override_settings
from django.urls import Resolver404, resolve

from exchange import demo_city
from portal.periods import Period

PAGE_BUDGET_S = 0.35
PER_KIND = 2
SKIPPED_VIEWS = re.compile(r"logout|xlsx|csv|export|download|template|schema|api-docs|api-root")
SKIPPED_PATHS = ("/api/", "/admin/", "/static/", "/media/")
SMALL_CITY = demo_city.scaled(demo_city.CITY, 0.05)
CJK_RUN = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]+")
CJK_CHAR = re.compile(r"[\u3400-\u9fff]")
ASCII_COLON_IN_CHINESE = re.compile(r"[\u3400-\u9fff][)]?:(?!//)")
# Shown in its own language on purpose: the languages' names (settings, the switch button).
NATIVE = {name for _code, name in settings.LANGUAGES} | {"中文"}


@pytest.fixture(scope="module")
def city(django_db_setup, django_db_blocker):
    """The small demo city with the metrics of its latest closed quarter, rolled back after the module."""
    from django.core.management import call_command

    fast_hashing = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), transaction.atomic(), fast_hashing:
        report = demo_city.seed(spec=SMALL_CITY, seed=2026, reset=True)
        for period in Period.containing().previous().last_four():  # the dashboards' trend quarters
            call_command("compute_metrics", year=period.year, quarter=period.quarter, stdout=io.StringIO())
        yield {"users": report["users"], "data": _stored_text()}
        transaction.set_rollback(True)


def _stored_text() -> str:
    """Every stored text value that has Chinese in it (the strings inside JSON values too), joined: the user
    data an English page may show."""
    values = set()
    texts = models.CharField | models.TextField | models.JSONField
    for model in apps.get_models():
        fields = [f.attname for f in model._meta.concrete_fields if isinstance(f, texts)]
        if not fields or model._meta.app_label in {"sessions", "admin", "contenttypes", "axes"}:
            continue
        for row in model._base_manager.values_list(*fields):
            values.update(v for v in _strings(row) if CJK_CHAR.search(v))
    return "\x00".join(values)


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict | list | tuple):
        for item in value.values() if isinstance(value, dict) else value:
            yield from _strings(item)


class _Page(HTMLParser):
    """The links and the visible text of a page."""

    def __init__(self):
        super().__init__()
        self.links, self.text, self._hidden = [], [], 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "style", "template"):
            self._hidden += 1
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        self.text.extend(attrs[name] for name in ("title", "placeholder", "aria-label", "alt") if attrs.get(name))

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.text.append(data)


def _kind(url: str):
    """(view name, query keys) of an internal page to follow, or None for a link the crawl leaves alone."""
    parts = urlsplit(url)
    if parts.scheme not in ("", "http") or parts.netloc not in ("", "testserver"):
        return None
    if parts.path.startswith(SKIPPED_PATHS):
        return None
    try:
        match = resolve(parts.path)
    except Resolver404:
        return ("404", parts.path)
    if SKIPPED_VIEWS.search(match.view_name or ""):
        return None
    return (match.view_name, tuple(sorted({key for key, _v in parse_qsl(parts.query, keep_blank_values=True)})))


def _timed_get(client, url):
    began = time.perf_counter()
    response = client.get(url)
    return response, time.perf_counter() - began


def crawl(client, language: str, data: str) -> dict:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    queue, seen, per_kind = deque([("/", "(start)")]), {"/"}, defaultdict(int)
    problems, times = [], {}
    while queue:
        url, referrer = queue.popleft()
        response, seconds = _timed_get(client, url)
        if seconds > PAGE_BUDGET_S and response.status_code == 200:
            seconds = min([seconds] + [_timed_get(client, url)[1] for _ in range(2)])
        times[url] = seconds
        if response.status_code >= 500:
            problems.append(f"{response.status_code} {url} (linked from {referrer})")
        elif response.status_code == 404:
            problems.append(f"404 link {url} on {referrer}")
        elif seconds > PAGE_BUDGET_S:
            problems.append(f"slow {seconds:.3f} s {url}")
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        page = _Page()
        page.feed(response.content.decode())
        if language == "en":
            untranslated = {
                run
                for text in page.text
                for run in CJK_RUN.findall(text)
                if CJK_CHAR.search(run) and run not in NATIVE and run not in data
            }
            problems.extend(f"untranslated “{run}” on {url}" for run in sorted(untranslated))
        else:
            colons = {m.group() for text in page.text for m in ASCII_COLON_IN_CHINESE.finditer(text)}
            problems.extend(f"ASCII colon in Chinese “{colon}” on {url}" for colon in sorted(colons))
        for href in page.links:
            link = urljoin(url, href).split("#")[0]
            link = urlsplit(link)._replace(scheme="", netloc="").geturl()
            kind = _kind(link)
            if kind is None or link in seen or per_kind[kind] >= PER_KIND:
                continue
            seen.add(link)
            per_kind[kind] += 1
            queue.append((link, url))
    return {"problems": problems, "times": times}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_page_of_every_role_answers_fast_and_in_its_language(city, db, language):
    User = get_user_model()
    report = []
    for username, role in city["users"]:
        client = Client()
        client.force_login(User.objects.get(username=username))
        result = crawl(client, language, city["data"])
        times = result["times"]
        assert len(times) > 1, f"{role} reached only its home page"
        report.extend(f"[{role}] {problem}" for problem in result["problems"])
        print(f"{language} {role}: {len(times)} pages, median {statistics.median(times.values()):.3f} s")
    assert not report, "\n".join(report)
