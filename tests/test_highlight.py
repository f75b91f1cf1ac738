"""Finding glossary terms in text: the matcher, and `glossary highlight`."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from glossary.matcher import Span, TermMatcher

# --------------------------------------------------------------------------- the matcher


def leftmost_longest(text: str, forms: dict[str, str]) -> list[tuple[int, int, str]]:
    """The reference: scan left to right, take the longest form starting here, jump past it."""
    out, i = [], 0
    longest = max(map(len, forms), default=0)
    while i < len(text):
        for length in range(min(longest, len(text) - i), 0, -1):
            piece = text[i:i + length]
            if piece in forms:
                out.append((i, i + length, forms[piece]))
                i += length
                break
        else:
            i += 1
    return out


def every_occurrence(text: str, forms: dict[str, str]) -> list[tuple[int, int, str]]:
    found = [(i, i + len(f), forms[f]) for f in forms for i in range(len(text))
             if text.startswith(f, i)]
    return sorted(found, key=lambda m: (m[0], -m[1]))


def triples(spans: list[Span]) -> list[tuple[int, int, str]]:
    return [(s.start, s.end, s.entry_id) for s in spans]


@pytest.fixture(scope="module")
def matcher(glossary):
    return TermMatcher.from_glossary(glossary)


@pytest.mark.parametrize(("text", "expected"), [
    ("建设数字乡村", [("数字乡村", "digital-village")]),
    ("推进公铁、水水、铁水智慧联运。", [("公铁、水水、铁水智慧联运", "smart-intermodal-transport")]),
    ("建设智慧农（牧、渔）场", [("智慧农（牧、渔）场", "smart-farm")]),
    ("发展虛擬電廠和低空經濟", [("虛擬電廠", "virtual-power-plant"), ("低空經濟", "low-altitude-economy")]),
    ("元宇宙、数字孪生与远程医疗", [("元宇宙", "metaverse"), ("数字孪生", "digital-twin"),
                             ("远程医疗", "telemedicine")]),
])
def test_real_terms_are_found_whole_with_their_entry(matcher, text, expected):
    spans = matcher.find_spans(text)
    assert [(s.text, s.entry_id) for s in spans] == expected
    for span in spans:
        assert text[span.start:span.end] == span.text


def test_longest_term_wins_and_nested_ones_come_with_overlapping(glossary):
    forms = {"数字乡村": "digital-village", "乡村": "village", "数字": "digital"}
    matcher = TermMatcher(forms)
    assert triples(matcher.find_spans("建设数字乡村")) == [(2, 6, "digital-village")]
    assert triples(matcher.find_spans("建设数字乡村", overlapping=True)) == [
        (2, 6, "digital-village"), (2, 4, "digital"), (4, 6, "village")]


def test_a_shorter_term_inside_a_failed_longer_one_is_found():
    # pyahocorasick's iter_long finds nothing here; we must find 知识产权.
    matcher = TermMatcher({"知识产权": "ip", "国家知识产权局": "cnipa"})
    assert triples(matcher.find_spans("国家知识产权")) == [(2, 6, "ip")]


def test_main_form_beats_another_entry_variant(glossary):
    from glossary.model import Entry, Provenance, Status, Variant

    def entry(id_, zh, variants=()):
        return Entry(id=id_, zh=zh, pinyin="x", fr="x", domain="general", category="general",
                     source="x", provenance=Provenance.EDITOR,
                     zh_variants=tuple(Variant(v, Status.ADMITTED) for v in variants))

    matcher = TermMatcher.from_entries([entry("a", "智慧农场"), entry("b", "智慧牧场", ["智慧农场"])])
    assert triples(matcher.find_spans("智慧农场")) == [(0, 4, "a")]


def test_offsets_are_characters_not_bytes(matcher):
    spans = matcher.find_spans("😀 é 低空经济")
    assert triples(spans) == [(4, 8, "low-altitude-economy")]


def test_empty_glossary_and_empty_text_find_nothing(matcher):
    assert TermMatcher({}).find_spans("低空经济") == []
    assert matcher.find_spans("") == []


FORMS = {"ab": "1", "abcab": "2", "bc": "3", "c": "4", "bca": "5", "abcabd": "6", "d": "7"}


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="abcdx", max_size=40))
def test_matcher_agrees_with_the_reference_scan(text):
    matcher = TermMatcher(FORMS)
    assert triples(matcher.find_spans(text)) == leftmost_longest(text, FORMS)
    assert triples(matcher.find_spans(text, overlapping=True)) == every_occurrence(text, FORMS)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="abcdx", max_size=60), st.lists(st.integers(0, 60), max_size=6),
       st.booleans())
def test_a_term_across_a_chunk_boundary_is_found_once(text, cuts, overlapping):
    matcher = TermMatcher(FORMS)
    bounds = sorted({0, len(text), *(c for c in cuts if c <= len(text))})
    chunks = [text[a:b] for a, b in zip(bounds, bounds[1:])]
    assert list(matcher.iter_spans(chunks, overlapping)) == matcher.find_spans(text, overlapping)
    pieces = [piece for _, piece, _ in matcher.iter_chunk_matches(chunks, overlapping)]
    assert "".join(pieces) == text


@pytest.mark.parametrize("size", [1, 2, 3, 5, 8, 13])
def test_real_terms_across_chunk_boundaries(matcher, size):
    text = "推进公铁、水水、铁水智慧联运和智慧农（牧、渔）场，建设数字乡村。" * 3
    chunks = [text[i:i + size] for i in range(0, len(text), size)]
    assert list(matcher.iter_spans(chunks)) == matcher.find_spans(text)
    assert len(matcher.find_spans(text)) == 9
