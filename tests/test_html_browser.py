"""The HTML page of `glossary highlight`, rendered by a real browser (headless Chromium).

Chromium comes from Debian's ``chromium`` package (``.ci/run`` installs it). The
test skips when Chromium is absent only outside CI; under CI (``$CI`` set) a
missing browser is a failure.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import pytest

TEXT = ("推进公铁、水水、铁水智慧联运和智慧农（牧、渔）场。\n"
        "香港推動虛擬電廠發展，建设数字乡村和数字乡村示范。\n"
        "<script>document.body.innerHTML='pwned'</script> [bold]x[/] \x1b[31m & <b>not bold</b>\n")
EXPECTED = [("公铁、水水、铁水智慧联运", "smart-intermodal-transport"),
            ("智慧农（牧、渔）场", "smart-farm"),
            ("虛擬電廠", "virtual-power-plant"),
            ("数字乡村", "digital-village"),
            ("数字乡村", "digital-village")]


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def chromium():
    binary = _chromium()
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed (apt-get install chromium); "
                        "the HTML page must be tested in a browser under CI")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    return binary


def render(chromium: str, page: Path) -> str:
    """The DOM of the page after Chromium has loaded and rendered it."""
    with tempfile.TemporaryDirectory() as profile:
        result = subprocess.run(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--no-first-run", f"--user-data-dir={profile}", "--dump-dom", page.as_uri()],
            capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


class DomReader(HTMLParser):
    """The marks (text and attributes), element names, ids and links of a DOM."""

    def __init__(self) -> None:
        super().__init__()
        self.marks: list[dict] = []
        self.tags: list[str] = []
        self.ids: set[str] = set()
        self.links: list[str] = []
        self._mark_depth = 0
        self._in_rt = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append(tag)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("href", "").startswith("#"):
            self.links.append(attrs["href"][1:])
        if tag == "mark":
            self.marks.append({"text": "", **attrs})
            self._mark_depth += 1
        if tag == "rt":
            self._in_rt = True

    def handle_endtag(self, tag):
        if tag == "mark":
            self._mark_depth -= 1
        if tag == "rt":
            self._in_rt = False

    def handle_data(self, data):
        if self._mark_depth and not self._in_rt:
            self.marks[-1]["text"] += data


@pytest.fixture(scope="module")
def pages(chromium, tmp_path_factory):
    """The page with and without ruby, as Chromium renders them."""
    from typer.testing import CliRunner

    from glossary.cli import app

    directory = tmp_path_factory.mktemp("html")
    source = directory / "article.txt"
    source.write_text(TEXT, encoding="utf-8")
    out = {}
    for name, extra in (("plain", []), ("ruby", ["--ruby"])):
        result = CliRunner().invoke(app, ["highlight", str(source), "-f", "html", *extra])
        assert result.exit_code == 0, result.stderr
        page = directory / f"{name}.html"
        page.write_text(result.stdout, encoding="utf-8")
        dom = DomReader()
        dom.feed(render(chromium, page))
        out[name] = dom
    return out


@pytest.mark.parametrize("name", ["plain", "ruby"])
def test_browser_shows_every_term_marked_with_its_entry(pages, name):
    dom = pages[name]
    assert [(m["text"], m["data-id"]) for m in dom.marks] == EXPECTED


@pytest.mark.parametrize("name", ["plain", "ruby"])
def test_every_mark_has_a_popover_with_the_renderings(pages, name):
    for mark in pages[name].marks:
        tip = mark["data-tip"]
        for label in ("zh ", "pinyin ", "fr ", "domain "):
            assert label in tip
    first = pages[name].marks[0]["data-tip"]
    assert "interconnexion multimodale intelligente" in first


def test_index_links_lead_to_occurrences(pages):
    dom = pages["plain"]
    occurrences = [link for link in dom.links if link.startswith("t-")]
    assert "t-digital-village-2" in occurrences
    assert set(occurrences) <= dom.ids
    assert {m["id"] for m in dom.marks} == {"t-smart-intermodal-transport-1", "t-smart-farm-1",
                                           "t-virtual-power-plant-1", "t-digital-village-1",
                                           "t-digital-village-2"}


def test_input_markup_stays_text_in_the_browser(pages):
    dom = pages["plain"]
    # The page makes no script and no <b>; the input's are shown as text.
    assert "script" not in dom.tags
    assert "b" not in dom.tags
    assert "pwned" not in "".join(m["text"] for m in dom.marks)


def test_ruby_page_has_pinyin_over_the_terms(pages):
    assert "ruby" in pages["ruby"].tags and "rt" in pages["ruby"].tags
