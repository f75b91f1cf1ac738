"""Values of the glossary: entries and their variants."""

from __future__ import annotations

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
    "id", "zh", "zh_hant", "zh_variants", "pinyin", "pinyin_deliberate", "zh_hant_deliberate",
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
            if key in VARIANT_FIELDS:
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

    def renderings(self, lang: str) -> Iterator[tuple[str, Status]]:
        """The reference rendering then every variant, for ``zh``, ``fr`` or ``en``."""
        main = getattr(self, lang)
        if main:
            yield main, Status.PREFERRED
        if lang == "zh" and self.zh_hant:
            yield self.zh_hant, Status.PREFERRED
        for variant in getattr(self, f"{lang}_variants"):
            yield variant.text, variant.status
