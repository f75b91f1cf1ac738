"""export and import as a user meets them: files other programs wrote, hostile files,
term bases given straight to --terms, and what is written where."""

from __future__ import annotations

import codecs
import io
import json
import zipfile
from pathlib import Path

import pytest

from glossary.formats import read_terms

DATA = Path(__file__).parent / "data" / "interchange"


def imported(run, tmp_path: Path, source: Path, *args: str):
    out = tmp_path / "out.yaml"
    result = run("import", str(source), "-o", str(out), *args)
    return result, (read_terms(out).entries if out.exists() else None)


# --------------------------------------------------------------------------- files from elsewhere

def test_excel_unicode_text_utf16_tab_crlf_imports(run, tmp_path):
    text = "Chinese\tFrench\tNotes\r\n虚拟电厂\tcentrale virtuelle\tVPP\r\n潮汐电站\tcentrale marémotrice\t\r\n"
    path = tmp_path / "unicode.txt"
    path.write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    result, entries = imported(run, tmp_path, path, "--format", "tsv")
    assert result.exit_code == 0, result.stderr
    assert [(e["zh"], e["fr"], e.get("note")) for e in entries] == [
        ("虚拟电厂", "centrale virtuelle", "VPP"), ("潮汐电站", "centrale marémotrice", None)]


def test_semicolon_csv_with_utf8_bom_imports(run, tmp_path):
    path = tmp_path / "client.csv"
    path.write_bytes(codecs.BOM_UTF8 + "中文;Français;Remarques\n潮汐电站;centrale marémotrice;« note »\n".encode())
    result, entries = imported(run, tmp_path, path)
    assert result.exit_code == 0, result.stderr
    assert [(e["zh"], e["fr"], e["note"]) for e in entries] == [("潮汐电站", "centrale marémotrice", "« note »")]


def test_a_chinese_column_in_traditional_characters_gives_simplified_zh(run, tmp_path):
    path = tmp_path / "taipei.tsv"
    path.write_text("Chinese\tFrench\n響應式設計\tconception réactive\n虛擬電廠\tcentrale virtuelle\n",
                    encoding="utf-8")
    result, entries = imported(run, tmp_path, path)
    assert result.exit_code == 0, result.stderr
    assert [(e["zh"], e["zh_hant"], e["pinyin"]) for e in entries] == [
        ("响应式设计", "響應式設計", "xiǎngyìng shì shèjì"),
        ("虚拟电厂", "虛擬電廠", "xūnǐ diànchǎng")]
    assert "zh" in entries[0]["generated"]
    assert entries[1]["id"] == "virtual-power-plant"  # the shipped entry, overridden as ever


@pytest.mark.parametrize("encoding", ["gb18030", "utf-16"])
def test_chinese_encodings_are_detected(run, tmp_path, encoding):
    path = tmp_path / "client.csv"
    path.write_bytes("简体,法语\n潮汐电站,centrale marémotrice\n智慧港口,port intelligent\n".encode(encoding))
    result, entries = imported(run, tmp_path, path)
    assert result.exit_code == 0, result.stderr
    assert [e["zh"] for e in entries] == ["潮汐电站", "智慧港口"]


def test_french_excel_cp1252_csv_reads_its_accents(run, tmp_path):
    # French Excel's "CSV (séparateur : point-virgule)": no Chinese can survive it, so
    # every row is skipped, but the header and the French are read right.
    path = tmp_path / "fr.csv"
    path.write_bytes("Chinese;Français;Remarques\n;énergie éolienne;à revoir\n".encode("cp1252"))
    result = run("import", str(path), "-o", str(tmp_path / "o.yaml"))
    assert result.exit_code == 1
    assert "no Chinese term (row 2)" in result.stderr
    assert not (tmp_path / "o.yaml").exists()


def test_tbx_basic_example_without_chinese_skips_every_concept(run, tmp_path):
    """A file in the shape of the TBX maintainers' TBX-Basic example (English and Spanish
    concepts): nothing to import, every concept said, exit 1, nothing written."""
    out = tmp_path / "basic.yaml"
    result = run("import", str(DATA / "tbx-basic-astronomy.tbx"), "-o", str(out))
    assert result.exit_code == 1
    assert "skipped 3 entries: no Chinese term" in result.stderr
    assert "languages left out (only zh, fr and en are kept): es (3)" in result.stderr
    assert "nothing imported" in result.stderr
    assert not out.exists()


