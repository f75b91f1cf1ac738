"""The command-line interface: a thin Typer layer over the library.

Each group of commands lives in its own module with an ``app`` of its own; the root
command imports a module only when one of its commands runs (see ``COMMANDS``).
Heavy libraries (jieba, OpenCC, pypinyin) are imported inside the commands
that need them, never here.

This module itself imports nothing at all, so that :func:`main` is in place before
anything can go wrong: an interrupt while Python is still importing, a closed or full
output, each ends as one line on stderr (or none) and an exit status.
"""

from __future__ import annotations

__all__ = ["COMMANDS", "app", "main"]

EXIT_ERROR, EXIT_INTERRUPTED = 2, 130


def main() -> None:
    """The ``glossary`` command."""
    import sys

    try:
        try:
            if _standard_streams():
                from glossary.cli.common import run

                run()
        finally:
            if sys.stdout is not None:
                sys.stdout.flush()
    except KeyboardInterrupt:
        _leave(EXIT_INTERRUPTED)
    except BrokenPipeError:
        _leave(0)  # the reader went away (| head): not an error
    except OSError as exc:
        import errno

        full = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO)
        where = f"{exc.filename}: " if exc.filename else ""
        what = "cannot write the output: " if not where and exc.errno in full else ""
        _say(f"{where}{what}{exc.strerror or exc}")
        _leave(EXIT_ERROR)


def _standard_streams() -> bool:
    """Closed standard streams (``glossary list >&-``): each gets /dev/null, so that no
    file opened later takes its place; a closed stdin reads as an error, a closed stdout
    is one. False when the command cannot run."""
    import os
    import sys

    closed = []
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            spare = os.open(os.devnull, os.O_RDWR)  # the lowest free descriptor: fd itself
            if spare != fd:
                os.dup2(spare, fd)
                os.close(spare)
            closed.append(fd)
    if 2 in closed or sys.stderr is None:
        sys.stderr = open(os.devnull, "w", encoding="utf-8")
    if 0 in closed or sys.stdin is None:
        sys.stdin = _ClosedInput()
    if 1 in closed or sys.stdout is None:
        sys.stdout = None
        _say("standard output is closed: nowhere to write the results")
        raise SystemExit(EXIT_ERROR)
    return True


class _ClosedInput:
    """Standard input when the shell closed it (``<&-``): reading it is an input error."""

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:
        return 0

    def _closed(self, *_args):
        from glossary.errors import InputError

        raise InputError("standard input is closed: give a file, or pipe the text in")

    read = readline = __iter__ = _closed
    buffer = property(_closed)


def _say(message: str) -> None:
    import sys

    if sys.stderr is not None:
        try:
            sys.stderr.write(f"glossary: {message}\n")
            sys.stderr.flush()
        except (OSError, ValueError):
            pass


def _leave(status: int) -> None:
    """Exit with ``status``, the output's unwritten buffer sent to /dev/null: the
    interpreter's last flush must not fail again and print a traceback."""
    import os

    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
    except OSError:
        pass
    raise SystemExit(status)


def __getattr__(name: str):
    if name in ("COMMANDS", "app"):
        from glossary.cli import common

        return getattr(common, name)
    raise AttributeError(name)
