"""One concept a row: what CSV, TSV and Excel sheets share.

Writing: a header of our field names, one cell a field; a field of several values
(variants, ``see_also``) holds them separated by `` | `` (the MultiTerm convention),
a variant written ``text (status)`` or ``text (status; note)``, a regional form
``text (region)`` or ``text (region; note)``.

Reading: columns are recognised by our own field names first (so that our export
reads back exactly), then by the names people give them in English, French and
Chinese; a bare "Source" / "Target" is the Chinese / the ``--lang`` language only
when no other column names them; ``--map COLUMN=FIELD`` overrides. Columns not
recognised are left out, and said so.
"""

from __future__ import annotations

from typing import Any, Iterable, Iterator, Mapping, Sequence

from glossary.errors import UsageError
from glossary.formats import ReadOptions, Row, Skip
from glossary.formats.complete import SEPARATOR, fold, regional_cell, variant_cell
from glossary.model import FIELDS, VARIANT_FIELDS

# Header names people use, folded (see complete.fold), for each of our fields.
ALIASES: dict[str, tuple[str, ...]] = {
    "zh": ("chinese", "chinois", "中文", "简体", "簡體", "简体中文", "中文简体", "汉语", "漢語", "zhcn",
           "zhhans", "zhsg", "chinesesimplified", "simplifiedchinese", "chinoissimplifie", "term",
           "terme", "术语", "術語", "源术语", "termechinois", "chineseterm", "中文术语", "中文名称"),
    "zh_hant": ("traditional", "traditionalchinese", "chinesetraditional", "chinoistraditionnel",
                "繁体", "繁體", "繁体中文", "繁體中文", "zhtw", "zhhk", "zhhant", "zhmo"),
    "pinyin": ("pinyin", "拼音", "hanyupinyin"),
    "fr": ("french", "francais", "traduction", "traductionfr", "frfr", "frbe", "frch", "frca",
           "法语", "法語", "法文", "translationfr", "termefrancais", "frenchterm", "法语术语", "法文名称"),
    "en": ("english", "anglais", "enus", "engb", "英语", "英語", "英文", "translationen", "termeanglais",
           "englishterm", "英文名称"),
    "note": ("note", "notes", "remarque", "remarques", "comment", "comments", "commentaire",
             "commentaires", "备注", "備註", "注释", "說明", "说明", "definition", "définition"),
    "domain": ("domain", "domaine", "subject", "subjectfield", "field", "领域", "領域", "专业",
               "專業", "主题", "thematique"),
    "category": ("category", "categorie", "类别", "類別"),
    "fr_variants": ("frenchvariants", "variantesfr", "synonymesfr"),
    "en_variants": ("englishvariants", "variantsen", "synonymsen"),
}
_BY_ALIAS = {fold(alias): name for name, aliases in ALIASES.items() for alias in aliases}
SOURCE_WORDS = {"source", "sourceterm", "sourcelanguage", "源语言", "原文"}
TARGET_WORDS = {"target", "cible", "targetterm", "targetlanguage", "translation", "译文", "目标语言"}

COLUMNS: tuple[str, ...] = FIELDS
LIST_FIELDS = ("see_also", "generated")
FLAG_FIELDS = ("pinyin_deliberate", "zh_hant_deliberate")


# --------------------------------------------------------------------------- writing

def cells(record: Mapping[str, Any], columns: Sequence[str] = COLUMNS) -> list[str]:
    """A record as the cells of one row."""
    out = []
    for key in columns:
        value = record.get(key)
        if key in VARIANT_FIELDS:
            out.append(SEPARATOR.join(variant_cell(v) for v in value or ()))
        elif key == "zh_regional":
            out.append(SEPARATOR.join(regional_cell(v) for v in value or ()))
        elif key in LIST_FIELDS:
            out.append(SEPARATOR.join(value or ()))
        elif key in FLAG_FIELDS:
            out.append("true" if value else "")
        else:
            out.append("" if value is None else str(value))
    return out


def rows(records: Iterable[Mapping[str, Any]], columns: Sequence[str] = COLUMNS) -> Iterator[list[str]]:
    """The header, then a row of cells a record."""
    yield list(columns)
    for record in records:
        yield cells(record, columns)


# --------------------------------------------------------------------------- reading

def parse_map(pairs: Iterable[str]) -> dict[str, str]:
    """``--map COLUMN=FIELD`` options as a mapping (FIELD one of ours, or ``-`` to drop)."""
    out = {}
    for pair in pairs:
        column, sep, name = pair.partition("=")
        if not sep or not column.strip():
            raise UsageError(f"--map {pair!r}: write COLUMN=FIELD (e.g. --map 'Terme chinois=zh')")
        name = name.strip()
        if name not in FIELDS and name != "-":
            raise UsageError(f"--map {pair!r}: {name!r} is not a field; fields: {', '.join(FIELDS)}")
        out[column.strip()] = name
    return out


def recognise(header: Sequence[Any], options: ReadOptions) -> tuple[dict[int, str], list[str], bool]:
    """Which field each column holds: ``{column index: field}``, the names of the
    columns left out, and whether the header is ours (our field names, id and zh)."""
    names = ["" if h is None else str(h).strip() for h in header]
    ours = "zh" in names and "id" in names
    mapping: dict[int, str] = {}
    for i, name in enumerate(names):
        if name in options.columns:
            if options.columns[name] != "-":
                mapping[i] = options.columns[name]
        elif name in FIELDS and (name != "source" or "zh" in names):
            mapping[i] = name
    for i, name in enumerate(names):
        if i in mapping or name in options.columns:
            continue
        field = _BY_ALIAS.get(fold(name))
        if field and field not in mapping.values():
            mapping[i] = field
    # A bare Source / Target only when no column names the Chinese / the target language.
    target = options.lang
    for i, name in enumerate(names):
        if i in mapping or name in options.columns:
            continue
        key = fold(name)
        if key in SOURCE_WORDS and "zh" not in mapping.values():
            mapping[i] = "zh"
        elif key in SOURCE_WORDS and "source" not in mapping.values():
            mapping[i] = "source"
        elif key in TARGET_WORDS and target not in mapping.values():
            mapping[i] = target
    left = [name for i, name in enumerate(names) if i not in mapping and name
            and options.columns.get(name) != "-"]
    return mapping, left, ours


def read_table(table: Iterator[tuple[int, Sequence[Any]]], options: ReadOptions,
               name: str) -> Iterator[Row | Skip | str]:
    """Rows of a sheet (``(line, cells)``, the header first) as entries found."""
    for line, header in table:
        if any(str(h).strip() for h in header if h is not None):
            break
    else:
        return
    mapping, left, ours = recognise(header, options)
    if "zh" not in mapping.values():
        shown = ", ".join(repr(str(h)) for h in header if h not in (None, ""))
        raise UsageError(f"{name}: no column of Chinese terms among {shown} "
                         "(name it with --map COLUMN=zh)")
    if left:
        yield f"{name}: columns left out: {', '.join(left)} (--map COLUMN=FIELD to use one)"
    for line, values in table:
        fields = {}
        for i, field in mapping.items():
            if i < len(values) and values[i] is not None:
                value = values[i]
                if isinstance(value, float) and value.is_integer():
                    value = int(value)
                text = str(value).strip()
                if text:
                    fields[field] = text
        if not fields:
            continue  # a blank row
        yield Row(fields, line, f"row {line}", ours)
