"""An Anki deck (.apkg), written with genanki: one note an entry, two cards a note —
Chinese → French and French → Chinese (English with ``--lang en``). The back of
each card shows the pinyin, the traditional form and the note. Anki's fields are
HTML: every value is escaped, so text from a term file is never markup. Notes keep
a stable identity (from the entry's id), so importing a newer export updates them.
"""

from __future__ import annotations

import io
import zlib
from html import escape
from typing import IO, Any, Iterable, Mapping

from glossary.formats import WriteOptions

FIELDS = ("Chinese", "Pinyin", "Meaning", "Traditional", "Other", "Note", "Domain", "Id")
LANG_NAMES = {"fr": ("French", "English"), "en": ("English", "French")}
CSS = """.card { font-family: "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif;
  font-size: 22px; text-align: center; color: #1d1d1f; background: #fbfbf8; }
.zh { font-size: 40px; } .pinyin { color: #2a6f97; } .hant { color: #6b6b70; }
.note, .other, .domain { font-size: 15px; color: #6b6b70; }"""
BACK = ('<div class="pinyin">{{Pinyin}}</div><div class="hant">{{Traditional}}</div>'
        '<div class="note">{{Note}}</div><div class="domain">{{Domain}}</div>')


def _stable_id(text: str) -> int:
    """A positive 31-bit id that stays the same from one export to the next."""
    return (zlib.crc32(text.encode()) & 0x7FFFFFFF) | (1 << 30)


def _html(text: Any) -> str:
    return escape(str(text or "")).replace("\n", "<br>")


def model(lang: str):
    import genanki

    name, other = LANG_NAMES[lang]
    templates = [
        {"name": f"Chinese → {name}",
         "qfmt": '<div class="zh">{{Chinese}}</div>',
         "afmt": '{{FrontSide}}<hr id="answer"><div>{{Meaning}}</div>' + BACK},
        {"name": f"{name} → Chinese",
         "qfmt": "<div>{{Meaning}}</div>",
         "afmt": '{{FrontSide}}<hr id="answer"><div class="zh">{{Chinese}}</div>' + BACK},
    ]
    return genanki.Model(_stable_id(f"glossary model {lang}"), f"glossary: Chinese ↔ {name}",
                         fields=[{"name": f} for f in FIELDS], templates=templates, css=CSS)


def write(records: Iterable[Mapping[str, Any]], out: IO[bytes], options: WriteOptions,
          name: str = "anki") -> None:
    import genanki

    lang = options.lang
    other = "en" if lang == "fr" else "fr"
    note_model = model(lang)
    deck = genanki.Deck(_stable_id(f"glossary deck {options.title} {lang}"), options.title)
    for r in records:
        meaning = r.get(lang)
        if not meaning:
            continue
        fields = [_html(r["zh"]), _html(r.get("pinyin")), _html(meaning), _html(r.get("zh_hant")),
                  _html(r.get(other)), _html(r.get("note")), _html(options.domain_label(r.get("domain") or "")),
                  _html(r["id"])]
        tags = [t for t in (r.get("domain"), r.get("category")) if t]
        deck.add_note(genanki.Note(model=note_model, fields=fields, guid=genanki.guid_for(r["id"]),
                                   tags=tags, sort_field=_html(r["zh"])))
    buffer = io.BytesIO()
    genanki.Package(deck).write_to_file(buffer)
    out.write(buffer.getvalue())
