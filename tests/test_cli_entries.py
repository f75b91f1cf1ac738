"""show, list, domains and validate, as a user runs them."""

from __future__ import annotations

import csv
import io
import json

import pytest

from test_store import MINE, NEW, write_terms


def test_show_simplified_and_traditional_give_the_same_entry(run):
    simplified = run("show", "虚拟电厂", "--format", "json")
    traditional = run("show", "虛擬電廠", "--format", "json")
    assert simplified.exit_code == traditional.exit_code == 0
    assert json.loads(simplified.stdout) == json.loads(traditional.stdout)
    entry = json.loads(simplified.stdout)[0]
    assert entry["id"] == "virtual-power-plant"
    assert entry["fr"] == "centrale virtuelle"
    assert {"text": "centrales virtuelles", "status": "admitted"}.items() <= entry["fr_variants"][0].items()


@pytest.mark.parametrize("term", ["low-altitude-economy", "低空经济", "低空經濟",
                                  "économie des basses altitudes", "low-altitude economy"])
def test_show_finds_by_id_chinese_or_exact_rendering(run, term):
    result = run("show", term, "--format", "jsonl")
    assert result.exit_code == 0, result.stderr
    assert [json.loads(line)["zh"] for line in result.stdout.splitlines()] == ["低空经济"]


def test_show_table_has_every_field_and_the_provenance(run):
    result = run("show", "数字孪生", "--format", "table")
    assert result.exit_code == 0
    for text in ("數字孿生", "shùzì luánshēng", "jumeau numérique", "jumeaux numériques",
                 "digital twin", "smart-logistics", "source"):
        assert text in result.stdout


def test_show_unknown_term_exits_1_with_a_hint(run):
    result = run("show", "pamplemousse")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "glossary lookup" in result.stderr


def test_show_says_when_a_user_entry_overrides_the_shipped_one(run, tmp_path):
    write_terms(tmp_path, "mine.yaml", MINE)
    table = run("show", "虚拟电厂", "-t", str(tmp_path), "--format", "table")
    text = " ".join(table.stdout.split())  # the card wraps long values
    assert "centrale électrique virtuelle" in text
    assert "overrides" in text and "takes precedence" in text
    record = json.loads(run("show", "虚拟电厂", "-t", str(tmp_path), "-f", "json").stdout)[0]
    assert record["overrides"] and record["origin"].startswith(str(tmp_path))


def test_user_terms_from_the_environment_variable(run, tmp_path):
    write_terms(tmp_path, "mine.yaml", NEW)
    result = run("show", "测试术语", "-f", "json", env={"GLOSSARY_PATH": str(tmp_path)})
    assert result.exit_code == 0
    assert json.loads(result.stdout)[0]["fr"] == "terme d'essai"


def test_list_json_lists_every_entry_with_the_yaml_field_names(run, glossary):
    result = run("list", "--format", "json")
    assert result.exit_code == 0
    records = json.loads(result.stdout)
    assert len(records) == len(glossary)
    for key in ("id", "zh", "zh_hant", "pinyin", "fr", "en", "fr_variants", "en_variants",
                "domain", "category", "source", "note"):
        assert key in records[0]


def test_list_filters_by_domain_and_category(run, glossary):
    result = run("list", "--domain", "clean-energy", "--format", "jsonl")
    domains = {json.loads(line)["domain"] for line in result.stdout.splitlines()}
    assert domains == {"clean-energy"}
    result = run("list", "--category", "livelihood", "-f", "jsonl")
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert rows and {r["category"] for r in rows} == {"livelihood"}
    assert len(rows) == sum(1 for e in glossary if e.category == "livelihood")


def test_list_by_provenance_and_status(run):
    source = [json.loads(l) for l in run("list", "--provenance", "source", "-f", "jsonl").stdout.splitlines()]
    assert source and all(r["provenance"] == "source" for r in source)
    admitted = [json.loads(l) for l in run("list", "--status", "admitted", "-f", "jsonl").stdout.splitlines()]
    assert admitted and all(any(v["status"] == "admitted"
                                for key in ("zh_variants", "fr_variants", "en_variants") for v in r[key])
                            for r in admitted)


def test_list_unknown_domain_is_a_usage_error(run):
    result = run("list", "--domain", "astrology")
    assert result.exit_code == 2
    assert "unknown domain 'astrology'" in result.stderr


