"""What a new user meets first: usage errors, --help, empty input, text arguments."""

from __future__ import annotations

import pytest

from glossary.cli import lookup as cli_lookup


@pytest.mark.parametrize(("args", "line"), [
    (("lookup", "--bogus", "低空经济"),
     "glossary: no such option: --bogus (see glossary lookup --help)"),
    (("--bogus",), "glossary: no such option: --bogus (see glossary --help)"),
    (("bogus",), "glossary: no such command 'bogus' (see glossary --help)"),
    (("lookup",), "glossary: missing argument 'QUERY...' (see glossary lookup --help)"),
    (("lookup", "x", "-n"), "glossary: option '-n' requires an argument (see glossary lookup --help)"),
    (("list", "-f", "xml"), "glossary: invalid value for '--format' / '-f': 'xml' is not one of "
                            "'table', 'json', 'jsonl', 'tsv', 'csv', 'plain' (see glossary list --help)"),
])
def test_usage_error_is_one_line_on_stderr_and_exit_2(run, args, line):
    result = run(*args)
    assert result.exit_code == 2
    assert result.stderr == line + "\n"
    assert result.stdout == ""


def test_no_arguments_still_shows_the_help(run):
    result = run()
    assert "Usage: glossary" in result.output and "lookup" in result.output


def test_help_shows_command_descriptions_whole(run):
    result = run("--help")
    assert result.exit_code == 0
    flat = " ".join(result.stdout.split())
    assert "..." not in result.stdout.split("Commands:")[1]
    assert "the best entries, ranked, with why each matched." in flat
    assert "traditional forms against OpenCC, domains against categories." in flat


@pytest.mark.parametrize("args", [
    ("show", ""), ("show", "  "), ("lookup", ""), ("lookup", " "), ("segment", ""),
    ("highlight", ""), ("extract", ""), ("check", "", ""),
])
def test_empty_argument_is_bad_usage(run, args):
    result = run(*args)
    assert result.exit_code == 2
    assert result.stderr.startswith("glossary: empty") and result.stderr.count("\n") == 1


@pytest.mark.parametrize("command", ["segment", "highlight", "extract"])
@pytest.mark.parametrize("text", ["", "\n", "  \n"])
def test_empty_text_on_stdin_or_in_a_file_finds_nothing(run, tmp_path, command, text):
    empty = tmp_path / "empty.txt"
    empty.write_text(text, encoding="utf-8")
    from_stdin = run(command, "-", input=text)
    from_file = run(command, str(empty))
    assert (from_stdin.exit_code, from_file.exit_code) == (1, 1)
    assert from_stdin.stderr == from_file.stderr == ""


@pytest.mark.parametrize(("text", "found"), [
    ("低空经济", "{低空经济|économie des basses altitudes}\n"),
    ("发展低空经济。", "发展{低空经济|économie des basses altitudes}。\n"),
    ("公铁/水水 低空经济", "{低空经济|économie des basses altitudes}"),
])
def test_highlight_takes_inline_text_as_segment_does(run, text, found):
    result = run("highlight", text)
    assert result.exit_code == 0
    assert found in result.stdout
    assert result.stdout.endswith("\n")


def test_highlight_inline_text_without_terms_exits_1(run):
    result = run("highlight", "今天天气很好")
    assert result.exit_code == 1 and result.stdout == "今天天气很好\n"


@pytest.mark.parametrize("command", ["highlight", "segment"])
@pytest.mark.parametrize("name", ["报告.txt", "docs/report", "rapport.md", "a\\b"])
def test_mistyped_file_name_still_says_no_such_file(run, command, name):
    result = run(command, name)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"glossary: {name}: no such file")


@pytest.mark.parametrize("sentence", [
    "推动低空经济高质量发展的若干措施",
    "发展低空经济，建设智慧城市",
    "今天的会议讨论了很多问题。",
])
def test_lookup_of_a_sentence_suggests_highlight(run, monkeypatch, sentence):
    monkeypatch.setattr(cli_lookup, "stderr_is_terminal", lambda: True)
    result = run("lookup", sentence)
    if result.exit_code == 0:
        pytest.fail(f"{sentence!r} is expected to find nothing as a query")
    assert result.exit_code == 1
    assert "glossary highlight" in result.stderr and "did you mean" not in result.stderr


