"""Reading pinyin: an entry's reviewed ``pinyin`` field, and a query in every form people type."""

from __future__ import annotations

import pytest

from glossary.pinyin import (SYLLABLES, digraph_initials, initials, looks_like_initials, readings,
                             strip_tones, syllable_agrees, syllables_of)


@pytest.mark.parametrize("field, expected", [
    ("dīkōng jīngjì", [("di", 1), ("kong", 1), ("jing", 1), ("ji", 4)]),
    ("xūnǐ diànchǎng", [("xu", 1), ("ni", 3), ("dian", 4), ("chang", 3)]),
    ("lǜdiàn zhílián", [("lv", 4), ("dian", 4), ("zhi", 2), ("lian", 2)]),
    ("kuàngshān ānquán", [("kuang", 4), ("shan", 1), ("an", 1), ("quan", 2)]),
    ("Guówùyuàn", [("guo", 2), ("wu", 4), ("yuan", 4)]),
    ("Xī'ān", [("xi", 1), ("an", 1)]),
    ("gōng tiě, shuǐ shuǐ", [("gong", 1), ("tie", 3), ("shui", 3), ("shui", 3)]),
    ("tiān-kōng-dì", [("tian", 1), ("kong", 1), ("di", 4)]),
    ("shèhuìzhǔyì de", [("she", 4), ("hui", 4), ("zhu", 3), ("yi", 4), ("de", 5)]),
])
def test_entry_pinyin_is_cut_into_syllables_with_tones(field, expected):
    assert syllables_of(field) == expected


def test_written_pinyin_without_apostrophe_is_not_cut_before_a_vowel():
    # Without an apostrophe, "xian" is one syllable (先), never xi'an.
    assert syllables_of("xiān") == [("xian", 1)]


def test_what_is_not_pinyin_stays_a_token_of_its_own():
    assert syllables_of("wǔ G jīzhàn") == [("wu", 3), ("g", 0), ("ji", 1), ("zhan", 4)]


def _cuts(query):
    return [r.syllables for r in readings(query)]


@pytest.mark.parametrize("query", [
    "dīkōng jīngjì", "di1kong1 jing1ji4", "di1 kong1 jing1 ji4", "di1kong1jing1ji4",
    "dikong jingji", "dikongjingji", "DiKong JingJi", "di'kong jing'ji", "ＤＩＫＯＮＧ jingji",
])
def test_every_form_of_a_query_reads_as_the_same_syllables(query):
    assert ("di", "kong", "jing", "ji") in _cuts(query)


@pytest.mark.parametrize("query, tones", [
    ("dīkōng jīngjì", (1, 1, 1, 4)),
    ("di1kong1 jing1ji4", (1, 1, 1, 4)),
    ("di1 kong jing ji4", (1, 0, 0, 4)),
    ("dikong jingji", (0, 0, 0, 0)),
    ("de5", (5,)),
    ("de0", (5,)),
])
def test_tones_given_by_marks_or_digits_are_kept(query, tones):
    assert readings(query)[0].tones == tones


@pytest.mark.parametrize("query", ["lvse", "lu:se", "lüsè", "LÜSE", "lv4se4"])
def test_u_umlaut_in_any_spelling_is_v(query):
    assert _cuts(query)[0] == ("lv", "se")


def test_u_typed_for_u_umlaut_agrees_loosely():
    assert _cuts("luse")[0] == ("lu", "se")
    assert syllable_agrees("lu", "lv") == 1
    assert syllable_agrees("lv", "lv") == 2
    assert syllable_agrees("lu", "lu") == 2


def test_unspaced_input_keeps_every_possible_cut():
    cuts = _cuts("xian")
    assert ("xian",) in cuts and ("xi", "an") in cuts
    cuts = _cuts("kuangshananquan")
    assert ("kuang", "shan", "an", "quan") in cuts
    assert ("kuang", "sha", "nan", "quan") in cuts


def test_apostrophe_fixes_a_boundary():
    assert _cuts("xi'an") == [("xi", "an")]


def test_an_unfinished_last_syllable_is_read_only_when_needed():
    assert _cuts("xuni dianch")[0] == ("xu", "ni", "dian", "ch")
    assert readings("xuni dianch")[0].partial
    assert not any(r.partial for r in readings("xuni dian"))


@pytest.mark.parametrize("query", ["hello", "xyzzy", "banane!", "virtual power plant", "低空", ""])
def test_what_cannot_be_pinyin_has_no_reading(query):
    assert readings(query) == []


def test_initials():
    assert initials(["di", "kong", "jing", "ji"]) == "dkjj"
    assert digraph_initials(["zhi", "hui", "shui", "li"]) == "zhhshl"
    assert looks_like_initials("dkjj") and looks_like_initials("XNDC")
    assert not looks_like_initials("dikong") and not looks_like_initials("d")


def test_strip_tones():
    assert strip_tones("Dīkōng jīngjì") == "dikong jingji"
    assert strip_tones("lǜsè") == "lvse"


def test_the_syllable_table_has_the_standard_syllables():
    assert {"zhuang", "chuang", "shuang", "lv", "nve", "er", "a", "yo"} <= SYLLABLES
    assert len(SYLLABLES) > 390
    assert not {"m", "n", "ng", "g"} & SYLLABLES
