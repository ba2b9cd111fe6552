"""Out-of-range numbers in any list filter are a 400 naming the parameter, never a driver error (500)."""

import django_filters
import pytest

from portal.api_urls import router

TOO_BIG = str(2**70)


def number_filters():
    for prefix, viewset, _basename in router.registry:
        filterset = getattr(viewset, "filterset_class", None)
        for name, flt in filterset.base_filters.items() if filterset else ():
            if isinstance(flt, django_filters.NumberFilter):
                yield pytest.param(prefix, name, id=f"{prefix}?{name}")


@pytest.mark.parametrize(("prefix", "name"), list(number_filters()))
def test_huge_number_in_a_filter_is_a_400_naming_it(client, bureau_user, prefix, name):
    client.force_login(bureau_user)
    response = client.get(f"/api/v1/{prefix}/", {name: TOO_BIG})
    assert response.status_code == 400
    assert name in response.json()
