"""Closed, full and interrupted streams, binary input and arguments that are not text:
every command ends with one line on stderr and a meaningful status, never a traceback.

These run the installed command in a subprocess: what is tested is the process's own
handling of its file descriptors and signals, which an in-process runner replaces.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

GLOSSARY = [sys.executable, "-m", "glossary"]
HANG_GUARD = 60  # seconds: only a hang fails on this, never a slow machine


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("streams")
    (d / "zh.txt").write_text("发展低空经济，建设虚拟电厂。\n", encoding="utf-8")
    (d / "fr.txt").write_text("Développer l'économie des basses altitudes.\n", encoding="utf-8")
    return d


def commands(d: Path) -> dict[str, list[str]]:
    """Every command, with arguments that make it write to stdout."""
    zh, fr = str(d / "zh.txt"), str(d / "fr.txt")
    return {
        "lookup": ["lookup", "低空经济"],
        "show": ["show", "低空经济"],
        "list": ["list"],
        "domains": ["domains"],
        "segment": ["segment", zh],
        "highlight": ["highlight", zh],
        "check": ["check", zh, fr],
        "check --align": ["check", "--align", zh, fr],
        "check --inline": ["check", "--inline", "l'économie des basses altitudes (低空经济)"],
        "extract": ["extract", zh],
        "export": ["export", "--format", "tsv"],
        "validate": ["validate", "-f", "json"],
        "cache": ["cache", "info", "-f", "json"],
        "completion": ["completion", "bash"],
        "--help": ["--help"],
        "lookup --help": ["lookup", "--help"],
        "--version": ["--version"],
    }


def run(args, env, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(GLOSSARY + args, env=env, capture_output="stdout" not in kwargs
                          and "stderr" not in kwargs, timeout=HANG_GUARD, **kwargs)


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    return dict(os.environ, GLOSSARY_CACHE_DIR=str(tmp_path_factory.getbasetemp() / "cache"),
                GLOSSARY_DATA_DIR=str(tmp_path_factory.mktemp("data")))


def one_error_line(stderr: bytes) -> str:
    text = stderr.decode("utf-8", "replace")
    assert "Traceback" not in text, text
    lines = text.splitlines()
    assert len(lines) == 1 and lines[0].startswith("glossary: "), text
    return lines[0]


def test_a_full_disk_is_one_line_and_status_2_for_every_command(files, env):
    failures = []
    with open("/dev/full", "wb") as full:
        for name, args in commands(files).items():
            done = subprocess.run(GLOSSARY + args, env=env, stdout=full, stderr=subprocess.PIPE,
                                  timeout=HANG_GUARD)
            text = done.stderr.decode("utf-8", "replace")
            if done.returncode != 2 or "Traceback" in text or \
                    text.strip() != "glossary: cannot write the output: No space left on device":
                failures.append((name, done.returncode, text[-300:]))
    assert not failures


def test_a_closed_stdout_is_one_line_and_status_2_for_every_command(files, env):
    failures = []
    for name, args in commands(files).items():
        done = subprocess.run(GLOSSARY + args, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, timeout=HANG_GUARD,
                              preexec_fn=lambda: os.close(1))
        text = done.stderr.decode("utf-8", "replace")
        if done.returncode != 2 or text.strip() != \
                "glossary: standard output is closed: nowhere to write the results":
            failures.append((name, done.returncode, text[-300:]))
    assert not failures


@pytest.mark.parametrize("args", [["highlight", "-"], ["segment", "-"], ["extract", "-"],
                                  ["lookup", "-"], ["check", "-", "{fr}"],
                                  ["check", "--inline", "-"], ["highlight"]])
def test_a_closed_stdin_is_an_input_error(files, env, args):
    args = [a.format(fr=files / "fr.txt") for a in args]
    done = subprocess.run(GLOSSARY + args, env=env, capture_output=True, timeout=HANG_GUARD,
                          preexec_fn=lambda: os.close(0))
    assert done.returncode == 2
    assert one_error_line(done.stderr) == \
        "glossary: standard input is closed: give a file, or pipe the text in"


def test_a_closed_stderr_changes_nothing_else(files, env):
    done = subprocess.run(GLOSSARY + ["lookup", "低空经济", "-f", "tsv"], env=env,
                          stdout=subprocess.PIPE, timeout=HANG_GUARD,
                          preexec_fn=lambda: os.close(2))
    assert done.returncode == 0 and "低空经济" in done.stdout.decode()
    missing = subprocess.run(GLOSSARY + ["highlight", str(files / "nothing.txt")], env=env,
                             stdout=subprocess.PIPE, timeout=HANG_GUARD,
                             preexec_fn=lambda: os.close(2))
    assert missing.returncode == 2


def test_an_argument_that_is_not_utf8_is_refused_in_one_line(env):
    done = subprocess.run([*GLOSSARY, "segment", "低空经济".encode() + b"\xff"], env=env,
                          capture_output=True, timeout=HANG_GUARD)
    assert done.returncode == 2
    assert one_error_line(done.stderr) == "glossary: argument is not valid UTF-8: '低空经济\\xff'"


def test_a_file_whose_name_is_not_utf8_is_still_read(tmp_path, env):
    name = bytes(tmp_path) + b"/\xff\xfe.txt"
    with open(name, "wb") as fh:
        fh.write("发展低空经济\n".encode())
    done = subprocess.run([*GLOSSARY, "highlight", name, "-f", "tsv"], env=env, capture_output=True,
                          timeout=HANG_GUARD)
    assert done.returncode == 0, done.stderr
    assert "low-altitude-economy" in done.stdout.decode()


@pytest.mark.parametrize("args", [["extract", "/dev/zero"], ["check", "/dev/zero", "/dev/zero"],
                                  ["check", "{zh}", "/dev/zero"], ["highlight", "/dev/zero"],
                                  ["segment", "/dev/zero"], ["check", "--inline", "/dev/zero"],
                                  ["check", "--align", "/dev/zero", "{zh}"]])
def test_endless_binary_input_is_refused_after_a_first_look(files, env, args):
    args = [a.format(zh=files / "zh.txt") for a in args]
    done = run(args, env)
    assert done.returncode == 2
    assert one_error_line(done.stderr).endswith("/dev/zero: binary data (NUL bytes), not a text file")


@pytest.mark.parametrize("args", [["highlight", "-"], ["segment", "-"], ["lookup", "-"],
                                  ["extract", "-"], ["check", "--inline", "-"]])
def test_an_interrupt_ends_quietly_with_status_130(env, args):
    """Interrupted while waiting for its input (a pipe nobody writes to), the command
    leaves with the shell's status for SIGINT and nothing on stderr."""
    run(args, env, input=b"")  # the caches built: the command then goes straight to its input
    # As from a terminal: a shell that runs the tests in the background (CI) would have
    # its children ignore SIGINT, and Python then leaves it ignored.
    proc = subprocess.Popen(GLOSSARY + args, env=env, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        waiting_for_input(proc.pid)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=HANG_GUARD)
    finally:
        proc.kill()
    assert proc.returncode == 130
    assert err == b""


def waiting_for_input(pid: int) -> None:
    """Returns once the process has slept for half a second on end (blocked reading the
    pipe nobody writes to), or after the hang guard."""
    stat = Path(f"/proc/{pid}/stat")
    asleep_since = None
    deadline = time.monotonic() + HANG_GUARD
    while time.monotonic() < deadline:
        state = stat.read_text().rsplit(")", 1)[1].split()[0] if stat.exists() else "S"
        now = time.monotonic()
        if state != "S":
            asleep_since = None
        elif asleep_since is None:
            asleep_since = now
        elif now - asleep_since >= 0.5:
            return
        time.sleep(0.02)


def test_a_reader_that_goes_away_ends_quietly(env):
    proc = subprocess.Popen(GLOSSARY + ["list", "-f", "jsonl"], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    proc.stdout.readline()
    proc.stdout.close()
    err = proc.stderr.read()
    assert proc.wait(timeout=HANG_GUARD) == 0
    assert b"Traceback" not in err and b"Exception" not in err
