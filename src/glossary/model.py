"""Values of the glossary: entries and their variants."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Iterator


class Status(str, Enum):
    """Evaluation of a rendering, as IATE and TBX name them."""

    PREFERRED = "preferred"
    ADMITTED = "admitted"
    DEPRECATED = "deprecated"


class Provenance(str, Enum):
    SOURCE = "source"  # Chinese and French both given by the directive's translation
    SOURCE_FR = "source-fr"  # French from the source, Chinese supplied by the editors
    EDITOR = "editor"  # added by the glossary's editors
    IMPORTED = "imported"  # converted from someone else's term base (imported_from says where)
    USER = "user"  # added by a user with ``glossary add``


@dataclass(frozen=True, slots=True)
class Variant:
    text: str
    status: Status
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"text": self.text, "status": self.status.value}
        if self.note:
            out["note"] = self.note
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Variant":
        return cls(data["text"], Status(data["status"]), data.get("note"))


class Region(str, Enum):
    """Where a regional Chinese form is the usual one."""

    TW = "tw"  # Taiwan
    HK = "hk"  # Hong Kong
    MO = "mo"  # Macau


@dataclass(frozen=True, slots=True)
class Regional:
    """A word form of Taiwan, Hong Kong or Macau that differs from ``zh_hant`` in words,
    not only in characters (人工智慧 for 人工智能, 數位經濟 for 数字经济)."""

    text: str
    region: Region
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"text": self.text, "region": self.region.value}
        if self.note:
            out["note"] = self.note
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Regional":
        return cls(data["text"], Region(data["region"]), data.get("note"))


class Script(str, Enum):
    """The script a reader wants glossary Chinese in (``--script``)."""

    HANS = "hans"  # simplified: zh
    HANT = "hant"  # traditional: zh_hant
    TW = "tw"  # Taiwan: the Taiwan form, else zh_hant
    HK = "hk"  # Hong Kong: the Hong Kong form, else zh_hant


def zh_in_script(record: Any, script: "Script | None") -> str:
    """The Chinese of an entry (an :class:`Entry`, or its record as a mapping) in a
    reader's script: ``zh``; ``zh_hant``; or the entry's first Taiwan / Hong Kong form,
    else ``zh_hant``. Falls back to ``zh`` where the entry has no traditional form."""
    get = record.get if isinstance(record, dict) else (lambda key: getattr(record, key, None))
    zh = get("zh")
    if script is None or script is Script.HANS:
        return zh
    hant = get("zh_hant") or zh
    if script is Script.HANT:
        return hant
    for regional in get("zh_regional") or ():
        region = regional.get("region") if isinstance(regional, dict) else regional.region.value
        if region == script.value:
            return regional["text"] if isinstance(regional, dict) else regional.text
    return _regional_characters(hant, script.value)


def _regional_characters(hant: str, region: str) -> str:
    """A traditional form in the character standard of Taiwan or Hong Kong (OpenCC's
    t2tw, t2hk): 碳達峯 is 碳達峰 in Taiwan, 醫療衛生 is 醫療衞生 in Hong Kong."""
    return _converter(f"t2{region}").convert(hant)


@functools.lru_cache(maxsize=None)
def _converter(config: str):
    import opencc  # only for a reader who asked for Taiwan or Hong Kong forms

    return opencc.OpenCC(config)


@dataclass(frozen=True, slots=True)
class Origin:
    """Where an entry was read: file and line."""

    path: str
    line: int
    builtin: bool

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


# The fields of a term file entry, in the order they are written and shown.
FIELDS: tuple[str, ...] = (
    "id", "zh", "zh_hant", "zh_variants", "zh_regional", "pinyin", "pinyin_deliberate", "zh_hant_deliberate",
    "fr", "fr_variants", "fr_provenance", "en", "en_variants", "en_provenance",
    "domain", "category", "source", "provenance", "note", "see_also", "generated",
    "imported_from",
)
VARIANT_FIELDS = ("zh_variants", "fr_variants", "en_variants")


@dataclass(frozen=True, slots=True)
class Entry:
    id: str
    zh: str
    pinyin: str
    fr: str | None  # a user's entry may give English only (shipped entries always give French)
    domain: str
    category: str
    source: str
    provenance: Provenance
    zh_hant: str | None = None
    zh_variants: tuple[Variant, ...] = ()
    zh_regional: tuple[Regional, ...] = ()
    pinyin_deliberate: bool = False
    zh_hant_deliberate: bool = False
    fr_variants: tuple[Variant, ...] = ()
    fr_provenance: str | None = None
    en: str | None = None
    en_variants: tuple[Variant, ...] = ()
    en_provenance: str | None = None
    note: str | None = None
    see_also: tuple[str, ...] = ()
    generated: tuple[str, ...] = ()  # fields whose values the tool filled in (pinyin, zh_hant …)
    imported_from: str | None = None  # file and row or entry an imported entry came from
    origin: Origin | None = field(default=None, compare=False)
    overrides: Origin | None = field(default=None, compare=False)

    @classmethod
    def from_dict(cls, data: dict[str, Any], origin: Origin | None = None,
                  overrides: Origin | None = None) -> "Entry":
        kwargs = {k: data[k] for k in FIELDS if k in data and data[k] is not None}
        kwargs.setdefault("fr", None)
        for key in VARIANT_FIELDS:
            if key in kwargs:
                kwargs[key] = tuple(Variant.from_dict(v) for v in kwargs[key])
        if "zh_regional" in kwargs:
            kwargs["zh_regional"] = tuple(Regional.from_dict(r) for r in kwargs["zh_regional"])
        for key in ("see_also", "generated"):
            if key in kwargs:
                kwargs[key] = tuple(kwargs[key])
        kwargs["provenance"] = Provenance(kwargs["provenance"])
        return cls(**kwargs, origin=origin, overrides=overrides)

    def to_dict(self) -> dict[str, Any]:
        """The entry as the term file names its fields (every field present, None if unset)."""
        out: dict[str, Any] = {}
        for key in FIELDS:
            value = getattr(self, key)
            if key in VARIANT_FIELDS or key == "zh_regional":
                value = [v.to_dict() for v in value]
            elif key in ("see_also", "generated"):
                value = list(value)
            elif isinstance(value, Enum):
                value = value.value
            out[key] = value
        return out

    def to_yaml_dict(self) -> dict[str, Any]:
        """The entry as it is written in a term file: unset and default fields left out."""
        return {k: v for k, v in self.to_dict().items() if v not in (None, [], False)}

    def chinese_forms(self) -> Iterator[str]:
        """Every Chinese form of the entry: ``zh``, ``zh_hant``, the variants, the
        regional forms."""
        yield self.zh
        if self.zh_hant:
            yield self.zh_hant
        yield from (v.text for v in self.zh_variants)
        yield from (r.text for r in self.zh_regional)

    def renderings(self, lang: str) -> Iterator[tuple[str, Status]]:
        """The reference rendering then every variant, for ``zh``, ``fr`` or ``en``."""
        main = getattr(self, lang)
        if main:
            yield main, Status.PREFERRED
        if lang == "zh" and self.zh_hant:
            yield self.zh_hant, Status.PREFERRED
        for variant in getattr(self, f"{lang}_variants"):
            yield variant.text, variant.status
