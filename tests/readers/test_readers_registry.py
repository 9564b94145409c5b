"""The format registry, the layering of the reader modules, and the names kept where they were."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import rashomon.readers
from rashomon.readers import base, dispatch, fetch, folder, pages, registry, url
from rashomon.readers.base import ReadContext, Reader, ReadResult
from rashomon.readers.registry import FileFormat, formats, get_format, register
from rashomon.readers.sniff import FOLDER_SUFFIXES, detect, sniff


@pytest.fixture
def extra_format() -> Iterator[list[Path]]:
    """A format registered for one test (``.story`` files, or content starting ``STORY:``)."""
    seen: list[Path] = []

    def read_story(path: Path, ctx: ReadContext) -> Reader:
        seen.append(path)
        yield ReadResult.skip(str(path), "a story file")

    register(FileFormat("story", read_story, (".story",),
                        lambda head: head.startswith(b"STORY:"), order=25))
    try:
        yield seen
    finally:
        registry._FORMATS.pop("story")


def test_every_format_module_registers_itself_in_sniffing_order() -> None:
    assert [f.name for f in formats()] == ["warc", "feed", "html", "jsonl", "text"]
    assert [f.name for f in formats() if f.raw] == ["warc"]
    assert get_format("text") is not None and get_format("text").sniff is None  # the fallback
    assert get_format("unknown") is None
    registered = {suffix for f in formats() for suffix in f.suffixes}
    assert registered == set(FOLDER_SUFFIXES)


def test_a_registered_format_is_detected_and_read_through_the_table(
    tmp_path: Path, extra_format: list[Path]
) -> None:
    named = tmp_path / "one.story"
    named.write_text("anything at all", encoding="utf-8")
    sniffed = tmp_path / "two"
    sniffed.write_text("STORY: told by its first bytes", encoding="utf-8")
    assert detect(named, b"anything at all") == "story"
    assert sniff(b"STORY: x") == "story"
    assert sniff(b"<rss version='2.0'>") == "feed"  # order 20 runs before 25
    results = list(rashomon.readers.iter_reports([named, sniffed]))
    assert [r.skipped for r in results] == ["a story file", "a story file"]
    assert extra_format == [named, sniffed]


def test_the_folder_reader_reads_files_with_the_function_it_is_given(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("A report.", encoding="utf-8")
    (tmp_path / "b.png").write_bytes(b"\x89PNG")
    calls: list[str] = []

    def read_one(path: Path, ctx: ReadContext) -> Reader:
        calls.append(path.name)
        yield ReadResult.skip(str(path), "counted")

    results = list(folder.read_folder(tmp_path, ReadContext(), read_one))
    assert calls == ["a.txt"]
    assert [r.skipped for r in results] == ["counted", "not a report file (unsupported extension)"]


def test_public_names_stay_where_they_were() -> None:
    assert url.HttpFetcher is fetch.HttpFetcher is rashomon.readers.HttpFetcher
    assert url.FetchedPage is fetch.FetchedPage is rashomon.readers.FetchedPage
    assert url.Fetcher is fetch.Fetcher is rashomon.readers.Fetcher
    assert url.fetch_page_article is pages.fetch_page_article
    assert url.page_article is pages.page_article and url.page_kind is pages.page_kind
    assert url.media_type is fetch.media_type and url.HTML_TYPES is fetch.HTML_TYPES
    assert url.USER_AGENT.startswith("rashomon/")
    assert base.DEFAULT_MAX_BYTES == fetch.DEFAULT_MAX_BYTES == 20_000_000
    assert base.is_http_url is fetch.is_http_url and base.printable is fetch.printable
    assert base.has_controls is fetch.has_controls
    assert dispatch.read_input is not None and callable(dispatch.read_file)
    for name in rashomon.readers.__all__:
        assert hasattr(rashomon.readers, name), name
    for module in (url, fetch, base):
        for name in module.__all__:
            assert hasattr(module, name), f"{module.__name__}.{name}"


def test_the_network_layer_imports_no_other_reader_module() -> None:
    source = Path(fetch.__file__).read_text(encoding="utf-8")
    assert "rashomon.readers" not in "".join(
        line for line in source.splitlines() if line.startswith(("from ", "import "))
    )


def test_reading_files_loads_no_third_party_parser_until_it_is_needed(tmp_path: Path) -> None:
    report = tmp_path / "a.txt"
    report.write_text("A plain report of the storm.", encoding="utf-8")
    code = (
        "import sys\n"
        "from rashomon.readers import read_reports\n"
        f"read_reports([{str(report)!r}])\n"
        "loaded = [m for m in ('trafilatura', 'feedparser', 'warcio') if m in sys.modules]\n"
        "assert not loaded, loaded\n"
        "print('ok')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr
