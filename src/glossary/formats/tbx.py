"""TBX: TermBase eXchange, the concept-oriented term base of ISO 30042.

Two dialects share this module (:mod:`glossary.formats.tbx3` is the second):

- ``tbx``: TBX v2 (ISO 30042:2008), ``martif`` › ``text/body`` › ``termEntry`` ›
  ``langSet`` › ``tig`` › ``term``: the layout translate-toolkit, Weblate, OmegaT,
  memoQ and Phrase read;
- ``tbx3``: TBX 2019 (ISO 30042:2019), dialect TBX-Basic, DCA style: ``tbx`` ›
  ``conceptEntry`` › ``langSec`` › ``termSec``, valid against the TBX core
  structure schema.

An entry is one concept. Its language sections come Chinese first, then the
target language (French, or English with ``--lang en``), then the other one, then
the traditional form, then the word forms of Taiwan, Hong Kong and Macau in their
regions' sections (``zh-TW``, ``zh-HK``, ``zh-MO``), each term marked with its
``geographicalUsage``: readers that take the first two languages of a concept as
source and target (translate-toolkit, Weblate) see Chinese → French. Variants are
further terms of their language with their ``administrativeStatus``. The domain is
the concept's ``subjectField``, ``source`` an ``admin`` of type ``source`` (the
provenance of a rendering, the same in its language), ``note`` a ``note``,
``see_also`` ``crossReference`` s. What TBX-Basic has no data category for
(pinyin, category, provenance, generated, imported_from, the deliberate marks)
goes, in v2, into ``termNote type="pronunciation"`` and ``admin`` of private
types ``x-…``; in TBX-Basic into ``note`` s that begin ``pinyin:``,
``category:`` … (read back only from files we wrote).

Reading parses the file as untrusted XML: a document type that declares entities
(where entity bombs and external entities live) is refused before parsing, and
lxml parses the rest with entity expansion, DTD loading and the network off, a
concept at a time (memory stays bounded). A reference to an entity nobody declared
that is a standard named character (``&nbsp;``, ``&eacute;``: the HTML table) is
read as that character, as the DTD a file names but we never read would have it;
any other entity reference is refused.
"""

from __future__ import annotations

import codecs
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Iterable, Iterator, Mapping
from xml.sax.saxutils import escape, quoteattr

from glossary.errors import InputError
from glossary.formats import ReadOptions, Row, Skip, WriteOptions
from glossary.formats.complete import regional_cell, variant_cell

# What a file we wrote says of itself (its sourceDesc); ids are read back from such files only.
MARKER = "scenario-glossary"
V3_NS = "urn:iso:std:iso:30042:ed-2"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
STATUS_TBX = {"preferred": "preferredTerm-admn-sts", "admitted": "admittedTerm-admn-sts",
              "deprecated": "deprecatedTerm-admn-sts"}
STATUS_OURS = {"preferredterm-admn-sts": "preferred", "admittedterm-admn-sts": "admitted",
               "deprecatedterm-admn-sts": "deprecated", "supersededterm-admn-sts": "deprecated",
               "preferred": "preferred", "admitted": "admitted", "deprecated": "deprecated",
               "standardizedterm-admn-sts": "preferred", "legalterm-admn-sts": "preferred",
               "regulatedterm-admn-sts": "preferred", "notrecommended": "deprecated",
               "obsolete": "deprecated", "obsoleteterm-admn-sts": "deprecated"}
# The private data categories: field → (v2 admin type, TBX-Basic note prefix).
PRIVATE = {"category": ("x-category", "category"), "provenance": ("x-provenance", "provenance"),
           "generated": ("x-generated", "generated"), "imported_from": ("x-importedFrom", "imported from"),
           "deliberate": ("x-deliberate", "deliberate")}