def test_lookup_of_a_term_does_not_suggest_highlight(run, monkeypatch):
    monkeypatch.setattr(cli_lookup, "stderr_is_terminal", lambda: True)
    result = run("lookup", "jumo numerik")
    assert result.exit_code == 1 and "highlight" not in result.stderr


# --------------------------------------------------------------------------- completion

@pytest.mark.parametrize(("shell", "marker"), [
    ("bash", "complete -o default -F _glossary_completion glossary"),
    ("zsh", "#compdef glossary"),
    ("fish", "complete --command glossary"),
])
def test_completion_prints_the_script_of_each_shell(run, shell, marker):
    result = run("completion", shell)
    assert result.exit_code == 0
    assert marker in result.stdout and "_GLOSSARY_COMPLETE" in result.stdout


def test_completion_of_an_unknown_shell_is_bad_usage(run):
    result = run("completion", "tcsh")
    assert result.exit_code == 2 and result.stderr.count("\n") == 1


@pytest.mark.parametrize(("env", "expected"), [
    ({"_GLOSSARY_COMPLETE": "complete_bash", "COMP_WORDS": "glossary lo", "COMP_CWORD": "1"},
     ["lookup"]),
    ({"_GLOSSARY_COMPLETE": "complete_bash", "COMP_WORDS": "glossary lookup -f ", "COMP_CWORD": "3"},
     ["table", "json", "jsonl", "tsv", "csv", "plain"]),
    ({"_GLOSSARY_COMPLETE": "complete_bash", "COMP_WORDS": "glossary highlight --gl",
      "COMP_CWORD": "2"}, ["--gloss"]),
    ({"_GLOSSARY_COMPLETE": "complete_fish", "_TYPER_COMPLETE_ARGS": "glossary comp",
      "_TYPER_COMPLETE_FISH_ACTION": "get-args"}, None),
    ({"_GLOSSARY_COMPLETE": "complete_bash", "COMP_WORDS": "glossary export --format ", "COMP_CWORD": "3"},
     ["tbx", "tbx3", "csv", "tsv", "xlsx", "omegat", "anki", "yaml", "html"]),
    ({"_GLOSSARY_COMPLETE": "complete_bash", "COMP_WORDS": "glossary import -f t", "COMP_CWORD": "3"},
     ["tbx", "tbx3", "tsv"]),
    ({"_GLOSSARY_COMPLETE": "complete_bash", "COMP_WORDS": "glossary list --domain cl", "COMP_CWORD": "3"},
     ["clean-energy"]),
    ({"_GLOSSARY_COMPLETE": "complete_bash", "COMP_WORDS": "glossary export -f tsv -c l", "COMP_CWORD": "5"},
     ["livelihood"]),
])
def test_shells_get_completions_from_the_installed_command(env, expected):
    import os
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "glossary"], capture_output=True, text=True,
                          env={**os.environ, **env}, timeout=60)
    assert done.returncode == 0, done.stderr
    if expected is None:
        assert done.stdout.startswith("completion\t")
    else:
        assert done.stdout.split() == expected


@pytest.mark.parametrize(("args", "line"), [
    ("glossary list --domain clean", "clean-energy\t清洁能源领域 Énergies propres"),
    ("glossary export --format xl", "xlsx\tan Excel workbook, one concept a row"),
])
def test_fish_shows_what_a_completed_value_means(args, line):
    import os
    import subprocess
    import sys

    env = {"_GLOSSARY_COMPLETE": "complete_fish", "_TYPER_COMPLETE_ARGS": args,
           "_TYPER_COMPLETE_FISH_ACTION": "get-args"}
    done = subprocess.run([sys.executable, "-m", "glossary"], capture_output=True, text=True,
                          env={**os.environ, **env}, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [line]


def test_a_lookup_loads_no_completion_code_of_other_commands():
    import json
    import os
    import subprocess
    import sys

    script = ("import json, sys; sys.argv = ['glossary', 'lookup', '低空经济', '-f', 'tsv']\n"
              "from glossary.cli import main\n"
              "try:\n    main()\nexcept SystemExit:\n    pass\n"
              "print(json.dumps(sorted(m for m in sys.modules if m.startswith('glossary.'))), file=sys.stderr)\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          env=os.environ.copy(), timeout=60)
    assert "低空经济" in done.stdout, done.stderr
    loaded = json.loads(done.stderr.splitlines()[-1])
    assert not {"glossary.cli.entries", "glossary.cli.interchange", "glossary.formats"} & set(loaded)
