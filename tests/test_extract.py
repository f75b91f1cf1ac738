"""`glossary extract`: candidate new terms in a Chinese text."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
import yaml

from glossary.extract import (BOUNDARY_WORDS, Token, _glue_single_characters, runs, slug,
                              to_pinyin)
from glossary.lint import expected_pinyin, pinyin_letters

PLAN = Path(__file__).parent / "data" / "extract" / "plan.txt"

# Shipped terms that plan.txt uses at least twice.
REMOVED = ["virtual-power-plant", "brain-computer-interface", "digital-twin", "smart-port",
           "low-altitude-economy", "metaverse"]


def write_glossary_without(glossary, directory: Path, removed: list[str]) -> Path:
    """The shipped entries minus ``removed`` (and minus the entries whose Chinese contains a
    removed term, which would hide it as a piece of a known term), as one term file."""
    directory.mkdir(parents=True, exist_ok=True)
    gone = [glossary.get(r).zh for r in removed]
    removed = [e.id for e in glossary if any(zh in e.zh for zh in gone)]
    entries = [e.to_yaml_dict() for e in glossary if e.id not in removed]
    for entry in entries:  # no dangling references to the removed entries
        entry["see_also"] = [r for r in entry.get("see_also", []) if r not in removed]
        if not entry["see_also"]:
            del entry["see_also"]
    path = directory / "terms.yaml"
    path.write_text(yaml.safe_dump({"entries": entries}, allow_unicode=True, sort_keys=False),
                    encoding="utf-8")
    return directory


@pytest.fixture(scope="module")
def reduced_terms(glossary, tmp_path_factory):
    return write_glossary_without(glossary, tmp_path_factory.mktemp("reduced"), REMOVED)


@pytest.fixture(scope="module")
def reduced_candidates(reduced_terms):
    from typer.testing import CliRunner

    from glossary.cli import app

    result = CliRunner().invoke(app, ["extract", str(PLAN), "--no-builtin", "-t", str(reduced_terms),
                                      "-f", "json", "-n", "0"])
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


# --------------------------------------------------------------------------- quality

@pytest.mark.parametrize("entry_id", REMOVED)
def test_terms_removed_from_the_glossary_rank_in_the_top_20(glossary, reduced_candidates, entry_id):
    top = [c["zh"] for c in reduced_candidates[:20]]
    assert glossary.get(entry_id).zh in top, top


def test_known_terms_and_pieces_of_known_terms_are_never_candidates(glossary, run):
    result = run("extract", str(PLAN), "-f", "json", "-n", "0")
    assert result.exit_code == 0, result.stderr
    forms = {f for e in glossary for f in (e.zh, e.zh_hant) if f}
    for candidate in json.loads(result.stdout):
        assert candidate["zh"] not in forms
        assert not any(candidate["zh"] in form for form in forms), candidate["zh"]


def test_candidates_never_start_or_end_with_a_boundary_word(reduced_terms):
    from glossary.extract import extract
    from glossary.store import load_glossary

    text = PLAN.read_text(encoding="utf-8")
    candidates = extract(text, load_glossary([reduced_terms], builtin=False), limit=None)
    assert candidates
    for candidate in candidates:
        assert candidate.words[0] not in BOUNDARY_WORDS and candidate.words[-1] not in BOUNDARY_WORDS
        assert not candidate.zh[0].isdigit()


def test_candidate_records_carry_count_pinyin_and_an_example(reduced_candidates):
    first = {c["zh"]: c for c in reduced_candidates}["虚拟电厂"]
    assert first["count"] == 2
    assert first["pinyin"] == "xūnǐ diànchǎng"
    assert "虚拟电厂" in first["example"] and first["line"] == 8


# --------------------------------------------------------------------------- YAML stubs

def test_yaml_stubs_pass_validate_once_filled_in_and_not_before(run, reduced_terms, tmp_path):
    result = run("extract", str(PLAN), "--yaml", "-n", "8", "--no-builtin", "-t", str(reduced_terms))
    assert result.exit_code == 0, result.stderr
    stub = tmp_path / "stub" / "new.yaml"
    stub.parent.mkdir()
    stub.write_text(result.stdout, encoding="utf-8")
    entries = yaml.safe_load(result.stdout)["entries"]
    assert len(entries) == 8
    for entry in entries:
        assert entry["zh"] and entry["zh_hant"] and entry["pinyin"] and entry["id"]
        assert entry["fr"] == "" and entry["en"] == ""
    assert "TODO" in result.stdout

    # checked against the term base the stubs were made for
    unfilled = run("validate", str(stub), "--no-builtin", "-t", str(reduced_terms))
    assert unfilled.exit_code == 1  # empty renderings are refused

    filled = result.stdout.replace('fr: ""', 'fr: "terme à traduire"').replace('en: ""', 'en: "term"')
    stub.write_text(filled, encoding="utf-8")
    checked = run("validate", str(stub), "--no-builtin", "-t", str(reduced_terms))
    assert checked.exit_code == 0, checked.stdout + checked.stderr


def test_yaml_stub_of_a_removed_term_matches_the_shipped_entry(glossary, run, reduced_terms):
    result = run("extract", str(PLAN), "--yaml", "-n", "20", "--no-builtin", "-t", str(reduced_terms))
    stubs = {e["zh"]: e for e in yaml.safe_load(result.stdout)["entries"]}
    shipped = glossary.get("virtual-power-plant")
    stub = stubs[shipped.zh]
    assert stub["zh_hant"] == shipped.zh_hant
    assert pinyin_letters(stub["pinyin"]) == pinyin_letters(shipped.pinyin)
    assert stub["domain"] == "clean-energy"  # the text's section names the domain
    assert stub["id"] == "xuni-dianchang"


# --------------------------------------------------------------------------- library pieces

@pytest.mark.parametrize("words, expected", [
    (("虚拟", "电厂"), "xūnǐ diànchǎng"),
    (("智能", "网联", "汽车"), "zhìnéng wǎnglián qìchē"),
])
def test_pinyin_is_word_joined_and_agrees_with_validate(words, expected):
    assert to_pinyin(words) == expected
    assert pinyin_letters(expected) == pinyin_letters("".join(expected_pinyin("".join(words))))


def test_latin_letters_are_kept_in_the_pinyin():
    assert to_pinyin(("5G", "基站")) == "5G jīzhàn"


def test_lone_characters_are_glued_back_into_one_word():
    assert _glue_single_characters(["支持", "脑", "机", "接口", "的", "研发"]) == [
        "支持", "脑机", "接口", "的", "研发"]


def test_particles_and_policy_verbs_split_runs():
    tokens = [Token(t, 0) for t in ["加快", "发展", "虚拟", "电厂", "和", "储能", "，", "推动"]]
    assert [[t.text for t in r] for r in runs(tokens)] == [["发展", "虚拟", "电厂"], ["储能"]]


def test_ids_are_ascii_slugs_and_unique():
    taken = {"zhihui-gangkou"}
    assert slug("zhìhuì gǎngkǒu", taken) == "zhihui-gangkou-2"
    assert slug("lǜdiàn", taken) == "ludian"


# --------------------------------------------------------------------------- the CLI

def test_text_from_stdin_and_tsv_output(run):
    text = "推动固态电池发展，培育固态电池产业。固态电池是新方向。"
    result = run("extract", "-", "-f", "tsv", input=text.encode())
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout), delimiter="\t"))
    assert rows[0]["zh"] == "固态电池" and rows[0]["count"] == "3"
    assert list(rows[0]) == ["rank", "zh", "count", "score", "pinyin", "line", "example", "contains"]


def test_text_with_no_candidate_exits_1(run):
    result = run("extract", "-", "-f", "json", input="低空经济。".encode())
    assert result.exit_code == 1
    assert json.loads(result.stdout) == []


def test_gb18030_input_is_read(run, tmp_path):
    path = tmp_path / "gb.txt"
    path.write_bytes("推动固态电池发展，培育固态电池产业。".encode("gb18030"))
    result = run("extract", str(path), "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)[0]["zh"] == "固态电池"


@pytest.mark.parametrize("args, message", [
    (["extract", "nowhere.txt"], "no such file"),
    (["extract", "-", "--yaml", "-f", "json"], "exclude each other"),
])
def test_bad_input_exits_2_with_one_line(run, args, message):
    result = run(*args, input=b"")
    assert result.exit_code == 2
    assert message in result.stderr and "Traceback" not in result.stderr


def test_binary_input_exits_2(run, tmp_path):
    path = tmp_path / "x.bin"
    path.write_bytes(b"\x00\xff\x00binary")
    result = run("extract", str(path))
    assert result.exit_code == 2 and "binary" in result.stderr



# --------------------------------------------------------------------------- word boundaries

JUNK_TEXT = ("越來越多的企業開始參與需求側響應，虛擬電廠成為常態。\n"
             "各地要为企业提供更多应用场景，推动规模化商业化应用。\n"
             "发展智能网联汽车，推进智能网联汽车规模化商业化应用。\n")


# Compounds of several words that the shipped glossary has since gained: taken out, they
# must come back as candidates.
COMPOUNDS = ["intelligent-connected-vehicle", "large-scale-commercial-application"]


@pytest.fixture(scope="module")
def without_compounds(glossary, tmp_path_factory):
    return write_glossary_without(glossary, tmp_path_factory.mktemp("compounds"), COMPOUNDS)


@pytest.fixture(scope="module")
def junk_candidates(without_compounds):
    from glossary.extract import extract
    from glossary.store import load_glossary

    terms = load_glossary([without_compounds], builtin=False)
    return {c.zh: c for c in extract(JUNK_TEXT, terms, limit=None)}


@pytest.mark.parametrize("fragment", [
    "企業開始參與需求", "開始參與需求", "多应用场景", "成為常態", "越來越多", "更多应用场景",
])
def test_candidates_start_and_end_on_word_boundaries(junk_candidates, fragment):
    assert fragment not in junk_candidates, sorted(junk_candidates)


@pytest.mark.parametrize(("zh", "pinyin"), [
    ("规模化商业化应用", "guīmóhuà shāngyèhuà yìngyòng"),
    ("智能网联汽车", "zhìnéng wǎnglián qìchē"),
])
def test_multi_word_compounds_stay_with_word_joined_pinyin(junk_candidates, zh, pinyin):
    assert zh in junk_candidates
    assert to_pinyin(junk_candidates[zh].words) == pinyin


def test_extract_cli_gives_the_segmented_pinyin(run, without_compounds):
    result = run("extract", str(PLAN), "--no-builtin", "-t", str(without_compounds),
                 "-f", "tsv", "-n", "0")
    rows = {r["zh"]: r for r in csv.DictReader(io.StringIO(result.stdout), delimiter="\t")}
    assert rows["智能网联汽车"]["pinyin"] == "zhìnéng wǎnglián qìchē"
    assert rows["智能网联汽车应用场景"]["pinyin"] == "zhìnéng wǎnglián qìchē yìngyòng chǎngjǐng"


# A word jieba does not know (需求侧) in traditional characters, and a verb with its object
# across a phrase (为|企业|提供|更多场景): neither a piece of the one nor the clause is a term.
MIXED = "開始參與需求側響應，更多應用場景成為常態。各地要為企业提供更多应用场景，推动规模化商业化应用。\n"


@pytest.mark.parametrize("text", [
    MIXED, MIXED * 3, MIXED * 2 + "需求侧响应。\n",
    MIXED.replace("參與需求", "參與電力需求") * 3, MIXED.replace("需求側響應", "需求側響應能力") * 2,
], ids=["once", "three-times", "both-scripts", "longer-compound", "with-a-head"])
def test_no_piece_of_a_word_jieba_does_not_know(without_compounds, text):
    from glossary.extract import extract
    from glossary.store import load_glossary

    found = [c.zh for c in extract(text, load_glossary([without_compounds], builtin=False),
                                   limit=None)]
    for fragment in ("側響應", "侧响应", "需求側", "側響", "響應"):
        assert fragment not in found, found
    assert any("需求側響應" in zh for zh in found), found


@pytest.mark.parametrize("text", [
    MIXED * 3, MIXED * 2 + "需求侧响应。\n", MIXED.replace("參與需求", "參與電力需求") * 3,
    MIXED.replace("需求側響應", "需求側響應能力") * 2,
], ids=["three-times", "both-scripts", "longer-compound", "with-a-head"])
def test_a_verb_with_its_subject_ranks_below_the_compounds(without_compounds, text):
    from glossary.extract import extract
    from glossary.store import load_glossary

    found = [c.zh for c in extract(text, load_glossary([without_compounds], builtin=False),
                                   limit=None)]
    compounds = [zh for zh in found if "需求側響應" in zh or zh == "规模化商业化应用"]
    assert "规模化商业化应用" in compounds and len(compounds) == 2, found
    assert "企业提供" not in found or found.index("企业提供") > max(map(found.index, compounds))


@pytest.mark.parametrize(("text", "term"), [
    ("培育元宇宙产业，建设元宇宙体验中心。", "元宇宙"),  # 建设 | 元 宇宙: a verb, then its object
    ("推广乡村建设经验。加强乡村建设和乡村治理。", "乡村建设"),  # 建设 and its object, then a noun
])
def test_a_lone_character_or_a_verb_at_an_edge_can_still_make_a_term(text, term):
    from glossary.extract import extract
    from glossary.store import load_glossary

    from_empty = [c.zh for c in extract(text * 2, load_glossary([], builtin=False), limit=None)]
    assert term in from_empty, from_empty