# Where a regional form is used: its section's language tag, its geographicalUsage.
REGION_TAGS = {"tw": "zh-TW", "hk": "zh-HK", "mo": "zh-MO"}
GEOGRAPHY = {"tw": "TW", "hk": "HK", "mo": "MO"}
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_NCNAME_START = re.compile(r"^[A-Za-z_]")


@dataclass(frozen=True)
class Dialect:
    name: str
    root: str
    entry: str
    lang: str
    term: str
    private_notes: bool  # TBX-Basic: private categories as notes


V2 = Dialect("tbx", "martif", "termEntry", "langSet", "tig", False)
V3 = Dialect("tbx3", "tbx", "conceptEntry", "langSec", "termSec", True)


# --------------------------------------------------------------------------- writing

def _t(text: Any) -> str:
    return escape(_NOT_XML.sub("\ufffd", str(text)))


def _a(text: Any) -> str:
    return quoteattr(_NOT_XML.sub("\ufffd", str(text)))


def xml_id(entry_id: str) -> str:
    """An entry id as an XML ID (which cannot start with a digit: ``_15th-five-year-plan``)."""
    return entry_id if _NCNAME_START.match(entry_id) else f"_{entry_id}"


class _Writer:
    def __init__(self, out: IO[str], dialect: Dialect, options: WriteOptions) -> None:
        self.out = out
        self.d = dialect
        self.options = options

    def private(self, field: str, value: str, indent: str) -> str:
        admin, prefix = PRIVATE[field]
        if self.d.private_notes:
            return f"{indent}<note>{_t(f'{prefix}: {value}')}</note>\n"
        return f"{indent}<admin type={_a(admin)}>{_t(value)}</admin>\n"

    def head(self) -> None:
        d, o = self.d, self.options
        w = self.out.write
        w('<?xml version="1.0" encoding="UTF-8"?>\n')
        if d is V2:
            w(f'<martif type="TBX" xml:lang={_a(o.zh_tag())}>\n<martifHeader>\n')
        else:
            w(f'<tbx type="TBX-Basic" style="dca" xml:lang={_a(o.zh_tag())} xmlns="{V3_NS}">\n'
              "<tbxHeader>\n")
        w(f"<fileDesc>\n<titleStmt><title>{_t(o.title)}</title></titleStmt>\n"
          f"<sourceDesc><p>{MARKER}: terminology of the State Council directive on application "
          "scenarios (国办发〔2025〕37号), Chinese, pinyin, French, English</p></sourceDesc>\n"
          "</fileDesc>\n")
        w("</martifHeader>\n" if d is V2 else "</tbxHeader>\n")
        w("<text>\n<body>\n")

    def entry(self, r: Mapping[str, Any]) -> None:
        d, o = self.d, self.options
        parts = [f"<{d.entry} id={_a(xml_id(r['id']))}>\n"]
        if r.get("domain"):
            parts.append(f'  <descrip type="subjectField">{_t(o.domain_label(r["domain"]))}</descrip>\n')
        if r.get("source"):
            parts.append(f'  <admin type="source">{_t(r["source"])}</admin>\n')
        for field in ("category", "provenance", "imported_from"):
            if r.get(field):
                parts.append(self.private(field, r[field], "  "))
        if r.get("generated"):
            parts.append(self.private("generated", " ".join(r["generated"]), "  "))
        deliberate = [k[:-len("_deliberate")] for k in ("pinyin_deliberate", "zh_hant_deliberate") if r.get(k)]
        if deliberate:
            parts.append(self.private("deliberate", " ".join(deliberate), "  "))
        for ref in r.get("see_also") or ():
            parts.append(f'  <ref type="crossReference">{_t(ref)}</ref>\n')
        if r.get("note"):
            parts.append(f"  <note>{_t(r['note'])}</note>\n")
        other = "en" if o.lang == "fr" else "fr"
        parts.append(self.language(o.zh_tag(), r["zh"], r.get("zh_variants"), pinyin=r.get("pinyin")))
        for lang in (o.lang, other):
            if r.get(lang):
                parts.append(self.language(lang, r[lang], r.get(f"{lang}_variants"),
                                           provenance=r.get(f"{lang}_provenance")))
        # Traditional, then the forms of Taiwan, Hong Kong and Macau, each in a section of
        # its region marked with its geographicalUsage (with --zh-tags region the
        # traditional form is zh-TW: Taiwan's forms join it).
        regional: dict[str, list[Mapping[str, Any]]] = {}
        for form in r.get("zh_regional") or ():
            regional.setdefault(form["region"], []).append(form)
        hant_tag = o.zh_tag(True)
        if r.get("zh_hant"):
            joined = regional.pop("tw", []) if hant_tag == REGION_TAGS["tw"] else []
            parts.append(self.language(hant_tag, r["zh_hant"], (), regional=joined))
        for region in REGION_TAGS:
            if regional.get(region):
                first, *rest = regional[region]
                parts.append(self.language(REGION_TAGS[region], None, (), regional=[first, *rest]))
        parts.append(f"</{d.entry}>\n")
        self.out.write("".join(parts))

    def language(self, tag: str, main: str | None, variants: Iterable[Mapping[str, Any]] | None,
                 pinyin: str | None = None, provenance: str | None = None,
                 regional: Iterable[Mapping[str, Any]] = ()) -> str:
        d = self.d
        parts = [f"  <{d.lang} xml:lang={_a(tag)}>\n"]
        if provenance:
            parts.append(f'    <admin type="source">{_t(provenance)}</admin>\n')
        if main is not None:
            parts.append(self.term(main, "preferred", None, pinyin))
        for v in variants or ():
            parts.append(self.term(v["text"], v["status"], v.get("note"), None))
        for form in regional:
            parts.append(self.term(form["text"], "preferred", form.get("note"), None,
                                   region=form["region"]))
        parts.append(f"  </{d.lang}>\n")
        return "".join(parts)

    def term(self, text: str, status: str, note: str | None, pinyin: str | None,
             region: str | None = None) -> str:
        d = self.d
        parts = [f"    <{d.term}>\n      <term>{_t(text)}</term>\n",
                 f'      <termNote type="administrativeStatus">{STATUS_TBX[status]}</termNote>\n']
        if region:
            parts.append(f'      <termNote type="geographicalUsage">{_t(GEOGRAPHY[region])}</termNote>\n')
        if pinyin and not d.private_notes:
            parts.append(f'      <termNote type="pronunciation">{_t(pinyin)}</termNote>\n')
        if pinyin and d.private_notes:
            parts.append(f"      <note>{_t('pinyin: ' + pinyin)}</note>\n")
        if note:
            parts.append(f"      <note>{_t(note)}</note>\n")
        parts.append(f"    </{d.term}>\n")
        return "".join(parts)

    def tail(self) -> None:
        self.out.write(f"</body>\n</text>\n</{self.d.root}>\n")


