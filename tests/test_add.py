"""``glossary add``: an entry into your own term file, found by every later command, the
rest of the file kept byte for byte, never a half-written or corrupted file."""

from __future__ import annotations

import datetime
import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from glossary.store import personal_terms_file

HAND_WRITTEN = textwrap.dedent("""\
    # yaml-language-server: $schema=../schema/terms.schema.json
    # My agency's terms.   Keep this header.
    description: "House terms: reviewed by the desk"

    entries:
      # --- energy ---
      - id: house-vpp            # reviewed 2026-03
        zh: 算力调度
        zh_hant: 算力調度
        pinyin: suànlì diàodù
        fr: 'ordonnancement de la puissance de calcul'
        fr_variants:
          - {text: répartition de la puissance de calcul, status: admitted}
        domain: digital-economy
        category: new-fields
        source: house style guide, 2026
        provenance: editor
        note: |
          Two lines
          of note.

      - id: house-grid
        zh: 绿电专线
        zh_hant: 綠電專線
        pinyin: lǜdiàn zhuānxiàn
        fr: raccordement direct à l'électricité verte
        domain: clean-energy
        category: new-fields
        source: house style guide, 2026
        provenance: editor
      # end of the energy block
    """)


@pytest.fixture
def house(tmp_path) -> Path:
    """A hand-written term file."""
    target = tmp_path / "house.yaml"
    target.write_text(HAND_WRITTEN, encoding="utf-8")
    return target


def data_of(path: Path) -> dict:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)


def entries_of(path: Path) -> list[dict]:
    return data_of(path)["entries"]


def env_with(**extra: str) -> dict:
    env = dict(os.environ, **extra)
    env.pop("NO_COLOR", None)
    return env


def glossary_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "glossary", *args]


# --------------------------------------------------------------------------- found by every command

def test_added_term_is_found_by_lookup_show_highlight_and_check(run, tmp_path):
    added = run("add", "--zh", "钠离子电池", "--fr", "batterie sodium-ion",
                "--en", "sodium-ion battery", "--domain", "clean-energy")
    assert added.exit_code == 0, added.stderr
    assert added.stdout == ""
    assert added.stderr.count("\n") == 1 and added.stderr.startswith("glossary: added sodium-ion-battery")
    assert str(personal_terms_file()) in added.stderr

    looked = run("lookup", "nalizi dianchi", "-f", "tsv")
    assert looked.exit_code == 0 and looked.stdout.splitlines()[1].startswith("钠离子电池\t")
    shown = run("show", "钠离子电池", "-f", "json")
    record = json.loads(shown.stdout)[0]
    assert (record["fr"], record["provenance"], record["origin"]) == (
        "batterie sodium-ion", "user", f"{personal_terms_file()}:5")
    highlighted = run("highlight", "发展钠离子电池产业", "-f", "json")
    assert [s["id"] for s in json.loads(highlighted.stdout)] == ["sodium-ion-battery"]
    source, draft = tmp_path / "zh.txt", tmp_path / "fr.txt"
    source.write_text("发展钠离子电池。\n", encoding="utf-8")
    draft.write_text("Développer les batteries au lithium.\n", encoding="utf-8")
    assert run("check", str(source), str(draft)).exit_code == 1  # the rendering is missing
    draft.write_text("Développer la batterie sodium-ion.\n", encoding="utf-8")
    assert run("check", str(source), str(draft)).exit_code == 0


def test_every_later_command_sees_each_new_addition(run):
    for zh, fr in (("钠离子电池", "batterie sodium-ion"), ("固态电池", "batterie solide")):
        assert run("add", "--zh", zh, "--fr", fr).exit_code == 0
        assert json.loads(run("show", zh, "-f", "json").stdout)[0]["fr"] == fr
    assert run("validate").exit_code == 0


def test_personal_file_sits_after_glossary_path_and_before_terms(run, tmp_path):
    def layer(name: str, fr: str) -> Path:
        path = tmp_path / name / "t.yaml"
        path.parent.mkdir()
        path.write_text(textwrap.dedent(f"""\
            entries:
              - id: sodium-battery
                zh: 钠离子电池
                pinyin: nàlízi diànchí
                fr: {fr}
                domain: general
                category: general
                source: test
                provenance: editor
            """), encoding="utf-8")
        return path.parent

    env_layer, option_layer = layer("env", "depuis GLOSSARY_PATH"), layer("opt", "depuis --terms")
    env = {"GLOSSARY_PATH": str(env_layer)}
    added = run("add", "--zh", "钠离子电池", "--fr", "depuis add", env=env)
    assert added.exit_code == 0, added.stderr
    assert "overriding the entry at" in added.stderr  # GLOSSARY_PATH's: not a shipped one
    assert entries_of(personal_terms_file())[0]["id"] == "sodium-battery"

    def shown(*args: str) -> str:
        return json.loads(run("show", "钠离子电池", "-f", "json", *args, env=env).stdout)[0]["fr"]

    assert shown() == "depuis add"
    assert shown("--terms", str(option_layer)) == "depuis --terms"
    assert shown("--no-builtin") == "depuis add"  # --no-builtin leaves out the shipped files only


def test_no_builtin_keeps_the_personal_file(run):
    run("add", "--zh", "钠离子电池", "--fr", "batterie sodium-ion")
    listed = run("list", "--no-builtin", "-f", "tsv")
    assert listed.exit_code == 0
    assert [line.split("\t")[1] for line in listed.stdout.splitlines()[1:]] == ["钠离子电池"]


def test_a_hand_edit_of_the_personal_file_is_picked_up(run):
    run("add", "--zh", "钠离子电池", "--fr", "batterie sodium-ion")
    path = personal_terms_file()
    path.write_text(path.read_text(encoding="utf-8").replace("batterie sodium-ion", "batterie Na-ion"),
                    encoding="utf-8")
    assert json.loads(run("show", "钠离子电池", "-f", "json").stdout)[0]["fr"] == "batterie Na-ion"


# --------------------------------------------------------------------------- filled in and marked

def test_missing_fields_are_filled_in_and_marked_generated(run):
    result = run("add", "--zh", "钠离子电池", "--fr", "batterie sodium-ion", "--en", "Sodium-ion Battery")
    assert result.exit_code == 0, result.stderr
    entry = entries_of(personal_terms_file())[0]
    assert entry == {
        "id": "sodium-ion-battery", "zh": "钠离子电池", "zh_hant": "鈉離子電池",
        "pinyin": "nàlízi diànchí", "fr": "batterie sodium-ion", "en": "Sodium-ion Battery",
        "domain": "general", "category": "general",
        "source": f"added with glossary add on {datetime.date.today().isoformat()}",
        "provenance": "user",
        "generated": ["id", "zh_hant", "pinyin", "domain", "category", "source"],
    }
    assert "to review: id, zh_hant 鈉離子電池, pinyin nàlízi diànchí" in result.stderr


@pytest.mark.parametrize(("zh", "pinyin"), [
    ("智能网联汽车", "zhìnéng wǎnglián qìchē"),  # the fewest one-character words
    ("西安港口", "xī'ān gǎngkǒu"),  # apostrophe before a, o, e inside a word
    ("公铁、水水联运", "gōngtiě, shuǐshuǐ liányùn"),  # Chinese punctuation as Latin
])
def test_generated_pinyin_is_word_joined_with_tone_marks(run, tmp_path, zh, pinyin):
    target = tmp_path / "t.yaml"
    result = run("add", "--zh", zh, "--fr", "x", "--file", str(target), "--no-builtin")
    assert result.exit_code == 0, result.stderr
    assert entries_of(target)[0]["pinyin"] == pinyin


def test_given_fields_are_not_marked_and_category_follows_the_domain(run):
    result = run("add", "--zh", "钠离子电池", "--fr", "batterie sodium-ion", "--id", "na-battery",
                 "--pinyin", "nàlízi diànchí", "--zh-hant", "鈉離子電池", "--domain", "clean-energy",
                 "--source", "client glossary 2026", "--note", "Na-ion")
    assert result.exit_code == 0, result.stderr
    entry = entries_of(personal_terms_file())[0]
    assert "generated" not in entry
    assert (entry["domain"], entry["category"], entry["source"]) == (
        "clean-energy", "new-fields", "client glossary 2026")
    assert "to review" not in result.stderr


