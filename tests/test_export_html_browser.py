"""The glossary page of `glossary export --format html`, rendered by headless Chromium:
grouped by category and domain, filtered as you type (the page opened as
``page.html#q=…`` fills the search box and filters, as typing does), and text from
the term files kept as text.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest

from test_html_browser import chromium, render  # noqa: F401  (the browser fixture)


class Rows(HTMLParser):
    """The entry rows of the rendered page (id, hidden or not), its headings and tags."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, bool] = {}
        self.headings: list[str] = []
        self.tags: list[str] = []
        self.count = ""
        self._heading = False
        self._count = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append(tag)
        if tag == "tr" and "entry" in (attrs.get("class") or ""):
            self.rows[attrs["data-id"]] = "hidden" in attrs
        self._heading = tag in ("h2", "h3")
        self._count = attrs.get("id") == "count"

    def handle_data(self, data):
        if self._heading:
            self.headings.append(data)
            self._heading = False
        if self._count:
            self.count += data

    def handle_endtag(self, tag):
        self._count = False if tag == "p" else self._count


@pytest.fixture(scope="module")
def page(tmp_path_factory) -> Path:
    from typer.testing import CliRunner

    from glossary.cli import app

    directory = tmp_path_factory.mktemp("page")
    hostile = directory / "hostile.csv"
    hostile.write_text('zh,fr,note\n潮汐电站,"<script>document.title=\'pwned\'</script>",'
                       '"<b>not bold</b> \x1b[31m"\n', encoding="utf-8")
    path = directory / "glossary.html"
    result = CliRunner().invoke(app, ["export", "-f", "html", "-o", str(path), "-t", str(hostile)])
    assert result.exit_code == 0, result.stderr
    return path


def _dom(chromium, page: Path, query: str = "") -> Rows:  # noqa: F811
    target = page.with_name(f"q-{abs(hash(query))}.html")
    target.write_bytes(page.read_bytes())
    uri = target.as_uri() + (f"#q={query}" if query else "")

    class At:  # render() takes a path; give it one whose URI carries the query
        def as_uri(self):
            return uri

    rows = Rows()
    rows.feed(render(chromium, At()))
    return rows


def test_every_entry_is_shown_grouped_by_category_and_domain(chromium, page, glossary):  # noqa: F811
    dom = _dom(chromium, page)
    assert len(dom.rows) == len(glossary) + 1 and not any(dom.rows.values())
    assert any(h.startswith("(一) 打造一批新领域新赛道应用场景") for h in dom.headings)
    assert "清洁能源领域 · Énergies propres" in dom.headings
    assert dom.count == f"{len(dom.rows)} / {len(dom.rows)}"  # the script ran


@pytest.mark.parametrize("query, expected", [
    ("xuni dianchang", {"virtual-power-plant", "virtual-power-plant-operation"}),
    ("centrale virtuelle", {"virtual-power-plant"}),
    ("虛擬電廠", {"virtual-power-plant"}),
])
def test_the_search_box_filters_the_entries(chromium, page, query, expected, glossary):  # noqa: F811
    dom = _dom(chromium, page, query)
    shown = {i for i, hidden in dom.rows.items() if not hidden}
    assert expected & shown == expected & set(dom.rows)
    assert shown and len(shown) < 10
    assert dom.count == f"{len(shown)} / {len(dom.rows)}"


def test_text_from_term_files_stays_text(chromium, page):  # noqa: F811
    dom = _dom(chromium, page, "潮汐电站")
    assert "script" in dom.tags  # the page's own one, allowed by its hash only
    assert dom.tags.count("script") == 1 and "b" not in dom.tags
    html = page.read_text(encoding="utf-8")
    assert "&lt;script&gt;document.title" in html and "␛[31m" in html
    assert "script-src 'sha256-" in html and "default-src 'none'" in html
