"""``glossary lookup``: every form of query finds the right entry first, through the CLI."""

from __future__ import annotations

import json

import pytest

# (query, the id expected first) — real terms of the shipped glossary, one row per form.
FORMS = [
    # Chinese
    ("低空经济", "low-altitude-economy"),  # simplified, exact
    ("低空經濟", "low-altitude-economy"),  # traditional
    ("虛擬電廠", "virtual-power-plant"),
    ("虚擬电厂", "virtual-power-plant"),  # mixed scripts
    ("电厂", "virtual-power-plant"),  # a distinctive part
    ("孪生", "digital-twin"),
    ("公铁、水水、铁水智慧联运", "smart-intermodal-transport"),  # punctuation inside
    ("虚拟电场", "virtual-power-plant"),  # homophone typo of a pinyin input method
    ("数字栾生", "digital-twin"),
    ("虚拟电站", "virtual-power-plant"),  # one wrong character
    # pinyin
    ("dīkōng jīngjì", "low-altitude-economy"),
    ("di1kong1 jing1ji4", "low-altitude-economy"),
    ("di1 kong1 jing1 ji4", "low-altitude-economy"),
    ("dikong jingji", "low-altitude-economy"),
    ("dikongjingji", "low-altitude-economy"),
    ("DiKong JingJi", "low-altitude-economy"),
    ("dkjj", "low-altitude-economy"),  # initials
    ("xndc", "virtual-power-plant"),
    ("lvse zhizao", "green-manufacturing"),  # ü as v
    ("lu:se gongchang", "green-factory"),  # ü as u:
    ("luse zhizao", "green-manufacturing"),  # ü as u
    ("lǜdiàn zhílián", "direct-green-power-supply"),
    ("xu'ni dian'chang", "virtual-power-plant"),  # apostrophes
    ("kuangshananquan", "mine-safety"),  # ambiguous split (shan'an / sha'nan)
    ("xuni dian", "virtual-power-plant"),  # partial
    ("xunidiancang", "virtual-power-plant"),  # typo
    # French
    ("économie des basses altitudes", "low-altitude-economy"),
    ("economie des basses altitudes", "low-altitude-economy"),  # accents
    ("CENTRALE VIRTUELLE", "virtual-power-plant"),  # case
    ("jumeaux numériques", "digital-twin"),  # inflection
    ("robots médicaux", "medical-robot"),
    ("l'économie des basses altitudes", "low-altitude-economy"),  # elision
    ("l’interface cerveau-machine", "brain-computer-interface"),
    ("centrale virtuele", "virtual-power-plant"),  # typos
    ("vérifcation en phase pilote", "pilot-scale-verification"),
    ("phase pilote", "pilot-scale-verification"),  # partial
    ("economie basse altitude", "low-altitude-economy"),  # words missing / inflected
    # English
    ("digital twin", "digital-twin"),
    ("Digital Twins", "digital-twin"),
    ("low altitude economy", "low-altitude-economy"),
    ("virtual power plnat", "virtual-power-plant"),
    ("power plant", "virtual-power-plant"),
]


def _ids(result):
    return [row["id"] for row in json.loads(result.stdout)]