def test_slug_is_unique_in_the_file_and_in_the_term_base(run):
    # "drone" is a shipped id: a new entry must not take it (it would override that entry).
    first = run("add", "--zh", "无人机群", "--fr", "drone")
    second = run("add", "--zh", "多旋翼飞行器", "--fr", "drone")
    assert first.exit_code == second.exit_code == 0
    assert [e["id"] for e in entries_of(personal_terms_file())] == ["drone-2", "drone-3"]


def test_json_on_stdout_is_the_entry_written(run):
    result = run("add", "--zh", "钠离子电池", "--fr", "batterie sodium-ion", "-f", "json")
    record = json.loads(result.stdout)
    assert record["id"] == "batterie-sodium-ion" and record["origin"] == f"{personal_terms_file()}:5"
    assert record["generated"] == ["id", "zh_hant", "pinyin", "domain", "category", "source"]


def test_dry_run_writes_nothing(run):
    result = run("add", "--zh", "钠离子电池", "--fr", "batterie sodium-ion", "--dry-run", "-f", "json")
    assert result.exit_code == 0 and result.stderr.startswith("glossary: would add ")
    assert json.loads(result.stdout)["zh"] == "钠离子电池"
    assert not personal_terms_file().exists()


# --------------------------------------------------------------------------- overriding a shipped entry

def test_a_shipped_chinese_term_becomes_an_override_of_it(run, glossary):
    shipped = glossary.find("虚拟电厂")[0]
    result = run("add", "--zh", "虚拟电厂", "--fr", "centrale électrique virtuelle")
    assert result.exit_code == 0, result.stderr
    assert f"overriding the shipped entry at {shipped.origin}" in result.stderr
    entry = entries_of(personal_terms_file())[0]
    assert entry["id"] == shipped.id and entry["provenance"] == "user"
    # What was not given is the shipped entry's (its English, variants, note, source).
    assert (entry["en"], entry["pinyin"], entry["domain"], entry["source"]) == (
        shipped.en, shipped.pinyin, shipped.domain, shipped.source)
    assert "fr_provenance" not in entry and "generated" not in entry
    shown = json.loads(run("show", "虚拟电厂", "-f", "json").stdout)
    assert len(shown) == 1 and shown[0]["fr"] == "centrale électrique virtuelle"
    assert shown[0]["overrides"] == str(shipped.origin)
    assert run("validate").exit_code == 0


def test_override_with_another_id_is_refused(run):
    result = run("add", "--zh", "虚拟电厂", "--fr", "x", "--id", "my-vpp")
    assert result.exit_code == 2
    assert "leave out --id" in result.stderr and result.stderr.count("\n") == 1


def test_traditional_form_of_a_shipped_term_is_refused_with_the_simplified(run):
    result = run("add", "--zh", "虛擬電廠", "--fr", "x")
    assert result.exit_code == 2
    assert "give --zh 虚拟电厂" in result.stderr


# --------------------------------------------------------------------------- refusals

@pytest.mark.parametrize(("args", "says"), [
    (("--zh", "钠离子电池", "--fr", "autre"), "钠离子电池 is already there (id batterie-sodium-ion); give --update"),
    (("--zh", "固态电池", "--fr", "x", "--id", "batterie-sodium-ion"), "id 'batterie-sodium-ion' is already there"),
])
def test_what_the_file_has_is_refused_without_update(run, args, says):
    run("add", "--zh", "钠离子电池", "--fr", "batterie sodium-ion")
    before = personal_terms_file().read_bytes()
    result = run("add", *args)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"glossary: {personal_terms_file()}:5: {says}")
    assert result.stderr.count("\n") == 1
    assert personal_terms_file().read_bytes() == before


