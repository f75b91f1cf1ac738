"""`glossary check --inline`: French that quotes the Chinese in parentheses."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from glossary.inline import InlineVerdict, check_inline, find_quotes
from glossary.store import load_glossary

ROOT = Path(__file__).resolve().parents[1]
EVAL = Path(__file__).parent / "data" / "check_eval"
SOURCE_DIR = ROOT.parent / "shared" / "source"


def _source_text() -> str:
    [path] = sorted(SOURCE_DIR.glob("000_*.txt"))
    return path.read_text(encoding="utf-8")


# The parenthesised terms of the directive's translation that are not `ok`, and why.
# None left: the two that were (« Fabrication intelligente (智能制造), verte (绿色制造) et
# orientée services (服务型制造) », the head noun left out in an enumeration) are read
# as the enumeration they are (test below). A new case goes here, with its reason.
EXPLAINED: dict[tuple[str, str], str] = {}


def test_every_parenthesised_term_of_the_directive_s_translation_is_ok_or_explained(glossary):
    report = check_inline(glossary, _source_text())
    verdicts = [(f.zh, f.verdict.value) for f in report.findings]
    unexplained = [v for v in verdicts if v[1] != "ok" and v not in EXPLAINED]
    assert not unexplained
    assert set(EXPLAINED) <= set(verdicts)  # the list is not stale
    assert len(verdicts) >= 30 and not report.unchecked
    found = {f.zh: f.found for f in report.findings}
    assert found["绿色制造"] == "verte" and found["智慧农（牧、渔）场"] == "Fermes intelligentes"


def test_the_directive_s_translation_checks_clean_through_the_cli(run):
    [path] = sorted(SOURCE_DIR.glob("000_*.txt"))
    result = run("check", "--inline", str(path), "-f", "tsv", "--problems")
    assert result.exit_code == 0, result.stdout
    assert result.stdout.splitlines() == ["line\tcolumn\tzh\tid\tverdict\texpected\tfound"]


@pytest.mark.parametrize("text, verdicts", [
    ("Fabrication intelligente (智能制造), verte (绿色制造) et orientée services (服务型制造).",
     ["ok", "ok", "ok"]),
    ("La fabrication intelligente (智能制造) progresse ; une production verte (绿色制造) aussi.",
     ["ok", "wrong"]),  # not an enumeration: a different head noun
    ("Fabrication intelligente (智能制造), usine verte (绿色制造).", ["ok", "wrong"]),
    ("Une production verte (绿色制造).", ["wrong"]),
])
def test_a_head_noun_left_out_in_an_enumeration_is_read_from_the_previous_term(
        glossary, text, verdicts):
    assert [f.verdict.value for f in check_inline(glossary, text).findings] == verdicts


def test_list_numerals_and_parentheses_without_chinese_are_not_terms():
    text = "### (一) 打造一批场景 - (1) Créer\n（二）建设\nvoir (https://www.gov.cn) et (5)\n"
    assert list(find_quotes(text)) == []


@pytest.mark.parametrize("text, zh, clause", [
    ("les centrales virtuelles (虚拟电厂)", "虚拟电厂", "les centrales virtuelles"),
    ("Fermes intelligentes (智慧农（牧、渔）场). Suite", "智慧农（牧、渔）场", "Fermes intelligentes"),
    ("réseaux, interaction véhicule-réseau （车网互动）", "车网互动", "interaction véhicule-réseau"),
    ("méta-marché (超大规模市场) et des nombreux scénarios (场景)", "场景", "des nombreux scénarios"),
    ("Transport : Gestion du trafic (交通)", "交通", "Gestion du trafic"),
])
def test_the_clause_before_a_parenthesis_ends_at_punctuation_and_conjunctions(text, zh, clause):
    quotes = [q for q in find_quotes(text) if q.zh == zh]
    assert [q.clause for q in quotes] == [clause]


WRONG_PARAGRAPH = (
    "Le plan soutient les centrales énergétiques virtuelles (虚拟电厂), l'économie de basse "
    "altitude（低空经济）, les jumeaux digitaux (数字孪生) et l'interaction véhicule-réseau "
    "(车网互动). Il crée aussi des ports connectés (智慧港口) et des quartiers intelligents (智慧街区)."
)


def test_deliberate_wrong_renderings_are_each_caught_with_the_phrase_found(glossary):
    report = check_inline(glossary, WRONG_PARAGRAPH)
    assert [(f.zh, f.verdict.value, f.found, f.expected) for f in report.findings] == [
        ("虚拟电厂", "wrong", "centrales énergétiques virtuelles", "centrale virtuelle"),
        ("低空经济", "wrong", "économie de basse altitude", "économie des basses altitudes"),
        ("数字孪生", "wrong", "jumeaux digitaux", "jumeau numérique"),
        ("车网互动", "ok", "interaction véhicule-réseau", "interaction véhicule-réseau"),
        ("智慧港口", "wrong", "ports connectés", "port intelligent"),
        ("智慧街区", "ok", "quartiers intelligents", "quartier intelligent"),
    ]


def test_a_deprecated_variant_before_the_parenthesis_is_deprecated():
    glossary = load_glossary([EVAL / "terms"])
    [finding] = check_inline(glossary, "Développer l'économie à basse altitude (低空经济).").findings
    assert (finding.verdict, finding.found) == (InlineVerdict.DEPRECATED, "économie à basse altitude")


def test_a_rendering_far_from_the_parenthesis_does_not_count(glossary):
    [finding] = check_inline(
        glossary, "Les centrales virtuelles ont été présentées lors du forum annuel (虚拟电厂)").findings
    assert finding.verdict is InlineVerdict.WRONG


def test_english_text_is_checked_against_the_english_renderings(glossary):
    report = check_inline(glossary, "China develops virtual power plants (虚拟电厂) and the "
                                    "low-altitude economy (低空经济), and the metaverse (元宇宙).", "en")
    assert [f.verdict.value for f in report.findings] == ["ok", "ok", "ok"]


def test_traditional_chinese_in_parentheses_is_recognised(glossary):
    [finding] = check_inline(glossary, "les centrales virtuelles (虛擬電廠)").findings
    assert (finding.id, finding.verdict.value) == ("virtual-power-plant", "ok")


# --------------------------------------------------------------------------- the CLI

def test_inline_exits_1_on_a_wrong_rendering_and_0_on_the_directive(run, tmp_path):
    wrong = run("check", "--inline", WRONG_PARAGRAPH, "-f", "jsonl", "--problems")
    assert wrong.exit_code == 1, wrong.stderr
    records = [json.loads(line) for line in wrong.stdout.splitlines()]
    assert [r["zh"] for r in records] == ["虚拟电厂", "低空经济", "数字孪生", "智慧港口"]
    assert set(records[0]) == {"line", "column", "zh", "id", "verdict", "expected", "found"}
    clean = tmp_path / "clean.fr.txt"
    clean.write_text("Développer les centrales virtuelles (虚拟电厂) et l'économie des basses "
                     "altitudes (低空经济).\n", encoding="utf-8")
    result = run("check", "--inline", str(clean), "-f", "tsv")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[1].split("\t")[:5] == ["1", "36", "虚拟电厂", "virtual-power-plant", "ok"]


def test_inline_reads_stdin(run):
    result = run("check", "--inline", "-", "-f", "json",
                 input="des jumeaux numériques (数字孪生)\n".encode())
    assert result.exit_code == 0
    assert json.loads(result.stdout)[0]["verdict"] == "ok"


def test_inline_terminal_table_has_a_summary(run):
    result = run("check", "--inline", WRONG_PARAGRAPH, "-f", "table", env={"NO_COLOR": "1", "COLUMNS": "160"})
    assert result.exit_code == 1
    assert "6 quoted terms: 2 ok, 4 wrong, 0 deprecated, 0 unknown" in result.stdout
    assert "jumeaux digitaux" in result.stdout


UNKNOWN_TEXT = ("清洁能源领域 - Énergies propres : développer les batteries à l'état solide "
                "(固态电池) et les batteries sodium-ion (钠离子电池), avec des centrales "
                "virtuelles (虚拟电厂).\nEncore les batteries à l'état solide (固态电池).\n")


def test_markup_and_escapes_in_the_text_are_shown_as_text(run):
    result = run("check", "--inline", "les [bold]centrales\x1b[31m[/bold] (新质生产力)", "-f", "table",
                 env={"NO_COLOR": "1", "COLUMNS": "160"})
    assert "[bold]centrales" in result.stdout and "\x1b[31m" not in result.stdout


def test_unknown_chinese_is_listed_with_the_phrase_before_it(run):
    result = run("check", "--inline", UNKNOWN_TEXT, "-f", "json")
    assert result.exit_code == 0
    records = json.loads(result.stdout)
    assert [(r["zh"], r["verdict"], r["found"]) for r in records] == [
        ("固态电池", "unknown", "batteries à l'état solide"),
        ("钠离子电池", "unknown", "batteries sodium-ion"),
        ("虚拟电厂", "ok", "centrales virtuelles"),
        ("固态电池", "unknown", "batteries à l'état solide"),
    ]
    assert records[0]["id"] is None and records[0]["expected"] is None


def test_yaml_turns_unknown_terms_into_stubs_that_validate(run, tmp_path):
    article = tmp_path / "article.fr.txt"
    article.write_text(UNKNOWN_TEXT, encoding="utf-8")
    result = run("check", "--inline", str(article), "--yaml")
    assert result.exit_code == 0, result.stderr
    document = yaml.safe_load(result.stdout)
    stubs = {e["zh"]: e for e in document["entries"]}
    assert list(stubs) == ["固态电池", "钠离子电池"]  # one stub a term, known terms left out
    assert stubs["钠离子电池"]["fr"] == "batteries sodium-ion"
    assert stubs["固态电池"]["pinyin"] == "gùtài diànchí"
    assert stubs["钠离子电池"]["zh_hant"] == "鈉離子電池"
    assert stubs["钠离子电池"]["domain"] == "clean-energy"
    assert stubs["钠离子电池"]["source"].endswith("article.fr.txt:1")
    terms = tmp_path / "stubs.yaml"
    terms.write_text(result.stdout, encoding="utf-8")
    validated = run("validate", str(terms))
    assert validated.exit_code == 0, validated.stdout + validated.stderr


def test_yaml_stubs_keep_hostile_text_as_data(run):
    # YAML plain scalars and comments end at U+2028 and U+0085: string formatting would
    # let this text add keys.
    text = "clé\u2028id- piratage\u0085#commentaire (固态电池)\n"
    result = run("check", "--inline", "-", "--yaml", input=text.encode())
    assert result.exit_code == 0, result.stderr
    [stub] = yaml.safe_load(result.stdout)["entries"]
    assert stub["fr"] == "clé\u2028id- piratage\u0085#commentaire"
    assert set(stub) >= {"id", "zh", "pinyin", "fr"} and stub["id"] != "piratage"


def test_yaml_without_unknown_terms_exits_1(run):
    result = run("check", "--inline", "les centrales virtuelles (虚拟电厂)", "--yaml")
    assert result.exit_code == 1 and result.stdout == ""


@pytest.mark.parametrize("args, message", [
    (["check", "--inline", "a.txt", "b.txt"], "not two"),
    (["check", "--inline", "nowhere.txt"], "no such file"),
    (["check", "--inline", "x (虚拟电厂)", "--yaml", "-f", "json"], "exclude each other"),
    (["check", "--inline", "--csv", "x"], "not with --align or --inline"),
])
def test_inline_usage_errors_exit_2_with_one_line(run, args, message):
    result = run(*args)
    assert result.exit_code == 2
    assert message in result.stderr and "Traceback" not in result.stderr