def test_list_tsv_and_csv_have_a_header_and_one_row_per_entry(run, glossary):
    tsv = run("list", "-f", "tsv").stdout.splitlines()
    assert tsv[0].split("\t") == ["id", "zh", "pinyin", "fr", "en", "domain"]
    assert len(tsv) == len(glossary) + 1
    rows = list(csv.reader(io.StringIO(run("list", "-f", "csv").stdout)))
    assert rows[0][:2] == ["id", "zh"] and len(rows) == len(glossary) + 1


def test_list_in_a_pipe_defaults_to_tsv_without_colour(run):
    result = run("list")
    assert result.stdout.startswith("id\tzh\t")
    assert "\x1b[" not in result.stdout


def test_domains_lists_5_categories_and_22_domains_with_counts(run, glossary):
    rows = [json.loads(l) for l in run("domains", "-f", "jsonl").stdout.splitlines()]
    assert sum(r["kind"] == "category" and r["slug"] != "general" for r in rows) == 5
    assert sum(r["kind"] == "domain" for r in rows) == 22
    assert all(r["entries"] >= 1 for r in rows)
    assert sum(r["entries"] for r in rows if r["kind"] == "category") == len(glossary)
    assert run("list", "--domains", "-f", "jsonl").stdout == run("domains", "-f", "jsonl").stdout


def test_markup_in_a_term_file_is_shown_as_text(run, tmp_path):
    write_terms(tmp_path, "mine.yaml", dict(NEW, fr='"[bold red]terme[/] \\e[31mrouge"'))
    result = run("show", "my-term", "-t", str(tmp_path), "--format", "table")
    assert "[bold red]terme[/]" in result.stdout
    assert "\x1b[31m" not in result.stdout


def test_shipped_files_validate_clean(run):
    result = run("validate")
    assert result.exit_code == 0, result.stdout


def test_validate_reports_pinyin_and_traditional_disagreements(run, tmp_path):
    write_terms(tmp_path, "mine.yaml",
                dict(NEW, pinyin="cèshí shùyǔ"),
                {"id": "other", "zh": "虚拟电厂", "pinyin": "xūnǐ diànchǎng", "fr": "x", "en": "y"})
    result = run("validate", str(tmp_path), "-f", "jsonl")
    assert result.exit_code == 1
    problems = [json.loads(l) for l in result.stdout.splitlines()]
    checks = {(p["id"], p["check"]) for p in problems}
    assert ("my-term", "pinyin") in checks
    assert ("other", "zh_hant") in checks  # zh_hant: 虚拟电厂 is not the traditional form
    suggestion = next(p["suggestion"] for p in problems if p["check"] == "pinyin")
    assert "shì" in suggestion


def test_validate_accepts_a_reading_marked_deliberate(run, tmp_path):
    path = write_terms(tmp_path, "mine.yaml", dict(NEW, pinyin="cèshí shùyǔ"))
    path.write_text(path.read_text(encoding="utf-8") + "    pinyin_deliberate: true\n", encoding="utf-8")
    result = run("validate", str(tmp_path))
    assert result.exit_code == 1  # zh_hant 测试术语 is still simplified
    assert "pinyin" not in result.stdout


def test_validate_reports_duplicates_and_schema_problems_together(run, tmp_path):
    write_terms(tmp_path, "a.yaml", NEW)
    write_terms(tmp_path, "b.yaml", NEW, dict(NEW, id="no_slug"))
    result = run("validate", str(tmp_path), "-f", "jsonl")
    assert result.exit_code == 1
    checks = [json.loads(l)["check"] for l in result.stdout.splitlines()]
    assert "schema" in checks


def test_validate_unreadable_file_exits_2_with_one_line(run, tmp_path):
    (tmp_path / "bad.yaml").write_text("entries: [\n", encoding="utf-8")
    result = run("validate", str(tmp_path))
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"glossary: {tmp_path / 'bad.yaml'}:")


@pytest.mark.parametrize("command", [["list"], ["show", "低空经济"], ["domains"]])
def test_broken_user_term_file_gives_one_line_and_exit_2(run, tmp_path, command):
    (tmp_path / "bad.yaml").write_text("entries:\n  - id: Bad Id\n", encoding="utf-8")
    result = run(*command, "-t", str(tmp_path))
    assert result.exit_code == 2
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stderr.startswith(f"glossary: {tmp_path / 'bad.yaml'}:2:")


def test_version_and_help(run):
    assert run("--version").stdout.startswith("glossary ")
    help_text = run("--help").stdout
    for command in ("show", "list", "domains", "validate"):
        assert command in help_text
