"""Long commands draw a progress bar (counts and rate) in a terminal and stay quiet in CI, pipes and tests."""

import io
import os
import pty

import pytest
from django.core.management import call_command

from portal.progress import counted, progress


@pytest.fixture
def terminal(monkeypatch):
    """A real pseudo-terminal as the command's stdout, with the CI variable unset."""
    monkeypatch.delenv("CI", raising=False)
    leader, follower = pty.openpty()
    stream = os.fdopen(follower, "w")
    yield stream
    stream.close()
    os.close(leader)


def test_a_bar_with_counts_and_rate_on_a_terminal(terminal, capsys):
    with progress(terminal, desc="导出", unit="行") as bar:
        for _ in counted(range(2500), bar.advance):
            pass
        bar.write("done")
    err = capsys.readouterr().err
    assert "导出" in err and "2.50k行" in err and "行/s" in err and "done" in err


def test_quiet_without_a_terminal(capsys):
    out = io.StringIO()
    with progress(out, desc="导出", unit="行", total=3) as bar:
        bar.advance(3, "x")
        bar.write("line\n")
    assert out.getvalue() == "line\n"
    assert capsys.readouterr().err == ""


def test_quiet_on_a_terminal_under_ci(terminal, monkeypatch, capsys):
    monkeypatch.setenv("CI", "true")
    with progress(terminal, desc="导出", unit="行") as bar:
        bar.advance(1)
    assert capsys.readouterr().err == ""


@pytest.mark.django_db
def test_compute_metrics_all_draws_one_bar_over_the_quarters(terminal, capsys):
    call_command("compute_metrics", "--all", "--since", "2026", stdout=terminal)
    err = capsys.readouterr().err
    assert "计算" in err and "个季度" in err and "2026Q1" in err


@pytest.mark.django_db
def test_export_bundle_counts_rows(terminal, capsys, tmp_path):
    from tests import factories as f

    f.EnterpriseFactory.create_batch(3)
    call_command("export_bundle", str(tmp_path / "out"), stdout=terminal)
    err = capsys.readouterr().err
    assert "导出" in err and "enterprises" in err


@pytest.mark.django_db
def test_import_bundle_steps_through_the_files(terminal, capsys):
    from tests.exchange_helpers import SMALL_CITY

    call_command("import_bundle", str(SMALL_CITY), stdout=terminal)
    err = capsys.readouterr().err
    assert "导入" in err and "步" in err
