"""Folders, format sniffing, and the ReadResult contract of iter_reports."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from rashomon.errors import InputError
from rashomon.readers import ReadResult, iter_reports, read_reports
from rashomon.readers.sniff import detect, sniff


@pytest.fixture
def tree(tmp_path: Path, fixtures: Path) -> Path:
    root = tmp_path / "story"
    (root / "b" / "deeper").mkdir(parents=True)
    (root / ".hidden").mkdir()
    (root / "a.txt").write_text("Report A says the storm hit on Monday.", encoding="utf-8")
    (root / "b" / "c.md").write_text("# Report C\n\nThe storm hit on Tuesday.", encoding="utf-8")
    (root / "b" / "deeper" / "page.html").write_bytes((fixtures / "article.html").read_bytes())
    (root / "b" / "deeper" / "lines.jsonl").write_text(
        '{"id": "j1", "text": "From JSONL."}\n', encoding="utf-8"
    )
    (root / "gold.json").write_text('{"facts": []}', encoding="utf-8")
    (root / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00")
    (root / ".hidden" / "secret.txt").write_text("Not read.", encoding="utf-8")
    (root / ".notes.txt").write_text("Not read either.", encoding="utf-8")
    return root


def test_folder_is_read_recursively_in_sorted_order(tree: Path) -> None:
    articles = read_reports([tree])
    assert [a.id for a in articles] == ["a.txt", "c.md", "j1", "page.html"]
    assert articles[1].title == "Report C"
    assert articles[3].format == "html"


def test_iter_reports_reports_skipped_files(tree: Path) -> None:
    results = list(iter_reports([tree]))
    skipped = [(Path(r.origin).name, r.skipped) for r in results if r.skipped]
    assert skipped == [
        ("gold.json", "not a report file (unsupported extension)"),
        ("photo.png", "not a report file (unsupported extension)"),
    ]
    assert all(r.article is not None for r in results if not r.skipped)
    assert not any("hidden" in r.origin or ".notes" in r.origin for r in results)


def test_bad_file_in_a_folder_fails_alone_in_iter_reports(tree: Path) -> None:
    (tree / "b" / "empty.txt").write_bytes(b"")
    results = list(iter_reports([tree]))
    failures = [r for r in results if r.error]
    assert [(r.origin, r.error) for r in failures] == [
        (str(tree / "b" / "empty.txt"), f"[E001] {tree / 'b' / 'empty.txt'}: the file is empty")
    ]
    assert sum(r.ok for r in results) == 4
    with pytest.raises(InputError) as excinfo:
        read_reports([tree])
    assert excinfo.value.code == "E001"


def test_folder_without_reports_is_e012(tmp_path: Path) -> None:
    (tmp_path / "data.csv").write_text("a,b\n", encoding="utf-8")
    with pytest.raises(InputError) as excinfo:
        read_reports([tmp_path])
    assert excinfo.value.code == "E012"
    assert str(excinfo.value).startswith(f"[E012] {tmp_path}: the folder holds no file rashomon")


def test_duplicate_ids_across_inputs_are_e010(tmp_path: Path) -> None:
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    for folder in ("one", "two"):
        (tmp_path / folder / "report.txt").write_text(f"Report in {folder}.", encoding="utf-8")
    with pytest.raises(InputError) as excinfo:
        read_reports([tmp_path / "one", tmp_path / "two"])
    assert str(excinfo.value) == (
        f"[E010] {tmp_path / 'two' / 'report.txt'}: two reports share the id 'report.txt'; "
        "give them different names"
    )


def test_iter_reports_never_raises(tmp_path: Path) -> None:
    binary = tmp_path / "blob.bin"
    binary.write_bytes(bytes(range(256)) * 4)
    results = list(iter_reports([tmp_path / "missing", binary, "ftp://x/", "https://"]))
    assert all(isinstance(r, ReadResult) and r.error for r in results)
    assert [r.error[:6] for r in results if r.error] == ["[E007]", "[E002]", "[E020]", "[E020]"]
    assert all(r.exception is not None and str(r.exception) == r.error for r in results)


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (b"<!DOCTYPE html><html><body>", "html"),
        (b"\xef\xbb\xbf  <html lang='en'>", "html"),
        (b"<!-- saved page --><html>", "html"),
        (b'<?xml version="1.0"?>\n<rss version="2.0">', "feed"),
        (b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom">', "feed"),
        (b"<rdf:RDF xmlns:rdf='x'>", "feed"),
        (b'{"text": "a"}\n{"text": "b"}', "jsonl"),
        (b"WARC/1.0\r\nWARC-Type: warcinfo", "warc"),
        (gzip.compress(b"WARC/1.1\r\nWARC-Type: response\r\n"), "warc"),
        (gzip.compress(b"just some gzip"), "unknown"),
        (b"The storm hit on Monday.", "text"),
        (b"{not json at all", "text"),
    ],
)
def test_sniff(head: bytes, kind: str) -> None:
    assert sniff(head) == kind


def test_detect_trusts_specific_extensions() -> None:
    assert detect(Path("story.txt"), b"<html><body>") == "text"
    assert detect(Path("story.HTML"), b"plain words") == "html"
    assert detect(Path("crawl.warc.gz"), b"") == "warc"
    assert detect(Path("export.json"), b"[1, 2]") == "jsonl"
    assert detect(Path("feed.xml"), b"<rss version='2.0'>") == "feed"
    assert detect(Path("sitemap.xml"), b"<urlset>") == "unknown"
    assert detect(Path("noext"), b"<feed xmlns='http://www.w3.org/2005/Atom'>") == "feed"


def test_symlinks_out_of_the_folder_are_skipped(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:root:/root:/bin/bash", encoding="utf-8")
    root = tmp_path / "uploads"
    (root / "sub").mkdir(parents=True)
    (root / "a.txt").write_text("Report A says the storm hit on Monday.", encoding="utf-8")
    (root / "passwd.txt").symlink_to("/etc/passwd")
    (root / "sub" / "secret.txt").symlink_to(secret)
    (root / "sub" / "relative.txt").symlink_to("../../secret.txt")
    (root / "sub" / "same.txt").symlink_to("../a.txt")  # inside the folder: read
    (root / "sub" / "loop.txt").symlink_to("loop.txt")
    results = list(iter_reports([root]))
    skipped = sorted(
        (Path(r.origin).relative_to(root).as_posix(), r.skipped) for r in results if r.skipped
    )
    reason = "a symbolic link to a file outside the folder"
    assert skipped == [
        ("passwd.txt", reason),
        ("sub/loop.txt", reason),
        ("sub/relative.txt", reason),
        ("sub/secret.txt", reason),
    ]
    assert [(Path(r.origin).name, r.article.id) for r in results if r.article] == [
        ("a.txt", "a.txt"),
        ("same.txt", "same.txt"),
    ]
    assert not any("root:" in a.text for a in read_reports([root]))


def test_a_folder_given_through_a_symlink_is_read(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    (real / "a.txt").write_text("Report A says the storm hit on Monday.", encoding="utf-8")
    (real / "b.txt").symlink_to(real / "a.txt")
    link = tmp_path / "link"
    link.symlink_to(real)
    assert [a.id for a in read_reports([link])] == ["a.txt", "b.txt"]