def test_columns_by_header_names_and_map(run, tmp_path):
    path = tmp_path / "cols.csv"
    path.write_text("Source,Target,Pinyin,Subject\n潮汐电站,centrale marémotrice,cháoxī diànzhàn,Énergie marine\n",
                    encoding="utf-8")
    result, entries = imported(run, tmp_path, path)
    assert result.exit_code == 0, result.stderr
    entry = entries[0]
    assert (entry["zh"], entry["fr"], entry["pinyin"], entry["domain"]) == \
        ("潮汐电站", "centrale marémotrice", "cháoxī diànzhàn", "energie-marine")
    assert "pinyin" not in entry["generated"] and "zh_hant" in entry["generated"]
    # The domain of the client's survives: the term file declares it.
    text = (tmp_path / "out.yaml").read_text(encoding="utf-8")
    assert "domains:\n- id: energie-marine\n  name: Énergie marine\n" in text
    result, entries = imported(run, tmp_path, path, "--force", "--map", "Subject=note")
    assert entries[0]["note"] == "Énergie marine" and entries[0]["domain"] == "general"


def test_a_client_domain_survives_tbx_export(run, tmp_path):
    path = tmp_path / "client.csv"
    path.write_text("zh,fr,domain\n潮汐电站,centrale marémotrice,Énergie marine\n", encoding="utf-8")
    result = run("export", "-f", "tbx", "-t", str(path), "--domain", "energie-marine")
    assert result.exit_code == 0, result.stderr
    assert '<descrip type="subjectField">Énergie marine</descrip>' in result.stdout


def test_shipped_chinese_takes_the_shipped_id_and_is_counted(run, tmp_path):
    path = tmp_path / "client.csv"
    path.write_text("zh,fr\n虚拟电厂,centrale électrique virtuelle\n低空经济,économie de basse altitude\n"
                    "潮汐电站,centrale marémotrice\n", encoding="utf-8")
    result, entries = imported(run, tmp_path, path)
    assert "(2 override shipped entries)" in result.stderr
    assert [e["id"] for e in entries][:2] == ["virtual-power-plant", "low-altitude-economy"]
    shown = run("show", "虚拟电厂", "-t", str(tmp_path / "out.yaml"), "-f", "json")
    record = json.loads(shown.stdout)[0]
    assert record["fr"] == "centrale électrique virtuelle" and record["overrides"]


def test_skips_are_counted_by_reason(run, tmp_path):
    path = tmp_path / "skips.csv"
    path.write_text("zh,fr\n潮汐电站,centrale marémotrice\n潮汐电站,autre\n,sans chinois\n智慧港口,\n"
                    "海洋牧场,ferme marine\n", encoding="utf-8")
    result, entries = imported(run, tmp_path, path)
    assert result.exit_code == 0
    lines = result.stderr.splitlines()
    assert any("skipped 1 entry: Chinese term given twice (row 3 (first: row 2))" in line for line in lines)
    assert any("skipped 1 entry: no Chinese term (row 4)" in line for line in lines)
    assert any("skipped 1 entry: no French or English rendering (row 5)" in line for line in lines)
    assert "3 skipped" in lines[-1]
    assert [e["zh"] for e in entries] == ["潮汐电站", "海洋牧场"]


