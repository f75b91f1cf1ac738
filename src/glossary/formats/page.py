"""The glossary (or the part of it selected) as one standalone HTML page: grouped by
category and domain, a search box that filters the entries as you type, printable.

The page follows the rules of the highlight page (:mod:`glossary.html`): every
piece of text from a term file is escaped, and its Content-Security-Policy lets it
load nothing and run no script but its own (allowed by its hash), so it works
offline and cannot reach the network. The search box filters on every language,
pinyin with or without tones, and the id; ``page.html#q=drone`` opens it filtered.
"""

from __future__ import annotations

import io
from typing import IO, Any, Iterable, Mapping

from glossary.formats import WriteOptions

CSS = """
:root { color-scheme: light; --ink: #1d1d1f; --muted: #6b6b70; --rule: #e3e3e0; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 75rem; padding: 1.5rem 2rem; color: var(--ink);
       background: #fbfbf8; font: 15px/1.5 "Noto Sans CJK SC", "Source Han Sans SC",
       "PingFang SC", "Microsoft YaHei", "Noto Sans", sans-serif; }
header { position: sticky; top: 0; background: #fbfbf8; padding: .5rem 0 .8rem;
         border-bottom: 1px solid var(--rule); z-index: 1; }
h1 { font-size: 1.3rem; margin: 0 0 .4rem; }
#q { width: 100%; max-width: 32rem; font: inherit; padding: .45rem .7rem;
     border: 1px solid #bbb; border-radius: 6px; }
#count { color: var(--muted); margin: .4rem 0 0; font-size: .9rem; }
h2 { font-size: 1.15rem; margin: 2rem 0 .3rem; }
h3 { font-size: 1rem; margin: 1.2rem 0 .3rem; color: #3b3b40; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: .3rem .45rem;
         border-bottom: 1px solid var(--rule); }
th { font-size: .8rem; color: var(--muted); font-weight: 600; }
td.zh { font-size: 1.15rem; white-space: nowrap; }
.hant, .var, .note, .id { color: var(--muted); font-size: .85rem; }
.var.deprecated { text-decoration: line-through; }
.pinyin { color: #2a6f97; }
[hidden] { display: none !important; }
@media print {
  header { position: static; border: 0; }
  #q, #count { display: none; }
  body { max-width: none; padding: 0; background: #fff; font-size: 11pt; }
  tr { break-inside: avoid; }
  h2, h3 { break-after: avoid; }
}
"""

# Filter as you type: a row shows when its text, folded (case, accents, tone marks),
# holds every word of the query; a section shows when one of its rows does.
SCRIPT = """
(function () {
  var box = document.getElementById("q"), count = document.getElementById("count");
  var rows = Array.prototype.slice.call(document.querySelectorAll("tr.entry"));
  var fold = function (s) {
    return s.normalize("NFD").replace(/[\\u0300-\\u036f]/g, "").toLowerCase();
  };
  var keys = rows.map(function (r) { return fold(r.textContent) + " " + fold(r.dataset.id); });
  var sections = Array.prototype.slice.call(document.querySelectorAll("section"));
  function apply() {
    var words = fold(box.value).split(/\\s+/).filter(Boolean), shown = 0;
    rows.forEach(function (row, i) {
      var hit = words.every(function (w) { return keys[i].indexOf(w) >= 0; });
      row.hidden = !hit;
      if (hit) { shown += 1; }
    });
    sections.forEach(function (s) { s.hidden = !s.querySelector("tr.entry:not([hidden])"); });
    count.textContent = shown + " / " + rows.length;
  }
  box.addEventListener("input", apply);
  var m = /^#q=(.*)$/.exec(location.hash);
  if (m) { box.value = decodeURIComponent(m[1]); }
  apply();
}());
"""


def _e(text: Any) -> str:
    """Text from a term file as HTML text (escaped, control characters made visible)."""
    from glossary.html import _text

    return _text(str(text))


def _a(text: Any) -> str:
    """Text from a term file as an attribute value (escaped, controls made visible)."""
    from glossary.html import _attr

    return _attr(str(text))