def write(records: Iterable[Mapping[str, Any]], out: IO[bytes], options: WriteOptions,
          name: str = "tbx") -> None:
    text = io.TextIOWrapper(out, encoding="utf-8", newline="\n")
    try:
        writer = _Writer(text, V3 if name == "tbx3" else V2, options)
        writer.head()
        for record in records:
            writer.entry(record)
        writer.tail()
        text.flush()
    finally:
        text.detach()


# --------------------------------------------------------------------------- reading

def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1] if tag.startswith("{") else tag


def _lang_field(tag: str) -> str | None:
    """Which of our languages a language tag is: zh (simplified), zh_hant, fr, en."""
    parts = tag.replace("_", "-").casefold().split("-")
    if parts[0] == "zh":
        rest = set(parts[1:])
        if rest & {"hant", "tw", "hk", "mo"}:
            return "zh_hant"
        return "zh"
    if parts[0] in ("fr", "en"):
        return parts[0]
    return None


def _region_of(usage: str) -> str | None:
    """Our region of a geographicalUsage (``TW``, ``zh-HK``, ``Hong Kong`` …), if any."""
    key = usage.replace("_", "-").casefold().split("-")[-1].replace(" ", "")
    return {"tw": "tw", "taiwan": "tw", "hk": "hk", "hongkong": "hk", "mo": "mo", "macau": "mo",
            "macao": "mo"}.get(key)


