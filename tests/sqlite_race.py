"""Run by tests/test_sqlite_concurrency.py in a child process whose DATABASE_URL is a SQLite file:
two bureau users fulfil the same demand item through the API at the same moment; prints the two
status codes and the item's events as JSON."""

import json
import threading

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

call_command("migrate", verbosity=0)

from demand.models import DemandItemEvent  # noqa: E402
from tests import factories as f  # noqa: E402

users = [f.ProfileFactory(user=f.UserFactory(username=f"bureau_{n}"), role="bureau").user for n in range(2)]
item = f.DemandItemFactory(status="in_progress", headcount=10)
barrier = threading.Barrier(2)
codes = [None, None]


def fulfil(index):
    client = Client()
    client.force_login(users[index])
    barrier.wait(timeout=10)
    response = client.post(
        f"/api/v1/demand-items/{item.pk}/fulfil/",
        {"on": "2025-06-30", "headcount": 8 + index},
        content_type="application/json",
    )
    codes[index] = response.status_code
    connection.close()


threads = [threading.Thread(target=fulfil, args=(n,)) for n in range(2)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join(timeout=60)
events = list(DemandItemEvent.objects.filter(item=item, to_status="fulfilled").values_list("from_status", flat=True))
print(json.dumps({"codes": sorted(codes), "events": events}))
