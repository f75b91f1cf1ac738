"""validate as a user meets it: checked against the term base in use, every problem
in one run, each at the line to edit."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from glossary.lint import pinyin_mismatch

TERMS = Path(__file__).parents[1] / "terms"

ENTRY = """\
  - id: {id}
    zh: {zh}
    pinyin: {pinyin}
    fr: {fr}
    domain: {domain}
    category: {category}
    source: test
    provenance: editor
"""


def entry(**fields) -> str:
    base = {"id": "drone-delivery-test", "zh": "无人机配送", "pinyin": "wúrénjī pèisòng",
            "fr": "livraison par drone", "domain": "unmanned-systems", "category": "new-fields"}
    return ENTRY.format(**{**base, **fields})


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "mine.yaml"
    path.write_text("entries:\n" + text, encoding="utf-8")
    return path


def problems(result) -> list[dict]:
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_see_also_to_a_shipped_entry_is_not_missing(run, tmp_path):
    write(tmp_path, entry() + "    see_also: [low-altitude-economy]\n")
    result = run("validate", str(tmp_path))
    assert result.exit_code == 0, result.stdout
    write(tmp_path, entry() + "    see_also: [no-such-entry]\n")
    result = run("validate", str(tmp_path), "-f", "jsonl")
    assert [p["check"] for p in problems(result)] == ["see_also"]


def test_duplicate_zh_with_a_shipped_entry_is_reported_in_the_user_file(run, tmp_path):
    path = write(tmp_path, entry(id="my-lae", zh="低空经济", pinyin="dīkōng jīngjì"))
    result = run("validate", str(tmp_path), "-f", "jsonl")
    assert result.exit_code == 1
    assert [(p["check"], p["path"]) for p in problems(result)] == [("duplicate-zh", str(path))]


def test_validate_the_shipped_directory_does_not_stack_it_on_itself(run, monkeypatch):
    result = run("validate", str(TERMS), "-f", "jsonl")
    assert result.exit_code == 0, result.stdout
    monkeypatch.chdir(TERMS.parent)
    relative = run("validate", "terms/", "-f", "jsonl")
    assert relative.exit_code == 0, relative.stdout


def test_a_schema_failure_hides_no_problem_across_entries(run, tmp_path):
    """One entry breaks the schema; the others are still checked against each other and
    the shipped term base: a Chinese term given twice, a see_also to nothing."""
    write(tmp_path,
          entry(id="Bad Id")
          + entry(id="mine", zh="低空经济", pinyin="dīkōng jīngjì") + "    see_also: [nope]\n")
    result = run("validate", str(tmp_path), "-f", "jsonl")
    assert result.exit_code == 1
    found = {(p["id"], p["check"]) for p in problems(result)}
    assert {("mine", "duplicate-zh"), ("mine", "see_also")} <= found
    assert any(p["check"] == "schema" and "Bad Id" in p["message"] for p in problems(result))


def test_pinyin_written_a_syllable_at_a_time_gets_a_word_joined_suggestion(run, tmp_path):
    write(tmp_path, entry(pinyin="wú rén jī pèi song"))
    [problem] = problems(run("validate", str(tmp_path), "-f", "jsonl"))
    assert problem["suggestion"] == "wúrénjī pèisòng"
    assert "'song' (送) lacks its tone: sòng" in problem["message"]


def test_schema_failures_do_not_hide_pinyin_traditional_and_domain_problems(run, tmp_path):
    write(tmp_path,
          entry(id="Bad Id", pinyin="wúrénjī pèisong", domain="transport")
          + "    zh_hant: 无人机配送\n"
          + entry(id="second", zh="测试术语", pinyin="cèshí shùyǔ", fr="terme"))
    result = run("validate", str(tmp_path), "-f", "jsonl")
    assert result.exit_code == 1
    found = {(p["id"], p["check"]) for p in problems(result)}
    assert ("Bad Id", "pinyin") in found and ("Bad Id", "zh_hant") in found
    assert ("Bad Id", "domain") in found and ("second", "pinyin") in found
    assert any(p["check"] == "schema" for p in problems(result))


@pytest.mark.parametrize(("domain", "category", "flagged"), [
    ("transport", "new-fields", True),
    ("transport", "general", True),
    ("transport", "industry-upgrade", False),
    ("general", "livelihood", False),
    ("smart-cities", "governance", False),
    ("health", "governance", True),
])
def test_domain_outside_its_category_is_flagged(run, tmp_path, domain, category, flagged):
    path = write(tmp_path, entry(domain=domain, category=category))
    result = run("validate", str(tmp_path), "-f", "jsonl")
    domain_problems = [p for p in problems(result) if p["check"] == "domain"]
    assert bool(domain_problems) is flagged
    if flagged:
        assert domain_problems[0]["line"] == 6  # the domain: line
        assert result.exit_code == 1 and str(path) == domain_problems[0]["path"]


def test_pinyin_problem_points_at_the_pinyin_line_and_names_the_syllable(run, tmp_path):
    write(tmp_path, entry(pinyin="wúrénjī pèisong"))
    result = run("validate", str(tmp_path))
    assert result.exit_code == 1
    assert result.stdout == (
        f"{tmp_path / 'mine.yaml'}:4:13: drone-delivery-test: pinyin 'wúrénjī pèisong': "
        "'song' (送) lacks its tone: sòng (suggestion: wúrénjī pèisòng)\n")


@pytest.mark.parametrize(("zh", "pinyin", "fault", "suggestion"), [
    ("无人机配送", "wúrénjī pèisong", "'song' (送) lacks its tone: sòng", "wúrénjī pèisòng"),
    ("测试术语", "cèshí shùyǔ", "'shí' (试) has the wrong tone: shì", "cèshì shùyǔ"),
    ("虚拟电厂", "xūnǐ diànchén", "'chén' for 厂, which reads chǎng", "xūnǐ diànchǎng"),
    ("低空经济", "dīkōng jīngjì de", "has 5 syllables, the characters 低空经济 have 4", "dīkōng jīngjì"),
    ("西安", "xī an", "'an' (安) lacks its tone: ān", "xī'ān"),  # a word written a syllable at a time
    ("智能网联汽车", "zhìnéng wǎnglián qìchě", "'chě' (车) has the wrong tone: chē",
     "zhìnéng wǎnglián qìchē"),
])
def test_pinyin_mismatch_says_which_syllable_and_suggests_word_joined(zh, pinyin, fault, suggestion):
    mismatch = pinyin_mismatch(zh, pinyin, cut=lambda text: [text[:2], text[2:]])
    assert mismatch is not None
    assert fault in mismatch.message
    assert mismatch.suggestion == suggestion


def test_pinyin_that_agrees_is_no_mismatch():
    assert pinyin_mismatch("无人机配送", "wúrénjī pèisòng") is None
    assert pinyin_mismatch("西安", "xī'ān") is None


def test_files_checked_is_counted_in_the_plural_only_when_plural(run, tmp_path, monkeypatch):
    from glossary.cli import validate as cli_validate

    write(tmp_path, entry())
    monkeypatch.setattr(cli_validate, "stderr_is_terminal", lambda: True)
    one = run("validate", str(tmp_path))
    assert "1 file checked, 0 problems" in one.stderr
    (tmp_path / "two.yaml").write_text("entries:\n" + entry(id="other", zh="配送", pinyin="pèisòng"),
                                       encoding="utf-8")
    two = run("validate", str(tmp_path))
    assert "2 files checked" in two.stderr


def test_a_regional_form_problem_points_at_that_form(run, tmp_path):
    write(tmp_path, entry(zh="测试术语", pinyin="cèshì shùyǔ", domain="general", category="general")
          + "    zh_hant: 測試術語\n    zh_regional:\n      - {text: 測驗術語, region: tw}\n"
            "      - {text: 測試術語, region: hk}\n      - {text: 測驗術語, region: tw}\n")
    found = [(p["line"], p["message"]) for p in problems(run("validate", str(tmp_path), "-f", "jsonl"))
             if p["check"] == "zh_regional"]
    assert found == [(13, "zh_regional '測試術語' (hk) is the zh_hant"),
                     (14, "zh_regional '測驗術語' (tw) is given twice")]
