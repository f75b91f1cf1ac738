"""`glossary check --align`: sentences, their alignment, and the check on top of it."""

from __future__ import annotations

import importlib.util
import json
import random
from collections import Counter
from pathlib import Path

import pytest

import glossary.align as align_module
from glossary.align import Bead, Parameters, align, check_aligned, split_sentences
from glossary.qa import Verdict
from glossary.store import load_glossary

EVAL = Path(__file__).parent / "data" / "check_eval"
ROOT = Path(__file__).resolve().parents[1]


# --------------------------------------------------------------------------- sentences

@pytest.mark.parametrize("lang, text, sentences", [
    ("zh", "发展虚拟电厂。推广数字孪生！是否可行？", ["发展虚拟电厂。", "推广数字孪生！", "是否可行？"]),
    ("zh", "他说：“要发展低空经济。”然后；继续", ["他说：“要发展低空经济。”", "然后；", "继续"]),
    ("zh", "没有句号的段落", ["没有句号的段落"]),
    ("fr", "M. Dupont arrive. Il part.", ["M. Dupont arrive.", "Il part."]),
    ("fr", "Voir l'art. 3 du décret. Ensuite, agir.", ["Voir l'art. 3 du décret.", "Ensuite, agir."]),
    ("fr", "La croissance atteint 3.5 % en 2025. Elle ralentit.",
     ["La croissance atteint 3.5 % en 2025.", "Elle ralentit."]),
    ("fr", "1. Renforcer les parcs. 2. Ouvrir les scénarios.",
     ["1. Renforcer les parcs.", "2. Ouvrir les scénarios."]),
    ("fr", "Des robots, drones, etc. sont utilisés. Quoi ? « Oui. »",
     ["Des robots, drones, etc. sont utilisés.", "Quoi ?", "« Oui. »"]),
    ("fr", "Le texte, c.-à-d. la directive. Il dit tout !", ["Le texte, c.-à-d. la directive.", "Il dit tout !"]),
    ("en", "Mr. Smith met Dr. Li. They agreed on e.g. drones.",
     ["Mr. Smith met Dr. Li.", "They agreed on e.g. drones."]),
])
def test_sentences_end_at_their_punctuation_not_after_abbreviations_numbers_or_list_markers(
        lang, text, sentences):
    assert [s.text for s in split_sentences(text, lang)] == sentences


def test_sentences_carry_their_line_and_offset():
    text = "第一句。  第二句。\n\n第三句。\n"
    assert [(s.line, s.start, s.text) for s in split_sentences(text, "zh")] == [
        (1, 0, "第一句。"), (1, 6, "第二句。"), (3, 0, "第三句。")]


# --------------------------------------------------------------------------- the alignment

def test_one_sentence_translated_by_two_and_two_by_one_make_1_2_and_2_1_beads():
    # lengths: French ≈ 3 × Chinese; sentence 1 rendered by two, 3 and 4 by one.
    beads = align([20, 10, 12, 10, 20], [30, 32, 30, 66, 60], parameters=Parameters(ratio=3.0))
    assert [b.kind for b in beads] == ["1-2", "1-1", "2-1", "1-1"]


def test_a_shared_term_decides_where_lengths_cannot():
    # Three Chinese sentences, two French ones of equal length: 1-1 then 2-1, or 2-1
    # then 1-1, cost the same by length. The middle sentence's term decides.
    lengths = ([10, 10, 10], [45, 45])
    with_first = align(*lengths, [0, 0b1, 0], [0b1, 0], Parameters(ratio=3.0))
    with_second = align(*lengths, [0, 0b1, 0], [0, 0b1], Parameters(ratio=3.0))
    assert [(b.source, b.target) for b in with_first] == [((0, 1), (0,)), ((2,), (1,))]
    assert [(b.source, b.target) for b in with_second] == [((0,), (0,)), ((1, 2), (1,))]
    assert [b.anchors for b in with_first] == [1, 0]


def test_an_anchored_bead_is_surer_than_the_same_lengths_without_a_term():
    [plain] = align([10], [45], parameters=Parameters(ratio=3.0))
    [anchored] = align([10], [45], [0b1], [0b1], Parameters(ratio=3.0))
    assert plain.confidence < anchored.confidence <= 1


def test_a_long_stretch_missing_on_one_side_widens_the_search_to_the_full_search_result():
    rng = random.Random(14)
    lengths = [rng.randint(5, 40) for _ in range(200)]
    translated = [3 * n + rng.randint(-2, 2) for n in lengths[60:]]  # the first 60 left out
    narrow = align(lengths, translated, parameters=Parameters(ratio=3.0, band=10))
    full = align(lengths, translated, parameters=Parameters(ratio=3.0, band=400))
    assert narrow == full
    right = sum(1 for b in narrow if b.kind == "1-1" and b.target == (b.source[0] - 60,))
    assert right >= 0.85 * len(translated)  # by lengths alone, no term to anchor them


def test_an_empty_side_leaves_every_sentence_alone():
    assert [b.kind for b in align([5, 6], [])] == ["1-0", "1-0"]
    assert [b.kind for b in align([], [7])] == ["0-1"]


