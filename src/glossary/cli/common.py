"""What every command shares: the app, its error handling, options and output."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import Annotated, Any, Optional


import typer
# Typer carries its own copy of Click; its usage errors are these.
from typer._click.exceptions import NoArgsIsHelpError, UsageError as ClickUsageError
from typer.core import TyperGroup

from glossary import __version__
from glossary.errors import CacheCorrupt, GlossaryError
from glossary.model import Script
from glossary.render import Format, default_format

EXIT_FOUND, EXIT_NOT_FOUND, EXIT_ERROR = 0, 1, 2


# Every command and the module that defines it, in the order of --help. A module is
# imported only when one of its commands runs (or for --help), so `glossary lookup`
# pays neither for the imports nor for the parameters of the other commands.
COMMANDS: dict[str, str] = {
    "lookup": "glossary.cli.lookup",
    "show": "glossary.cli.entries",
    "list": "glossary.cli.entries",
    "domains": "glossary.cli.entries",
    "segment": "glossary.cli.text",
    "highlight": "glossary.cli.text",
    "check": "glossary.cli.qa",
    "extract": "glossary.cli.qa",
    "add": "glossary.cli.add",
    "export": "glossary.cli.interchange",
    "import": "glossary.cli.interchange",
    "validate": "glossary.cli.validate",
    "cache": "glossary.cli.cache",
    "completion": "glossary.cli.completion",
}
# The variable the completion scripts set when they ask glossary for completions.
COMPLETE_VAR = "_GLOSSARY_COMPLETE"


def command_app() -> typer.Typer:
    """The Typer app a command module registers its commands on."""
    return typer.Typer(add_completion=False, rich_markup_mode=None)


_SUBCOMMAND_CONTEXT = "glossary.subcommand"


class GlossaryGroup(TyperGroup):
    """The root command: loads subcommands lazily, and turns a user's mistake into
    one line on stderr and exit status 2."""

    def list_commands(self, ctx: typer.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: typer.Context, name: str) -> Any:
        module_name = COMMANDS.get(name)
        if module_name is None:
            return None
        from importlib import import_module

        from typer.main import get_command_from_info, get_command_name

        module = import_module(module_name)
        for info in module.app.registered_commands:
            if (info.name or get_command_name(info.callback.__name__)) == name:
                return get_command_from_info(info, pretty_exceptions_short=True,
                                             rich_markup_mode=None)
        return None

    def resolve_command(self, ctx: typer.Context, args: list[str]) -> Any:
        name, command, rest = super().resolve_command(ctx, args)
        if command is not None:
            ctx.meta[_SUBCOMMAND_CONTEXT] = typer.Context(command, info_name=name, parent=ctx)
        return name, command, rest

    def make_context(self, info_name, args, parent=None, **extra) -> Any:
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except ClickUsageError as exc:
            _usage_error(exc)

    def format_commands(self, ctx: typer.Context, formatter: Any) -> None:
        """Each command with its description's first paragraph, whole (wrapped, not cut)."""
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, " ".join((command.help or "").split("\n\n")[0].split())))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def invoke(self, ctx: typer.Context) -> Any:
        _log_to_stderr()
        # The arguments, kept: Click consumes them, and a retry needs them again.
        saved = (list(ctx._protected_args), list(ctx.args)) if hasattr(ctx, "_protected_args") \
            else (list(ctx.protected_args), list(ctx.args))
        try:
            try:
                return super().invoke(ctx)
            except CacheCorrupt:
                # A store that did not check out while being read: built again, once.
                from glossary.compiled import discard_opened

                discard_opened()
                if hasattr(ctx, "_protected_args"):
                    ctx._protected_args, ctx.args = saved
                else:
                    ctx.protected_args, ctx.args = saved
                return super().invoke(ctx)
            return super().invoke(ctx)
        except ClickUsageError as exc:
            # An error of the option parser comes without the subcommand's context.
            if exc.ctx is None or exc.ctx is ctx:
                exc.ctx = ctx.meta.get(_SUBCOMMAND_CONTEXT, exc.ctx)
            _usage_error(exc)
        except GlossaryError as exc:
            say(str(exc))
            ctx.exit(EXIT_ERROR)
        except BrokenPipeError:
            # The reader went away (| head): not an error, and no traceback.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            ctx.exit(EXIT_FOUND)


class _StderrHandler(logging.Handler):
    """The library's warnings (what a term file made us skip) as ``glossary: …`` lines."""

    def emit(self, record: logging.LogRecord) -> None:
        say(record.getMessage())


def _log_to_stderr() -> None:
    logger = logging.getLogger("glossary")
    if not any(isinstance(h, _StderrHandler) for h in logger.handlers):
        logger.addHandler(_StderrHandler(logging.WARNING))
        logger.propagate = False


def _usage_error(exc: Any) -> None:
    """A usage error as one line on stderr, then exit 2: ``glossary: no such option:
    --bogus (see glossary lookup --help)``. Asking for nothing still shows the help."""
    if isinstance(exc, NoArgsIsHelpError):
        raise exc
    message = exc.format_message().strip().rstrip(".")
    message = message[:1].lower() + message[1:]
    where = exc.ctx.command_path if exc.ctx is not None else "glossary"
    say(f"{message} (see {where} --help)")
    raise typer.Exit(EXIT_ERROR)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"glossary {__version__}")
        raise typer.Exit()