def test_import_passes_validate_and_marks_what_it_generated(run, tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("中文,法语\n智能网联汽车,véhicule connecté\n5G基站,station de base 5G\n", encoding="utf-8")
    result, entries = imported(run, tmp_path, path, "--no-builtin")
    assert result.exit_code == 0
    car, station = entries
    assert car["pinyin"] == "zhìnéng wǎnglián qìchē"  # word-joined
    assert car["zh_hant"] == "智能網聯汽車"
    assert car["id"] == "zhineng-wanglian-qiche"
    assert set(car["generated"]) == {"id", "zh_hant", "pinyin", "domain", "category", "source"}
    assert car["provenance"] == "imported" and car["imported_from"] == "c.csv:row 2"
    assert station["pinyin_deliberate"] is True
    # 智能网联汽车 is a shipped entry's Chinese: with --no-builtin it is not an override,
    # so it passes validate only on its own.
    assert run("validate", str(tmp_path / "out.yaml"), "--no-builtin").exit_code == 0


def test_output_onto_an_existing_file_needs_force_or_merge(run, tmp_path):
    out = tmp_path / "mine.yaml"
    out.write_text("# my comments\nentries:\n  - zh: 海洋牧场\n    fr: ferme marine\n", encoding="utf-8")
    before = out.read_bytes()
    source = tmp_path / "new.csv"
    source.write_text("zh,fr\n海洋牧场,ranch marin\n潮汐电站,centrale marémotrice\n", encoding="utf-8")
    result = run("import", str(source), "-o", str(out))
    assert result.exit_code == 2
    assert result.stderr.startswith("glossary: -o ") and "--force" in result.stderr
    assert out.read_bytes() == before
    result = run("import", str(source), "-o", str(out), "--merge")
    assert result.exit_code == 0, result.stderr
    assert "1 updated" in result.stderr
    merged = read_terms(out).entries
    assert [(e["zh"], e["fr"]) for e in merged] == [("海洋牧场", "ranch marin"), ("潮汐电站", "centrale marémotrice")]
    result = run("import", str(source), "-o", str(out), "--force")
    assert result.exit_code == 0
    assert run("validate", str(out)).exit_code == 0


# --------------------------------------------------------------------------- hostile input

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<martif type="TBX"><text><body><termEntry><langSet xml:lang="zh"><tig><term>&lol3;</term></tig></langSet>
<langSet xml:lang="fr"><tig><term>x</term></tig></langSet></termEntry></body></text></martif>
"""
XXE = """<?xml version="1.0"?>
<!DOCTYPE martif [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<martif type="TBX"><text><body><termEntry><langSet xml:lang="zh"><tig><term>&xxe;</term></tig></langSet>
</termEntry></body></text></martif>
"""


def _xlsx_with(part: str, content: bytes) -> bytes:
    """A real workbook (written by openpyxl) with one of its parts replaced."""
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["zh", "fr"])
    book.active.append(["潮汐电站", "centrale marémotrice"])
    buffer = io.BytesIO()
    book.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, content if item.filename == part else source.read(item))
    return out.getvalue()


def _zip_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        target.writestr("[Content_Types].xml", "<Types/>")
        with target.open("xl/worksheets/sheet1.xml", "w") as fh:
            block = b"\0" * (1 << 20)
            for _ in range(1100):  # 1.1 GiB of zeros, ~1 MB packed
                fh.write(block)
    return out.getvalue()


SHEET_BOMB = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
              b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
              b'<row r="1"><c r="A1" t="inlineStr"><is><t>&b;</t></is></c></row></sheetData></worksheet>')

# A translate-toolkit TBX names its DTD (never read): an undeclared entity is then no
# syntax error for the parser, which leaves an entity node in the tree.
TT_DOCTYPE = ('<!DOCTYPE martif PUBLIC "ISO 12200:1999A//DTD MARTIF core (DXFcdV04)//EN" '
              '"TBXcdv04.dtd">')


def _tbx(fr: str, doctype: str = TT_DOCTYPE, title: str = "client", between: str = "",
         declaration: str = '<?xml version="1.0" encoding="UTF-8"?>') -> str:
    return (f"{declaration}\n{doctype}\n"
            f'<martif type="TBX" xml:lang="zh"><martifHeader><fileDesc><titleStmt><title>{title}</title>'
            "</titleStmt></fileDesc></martifHeader><text><body>\n"
            f'<termEntry id="c1"><langSet xml:lang="zh"><tig><term>潮汐电站</term></tig></langSet>\n'
            f'<langSet xml:lang="fr"><tig><term>{fr}</term></tig></langSet></termEntry>{between}\n'
            f'<termEntry id="c2"><langSet xml:lang="zh"><tig><term>智慧港口</term></tig></langSet>\n'
            f'<langSet xml:lang="fr"><tig><term>port intelligent</term></tig></langSet></termEntry>\n'
            "</body></text></martif>\n")


# Entities declared where the prolog check used to miss them: after a "]" quoted in an
# attribute default, in UTF-16 without a byte order mark.
BRACKET_FIRST = _tbx("&foo;", doctype='<!DOCTYPE martif [<!ATTLIST martif x CDATA "]"><!ENTITY foo "bar">]>')
UTF16_XXE = _tbx("&xxe;", doctype='<!DOCTYPE martif [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
                 declaration='<?xml version="1.0" encoding="UTF-16"?>')

HOSTILE = {
    "billion-laughs.tbx": lambda: BILLION_LAUGHS.encode(),
    "xxe.tbx": lambda: XXE.encode(),
    "undeclared-entity.tbx": lambda: _tbx("centrale&foo;marémotrice").encode(),
    "undeclared-entity-in-header.tbx": lambda: _tbx("x", title="a&foo;").encode(),
    "undeclared-entity-between-concepts.tbx": lambda: _tbx("x", between="&foo;").encode(),
    "entities-after-a-bracket.tbx": lambda: BRACKET_FIRST.encode(),
    "entities-utf16be-without-bom.tbx": lambda: UTF16_XXE.encode("utf-16-be"),
    "broken.tbx": lambda: b"<martif><text><body><termEntry>",
    "not-tbx.tbx": lambda: b"<html><body>hello</body></html>",
    "empty.tbx": lambda: b"",
    "empty.csv": lambda: b"",
    "empty.xlsx": lambda: b"",
    "binary.xlsx": lambda: bytes(range(256)) * 64,
    "binary.csv": lambda: b"zh,fr\n\x00\x01\x02\xff\xfe\x00garbage",
    "huge-field.csv": lambda: b'zh,fr\n"' + "长".encode() * ((50 << 20) // 3) + b'",x\n',
    "entity-bomb.xlsx": lambda: _xlsx_with("xl/worksheets/sheet1.xml", SHEET_BOMB),
    "zip-bomb.xlsx": _zip_bomb,
    "no-chinese-column.csv": lambda: b"Name,Price\napple,3\n",
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_input_gives_one_line_exit_2_and_writes_nothing(run, tmp_path, name):
    path = tmp_path / name
    path.write_bytes(HOSTILE[name]())
    out = tmp_path / "out.yaml"
    result = run("import", str(path), "-o", str(out))
    assert result.exit_code == 2, (result.exit_code, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("glossary: "), result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists() and list(tmp_path.glob(".out.yaml*")) == []
    if name == "xxe.tbx":
        assert "root:" not in result.stderr


@pytest.mark.parametrize("name", ["billion-laughs.tbx", "xxe.tbx", "zip-bomb.xlsx", "undeclared-entity.tbx",
                                  "entities-after-a-bracket.tbx", "entities-utf16be-without-bom.tbx"])
def test_hostile_term_base_given_to_terms_is_refused_in_one_line(run, tmp_path, name):
    path = tmp_path / name
    path.write_bytes(HOSTILE[name]())
    result = run("lookup", "drone", "-t", str(path))
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1 and "refused" in result.stderr


@pytest.mark.parametrize("command", [("import",), ("lookup", "drone", "-t")])
def test_an_entity_that_is_no_named_character_is_refused_at_its_line(run, tmp_path, command):
    path = tmp_path / "client.tbx"
    path.write_text(_tbx("centrale&foo;marémotrice"), encoding="utf-8")
    result = run(*command, str(path))
    assert result.exit_code == 2
    assert result.stderr == (f"glossary: {path}:5: refused: the entity reference &foo; (entities are not "
                             "read; only standard named characters such as &nbsp; are)\n")


def test_entities_the_prolog_check_misses_are_refused_by_the_parser(tmp_path, monkeypatch):
    from glossary.errors import InputError
    from glossary.formats import read_rows, tbx

    monkeypatch.setattr(tbx, "check_prolog", lambda head, shown: None)
    path = tmp_path / "client.tbx"
    path.write_text(_tbx("&nbsp;", doctype='<!DOCTYPE martif [<!ENTITY nbsp "evil">]>'), encoding="utf-8")
    with pytest.raises(InputError, match="declares XML entities"):
        list(read_rows(path))


@pytest.mark.parametrize("root", ["martif", "tbx"])
def test_named_character_references_are_read_as_their_characters(tmp_path, root):
    from glossary.formats import read_rows

    text = _tbx("centrale&nbsp;mar&eacute;motrice&rsquo;s &amp; co", title="&copy; client")
    if root == "tbx":  # TBX 2019, the same reader
        text = (text.replace("martif", "tbx").replace("termEntry", "conceptEntry")
                .replace("langSet", "langSec").replace("tig>", "termSec>")
                .replace('type="TBX"', 'type="TBX-Basic" style="dca" xmlns="urn:iso:std:iso:30042:ed-2"'))
    path = tmp_path / "client.tbx"
    path.write_text(text, encoding="utf-8")
    rows = list(read_rows(path))
    assert [r.fields["fr"] for r in rows] == [["centrale\u00a0marémotrice’s & co"], ["port intelligent"]]


def test_a_tbx_with_nbsp_in_a_term_imports_and_serves_lookup(run, tmp_path):
    path = tmp_path / "client.tbx"
    path.write_text(_tbx("centrale&nbsp;marémotrice"), encoding="utf-8")
    result, entries = imported(run, tmp_path, path)
    assert result.exit_code == 0, result.stderr
    assert [(e["zh"], e["fr"]) for e in entries] == [
        ("潮汐电站", "centrale\u00a0marémotrice"), ("智慧港口", "port intelligent")]
    found = run("lookup", "marémotrice", "-f", "tsv", "-t", str(path))
    assert found.exit_code == 0, found.stderr
    assert found.stdout.splitlines()[1].split("\t")[:3] == ["潮汐电站", "cháoxī diànzhàn", "centrale\u00a0marémotrice"]


def test_comments_and_processing_instructions_inside_elements_are_skipped(tmp_path):
    from glossary.formats import read_rows

    text = (_tbx("centrale <!-- checked -->maré<?editor mark?>motrice", between="<!-- c2 --><?pi?>")
            .replace("<tig>", "<tig><!-- tig --><?pi tig?>").replace("<langSet ", "<!-- lang --><langSet "))
    path = tmp_path / "client.tbx"
    path.write_text(text, encoding="utf-8")
    assert [(r.fields["zh"], r.fields["fr"]) for r in read_rows(path)] == [
        (["潮汐电站"], ["centrale marémotrice"]), (["智慧港口"], ["port intelligent"])]


# --------------------------------------------------------------------------- --terms client.tbx

def test_highlight_with_a_client_tbx_and_the_skips_said_once(run, tmp_path):
    client = tmp_path / "client.tbx"
    client.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<martif type="TBX" xml:lang="en"><text><body>\n'
        '<termEntry id="c1"><descrip type="subjectField">Énergie marine</descrip>'
        '<langSet xml:lang="zh-CN"><tig><term>潮汐电站</term></tig></langSet>'
        '<langSet xml:lang="fr-FR"><tig><term>centrale marémotrice</term></tig></langSet></termEntry>\n'
        '<termEntry id="c2"><langSet xml:lang="en"><tig><term>tidal</term></tig></langSet></termEntry>\n'
        "</body></text></martif>\n", encoding="utf-8")
    article = tmp_path / "article.txt"
    article.write_text("沿海地区建设潮汐电站和虚拟电厂。\n", encoding="utf-8")
    first = run("highlight", str(article), "-t", str(client))
    assert first.exit_code == 0, first.stderr
    assert first.stdout.splitlines()[0] == \
        "沿海地区建设{潮汐电站|centrale marémotrice}和{虚拟电厂|centrale virtuelle}。"
    assert "client.tbx: skipped 1 entry: no Chinese term (line 4 (c2))" in first.stderr
    warm = run("highlight", str(article), "-t", str(client))
    assert warm.stdout == first.stdout and warm.stderr == ""
    checked = run("validate", str(client))
    assert checked.exit_code == 1 and "line 4 (c2): skipped: no Chinese term" in checked.stdout
    # An edit is read again, and said again.
    client.write_text(client.read_text(encoding="utf-8").replace("潮汐电站", "潮汐能电站"), encoding="utf-8")
    again = run("lookup", "潮汐能电站", "-t", str(client), "-f", "tsv")
    assert again.exit_code == 0 and "skipped 1 entry" in again.stderr


def test_a_directory_of_terms_picks_up_csv_and_xlsx(run, tmp_path):
    terms = tmp_path / "terms"
    terms.mkdir()
    (terms / "a.csv").write_text("zh,fr\n潮汐电站,centrale marémotrice\n", encoding="utf-8")
    result = run("export", "-f", "xlsx", "--no-builtin", "-o", str(terms / "b.xlsx"),
                 "-t", str(terms / "a.csv"))
    assert result.exit_code == 0, result.stderr
    (terms / "a.csv").unlink()
    (terms / "c.tsv").write_text("zh\tfr\n智慧港口\tport intelligent\n", encoding="utf-8")
    listed = run("list", "-t", str(terms), "--no-builtin", "-f", "tsv")
    assert [line.split("\t")[1] for line in listed.stdout.splitlines()[1:]] == ["潮汐电站", "智慧港口"]


# --------------------------------------------------------------------------- export

def test_csv_has_a_bom_in_a_file_not_on_stdout(run, tmp_path):
    path = tmp_path / "g.csv"
    assert run("export", "-f", "csv", "-o", str(path), "-d", "clean-energy").exit_code == 0
    assert path.read_bytes().startswith(codecs.BOM_UTF8 + b"id,zh,")
    piped = run("export", "-f", "csv", "-d", "clean-energy")
    assert piped.stdout.startswith("id,zh,zh_hant,")


@pytest.mark.parametrize("fmt", ["xlsx", "anki"])
def test_binary_formats_refuse_a_terminal(run, monkeypatch, fmt):
    import glossary.cli.interchange as interchange

    monkeypatch.setattr(interchange, "stdout_is_terminal", lambda: True)
    result = run("export", "-f", fmt)
    assert result.exit_code == 2
    assert result.stderr == f"glossary: {fmt} is a binary format: give -o FILE, or pipe the output\n"
    assert result.stdout == ""


def test_export_takes_lists_filters(run):
    listed = run("list", "--domain", "transport", "--status", "deprecated", "-f", "json")
    exported = run("export", "-f", "csv", "--domain", "transport", "--status", "deprecated")
    ids = [r["id"] for r in json.loads(listed.stdout)]
    assert ids and [line.split(",")[0] for line in exported.stdout.splitlines()[1:]] == ids
    assert run("export", "-f", "csv", "--domain", "nowhere").exit_code == 2
    nothing = run("export", "-f", "csv", "--provenance", "user")
    assert nothing.exit_code == 1 and nothing.stdout == ""


def test_yaml_export_has_no_anchors_and_quotes_what_yaml_needs(run, tmp_path):
    source = tmp_path / "odd.csv"
    source.write_text('zh,fr,note\n潮汐电站,centrale marémotrice,"a\u2028b: c\nnote: injected #x"\n',
                      encoding="utf-8")
    result = run("export", "-f", "yaml", "-t", str(source), "--no-builtin")
    assert result.exit_code == 0
    out = tmp_path / "again.yaml"
    out.write_text(result.stdout, encoding="utf-8")
    entry = read_terms(out).entries[0]
    assert entry["note"] == "a\u2028b: c\nnote: injected #x"
    import yaml

    events = list(yaml.parse(run("export", "-f", "yaml").stdout))
    assert not [e for e in events if isinstance(e, yaml.AliasEvent) or getattr(e, "anchor", None)]


def test_unknown_format_is_a_usage_error(run):
    result = run("export", "-f", "docx")
    assert result.exit_code == 2 and result.stderr.startswith("glossary: --format 'docx'")


# --------------------------------------------------------------------------- short user entries

def test_a_user_entry_of_zh_and_fr_only_is_filled_in_when_read(run, tmp_path):
    path = tmp_path / "short.yaml"
    path.write_text("entries:\n  - zh: 潮汐电站\n    fr: centrale marémotrice\n", encoding="utf-8")
    shown = json.loads(run("show", "潮汐电站", "-t", str(path), "-f", "json").stdout)[0]
    assert (shown["id"], shown["pinyin"], shown["domain"], shown["category"], shown["provenance"]) == \
        ("chaoxi-dianzhan", "cháoxī diànzhàn", "general", "general", "user")
    assert shown["generated"] == ["id", "pinyin", "domain", "category", "source"]
    assert run("lookup", "chaoxi dianzhan", "-t", str(path), "-f", "tsv").stdout.splitlines()[1].startswith("潮汐电站")
    assert run("validate", str(path)).exit_code == 0


def test_an_entry_with_english_only_works_everywhere(run, tmp_path):
    path = tmp_path / "en.yaml"
    path.write_text("entries:\n  - zh: 潮汐电站\n    en: tidal power station\n", encoding="utf-8")
    article = tmp_path / "a.txt"
    article.write_text("建设潮汐电站。\n", encoding="utf-8")
    found = run("lookup", "tidal power station", "-t", str(path), "-f", "tsv")
    assert found.stdout.splitlines()[1].split("\t")[:4] == ["潮汐电站", "cháoxī diànzhàn", "", "tidal power station"]
    assert run("highlight", str(article), "-t", str(path), "--gloss", "en").stdout.startswith(
        "建设{潮汐电站|tidal power station}")
    assert run("highlight", str(article), "-t", str(path), "-f", "html").exit_code == 0
    for fmt in ("tbx", "tbx3", "csv", "xlsx", "anki", "html", "omegat", "yaml"):
        out = tmp_path / f"x.{fmt}"
        assert run("export", "-f", fmt, "-t", str(path), "--no-builtin", "--lang", "en",
                   "-o", str(out)).exit_code == 0, fmt
    back = read_terms(tmp_path / "x.tbx").entries
    assert [(e["zh"], e.get("fr"), e["en"]) for e in back] == [("潮汐电站", None, "tidal power station")]


def test_an_entry_without_any_rendering_is_refused_at_its_line(run, tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("entries:\n  - zh: 潮汐电站\n    note: x\n", encoding="utf-8")
    result = run("lookup", "x", "-t", str(path))
    assert result.exit_code == 2
    assert result.stderr == f"glossary: {path}:2:5: missing field 'fr' (or 'en': an entry needs a rendering)\n"


def test_a_user_file_declares_domains_of_its_own(run, tmp_path):
    path = tmp_path / "domains.yaml"
    path.write_text("domains:\n  - {id: marine-energy, name: Énergie marine}\nentries:\n"
                    "  - zh: 潮汐电站\n    fr: centrale marémotrice\n    domain: marine-energy\n", encoding="utf-8")
    listed = run("list", "-t", str(path), "--domain", "marine-energy", "-f", "tsv")
    assert listed.exit_code == 0 and "潮汐电站" in listed.stdout
    path.write_text(path.read_text(encoding="utf-8").replace("domain: marine-energy", "domain: marine"),
                    encoding="utf-8")
    result = run("list", "-t", str(path))
    assert result.exit_code == 2
    assert f"{path}:6:13: domain: 'marine' is not one of:" in result.stderr
    assert "(nor declared under domains: in this file)" in result.stderr


def test_shipped_files_keep_the_strict_schema(tmp_path):
    from glossary.store import read_term_file, schema_errors

    path = tmp_path / "like-shipped.yaml"
    path.write_text("domains:\n  - {id: marine-energy}\nentries:\n  - id: x\n    zh: 潮汐电站\n"
                    "    fr: centrale marémotrice\n    domain: marine-energy\n", encoding="utf-8")
    node, data = read_term_file(path)
    assert schema_errors(path, node, data, shipped=False) == []
    messages = [e.message for e in schema_errors(path, node, data, shipped=True)]
    assert "unknown field: 'domains' was unexpected" in messages
    assert any(m.startswith("entry 'x': missing field 'pinyin'") for m in messages)
    assert any(m.startswith("domain: 'marine-energy' is not one of") for m in messages)
