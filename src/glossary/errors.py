"""One error hierarchy for everything a user can get wrong.

The CLI prints ``str(error)`` on one line of stderr and exits with status 2.
Any other exception is a bug.
"""

from __future__ import annotations

from pathlib import Path


class GlossaryError(Exception):
    """A user mistake: bad input, bad usage, a broken term file."""

    def __init__(self, message: str, path: str | Path | None = None,
                 line: int | None = None, col: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line
        self.col = col

    def location(self) -> str:
        if self.path is None:
            return ""
        parts = [self.path]
        if self.line is not None:
            parts.append(str(self.line))
            if self.col is not None:
                parts.append(str(self.col))
        return ":".join(parts)

    def __str__(self) -> str:
        where = self.location()
        return f"{where}: {self.message}" if where else self.message


class TermFileError(GlossaryError):
    """A term file that cannot be read, parsed or that breaks the schema."""


class InputError(GlossaryError):
    """Input text that cannot be used: undecodable, binary, missing."""


class UsageError(GlossaryError):
    """A combination of options or arguments that makes no sense."""


class CacheCorrupt(Exception):
    """A cache file that does not check out: it is thrown away and built again.
    Not a user's mistake, and never shown to one."""