@pytest.mark.parametrize(("args", "says"), [
    (("--fr", "x"), "glossary: --zh is required"),
    (("--zh", "钠离子电池"), "glossary: --fr is required"),
    (("--zh", "钠离子电池", "--fr", "  "), "glossary: --fr: empty"),
    (("--zh", "钠离子电池", "--fr", "x", "--domain", "space"), "glossary: unknown domain 'space'"),
    (("--zh", "钠离子电池", "--fr", "x", "--id", "Na Battery"), "glossary: refused: id: 'Na Battery' is not an ASCII slug"),
    (("--zh", "钠离子电池", "--fr", "x", "--pinyin", "nà lízǐ diànchí"),
     "glossary: refused: pinyin 'nà lízǐ diànchí': 'zǐ' (子) is neutral: zi"),
    (("--zh", "钠离子电池", "--fr", "x", "--zh-hant", "钠离子电池"),
     "glossary: refused: zh_hant '钠离子电池' differs from OpenCC's conversion"),
    (("--zh", "钠离子电池", "--fr", "x", "--domain", "health", "--category", "sectoral"),
     "glossary: refused: domain 'health' belongs to category 'livelihood', not 'sectoral'"),
    (("--zh", "钠离子电池", "--fr", "x", "--bogus"), "glossary: no such option: --bogus"),
    (("--zh", "drone", "--fr", "无人机"), "glossary: --zh: 'drone' has no Chinese characters"),
    (("--zh", "钠离子\n电池", "--fr", "x"), "glossary: --zh: '钠离子\\n电池' is not one line of text"),
])
def test_bad_usage_and_failed_checks_are_one_line_and_exit_2(run, args, says):
    result = run("add", *args)
    assert result.exit_code == 2
    assert result.stderr.startswith(says) and result.stderr.count("\n") == 1
    assert not personal_terms_file().exists()


def test_a_deliberate_reading_is_accepted(run):
    result = run("add", "--zh", "钠离子电池", "--fr", "x", "--pinyin", "nà lízǐ diànchí",
                 "--pinyin-deliberate")
    assert result.exit_code == 0, result.stderr
    entry = entries_of(personal_terms_file())[0]
    assert (entry["pinyin"], entry["pinyin_deliberate"]) == ("nà lízǐ diànchí", True)


@pytest.mark.parametrize(("content", "says"), [
    (b"entries:\n  - id: [unclosed\n", "invalid YAML"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary data"),
    (b"entries:\n  - id: x\n    zh: \xff\xfe\n", "not UTF-8"),
    (b"entries:\n  - id: x\n    zh: y\n", "missing field"),
    (b"terms: []\n", "unknown field"),
])
def test_a_file_that_is_not_a_valid_term_file_is_refused_and_left_alone(run, tmp_path, content, says):
    target = tmp_path / "mine.yaml"
    target.write_bytes(content)
    result = run("add", "--zh", "钠离子电池", "--fr", "x", "--file", str(target))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"glossary: {target}") and says in result.stderr
    assert result.stderr.count("\n") == 1
    assert target.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.endswith(".lock")) == ["mine.yaml"]


def test_a_broken_personal_file_is_refused_not_overwritten(run):
    path = personal_terms_file()
    path.write_bytes(b"entries: [\n")
    result = run("add", "--zh", "钠离子电池", "--fr", "x")
    assert result.exit_code == 2 and "invalid YAML" in result.stderr
    assert path.read_bytes() == b"entries: [\n"


def test_file_in_a_missing_directory_is_refused(run, tmp_path):
    result = run("add", "--zh", "钠离子电池", "--fr", "x", "--file", str(tmp_path / "no" / "t.yaml"))
    assert result.exit_code == 2 and "no such directory" in result.stderr


# --------------------------------------------------------------------------- the file kept as it was

def test_comments_order_and_formatting_are_kept_byte_for_byte(run, house):
    target = house
    result = run("add", "--zh", "钠离子电池", "--fr", "batterie sodium-ion", "--file", str(target))
    assert result.exit_code == 0, result.stderr
    assert result.stderr.count("\n") == 1  # no warning about the layout
    new = target.read_text(encoding="utf-8")
    assert new.startswith(HAND_WRITTEN)
    added = new[len(HAND_WRITTEN):]
    assert added.startswith("  - id: batterie-sodium-ion\n    zh: 钠离子电池\n")
    assert [e["id"] for e in entries_of(target)] == ["house-vpp", "house-grid", "batterie-sodium-ion"]
    assert run("validate", str(target)).exit_code == 0


