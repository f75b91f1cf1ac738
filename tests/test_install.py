"""A plain, non-editable install into a fresh venv ships the term files.

This builds the wheel, installs it with its dependencies into a new virtual
environment and runs the installed ``glossary`` from an unrelated directory.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    base = tmp_path_factory.mktemp("install")
    wheels = base / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(ROOT)],
                   check=True, capture_output=True)
    wheel = next(wheels.glob("*.whl"))
    env_dir = base / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "-q", str(wheel)], check=True, capture_output=True)
    return wheel, env_dir / "bin" / "glossary", base


def _run(installed, *args):
    _, exe, base = installed
    cwd = base / "elsewhere"
    cwd.mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k not in ("GLOSSARY_PATH", "PYTHONPATH")}
    env["GLOSSARY_CACHE_DIR"] = str(base / "cache")
    return subprocess.run([str(exe), *args], cwd=cwd, capture_output=True, text=True, env=env)


def test_wheel_contains_the_term_files_and_the_schema(installed):
    wheel, _, _ = installed
    names = zipfile.ZipFile(wheel).namelist()
    shipped = {Path(n).name for n in names if n.startswith("glossary/terms/") and n.endswith(".yaml")}
    assert shipped == {p.name for p in (ROOT / "terms").glob("*.yaml")}
    assert "glossary/schema/terms.schema.json" in names


def test_installed_tool_lists_every_entry_from_any_directory(installed):
    result = _run(installed, "list", "--format", "json")
    assert result.returncode == 0, result.stderr
    entries = json.loads(result.stdout)
    shipped = sum(p.read_text(encoding="utf-8").count("\n  - id: ") for p in (ROOT / "terms").glob("*.yaml"))
    assert len(entries) == shipped
    assert "/site-packages/glossary/terms/" in entries[0]["origin"]


def test_installed_show_and_validate(installed):
    simplified = _run(installed, "show", "虚拟电厂", "-f", "json")
    traditional = _run(installed, "show", "虛擬電廠", "-f", "json")
    assert simplified.returncode == traditional.returncode == 0
    assert json.loads(simplified.stdout) == json.loads(traditional.stdout)
    validate = _run(installed, "validate")
    assert validate.returncode == 0, validate.stdout + validate.stderr
