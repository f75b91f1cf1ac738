"""The highlighted text as one standalone HTML page.

Everything the page needs is inside it: no script, no font, no image, no
request (a Content-Security-Policy forbids them, so the page cannot reach the
network even by mistake). Each term found is a ``<mark>`` coloured by its
category (or domain), with a popover (CSS only, on hover and on keyboard
focus) giving zh / pinyin / fr / en / domain, and optionally its gloss inline
and its pinyin as ruby. After the text come a legend and an index of the
terms found with their counts, linking to each occurrence (``#t-ID-N``).

Every piece of text from the input or from a term file is escaped and its
control characters made visible (:func:`glossary.render.visible`), in text and in
attribute values alike; the only markup is the page's own. The page is written as
the text is read, so its size does not bound memory.
"""

from __future__ import annotations

import re
from html import escape
from typing import IO, TYPE_CHECKING, Iterable

from glossary.highlight import Gloss, Tally, gloss_of, visible

if TYPE_CHECKING:
    from glossary.matcher import TermMatcher, TermTable

# Links from the index to at most this many occurrences of one term.
MAX_LINKS = 200

from glossary.pinyin import HAN_RUN as _HAN_RUN

CSS = """
:root { color-scheme: light; --ink: #1d1d1f; --muted: #6b6b70; }
* { box-sizing: border-box; }
body { margin: 0; font: 17px/1.9 "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC",
       "Microsoft YaHei", "Noto Sans", sans-serif; color: var(--ink); background: #fbfbf8; }
.page { display: grid; grid-template-columns: minmax(0, 46rem) minmax(18rem, 30rem);
        gap: 2.5rem; padding: 2rem; justify-content: center; }
@media (max-width: 60rem) { .page { grid-template-columns: minmax(0, 1fr); } }
header { grid-column: 1 / -1; border-bottom: 1px solid #ddd; }
header h1 { font-size: 1.2rem; margin: 0 0 .3rem; }
header p { margin: 0 0 .8rem; color: var(--muted); font-size: .9rem; }
main.text { white-space: pre-wrap; overflow-wrap: anywhere; }
mark.term { position: relative; color: inherit; border-radius: 3px; padding: 0 1px;
            border-bottom: 2px solid var(--edge); background: var(--fill); cursor: help; }
mark.term:target { outline: 3px solid #e4572e; }
mark.term:hover::after, mark.term:focus::after {
  content: attr(data-tip); position: absolute; left: 0; top: 100%; z-index: 10;
  white-space: pre; font-size: .85rem; line-height: 1.5; padding: .5rem .7rem;
  background: #222; color: #fff; border-radius: 6px; box-shadow: 0 4px 14px rgba(0,0,0,.25); }
.gloss { font-size: .75em; color: var(--muted); margin-left: .15em; }
ruby rt { font-size: .55em; color: var(--muted); }
main.ruby { line-height: 2.8; }
aside { font-size: .9rem; }
aside h2 { font-size: 1rem; margin: 1.2rem 0 .4rem; }
.legend { list-style: none; padding: 0; margin: 0; }
.legend li { margin: .15rem 0; }
.swatch { display: inline-block; width: .9em; height: .9em; margin-right: .4em;
          vertical-align: -.1em; border-radius: 2px; background: var(--fill);
          border: 2px solid var(--edge); }
table.index { border-collapse: collapse; width: 100%; }
table.index th, table.index td { text-align: left; vertical-align: top; padding: .25rem .35rem;
                                 border-bottom: 1px solid #e6e6e6; }
table.index td.count { text-align: right; }
.occ a { margin-right: .3em; }
td.zh { min-width: 6em; }
.sub { color: var(--muted); font-size: .85em; }
"""


def content_security_policy(scripts: Iterable[str] = ()) -> str:
    """The page's Content-Security-Policy: nothing may be loaded; inline styles only,
    and only the page's own scripts (by their hash), if it has any."""
    import base64
    import hashlib

    policy = "default-src 'none'; style-src 'unsafe-inline'"
    hashes = " ".join(f"'sha256-{base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()}'"
                      for s in scripts)
    return f"{policy}; script-src {hashes}" if hashes else policy