@pytest.mark.parametrize("query, expected", FORMS, ids=[q for q, _ in FORMS])
def test_query_form_finds_the_entry_first(run, query, expected):
    result = run("lookup", query, "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert _ids(result)[0] == expected


@pytest.mark.parametrize("query", ["banane", "ordinateur portable", "xyzzy", "香蕉", "苹果手机",
                                   "qwerty", "chocolate cake", "spaghetti"])
def test_unrelated_query_finds_nothing_and_exits_1(run, query):
    result = run("lookup", query, "--format", "json")
    assert result.exit_code == 1
    assert result.stdout == ""


def test_several_words_make_one_query(run):
    result = run("lookup", "jumeau", "numérique", "-f", "json")
    assert _ids(result)[0] == "digital-twin"


def test_json_carries_the_entry_fields_score_and_what_matched(run):
    record = json.loads(run("lookup", "centrales virtuelles", "-f", "json").stdout)[0]
    for key in ("id", "zh", "zh_hant", "pinyin", "fr", "fr_variants", "en", "domain", "category",
                "source", "provenance", "origin"):
        assert key in record
    assert record["id"] == "virtual-power-plant"
    assert record["zh_hant"] == "虛擬電廠"
    assert record["matched"] == {"field": "fr_variants", "text": "centrales virtuelles",
                                 "how": "exact", "status": "admitted", "tones": None}
    assert 0 < record["score"] <= 100


def test_jsonl_is_one_object_a_line(run):
    lines = run("lookup", "zhineng", "-f", "jsonl", "-n", "3").stdout.splitlines()
    assert len(lines) == 3
    assert all(json.loads(line)["matched"]["field"] == "pinyin" for line in lines)


def test_tsv_has_the_lookup_columns(run):
    lines = run("lookup", "低空经济", "-f", "tsv").stdout.splitlines()
    assert lines[0].split("\t") == ["zh", "pinyin", "fr", "en", "domain", "score", "matched"]
    assert lines[1].split("\t")[:2] == ["低空经济", "dīkōng jīngjì"]
    assert lines[1].endswith("zh: 低空经济 (exact)")


def test_table_shows_the_columns(run):
    result = run("lookup", "数字孪生", "-f", "table", env={"COLUMNS": "200"})
    assert result.exit_code == 0
    for text in ("zh", "pinyin", "domain", "score", "matched", "数字孪生", "jumeau numérique"):
        assert text in result.stdout


def test_ranking_is_exact_then_prefix_then_contained(run):
    records = json.loads(run("lookup", "低空", "-f", "json").stdout)
    assert [r["matched"]["how"] for r in records[:2]] == ["exact", "prefix"]
    assert [r["id"] for r in records[:2]] == ["low-altitude", "low-altitude-economy"]
    scores = [r["score"] for r in records]
    assert scores == sorted(scores, reverse=True)


def test_limit(run):
    assert len(_ids(run("lookup", "intelligent", "-f", "json", "-n", "2"))) == 2
    assert len(_ids(run("lookup", "intelligent", "-f", "json"))) == 10


def test_tones_that_disagree_rank_far_below(run):
    right = json.loads(run("lookup", "di1kong1 jing1ji4", "-f", "json").stdout)[0]
    wrong = json.loads(run("lookup", "di4kong1 jing1ji4", "-f", "json").stdout)[0]
    assert right["id"] == wrong["id"] == "low-altitude-economy"
    assert right["score"] - wrong["score"] >= 25
    assert (right["matched"]["tones"], wrong["matched"]["tones"]) == (None, "other tones")


def test_toned_query_prefers_the_entry_with_those_tones(run, tmp_path):
    (tmp_path / "t.yaml").write_text(
        "entries:\n"
        "  - {id: shiji-a, zh: 实际, pinyin: shíjì, fr: réel, domain: general, category: general,"
        " source: test, provenance: editor}\n"
        "  - {id: shiji-b, zh: 世纪, pinyin: shìjì, fr: siècle, domain: general, category: general,"
        " source: test, provenance: editor}\n", encoding="utf-8")
    for query, first in (("shi4ji4", "shiji-b"), ("shi2ji4", "shiji-a"), ("shíjì", "shiji-a")):
        result = run("lookup", query, "-f", "json", "--no-builtin", "-t", str(tmp_path))
        assert _ids(result)[0] == first, query


@pytest.mark.parametrize("lang, query, expected", [
    ("en", "robot", "robot"),
    ("fr", "robot", "robot"),
    ("zh", "低空", "low-altitude"),
    ("pinyin", "dikong", "low-altitude"),
])
def test_lang_forces_the_reading(run, lang, query, expected):
    records = json.loads(run("lookup", query, "--lang", lang, "-f", "json").stdout)
    assert records[0]["id"] == expected
    field = records[0]["matched"]["field"]
    assert field.startswith(lang) if lang != "pinyin" else field == "pinyin"


def test_lang_fr_does_not_match_english(run):
    assert run("lookup", "virtual power plant", "--lang", "fr", "-f", "json").exit_code == 1
    assert run("lookup", "virtual power plant", "--lang", "en", "-f", "json").exit_code == 0


@pytest.mark.parametrize("args", [
    ("lookup", "低空", "--lang", "de"),
    ("lookup", "低空", "--limit", "0"),
    ("lookup", "   "),
    ("lookup",),
    ("lookup", "低空", "--format", "yaml"),
])
def test_bad_usage_exits_2_without_traceback(run, args):
    result = run(*args)
    assert result.exit_code == 2
    assert "Traceback" not in result.stderr + result.stdout


def test_no_hint_in_a_pipe(run):
    result = run("lookup", "centrle virtualle")
    assert result.exit_code in (0, 1)
    result = run("lookup", "jumo numerik")
    assert result.exit_code == 1
    assert result.stderr == ""


def test_did_you_mean_on_a_terminal(run, monkeypatch):
    import glossary.cli.lookup as cli_lookup

    monkeypatch.setattr(cli_lookup, "stderr_is_terminal", lambda: True)
    result = run("lookup", "jumo numerik")
    assert result.exit_code == 1
    assert "did you mean" in result.stderr and "数字孪生" in result.stderr
    result = run("lookup", "xyzzy")
    assert result.exit_code == 1
    assert "nothing matches 'xyzzy'" in result.stderr and "did you mean" not in result.stderr


def test_user_text_is_shown_not_interpreted(run, tmp_path):
    (tmp_path / "t.yaml").write_text(
        "entries:\n"
        "  - {id: markup, zh: 标记, pinyin: biāojì, fr: '[bold]balise[/bold]', en: \"\\e[31mred\","
        " domain: general, category: general, source: test, provenance: editor}\n", encoding="utf-8")
    result = run("lookup", "biaoji", "-f", "table", "--no-builtin", "-t", str(tmp_path),
                 env={"COLUMNS": "200"})
    assert "[bold]balise[/bold]" in result.stdout
    assert "\x1b[31m" not in result.stdout


# --------------------------------------------------------------------------- batch mode

def test_batch_answers_one_line_per_query_in_order(run):
    result = run("lookup", "-", input="低空经济\nbanane\n\nxndc\ncentrale virtuele\n")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].split("\t")[:3] == ["query", "id", "zh"]
    rows = [line.split("\t") for line in lines[1:]]
    assert [r[0] for r in rows] == ["低空经济", "banane", "", "xndc", "centrale virtuele"]
    assert [r[1] for r in rows] == ["low-altitude-economy", "", "", "virtual-power-plant",
                                    "virtual-power-plant"]
    assert all(len(r) == len(rows[0]) for r in rows)


def test_batch_jsonl_says_when_nothing_was_found(run):
    result = run("lookup", "-", "-f", "jsonl", input="數字孿生\nbanane\n")
    first, second = (json.loads(line) for line in result.stdout.splitlines())
    assert first["query"] == "數字孿生" and first["result"]["id"] == "digital-twin"
    assert first["result"]["matched"]["field"] == "zh_hant"
    assert second == {"query": "banane", "result": None}


def test_batch_with_nothing_found_exits_1(run):
    assert run("lookup", "-", input="banane\nxyzzy\n").exit_code == 1


def test_batch_reads_gb18030_and_a_bom(run):
    assert run("lookup", "-", input="低空经济\n".encode("gb18030")).stdout.splitlines()[1].split("\t")[1] \
        == "low-altitude-economy"
    assert run("lookup", "-", input="\ufeff低空经济\n".encode("utf-8")).stdout.splitlines()[1].split("\t")[1] \
        == "low-altitude-economy"


def test_batch_refuses_formats_that_are_not_one_line_a_query(run):
    result = run("lookup", "-", "-f", "json", input="低空经济\n")
    assert result.exit_code == 2
    assert "batch lookup" in result.stderr
