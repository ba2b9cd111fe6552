"""requirements-lock.txt pins every installed package, indirect ones too; it agrees with the pins we ask for
in requirements*.txt and installs from scratch into an empty venv (the same local index CI uses)."""

import re
import subprocess
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?==([^\s;#]+)")


def _name(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pins(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line.startswith("-r "):
            pins |= _pins(path.parent / line[3:].strip())
        elif line and not line.startswith("#"):
            match = PIN.match(line)
            assert match, f"{path.name}: not pinned with ==: {line}"
            pins[_name(match[1])] = match[2]
    return pins


def test_every_requirement_is_pinned_at_its_locked_version():
    asked = _pins(ROOT / "requirements-dev.txt")
    locked = _pins(ROOT / "requirements-lock.txt")
    assert {name: locked.get(name) for name in asked} == asked


@pytest.mark.slow
def test_the_lock_installs_from_scratch(tmp_path):
    venv.create(tmp_path / "venv", with_pip=True)
    pip = str(tmp_path / "venv" / "bin" / "pip")
    install = [pip, "install", "-q", "--no-compile", "-r", "requirements-dev.txt", "-c", "requirements-lock.txt"]
    subprocess.run(install, cwd=ROOT, check=True, timeout=900)
    subprocess.run([pip, "check"], check=True, timeout=120)
    frozen = subprocess.run([pip, "freeze"], check=True, capture_output=True, text=True, timeout=120).stdout
    (tmp_path / "frozen.txt").write_text(frozen)
    assert _pins(tmp_path / "frozen.txt") == _pins(ROOT / "requirements-lock.txt")