# --------------------------------------------------------------------------- the check, aligned

def _eval_module():
    spec = importlib.util.spec_from_file_location("check_eval", ROOT / "benchmarks" / "check_eval.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_article_pair_is_the_evaluation_set_paragraphed_differently():
    zh, fr = _eval_module().articles()
    assert (EVAL / "article.zh.txt").read_text(encoding="utf-8") == zh
    assert (EVAL / "article.fr.txt").read_text(encoding="utf-8") == fr
    zh_paragraphs = [p for p in zh.split("\n") if p]
    fr_paragraphs = [p for p in fr.split("\n") if p]
    assert len(zh_paragraphs) != len(fr_paragraphs)


def test_aligned_article_pair_gives_the_verdicts_of_the_line_aligned_segments():
    module = _eval_module()
    _, aligned = module.run_aligned_check()
    lined = [(f.line, f.id, f.verdict.value) for f in module.run_check().findings]
    assert sorted(aligned) == sorted(lined)
    by_aligned, by_lined = module.evaluate(aligned=True), module.evaluate()
    for key in ("true_positives", "false_positives", "false_negatives"):
        assert by_aligned[key] == by_lined[key], key


def test_aligned_records_say_where_the_chinese_sentence_is_and_what_it_was_aligned_with():
    glossary = load_glossary([EVAL / "terms"])
    report = check_aligned(glossary, "发展虚拟电厂。各地要稳妥发展低空经济。\n\n开展车网互动试点。\n",
                           "Développer les centrales virtuelles.\n"
                           "Les localités doivent développer prudemment l'économie à basse altitude. "
                           "Lancer des projets pilotes.\n")
    records = [f.to_dict() for f in report.findings]
    assert [(r["line"], r["offset"], r["zh"], r["verdict"], r["target_line"]) for r in records] == [
        (1, 0, "虚拟电厂", "ok", 1), (1, 7, "低空经济", "deprecated", 2), (3, 0, "车网互动", "missing", 2)]
    assert records[2]["target"] == "Lancer des projets pilotes."
    assert records[1]["found"] == "économie à basse altitude"
    assert all(0 <= r["confidence"] <= 1 and r["bead"] == "1-1" for r in records)


def test_a_missing_term_whose_rendering_stands_in_the_next_sentence_is_unsure(glossary, monkeypatch):
    # The aligner is made to pair the first Chinese sentence with a French sentence
    # that does not render it; the rendering is next door, unused: unsure, not missing.
    def shifted(*args, **kwargs):
        return [Bead((0,), (0,), 0.3, 0), Bead((1,), (1,), 0.3, 0), Bead((), (2,), 0.1, 0)]

    monkeypatch.setattr(align_module, "align", shifted)
    report = check_aligned(glossary, "发展虚拟电厂。建设智慧港口。\n",
                           "Introduction générale.\nDévelopper les centrales virtuelles.\n"
                           "Construire des ports intelligents.\n")
    assert [(f.finding.zh, f.verdict, f.finding.found) for f in report.findings] == [
        ("虚拟电厂", Verdict.UNSURE, "centrales virtuelles"),
        ("智慧港口", Verdict.UNSURE, "ports intelligents")]


def test_unsure_is_shown_with_the_neighbouring_rendering_and_exits_1(run, articles, monkeypatch):
    monkeypatch.setattr(align_module, "align", lambda *a, **k: [
        Bead((0,), (0,), 0.3, 0), Bead((), (1,), 0.1, 0)])
    src, tgt = articles("发展虚拟电厂。\n", "Introduction.\nDévelopper les centrales virtuelles.\n")
    result = run("check", src, tgt, "--align", "-f", "table", env={"NO_COLOR": "1", "COLUMNS": "200"})
    assert result.exit_code == 1
    assert "unsure     虚拟电厂 → centrale virtuelle  in a neighbouring sentence: centrales virtuelles" \
        in result.stdout
    assert "0 missing, 0 deprecated, 1 unsure" in result.stdout


def test_a_rendering_used_by_the_neighbour_s_own_term_does_not_make_a_missing_unsure(glossary):
    report = check_aligned(glossary, "建设数字孪生城市。推广数字孪生技术。\n",
                           "Construire des villes jumelles. Diffuser les jumeaux numériques.\n")
    assert [f.verdict for f in report.findings] == [Verdict.MISSING, Verdict.OK]


def test_a_sentence_left_out_of_the_translation_changes_the_verdicts_near_it_only():
    """One French sentence at a time is left out of the evaluation set (every third):
    the verdicts change only around it, and mostly on it alone. Where a neighbour has
    the same term (元宇宙 in 元宇宙应用不断涌现 and 培育元宇宙产业), lengths and terms
    cannot tell which of the two lost its translation (see docs/qa.md)."""
    source = (EVAL / "source.zh.txt").read_text(encoding="utf-8").splitlines()
    target = (EVAL / "target.fr.txt").read_text(encoding="utf-8").splitlines()
    glossary = load_glossary([EVAL / "terms"])

    def verdicts(french: list[str]) -> Counter:
        report = check_aligned(glossary, "\n".join(source), " ".join(french))
        rank = {(s.line, s.start): n for n, s in enumerate(report.source)}
        return Counter((rank[f.finding.line, f.offset], f.finding.id, f.verdict.value)
                       for f in report.findings)

    before = verdicts(target)
    exact = 0
    trials = range(1, len(target) - 1, 3)
    for k in trials:
        after = verdicts(target[:k] + target[k + 1:])
        changed = {key[0] for key in (before - after) + (after - before)}
        assert changed <= set(range(k - 3, k + 4)), (k, changed)
        exact += changed <= {k} and all(v != "ok" for n, _, v in after if n == k)
    assert exact >= 0.75 * len(trials), exact


# --------------------------------------------------------------------------- the CLI

@pytest.fixture
def articles(tmp_path):
    def write(source: str, target: str):
        src, tgt = tmp_path / "zh.txt", tmp_path / "fr.txt"
        src.write_text(source, encoding="utf-8")
        tgt.write_text(target, encoding="utf-8")
        return str(src), str(tgt)
    return write


def test_align_reads_paragraphs_that_do_not_match_and_exits_1_on_problems(run):
    result = run("check", str(EVAL / "article.zh.txt"), str(EVAL / "article.fr.txt"), "--align",
                 "-t", str(EVAL / "terms"), "-f", "jsonl", "--problems")
    assert result.exit_code == 1, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == 34
    assert set(records[0]) == {"line", "offset", "zh", "id", "verdict", "expected", "found",
                               "near", "similarity", "target_line", "target", "confidence",
                               "bead"}


def test_align_on_a_clean_pair_exits_0(run, articles):
    src, tgt = articles("发展虚拟电厂。建设智慧港口。\n",
                        "Développer les centrales virtuelles.\n\nConstruire des ports intelligents.\n")
    result = run("check", src, tgt, "--align", "-f", "tsv")
    assert result.exit_code == 0, result.stderr
    rows = [line.split("\t") for line in result.stdout.splitlines()]
    assert rows[0][:4] == ["line", "offset", "zh", "id"]
    assert [(r[0], r[1], r[4], r[9]) for r in rows[1:]] == [("1", "0", "ok", "1"), ("1", "7", "ok", "3")]


def test_align_terminal_report_shows_bead_confidence_and_summary(run):
    result = run("check", str(EVAL / "article.zh.txt"), str(EVAL / "article.fr.txt"), "--align",
                 "-t", str(EVAL / "terms"), "-f", "table", env={"NO_COLOR": "1", "COLUMNS": "200"})
    assert result.exit_code == 1
    assert "line 3, offset 47  bead 1-1, confidence" in result.stdout
    assert "76 sentences aligned with 76 in 76 beads" in result.stdout
    assert "64 ok, 27 missing, 7 deprecated, 0 unsure" in result.stdout


def test_files_of_different_line_counts_without_align_say_to_use_it(run, articles):
    src, tgt = articles("一。\n二。\n", "Un. Deux.\n")
    result = run("check", src, tgt)
    assert result.exit_code == 2
    assert "--align" in result.stderr and result.stderr.count("\n") == 1


@pytest.mark.parametrize("args, message", [
    (["check", "zh.txt", "--align"], "--align needs SOURCE and TARGET"),
    (["check", "-", "-", "--align"], "only one of SOURCE and TARGET"),
    (["check", "bi.tsv", "--tsv", "--align"], "not with --align"),
    (["check", "a", "b", "--align", "--inline"], "exclude each other"),
    (["check", "a", "b", "--yaml"], "--yaml goes with --inline"),
])
def test_align_usage_errors_exit_2_with_one_line(run, args, message):
    result = run(*args)
    assert result.exit_code == 2
    assert message in result.stderr and "Traceback" not in result.stderr


def test_align_checks_an_english_translation_too(run, articles):
    src, tgt = articles("发展虚拟电厂。推广数字孪生技术。\n",
                        "Develop virtual power plants.\nSpread digital twins. Mr. Li agrees.\n")
    result = run("check", src, tgt, "--align", "--lang", "en", "-f", "json")
    assert result.exit_code == 0, result.stderr
    records = json.loads(result.stdout)
    assert [(r["zh"], r["verdict"], r["found"], r["bead"]) for r in records] == [
        ("虚拟电厂", "ok", "virtual power plants", "1-1"), ("数字孪生", "ok", "digital twins", "1-2")]


def test_align_terminal_all_shows_sentences_without_problems(run, articles):
    src, tgt = articles("发展虚拟电厂。\n", "Développer les centrales virtuelles.\n")
    default = run("check", src, tgt, "--align", "-f", "table", env={"NO_COLOR": "1"})
    everything = run("check", src, tgt, "--align", "-f", "table", "--all", env={"NO_COLOR": "1"})
    assert default.exit_code == everything.exit_code == 0
    assert "line 1, offset 0" not in default.stdout
    assert "line 1, offset 0" in everything.stdout and "centrales virtuelles" in everything.stdout