def _text(text: str) -> str:
    """Input text as HTML text: escaped, control characters made visible (ESC → ␛)."""
    return escape(visible(text), quote=False)


def _attr(text: str) -> str:
    """Text from the input or a term file as the value of a quoted attribute: escaped,
    quotes included, control characters made visible as in the text."""
    return escape(visible(text), quote=True)


def _slug(value: str) -> str:
    """A CSS class name made of a slug (term files use ASCII slugs already)."""
    return re.sub(r"[^a-z0-9-]", "-", value.lower())


def group_colours(groups: Iterable[str]) -> dict[str, tuple[str, str]]:
    """A fill and an edge colour for each group (category or domain), hues spread evenly."""
    groups = list(groups)
    colours = {}
    for i, group in enumerate(groups):
        hue = round(360 * i / max(1, len(groups)) + 25) % 360
        colours[group] = (f"hsl({hue} 80% 90%)", f"hsl({hue} 55% 45%)")
    return colours


# The language tag of the glossary's Chinese in each script (--script), for fonts.
SCRIPT_LANG = {None: "zh-Hans", "hans": "zh-Hans", "hant": "zh-Hant", "tw": "zh-TW", "hk": "zh-HK"}


def _tip(entry) -> str:
    other = entry.zh_hant if entry.zh_hant and entry.zh_hant != entry.zh else None
    lines = [f"zh      {entry.zh}" + (f" / {other}" if other else ""),
             f"pinyin  {entry.pinyin}", f"fr      {entry.fr or ''}"]
    if entry.en:
        lines.append(f"en      {entry.en}")
    lines.append(f"domain  {entry.domain}")
    return "\n".join(lines)