def _text_of(elem: Any) -> str:
    """The text of an element, its runs of white space made one space."""
    text = (elem.text or "") if len(elem) == 0 else "".join(elem.itertext())
    if "\n" in text or "\t" in text or "\r" in text or "  " in text or text.strip() != text:
        return " ".join(text.split())
    return text


# The start of a file, by its byte order mark or, without one, by the zero bytes around
# its first "<" (as an XML parser tells the encoding); longest marks first.
_MARKS = ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
          (codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
          (codecs.BOM_UTF16_BE, "utf-16-be"), (b"\x00\x00\x00<", "utf-32-be"),
          (b"<\x00\x00\x00", "utf-32-le"), (b"\x00<", "utf-16-be"), (b"<\x00", "utf-16-le"))
# What the internal subset of a document type holds that may contain a "]" or an
# "<!ENTITY" that is not one: quoted literals, comments, processing instructions.
_SUBSET_TOKEN = re.compile(r""""[^"]*"|'[^']*'|<!--.*?-->|<\?.*?\?>|\]|<!ENTITY""", re.DOTALL)
ENTITIES_REFUSED = ("refused: the file declares XML entities (an entity bomb, or an external entity "
                    "to read another file); TBX needs none")


def _head_text(head: bytes) -> str:
    for mark, encoding in _MARKS:
        if head.startswith(mark):
            return head.decode(encoding, errors="replace")
    return head.decode("utf-8", errors="replace")


def check_prolog(head: bytes, shown: str) -> None:
    """Refuse a document type that declares entities (an entity bomb, or an external
    entity that would read another file): TBX needs none. A document type that only
    names an external DTD (translate-toolkit writes one) is fine: it is never read."""
    text = _head_text(head)
    at = text.find("<!DOCTYPE")
    if at < 0:
        return
    subset = text.find("[", at)
    close = text.find(">", at)
    if subset < 0 or (close >= 0 and close < subset):
        return  # no internal subset
    for token in _SUBSET_TOKEN.finditer(text, subset + 1):
        if token.group() == "]":
            return  # the end of the internal subset
        if token.group() == "<!ENTITY":
            raise InputError(ENTITIES_REFUSED, shown)
    raise InputError("refused: a document type declaration too long to check", shown)


def _check_declared_entities(tree: Any, shown: str) -> None:
    """What the parser found declared, whatever the encoding hid from :func:`check_prolog`:
    entities refused before any text or attribute is read."""
    dtd = tree.docinfo.internalDTD
    if dtd is not None and next(iter(dtd.entities()), None) is not None:
        raise InputError(ENTITIES_REFUSED, shown)


def _character(name: str) -> str | None:
    """The character a standard named character reference stands for (``nbsp`` → U+00A0)."""
    from html.entities import html5

    return html5.get(name + ";")


def _resolve_references(top: Any, shown: str) -> None:
    """Make the subtree of ``top`` elements and text only: an entity reference nobody
    declared that is a standard named character becomes that character, comments and
    processing instructions go (their tail stays); any other node is refused."""
    from lxml import etree

    for node in list(top.iter()):
        if node is top or isinstance(node.tag, str):
            continue
        if isinstance(node, etree._Entity):
            text = _character(node.name)
            if text is None:
                raise InputError(f"refused: the entity reference &{node.name}; (entities are not read; "
                                 "only standard named characters such as &nbsp; are)", shown,
                                 node.sourceline)
        elif isinstance(node, (etree._Comment, etree._ProcessingInstruction)):
            text = ""
        else:
            raise InputError(f"unexpected XML content ({type(node).__name__})", shown, node.sourceline)
        text += node.tail or ""
        parent, previous = node.getparent(), node.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + text
        else:
            parent.text = (parent.text or "") + text
        parent.remove(node)