app = typer.Typer(
    cls=GlossaryGroup,
    name="glossary",
    help="Chinese / pinyin / French / English terminology of the State Council directive "
         "on application scenarios (国办发〔2025〕37号).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    """Chinese / pinyin / French / English terminology of the directive on application scenarios."""


def run() -> None:
    """The command line, as the ``glossary`` command runs it (see :func:`glossary.cli.main`)."""
    if COMPLETE_VAR in os.environ:  # a shell asking for completions: the only cost is here
        from typer._completion_classes import completion_init

        completion_init()
    _check_arguments(sys.argv[1:])
    app(prog_name="glossary", complete_var=COMPLETE_VAR)


def say(message: str) -> None:
    """``glossary: message`` as one line on stderr: what it quotes (a file name, a
    value, the user's text) cannot break the line or drive the terminal."""
    from glossary.render import one_line

    if sys.stderr is not None:
        typer.echo(f"glossary: {one_line(message, MESSAGE_MAX)}", err=True)


MESSAGE_MAX = 2000  # characters of one message line, at most


def _check_arguments(args: list[str]) -> None:
    """Arguments that are not UTF-8 (the shell gave bytes Python keeps as surrogates)
    are refused, unless they name a file that exists (a Linux file name may be any bytes)."""
    for arg in args:
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            if not os.path.lexists(arg):
                shown = arg.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
                say(f"argument is not valid UTF-8: '{shown}'")
                raise SystemExit(EXIT_ERROR) from None


# --------------------------------------------------------------------------- options

TermsOption = Annotated[
    Optional[list[str]],
    typer.Option("--terms", "-t", metavar="PATH",
                 help="A directory or term file of your own (YAML, or TBX, CSV, TSV, XLSX), stacked "
                      "on the shipped ones (repeatable; also $GLOSSARY_PATH, a list separated by ':').",
                 show_default=False),
]
NoBuiltinOption = Annotated[
    bool, typer.Option("--no-builtin", help="Leave out the shipped term files (yours stay: "
                                            "$GLOSSARY_PATH, your glossary add file, --terms).")]
EncodingOption = Annotated[
    Optional[str],
    typer.Option("--encoding", "-e", metavar="NAME",
                 help="Encoding of the input [default: detected: UTF-8 with or without BOM, "
                      "GB18030 or Big5].",
                 show_default=False),
]
InputArgument = Annotated[
    Optional[str],
    typer.Argument(metavar="[FILE|-]",
                   help="The Chinese text: a file, or - (or nothing, when piped) for standard input.",
                   show_default=False),
]
ScriptOption = Annotated[
    Optional[Script],
    typer.Option("--script", case_sensitive=False,
                 help="Write the glossary's Chinese in this script: hans (simplified, the "
                      "default), hant (traditional), tw or hk (the entry's Taiwan or Hong Kong "
                      "word form where it has one, else traditional). Text you give is never "
                      "changed.", show_default=False),
]


def in_script(records, script: Optional[Script]):
    """Records (entry fields) with their ``zh`` in the reader's script."""
    from glossary.model import zh_in_script

    if script is None:
        return records

    def converted(record):
        zh = zh_in_script(record, script)
        if zh != record["zh"] and record.get("pinyin"):
            # A regional word says its own syllables (人工智慧 réngōngzhìhuì).
            from glossary.pinyin import term_pinyin

            record["pinyin"] = term_pinyin(zh, record["zh"], record["pinyin"])
        record["zh"] = zh
        return record

    if isinstance(records, list):
        for record in records:
            converted(record)
        return records
    return (converted(record) for record in records)  # a stream stays a stream


FormatOption = Annotated[
    Optional[Format],
    typer.Option("--format", "-f", case_sensitive=False,
                 help="Output format [default: table on a terminal, tsv in a pipe].",
                 show_default=False),
]


def user_paths(terms: list[str] | None) -> list[Path]:
    """$GLOSSARY_PATH first, then the personal term file of ``glossary add``, then --terms:
    the last given wins on the same id. An empty --terms is refused (it would mean the
    current directory)."""
    from glossary.errors import UsageError
    from glossary.store import ENV_PATH, paths_from_env, user_term_paths

    if any(not str(t) for t in terms or ()):
        raise UsageError("--terms: empty path given (write . for the current directory)")
    return user_term_paths(paths_from_env(os.environ.get(ENV_PATH)), [Path(t) for t in terms or ()])


def load(terms: list[Path] | None, no_builtin: bool = False):
    from glossary.store import load_glossary

    return load_glossary(user_paths(terms), builtin=not no_builtin)


# --------------------------------------------------------------------------- output

def stdout_is_terminal() -> bool:
    return sys.stdout.isatty()


def resolve_format(fmt: Format | None) -> Format:
    return fmt or default_format(stdout_is_terminal())


def console(stderr: bool = False):
    """A Rich console for results (stdout) or diagnostics (stderr). Rich honours NO_COLOR."""
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, emoji=False)


def out():
    return sys.stdout


def warn(message: str) -> None:
    """A diagnostic line on stderr."""
    say(message)
