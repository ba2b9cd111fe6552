"""The admin shows runs, snapshots and alerts read-only; targets are editable."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", ["target", "metricrun", "snapshot", "alert"])
def test_admin_lists_open_for_superusers(admin_client, model):
    assert admin_client.get(reverse(f"admin:metrics_{model}_changelist")).status_code == 200


@pytest.mark.parametrize("model", ["metricrun", "snapshot", "alert"])
def test_engine_results_cannot_be_added_by_hand(admin_client, model):
    assert admin_client.get(reverse(f"admin:metrics_{model}_add")).status_code == 403


def test_targets_can_be_added(admin_client):
    assert admin_client.get(reverse("admin:metrics_target_add")).status_code == 200
