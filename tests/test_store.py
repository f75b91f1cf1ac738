"""Loading term files: merging layers, caching, and one clear error for a broken file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from glossary.errors import TermFileError
from glossary.store import builtin_terms_dir, load_glossary, term_files
from glossary.taxonomy import CATEGORY_SLUGS, DOMAIN_SLUGS

ENTRY = """\
  - id: {id}
    zh: {zh}
    zh_hant: {zh}
    pinyin: {pinyin}
    fr: {fr}
    en: {en}
    en_provenance: test
    domain: clean-energy
    category: new-fields
    source: test
    provenance: editor
"""


def write_terms(directory: Path, name: str, *entries: dict, header: str = "entries:\n") -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text(header + "".join(ENTRY.format(**e) for e in entries), encoding="utf-8")
    return path


MINE = {"id": "virtual-power-plant", "zh": "虚拟电厂", "pinyin": "xūnǐ diànchǎng",
        "fr": "centrale électrique virtuelle", "en": "VPP"}
NEW = {"id": "my-term", "zh": "测试术语", "pinyin": "cèshì shùyǔ", "fr": "terme d'essai", "en": "test term"}


def test_shipped_term_files_are_found_and_load(glossary):
    files = term_files(builtin_terms_dir())
    assert len(files) >= 6
    assert len(glossary) >= 180
    assert glossary.get("virtual-power-plant").zh == "虚拟电厂"


def test_schema_lists_the_same_domains_and_categories_as_the_code():
    schema = json.loads((Path(__file__).parents[1] / "src/glossary/schema/terms.schema.json")
                        .read_text(encoding="utf-8"))
    assert tuple(schema["$defs"]["domain"]["enum"]) == DOMAIN_SLUGS
    assert tuple(schema["$defs"]["category"]["enum"]) == CATEGORY_SLUGS


def test_user_entry_with_the_same_id_overrides_the_shipped_one(tmp_path):
    write_terms(tmp_path, "mine.yaml", MINE, NEW)
    merged = load_glossary([tmp_path])
    entry = merged.get("virtual-power-plant")
    assert entry.fr == "centrale électrique virtuelle"
    assert entry.overrides is not None and entry.overrides.builtin
    assert merged.get("my-term").origin.path == str(tmp_path / "mine.yaml")
    assert len(merged) == len(load_glossary()) + 1


def test_cache_is_rebuilt_when_a_term_file_changes(tmp_path):
    path = write_terms(tmp_path, "mine.yaml", NEW)
    assert load_glossary([tmp_path], builtin=False).get("my-term").fr == "terme d'essai"
    write_terms(tmp_path, "mine.yaml", dict(NEW, fr="terme modifié"))
    assert load_glossary([tmp_path], builtin=False).get("my-term").fr == "terme modifié"
    assert path.exists()


def test_cache_keeps_one_file_per_set_of_term_files(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv("GLOSSARY_CACHE_DIR", str(cache))
    for fr in ("un", "deux", "trois"):
        write_terms(tmp_path / "t", "mine.yaml", dict(NEW, fr=fr))
        assert load_glossary([tmp_path / "t"], builtin=False).get("my-term").fr == fr
    assert len(list(cache.glob("store-*.sqlite"))) == 1


def test_a_corrupt_cache_file_is_ignored(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv("GLOSSARY_CACHE_DIR", str(cache))
    write_terms(tmp_path / "t", "mine.yaml", NEW)
    load_glossary([tmp_path / "t"], builtin=False)
    for file in cache.glob("*.json"):
        file.write_text("{not json", encoding="utf-8")
    assert load_glossary([tmp_path / "t"], builtin=False).get("my-term")


def test_find_by_id_chinese_traditional_and_rendering(glossary):
    for term in ("virtual-power-plant", "虚拟电厂", "虛擬電廠", "centrale virtuelle",
                 "Centrale virtuelle", "virtual power plant"):
        assert [e.id for e in glossary.find(term)] == ["virtual-power-plant"], term


BROKEN = [
    ("bad_yaml", "entries:\n  - id: x\n    zh: [\n", "invalid YAML", 4),
    ("missing_field", "entries:\n  - id: x\n    zh: 数字\n", "missing field", 2),
    ("unknown_domain", "entries:\n" + ENTRY.format(**NEW).replace("clean-energy", "space"),
     "domain: 'space'", 9),
    ("wrong_type", "entries:\n" + ENTRY.format(**NEW).replace("source: test", "source: [a, b]"), "source", 11),
    ("unknown_field", "entries:\n" + ENTRY.format(**NEW) + "    colour: red\n", "unknown field", 2),
    ("duplicate_key", "entries:\n" + ENTRY.format(**NEW) + "    zh: 又\n", "duplicate key 'zh'", 13),
    ("duplicate_id", "entries:\n" + ENTRY.format(**NEW) * 2, "duplicate id 'my-term'", 13),
    ("not_a_list", "entries: 3\n", "entries", 1),
    ("empty", "", "empty term file", None),
    ("comment_only", "# nothing\n", "empty term file", None),
]


@pytest.mark.parametrize("name, text, message, line", BROKEN, ids=[b[0] for b in BROKEN])
def test_broken_term_file_gives_path_line_and_message(tmp_path, name, text, message, line):
    path = tmp_path / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(TermFileError) as info:
        load_glossary([tmp_path], builtin=False)
    error = info.value
    assert message in str(error)
    assert error.path == str(path)
    assert error.line == line


def test_binary_and_non_utf8_term_files_are_refused(tmp_path):
    (tmp_path / "a.yaml").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    with pytest.raises(TermFileError, match="binary"):
        load_glossary([tmp_path], builtin=False)
    (tmp_path / "a.yaml").write_bytes("entries: []\nnote: é\n".encode("latin-1"))
    with pytest.raises(TermFileError, match="not UTF-8"):
        load_glossary([tmp_path], builtin=False)


def test_missing_user_path_is_an_error(tmp_path):
    with pytest.raises(TermFileError, match="no such file"):
        load_glossary([tmp_path / "nowhere"], builtin=False)