class PageWriter:
    """Writes the page: :meth:`head`, then :meth:`block` for each block of text,
    then :meth:`tail`."""

    def __init__(self, matcher: "TermMatcher", glossary: "TermTable", out: IO[str], *,
                 gloss: Gloss = Gloss.FR, ruby: bool = False, colour_by: str = "category",
                 script=None, title: str = "glossary highlight") -> None:
        from glossary.taxonomy import CATEGORY_SLUGS, DOMAIN_SLUGS

        self.matcher = matcher
        self.glossary = glossary
        self.out = out
        self.gloss = gloss
        self.ruby = ruby
        self.colour_by = colour_by
        self.lang = SCRIPT_LANG[script.value if script is not None else None]
        self.title = title
        self.tally = Tally()
        groups = DOMAIN_SLUGS if colour_by == "domain" else CATEGORY_SLUGS
        extra = sorted(glossary.values(colour_by) - set(groups))
        self.colours = group_colours([*groups, *extra])
        self._open: dict[int, str] = {}  # form index → the mark's opening tag without its id
        self._close: dict[int, str] = {}

    # ------------------------------------------------------------- pieces

    def _ruby_text(self, text: str) -> str:
        """Escaped text; with --ruby, each run of Han characters with its pinyin above."""
        if not self.ruby:
            return _text(text)
        from glossary.pinyin import hanzi_readings

        parts = []
        pos = 0
        for match in _HAN_RUN.finditer(text):
            parts.append(_text(text[pos:match.start()]))
            run = match.group()
            readings = hanzi_readings(run)
            parts.append("".join(f"<ruby>{_text(ch)}<rt>{_text(py)}</rt></ruby>"
                                 for ch, py in zip(run, readings)))
            pos = match.end()
        parts.append(_text(text[pos:]))
        return "".join(parts)

    def _mark(self, index: int, text: str) -> tuple[str, str]:
        opening = self._open.get(index)
        if opening is None:
            entry = self.glossary.get(self.matcher.entry_ids[index])
            group = _slug(getattr(entry, self.colour_by))
            opening = (f'<mark class="term g-{group}" data-id="{_attr(entry.id)}" '
                       f'data-tip="{_attr(_tip(entry))}" tabindex="0"')
            body = _text(text)
            if self.ruby:
                from glossary.pinyin import term_pinyin

                reading = term_pinyin(text, entry.zh, entry.pinyin)
                body = f"<ruby>{body}<rt>{_text(reading)}</rt></ruby>"
            closing = f">{body}</mark>"
            gloss = gloss_of(entry, self.gloss)
            if gloss:
                closing += f'<span class="gloss">〔{_text(gloss)}〕</span>'
            self._open[index] = opening
            self._close[index] = closing
        return opening, self._close[index]

    # ------------------------------------------------------------- the page

    def head(self, note: str = "") -> None:
        rules = "\n".join(f"mark.g-{_slug(g)}, .swatch.g-{_slug(g)} {{ --fill: {fill}; --edge: {edge}; }}"
                          for g, (fill, edge) in self.colours.items())
        self.out.write(
            "<!DOCTYPE html>\n<html lang=\"zh\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<meta http-equiv=\"Content-Security-Policy\" content=\"{content_security_policy()}\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<title>{_text(self.title)}</title>\n<style>{CSS}{rules}\n</style>\n</head>\n<body>\n"
            "<div class=\"page\">\n"
            f"<header><h1>{_text(self.title)}</h1><p>{_text(note)}</p></header>\n"
            f"<main class=\"text{' ruby' if self.ruby else ''}\" lang=\"zh\">")

    def block(self, offset: int, block: str, matches: list) -> None:
        ids = self.matcher.entry_ids
        parts = []
        pos = 0
        for start, end, index in matches:
            start -= offset
            end -= offset
            if start > pos:
                parts.append(self._ruby_text(block[pos:start]))
            opening, closing = self._mark(index, block[start:end])
            n = self.tally.add(ids[index])
            parts.append(f'{opening} id="t-{_attr(ids[index])}-{n}"{closing}')
            pos = end
        parts.append(self._ruby_text(block[pos:]))
        self.out.write("".join(parts))

    def tail(self) -> None:
        out = self.out
        out.write("</main>\n<aside>\n")
        total = self.tally.total
        out.write(f"<h2>Terms found</h2>\n<p class=\"found\">{len(self.tally.counts)} terms, "
                  f"{total} occurrences</p>\n")
        used = {getattr(self.glossary.get(i), self.colour_by) for i in self.tally.counts}
        out.write(f"<h2>Legend ({_text(self.colour_by)})</h2>\n<ul class=\"legend\">\n")
        for group in self.colours:
            if group in used:
                out.write(f'<li><span class="swatch g-{_slug(group)}"></span>{_text(group)}</li>\n')
        out.write("</ul>\n<h2>Index</h2>\n<table class=\"index\">\n<thead><tr><th>term</th>"
                  "<th>rendering</th><th>count</th><th>occurrences</th></tr></thead>\n<tbody>\n")
        for entry_id, count in self.tally.counts.items():
            entry = self.glossary.get(entry_id)
            links = " ".join(f'<a href="#t-{_attr(entry_id)}-{n}">{n}</a>'
                             for n in range(1, min(count, MAX_LINKS) + 1))
            if count > MAX_LINKS:
                links += " …"
            english = f'<br><span class="sub">{_text(entry.en)}</span>' if entry.en else ""
            out.write(
                f'<tr id="term-{_attr(entry_id)}"><td class="zh" lang="{self.lang}">'
                f'<a href="#t-{_attr(entry_id)}-1">'
                f'<span class="swatch g-{_slug(getattr(entry, self.colour_by))}"></span>'
                f'{_text(entry.zh)}</a><br><span class="sub">{_text(entry.pinyin)}</span></td>'
                f"<td>{_text(entry.fr or '')}{english}</td><td class=\"count\">{count}</td>"
                f"<td class=\"occ\">{links}</td></tr>\n")
        out.write("</tbody>\n</table>\n</aside>\n</div>\n</body>\n</html>\n")


def write_page(blocks: Iterable[tuple[int, str, list]], matcher: "TermMatcher",
               glossary: "TermTable", out: IO[str], **options) -> Tally:
    """The whole page for the blocks of text (see :func:`glossary.highlight.iter_blocks`)."""
    note = options.pop("note", "")
    writer = PageWriter(matcher, glossary, out, **options)
    writer.head(note)
    for offset, block, matches in blocks:
        writer.block(offset, block, matches)
    writer.tail()
    return writer.tally