def test_bom_crlf_and_another_indentation_are_kept(run, tmp_path):
    original = ("\ufeff# mine\r\nentries:\r\n- id: house-grid\r\n  zh: 绿电专线\r\n  pinyin: lǜdiàn zhuānxiàn\r\n"
                "  fr: électricité verte\r\n  domain: general\r\n  category: general\r\n"
                "  source: house\r\n  provenance: editor\r\n")
    target = tmp_path / "crlf.yaml"
    target.write_bytes(original.encode("utf-8"))
    result = run("add", "--zh", "钠离子电池", "--fr", "batterie", "--file", str(target))
    assert result.exit_code == 0, result.stderr
    new = target.read_bytes().decode("utf-8")
    assert new.startswith(original)
    assert new[len(original):].startswith("- id: batterie\r\n  zh: 钠离子电池\r\n")
    assert "\n" not in new.replace("\r\n", "")


def test_update_changes_only_the_fields_given(run, house):
    target = house
    result = run("add", "--update", "--id", "house-grid", "--fr", "raccordement vert direct",
                 "--en", "direct green power connection", "--file", str(target))
    assert result.exit_code == 0, result.stderr
    assert result.stderr.startswith("glossary: updated house-grid (绿电专线 → raccordement vert direct) in ")
    assert result.stderr.rstrip().endswith(": fr, en")
    expected = HAND_WRITTEN.replace(
        "fr: raccordement direct à l'électricité verte\n",
        "fr: raccordement vert direct\n    en: direct green power connection\n")
    assert target.read_text(encoding="utf-8") == expected


def test_update_by_zh_keeps_comments_inside_the_entry(run, house):
    target = house
    result = run("add", "--update", "--zh", "算力调度", "--domain", "artificial-intelligence",
                 "--note", "", "--file", str(target))
    assert result.exit_code == 0, result.stderr
    text = target.read_text(encoding="utf-8")
    assert "  - id: house-vpp            # reviewed 2026-03\n" in text
    assert "domain: artificial-intelligence\n" in text and "of note." not in text
    entry = entries_of(target)[0]
    assert entry["category"] == "new-fields" and "note" not in entry
    assert text.split("  - id: house-grid")[1] == HAND_WRITTEN.split("  - id: house-grid")[1]


def test_update_of_the_chinese_makes_its_reading_again(run):
    run("add", "--zh", "钠离子电池", "--fr", "batterie sodium-ion")
    result = run("add", "--update", "--id", "batterie-sodium-ion", "--zh", "固态电池")
    assert result.exit_code == 0, result.stderr
    entry = entries_of(personal_terms_file())[0]
    assert (entry["zh"], entry["zh_hant"], entry["pinyin"]) == ("固态电池", "固態電池", "gùtài diànchí")
    assert set(entry["generated"]) >= {"pinyin", "zh_hant"}


@pytest.mark.parametrize(("args", "says"), [
    (("--update", "--zh", "固态电池", "--fr", "x"), "no entry with zh '固态电池'; leave out --update"),
    (("--update", "--zh", "虚拟电厂", "--fr", "x"), "is the shipped entry 'virtual-power-plant'"),
    (("--update", "--id", "batterie-sodium-ion", "--fr", ""), "--fr: cannot be removed"),
    (("--update", "--fr", "x"), "--update needs --id or --zh"),
])
def test_update_refusals(run, args, says):
    run("add", "--zh", "钠离子电池", "--fr", "batterie sodium-ion")
    before = personal_terms_file().read_bytes()
    result = run("add", *args)
    assert result.exit_code == 2 and says in result.stderr and result.stderr.count("\n") == 1
    assert personal_terms_file().read_bytes() == before


def test_symlinked_personal_file_stays_a_symlink(run, tmp_path):
    real = tmp_path / "dotfiles" / "terms.yaml"
    real.parent.mkdir()
    run("add", "--zh", "钠离子电池", "--fr", "batterie sodium-ion", "--file", str(real))
    personal_terms_file().symlink_to(real)
    assert run("add", "--zh", "固态电池", "--fr", "batterie solide").exit_code == 0
    assert personal_terms_file().is_symlink()
    assert [e["zh"] for e in entries_of(real)] == ["钠离子电池", "固态电池"]