def _syntax_error(exc: Any) -> tuple[str, int | None]:
    """The message and line of a parse error: the first fatal one (iterparse raises a
    later "no element found" at line 0 once the parse has stopped)."""
    for entry in exc.error_log:
        if entry.level_name == "FATAL":
            return entry.message.strip(), entry.line
    return (exc.msg or str(exc)).strip(), exc.lineno


def read(path: Path, options: ReadOptions, name: str = "tbx") -> Iterator[Row | Skip | str]:
    from lxml import etree

    shown = str(path)
    try:
        with open(path, "rb") as fh:
            head = fh.read(1 << 20)
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", shown) from None
    if not head.strip():
        raise InputError("empty file", shown)
    check_prolog(head, shown)
    left_out: dict[str, int] = {}
    ours = False
    root_checked = False
    events = etree.iterparse(str(path), events=("end",), tag=("{*}termEntry", "{*}conceptEntry", "{*}sourceDesc"),
                             resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                             remove_comments=True, remove_pis=True, recover=False)
    try:
        for _, elem in events:
            if not root_checked:
                _check_declared_entities(elem.getroottree(), shown)
                root = _local(elem.getroottree().getroot().tag)
                if root not in ("martif", "tbx"):
                    raise InputError(f"not a TBX file (its root element is <{root}>, not <martif> or <tbx>)",
                                     shown)
                root_checked = True
            _resolve_references(elem, shown)
            if _local(elem.tag) == "sourceDesc":
                ours = ours or MARKER in _text_of(elem)
                continue
            yield _concept(elem, elem.sourceline or 0, ours, left_out)
            elem.clear()
            parent = elem.getparent()
            if parent is not None:
                _resolve_references(parent, shown)  # what lies between concepts is checked too
                while elem.getprevious() is not None:
                    del parent[0]
        if root_checked:
            _resolve_references(events.root, shown)  # the header, what is left
    except etree.XMLSyntaxError as exc:
        message, line = _syntax_error(exc)
        if "Entity" in message or "entity" in message:
            raise InputError(f"refused: {message} (entities are not read)", shown, line) from None
        raise InputError(f"not well-formed XML: {message}", shown, line) from None
    if not root_checked:
        try:
            tree = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True,
                                                          load_dtd=False))
        except etree.XMLSyntaxError as exc:
            message, line = _syntax_error(exc)
            raise InputError(f"not well-formed XML: {message}", shown, line) from None
        _check_declared_entities(tree, shown)
        root = tree.getroot()
        if _local(root.tag) not in ("martif", "tbx"):
            raise InputError(f"not a TBX file (its root element is <{_local(root.tag)}>, not <martif> "
                             "or <tbx>)", shown)
    if left_out:
        langs = ", ".join(f"{tag} ({n})" for tag, n in sorted(left_out.items()))
        yield f"{shown}: languages left out (only zh, fr and en are kept): {langs}"