def _variants(variants: Iterable[Mapping[str, Any]] | None) -> str:
    return "".join(f'<br><span class="var {_a(v["status"])}">{_e(v["text"])} '
                   f'({_e(v["status"])})</span>' for v in variants or ())


def _row(r: Mapping[str, Any]) -> str:
    hant = f'<br><span class="hant">{_e(r["zh_hant"])}</span>' if r.get("zh_hant") else ""
    note = f'<span class="note">{_e(r["note"])}</span>' if r.get("note") else ""
    return (f'<tr class="entry" id="e-{_a(r["id"])}" data-id="{_a(r["id"])}">'
            f'<td class="zh" lang="zh">{_e(r["zh"])}{hant}{_variants(r.get("zh_variants"))}</td>'
            f'<td class="pinyin">{_e(r.get("pinyin") or "")}</td>'
            f'<td lang="fr">{_e(r.get("fr") or "")}{_variants(r.get("fr_variants"))}</td>'
            f'<td lang="en">{_e(r.get("en") or "")}{_variants(r.get("en_variants"))}</td>'
            f"<td>{note}</td></tr>\n")


def _groups(records: Iterable[Mapping[str, Any]], options: WriteOptions):
    """(category heading, [(domain heading, records)]) in the directive's order."""
    from glossary.taxonomy import CATEGORIES, DOMAINS, GENERAL

    by_group: dict[tuple[str, str], list] = {}
    for r in records:
        by_group.setdefault((r.get("category") or GENERAL, r.get("domain") or GENERAL), []).append(r)
    category_names = {GENERAL: "General vocabulary · 通用词汇"}
    category_names.update({c.slug: f"{c.number} {c.zh} · {c.fr}" for c in CATEGORIES})
    domain_names = {GENERAL: "général · 通用"}
    domain_names.update({d.slug: f"{d.zh} · {d.fr}" for d in DOMAINS})
    order = [GENERAL, *(c.slug for c in CATEGORIES)]
    domain_order = {slug: i for i, slug in enumerate([GENERAL, *(d.slug for d in DOMAINS)])}
    for category in order + sorted({c for c, _ in by_group} - set(order)):
        domains = sorted({d for c, d in by_group if c == category},
                         key=lambda d: (domain_order.get(d, len(domain_order)), d))
        if not domains:
            continue
        yield (category_names.get(category, category),
               [(domain_names.get(d) or options.domain_label(d), by_group[(category, d)]) for d in domains])


def write(records: Iterable[Mapping[str, Any]], out: IO[bytes], options: WriteOptions,
          name: str = "html") -> None:
    from glossary.html import content_security_policy

    records = list(records)
    text = io.TextIOWrapper(out, encoding="utf-8", newline="\n")
    w = text.write
    try:
        w("<!DOCTYPE html>\n<html lang=\"fr\">\n<head>\n<meta charset=\"utf-8\">\n"
          f"<meta http-equiv=\"Content-Security-Policy\" content=\"{content_security_policy([SCRIPT])}\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
          f"<title>{_e(options.title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
          f"<header><h1>{_e(options.title)}</h1>\n"
          "<input id=\"q\" type=\"search\" placeholder=\"中文, pinyin, français, English…\" "
          "aria-label=\"Filter the entries\" autocomplete=\"off\">\n"
          f"<p id=\"count\">{len(records)} entries</p></header>\n<main>\n")
        for category, domains in _groups(records, options):
            w(f"<section class=\"category\">\n<h2>{_e(category)}</h2>\n")
            for domain, rows in domains:
                w(f"<section class=\"domain\">\n<h3>{_e(domain)}</h3>\n<table>\n<thead><tr><th>中文</th>"
                  "<th>pinyin</th><th>français</th><th>English</th><th>note</th></tr></thead>\n<tbody>\n")
                w("".join(_row(r) for r in rows))
                w("</tbody>\n</table>\n</section>\n")
            w("</section>\n")
        w(f"</main>\n<script>{SCRIPT}</script>\n</body>\n</html>\n")
        text.flush()
    finally:
        text.detach()