# --------------------------------------------------------------------------- text is data

INJECTIONS = [
    "x\ny: injected",
    "x\r  - id: evil",
    "x\x85  - id: evil",
    "x\u2028  - id: evil",
    "x\u2029provenance: source",
    "x # not a comment",
    "a: b",
    "- a list?",
    "*alias",
    "&anchor x",
    "!!python/object:os.system x",
    "{a: b}",
    "[x, y]",
    "'quoted'",
    '"double"',
    "back\\slash",
    "yes", "no", "on", "null", "~", "12:30", "2026-01-01", "0o17", "1e3", ".inf",
    "  spaced  ",
    "\x1b[31mred\x1b[0m",
    "tab\there",
    "\ufeffbom",
    "%YAML 1.1",
    "--- document",
    "... end",
    "? key",
    "|\n  block",
    "@at `tick`",
    "日本語: と # 注",
]


CHARACTERS = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥金木水火土日月山川风云雷电花草树林鸟鱼"


def test_hostile_text_stays_data(run, tmp_path):
    target = tmp_path / "mine.yaml"
    target.write_text(HAND_WRITTEN, encoding="utf-8")
    before = entries_of(target)
    assert len(INJECTIONS) <= len(CHARACTERS)
    for i, text in enumerate(INJECTIONS):
        result = run("add", "--zh", f"测试{CHARACTERS[i]}", "--fr", text, "--note", text,
                     "--en", text, "--file", str(target), "--no-builtin")
        assert result.exit_code == 0, (text, result.stderr)
        entries = entries_of(target)
        assert entries[:-1] == before, text  # exactly one entry more, the others as they were
        assert (entries[-1]["fr"], entries[-1]["en"], entries[-1]["note"]) == (text, text, text)
        assert set(entries[-1]) <= {"id", "zh", "zh_hant", "pinyin", "fr", "en", "domain",
                                     "category", "source", "provenance", "note", "generated"}
        before = entries
    raw = target.read_text(encoding="utf-8")
    assert "\x1b" not in raw and "\x85" not in raw and "\u2028" not in raw
    assert run("validate", str(target)).exit_code == 0


def test_french_typography_stays_readable_in_the_file(run):
    fr = "«\u00a0drone\u00a0» d\u2019inspection\u202f!"
    assert run("add", "--zh", "巡检无人机", "--fr", fr).exit_code == 0
    assert f"    fr: {fr}\n" in personal_terms_file().read_text(encoding="utf-8")
    assert entries_of(personal_terms_file())[0]["fr"] == fr


def test_stderr_line_shows_control_characters_as_text(run):
    result = run("add", "--zh", "钠离子电池", "--fr", "\x1b[31mred\nline")
    assert result.exit_code == 0
    assert "\x1b" not in result.stderr and result.stderr.count("\n") == 1


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(note=st.text(st.characters(exclude_categories=("Cs",)), max_size=40),
       fr=st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=40)
       .filter(lambda t: t.strip()))
def test_any_text_as_note_or_french_comes_back_exactly(run, tmp_path_factory, note, fr):
    target = tmp_path_factory.mktemp("prop") / "t.yaml"
    target.write_text(HAND_WRITTEN, encoding="utf-8")
    result = run("add", "--zh", "钠离子电池", "--fr", fr, "--note", note, "--file", str(target),
                 "--no-builtin")
    assert result.exit_code == 0, result.stderr
    assert target.read_text(encoding="utf-8").startswith(HAND_WRITTEN)
    entry = entries_of(target)[-1]
    assert entry["fr"] == fr
    assert entry.get("note", "") == note


# --------------------------------------------------------------------------- atomic, locked

