"""``completion``: the shell's completion script for glossary (bash, zsh, fish)."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import typer

from glossary.cli.common import COMPLETE_VAR, command_app

app = command_app()


class Shell(str, Enum):
    BASH = "bash"
    ZSH = "zsh"
    FISH = "fish"


@app.command()
def completion(
    shell: Annotated[Shell, typer.Argument(case_sensitive=False,
                                           help="The shell: bash, zsh or fish.")],
) -> None:
    """Print the shell completion script: commands, options and their values complete
    on Tab. Load it with: eval "$(glossary completion bash)" in ~/.bashrc (zsh:
    ~/.zshrc), or glossary completion fish > ~/.config/fish/completions/glossary.fish."""
    from typer._completion_shared import get_completion_script

    typer.echo(get_completion_script(prog_name="glossary", complete_var=COMPLETE_VAR,
                                     shell=shell.value))