def _concept(elem: Any, line: int, ours: bool, left_out: dict[str, int]) -> Row:
    """The fields of one termEntry / conceptEntry."""
    fields: dict[str, Any] = {}
    notes: list[str] = []
    private: dict[str, str] = {}
    concept_id = elem.get("id") or ""
    definition = None
    for child in elem:
        kind, ctype = _local(child.tag), child.get("type") or ""
        if kind in ("descripGrp", "adminGrp"):
            inner = next(iter(child), None)
            if inner is None:
                continue
            child, kind, ctype = inner, _local(inner.tag), inner.get("type") or ""
        text = _text_of(child)
        if not text:
            continue
        if kind == "descrip" and ctype == "subjectField":
            fields["domain"] = text
        elif kind == "descrip" and ctype == "definition":
            definition = definition or text
        elif kind == "admin" and ctype == "source":
            fields["source"] = text
        elif kind == "admin" and ours and ctype.startswith("x-"):
            for field, (admin, _) in PRIVATE.items():
                if ctype == admin:
                    private[field] = text
        elif kind == "ref" and ctype == "crossReference":
            fields.setdefault("see_also", []).append(text)
        elif kind == "note":
            _note(text, ours, notes, private)
        elif kind in ("langSet", "langSec"):
            _language(child, fields, ours, private, left_out)
    if notes:
        fields["note"] = "\n".join(notes)
    elif definition:
        fields["note"] = definition
    for field in ("category", "provenance", "imported_from", "pinyin"):
        if field in private:
            fields[field] = private[field]
    if "generated" in private:
        fields["generated"] = private["generated"].split()
    for mark in private.get("deliberate", "").split():
        if mark in ("pinyin", "zh_hant"):
            fields[f"{mark}_deliberate"] = True
    if ours:
        fields["id"] = concept_id
    where = f"line {line}" + (f" ({concept_id})" if concept_id else "")
    return Row(fields, line, where, ours)


def _note(text: str, ours: bool, notes: list[str], private: dict[str, str]) -> None:
    if ours:
        for field, (_, prefix) in (*PRIVATE.items(), ("pinyin", ("", "pinyin"))):
            if text.startswith(prefix + ": "):
                private[field] = text[len(prefix) + 2:]
                return
    notes.append(text)


def _language(section: Any, fields: dict[str, Any], ours: bool, private: dict[str, str],
              left_out: dict[str, int]) -> None:
    tag = section.get(XML_LANG) or section.get("lang") or ""
    lang = _lang_field(tag)
    if lang is None:
        left_out[tag or "(no language)"] = left_out.get(tag or "(no language)", 0) + 1
        return
    terms: list[dict[str, Any]] = []
    for child in section:
        kind = _local(child.tag)
        if kind == "admin" and child.get("type") == "source" and lang in ("fr", "en"):
            fields.setdefault(f"{lang}_provenance", _text_of(child))
        if kind not in ("tig", "termSec", "ntig"):
            continue
        term: dict[str, Any] = {"text": "", "status": None, "note": None, "region": None}
        for part in child.iter():
            name, ptype = _local(part.tag), part.get("type") or ""
            if name == "term" and not term["text"]:
                term["text"] = _text_of(part)
            elif name == "termNote" and ptype == "administrativeStatus":
                term["status"] = STATUS_OURS.get(_text_of(part).casefold(), "admitted")
            elif name == "termNote" and ptype == "geographicalUsage":
                term["region"] = _region_of(_text_of(part))
            elif name == "termNote" and ptype == "pronunciation" and lang == "zh":
                private.setdefault("pinyin", _text_of(part))
            elif name == "note":
                text = _text_of(part)
                if ours and text.startswith("pinyin: ") and lang == "zh":
                    private.setdefault("pinyin", text[len("pinyin: "):])
                elif text:
                    term["note"] = text
        if term["text"]:
            terms.append(term)
    if not terms:
        return
    if lang == "zh_hant":
        # A term marked with where it is used is a regional form; the first one that is
        # not is the traditional form.
        for term in terms:
            if term["region"]:
                fields.setdefault("zh_regional", []).append(regional_cell(
                    {"text": term["text"], "region": term["region"], "note": term["note"]}))
            else:
                fields.setdefault("zh_hant", term["text"])
        return
    main = next((t for t in terms if t["status"] in (None, "preferred")), terms[0])
    if fields.get(lang):
        return  # a second section of the same language: the first one counts
    fields[lang] = [main["text"]]
    variants = []
    for t in terms:
        if t is main:
            continue
        variant = {"text": t["text"], "status": t["status"] or "admitted"}
        if t["note"]:
            variant["note"] = t["note"]
        variants.append(variant_cell(variant))
    if variants:
        fields[f"{lang}_variants"] = variants