def test_a_failed_replace_leaves_the_old_file_whole(run, house, tmp_path, monkeypatch):
    import glossary.termfile

    target = house

    real_replace = os.replace

    def failing_replace(src, dst):
        if Path(dst) == target:
            raise OSError(28, "No space left on device")
        real_replace(src, dst)

    monkeypatch.setattr(glossary.termfile.os, "replace", failing_replace)
    result = run("add", "--zh", "钠离子电池", "--fr", "x", "--file", str(target))
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "No space left on device" in result.stderr
    assert target.read_text(encoding="utf-8") == HAND_WRITTEN
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_a_process_killed_while_writing_leaves_the_old_file_whole(house, tmp_path):
    """The writer is stopped for good between writing the new text and moving it into
    place: the term file is the old one, and what is left beside it is never read."""
    target = house
    stalled = textwrap.dedent("""\
        import os, sys, time
        real_replace = os.replace
        def stalled(src, dst):
            if os.path.basename(dst) != "house.yaml":
                return real_replace(src, dst)
            print("writing", flush=True)
            time.sleep(60)
        os.replace = stalled
        from glossary.cli import main
        sys.argv = ["glossary", *sys.argv[1:]]
        main()
        """)
    proc = subprocess.Popen([sys.executable, "-c", stalled, "add", "--zh", "钠离子电池", "--fr", "x",
                             "--file", str(target)], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline() == "writing\n"
        temporary = [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
        assert len(temporary) == 1 and "钠离子电池" in temporary[0].read_text(encoding="utf-8")
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        proc.kill()
    assert target.read_text(encoding="utf-8") == HAND_WRITTEN
    # The next add is not disturbed by what the killed one left behind.
    done = subprocess.run(glossary_cmd("add", "--zh", "固态电池", "--fr", "y", "--file", str(target)),
                          capture_output=True, text=True, env=env_with(), timeout=60)
    assert done.returncode == 0, done.stderr
    assert [e["zh"] for e in entries_of(target)][-1] == "固态电池"
    assert subprocess.run(glossary_cmd("validate", str(tmp_path)), capture_output=True,
                          env=env_with(), timeout=60).returncode == 0


TERMS_20 = ["钠离子电池", "固态电池", "氢燃料电池", "储能电站", "光伏组件", "风电机组", "智能电表", "充电桩",
            "换电站", "虚拟现实头显", "人形机器人", "脑机接口芯片", "量子计算机", "卫星互联网", "无人配送车",
            "智能仓储", "冷链物流", "数字人民币", "电子病历", "远程医疗"]


# The CLI with fcntl hidden: the lock of a system without flock (a lock file, filelock's).
WITHOUT_FLOCK = "import sys; sys.modules['fcntl'] = None; from glossary.cli import main; " \
                "sys.argv = ['glossary', *sys.argv[1:]]; main()"


@pytest.mark.parametrize(("how", "count"), [("flock", 20), ("lock file", 6)])
def test_concurrent_adds_all_land(tmp_path, how, count):
    target = tmp_path / "shared.yaml"
    target.write_text(HAND_WRITTEN, encoding="utf-8")
    env = env_with()
    command = glossary_cmd if how == "flock" else (lambda *a: [sys.executable, "-c", WITHOUT_FLOCK, *a])
    # Some of them are shipped terms: those become overrides (the shipped entry's id).
    procs = [subprocess.Popen(command("add", "--zh", zh, "--fr", f"terme {i}", "--file", str(target)),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
             for i, zh in enumerate(TERMS_20[:count])]
    outcomes = [(p.wait(timeout=300), p.stderr.read()) for p in procs]
    for p in procs:
        p.stdout.close()
        p.stderr.close()
    assert [code for code, _ in outcomes] == [0] * count, [err for _, err in outcomes]
    text = target.read_text(encoding="utf-8")
    assert text.startswith(HAND_WRITTEN)  # every comment of the hand-written part kept
    entries = entries_of(target)
    assert len(entries) == count + 2
    assert sorted(e["zh"] for e in entries[2:]) == sorted(TERMS_20[:count])
    assert sorted(e["fr"] for e in entries[2:]) == sorted(f"terme {i}" for i in range(count))
    assert len({e["id"] for e in entries}) == count + 2
    checked = subprocess.run(glossary_cmd("validate", str(target)), capture_output=True, text=True,
                             env=env, timeout=120)
    assert (checked.returncode, checked.stdout) == (0, ""), checked.stdout
    if how == "flock":  # nothing left beside the file
        assert [p.name for p in tmp_path.iterdir()] == ["shared.yaml"]
