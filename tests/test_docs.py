"""The documentation cannot drift: its examples are run, and every command is documented.

A ```console block holds ``$ command`` lines followed by their expected output.
A line ``…`` in the expected output means "and more": the comparison stops there.
Commands run with bash from the repository root, with the installed ``glossary``
first on PATH.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from glossary.cli import COMMANDS

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
_BLOCK = re.compile(r"```console\n(.*?)```", re.S)


def _examples():
    for doc in DOCS:
        for block in _BLOCK.findall(doc.read_text(encoding="utf-8")):
            command, expected = None, []
            for line in [*block.splitlines(), "$ "]:
                if line.startswith("$ "):
                    if command:
                        while expected and not expected[-1].strip():
                            expected.pop()
                        yield doc.name, command, expected
                    command, expected = line[2:], []
                elif command is not None:
                    expected.append(line)


EXAMPLES = list(_examples())


@pytest.mark.parametrize("doc, command, expected", EXAMPLES,
                         ids=[f"{d}: {c[:60]}" for d, c, _ in EXAMPLES])
def test_documented_example_gives_the_documented_output(tmp_path, doc, command, expected):
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
               COLUMNS="100", LC_ALL="C.UTF-8")
    env.pop("NO_COLOR", None)
    result = subprocess.run(["bash", "-o", "pipefail", "-c", command], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    actual = result.stdout.splitlines()
    cut = expected.index("…") if "…" in expected else None
    want = [line.rstrip() for line in expected[:cut]]
    got = [line.rstrip() for line in actual[: len(want)]]
    assert got == want, f"{doc}: $ {command}\n{result.stderr}"
    if cut is None:
        assert len(actual) == len(want), f"{doc}: $ {command}: more output than documented"


def test_every_command_is_in_the_user_guide():
    guide = (ROOT / "docs" / "user-guide.md").read_text(encoding="utf-8")
    headings = "\n".join(line for line in guide.splitlines() if line.startswith("#"))
    missing = [n for n in COMMANDS if f"`glossary {n}`" not in headings]
    assert not missing, f"undocumented commands: {missing}"
