"""Every YAML file the tool writes loads as what it says: no anchor, no alias (the term
files that carry them are refused), even when the same value is given many times."""

from __future__ import annotations

import yaml


def anchors_and_aliases(text: str) -> list[str]:
    """The anchors and aliases in a YAML text, found by the parser (not by a regex: a
    ``*`` or ``&`` inside a quoted value is text)."""
    found = []
    for event in yaml.parse(text):
        if isinstance(event, yaml.AliasEvent):
            found.append(f"*{event.anchor}")
        elif getattr(event, "anchor", None):
            found.append(f"&{event.anchor}")
    return found


SAME_EVERYWHERE = "entries:\n" + "".join(
    f"  - {{id: same-{i}, zh: 测试术语{'一二三四五'[i]}, pinyin: cèshì shùyǔ, fr: 'R&D *nouvelle*', "
    f"fr_variants: [{{text: essai, status: admitted}}], domain: general, category: general, "
    f"source: t, provenance: editor}}\n" for i in range(5))


def test_export_import_add_and_stubs_write_no_anchor_or_alias(run, tmp_path):
    terms = tmp_path / "terms"
    terms.mkdir()
    (terms / "same.yaml").write_text(SAME_EVERYWHERE, encoding="utf-8")
    written = {}
    exported = run("export", "-f", "yaml", "-t", str(terms))
    assert exported.exit_code == 0, exported.stderr
    written["export"] = exported.stdout
    csv = tmp_path / "same.csv"
    assert run("export", "-f", "csv", "-t", str(terms), "--no-builtin", "-o", str(csv)).exit_code == 0
    written["import"] = run("import", str(csv)).stdout
    mine = tmp_path / "mine.yaml"
    for zh in ("钠离子电池", "固态电池"):
        assert run("add", "--zh", zh, "--fr", "batterie", "--file", str(mine)).exit_code == 0
    written["add"] = mine.read_text(encoding="utf-8")
    text = "发展钠离子电池和固态电池产业。钠离子电池和固态电池产业。\n"
    written["extract"] = run("extract", "-", "--yaml", input=text.encode()).stdout
    written["inline"] = run("check", "--inline", "la batterie (钠离子电池), la batterie (钠离子电池)",
                            "--yaml").stdout
    for name, text in written.items():
        assert text.strip(), name
        assert anchors_and_aliases(text) == [], name
        assert yaml.safe_load(text)["entries"], name
    assert "R&D *nouvelle*" in written["export"]
