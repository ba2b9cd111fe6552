"""Policy reach (deliveries, acknowledgements, their ratio) is the bureau's, in the API as on the pages
(issue #15)."""

import pytest

from policies import services
from tests import factories as f

pytestmark = pytest.mark.django_db

REACH = {"deliveries_count", "acknowledged_count", "reach"}


@pytest.fixture
def published(enterprise):
    return services.policy_card_publish(card=f.PolicyCardFactory(), by=None)


def test_bureau_sees_reach(client, bureau_user, published):
    client.force_login(bureau_user)
    card = client.get(f"/api/v1/policies/{published.pk}/").json()
    assert (card["deliveries_count"], card["acknowledged_count"], card["reach"]) == (1, 0, 0.0)
    assert client.get("/api/v1/policies/", {"ordering": "-reach"}).status_code == 200


@pytest.mark.parametrize("role", ["agency_user", "college_user", "enterprise_user"])
def test_others_do_not_see_reach(client, request, published, role):
    client.force_login(request.getfixturevalue(role))

    listed = client.get("/api/v1/policies/").json()["results"]
    detail = client.get(f"/api/v1/policies/{published.pk}/").json()

    assert [card["id"] for card in listed] == [published.pk]
    assert not REACH & set(listed[0]) and not REACH & set(detail)
    # Ordering by reach would reveal it: not a field these roles may order by, a 400 naming it.
    answer = client.get("/api/v1/policies/", {"ordering": "-reach"})
    assert answer.status_code == 400
    assert "-reach" in answer.json()["ordering"][0]
