"""Shared fixtures: an isolated cache, the CLI runner, and the shipped glossary."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from glossary.cli import app
from glossary.store import load_glossary

DATA = Path(__file__).parent / "data"


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory, monkeypatch):
    """Every test gets the same private cache directory, no user term paths, and a data
    directory of its own (where ``glossary add`` writes the personal term file)."""
    monkeypatch.setenv("GLOSSARY_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "cache"))
    monkeypatch.setenv("GLOSSARY_DATA_DIR", str(tmp_path_factory.mktemp("data")))
    monkeypatch.delenv("GLOSSARY_PATH", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)


@pytest.fixture
def run():
    """Run the CLI in-process: ``run("show", "低空经济")`` → click Result (exit_code, stdout, stderr)."""
    runner = CliRunner()

    def invoke(*args: str, input: str | bytes | None = None, env: dict | None = None):
        return runner.invoke(app, list(args), input=input, env=env)

    return invoke


@pytest.fixture(scope="session")
def glossary():
    return load_glossary()
