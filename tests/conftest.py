"""Role fixtures: the bureau, a college admin, an enterprise clerk, an agency, and outsiders
(the admin of another college, the clerk of another enterprise)."""

import pytest

from tests import factories as f


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # PBKDF2 costs about a second per user on a loaded CI machine; no test needs a strong hash.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _default_language(settings):
    """Each test starts in the portal's language: an English request leaves English active in the thread."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: a panel cached by one test (the responsiveness panel, the
    planner's base) names rows of a database that the next test no longer has."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _tasks_in_process_unless_broker_test(request):
    """Tasks run in-process (the embedded default) except in `broker` tests, which talk to a real worker.

    CI sets CELERY_BROKER_URL for the whole suite; without this, a page test that starts a
    run would hand it to a queue nobody in that test consumes.
    """
    if request.node.get_closest_marker("broker"):
        yield
        return
    from portal.celery import app

    # The app reads Django settings under the CELERY_ namespace, so the override takes that key.
    previous = app.conf.task_always_eager
    app.conf.update(CELERY_TASK_ALWAYS_EAGER=True)
    yield
    app.conf.update(CELERY_TASK_ALWAYS_EAGER=previous)


# The districts of the test city (SPEC 2: the bureau keeps the list; colleges and enterprises name one).
DISTRICTS = ["清江浦区", "淮阴区", "淮安区", "洪泽区", "涟水县"]


@pytest.fixture(autouse=True)
def _districts(request):
    """Every test that uses the database starts with the city's districts, as a bureau would have them."""
    if not {"db", "transactional_db", "django_db_reset_sequences"} & set(request.fixturenames) and not (
        request.node.get_closest_marker("django_db")
    ):
        return
    request.getfixturevalue("transactional_db" if "transactional_db" in request.fixturenames else "db")
    from reference.models import District

    District.objects.bulk_create(
        [District(name=name, order=i) for i, name in enumerate(DISTRICTS, start=1)], ignore_conflicts=True
    )


def _user(username, role, **owner):
    profile = f.ProfileFactory(user=f.UserFactory(username=username), role=role, **owner)
    return profile.user


@pytest.fixture
def college(db):
    return f.CollegeFactory(code="13290", name="淮安测试职业技术学院", district="清江浦区")


@pytest.fixture
def other_college(db):
    return f.CollegeFactory(code="13291", name="淮阴测试职业技术学院", district="淮阴区")


@pytest.fixture
def enterprise(db):
    return f.EnterpriseFactory(name="淮安测试新能源有限公司")


@pytest.fixture
def other_enterprise(db):
    return f.EnterpriseFactory(name="淮阴测试化工有限公司", district="淮阴区")


@pytest.fixture
def bureau_user(db):
    return _user("bureau", "bureau")


@pytest.fixture
def agency_user(db):
    return _user("agency", "agency")


@pytest.fixture
def college_user(college):
    return _user("college_admin", "college", college=college)


@pytest.fixture
def other_college_user(other_college):
    return _user("other_college_admin", "college", college=other_college)


@pytest.fixture
def enterprise_user(enterprise):
    return _user("clerk", "enterprise", enterprise=enterprise)


@pytest.fixture
def other_enterprise_user(other_enterprise):
    return _user("other_clerk", "enterprise", enterprise=other_enterprise)
