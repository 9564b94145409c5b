"""JSON Lines: one article per line, per-line failures, and ids."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rashomon.errors import InputError
from rashomon.model import Article
from rashomon.readers import iter_reports, read_reports


def test_jsonl_fixture(fixtures: Path) -> None:
    path = fixtures / "reports.jsonl"
    articles = read_reports([path])
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    assert [a.id for a in articles] == ["ledger-1", "courier-7", "reports.jsonl:4"]
    # The text field exactly, leading spaces and trailing newline included.
    assert [a.text for a in articles] == [line["text"] for line in lines]
    assert articles[1].text == "  Storm knocks out power to 38,000 homes, utility says.\n"
    first = articles[0]
    assert (first.source, first.title, first.url) == (
        "The Daily Ledger",
        "Storm hits the coast",
        "https://www.dailyledger.example/storm",
    )
    assert (first.published, first.published_from) == ("2026-02-04", "jsonl")
    assert first.format == "jsonl"
    assert first.origin == str(path)
    assert first.meta == {"section": "World"}
    assert articles[1].meta == {"tags": ["weather", "energy"]}
    assert articles[1].published is None and articles[1].published_from is None
    assert articles[2].source == "Port Radio"


def write_lines(path: Path, *lines: str) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_bad_line_fails_alone_in_iter_reports(tmp_path: Path) -> None:
    path = write_lines(
        tmp_path / "mixed.jsonl",
        '{"id": "a", "text": "First report."}',
        '{"id": "b", "text": "Second report.",',  # truncated JSON
        '["not", "an", "object"]',
        '{"id": "d"}',
        '{"id": "e", "text": "   "}',
        '{"id": "f", "text": 42}',
        '{"id": "g", "text": "Last report."}',
    )
    results = list(iter_reports([path]))
    assert [r.origin for r in results] == [f"{path}:{n}" for n in range(1, 8)]
    assert [r.article.id for r in results if r.article] == ["a", "g"]
    errors = [r.error for r in results if r.error]
    assert errors == [
        f"[E006] {path}, line 2: not valid JSON (Expecting property name enclosed in double "
        "quotes at column 38)",
        f"[E006] {path}, line 3: expected a JSON object, found list",
        f'[E006] {path}, line 4: the field "text" is missing',
        f'[E006] {path}, line 5: the field "text" is empty',
        f'[E006] {path}, line 6: the field "text" must be a string, not int',
    ]


def test_json_messages_say_at_once(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "cut.jsonl", '{"text": "cut sho', '{"text": "a\tb"}')
    errors = [r.error for r in iter_reports([path])]
    assert errors == [
        f"[E006] {path}, line 1: not valid JSON (Unterminated string starting at column 10)",
        f"[E006] {path}, line 2: not valid JSON (Invalid control character at column 12)",
    ]
    assert not any("at at" in (error or "") for error in errors)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le"])
def test_utf16_jsonl_is_e016(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "utf16.jsonl"
    path.write_bytes('{"text": "A storm hit the coast."}\n'.encode(encoding))
    with pytest.raises(InputError) as excinfo:
        read_reports([path])
    assert str(excinfo.value) == (
        f"[E016] {path}: the file is UTF-16, and JSON Lines files are read as UTF-8 only; "
        "convert it to UTF-8 first"
    )


def test_bad_line_stops_read_reports_with_its_line_number(tmp_path: Path) -> None:
    path = write_lines(
        tmp_path / "bad.jsonl", '{"text": "Fine."}', "", '{"text": "broken"', '{"text": "Never."}'
    )
    with pytest.raises(InputError) as excinfo:
        read_reports([path])
    assert excinfo.value.code == "E006"
    assert excinfo.value.fields["line"] == 3


def test_invalid_utf8_line_is_e006(tmp_path: Path) -> None:
    path = tmp_path / "latin.jsonl"
    path.write_bytes(b'{"text": "ok"}\n{"text": "caf\xe9"}\n')
    results = list(iter_reports([path]))
    assert results[0].ok
    assert results[1].error == f"[E006] {path}, line 2: not valid UTF-8 (byte 13 of the line)"


def test_blank_lines_only_is_e001(tmp_path: Path) -> None:
    path = tmp_path / "blank.jsonl"
    path.write_text("\n\n  \n", encoding="utf-8")
    with pytest.raises(InputError) as excinfo:
        read_reports([path])
    assert excinfo.value.code == "E001"


def test_max_bytes_caps_each_line_not_the_file(tmp_path: Path) -> None:
    # 50 lines of 54 bytes: the file (2,750 bytes) is far over the cap, every line under it.
    lines = [json.dumps({"id": f"a{k:02}", "text": "A storm hit the coast."}) for k in range(50)]
    path = write_lines(tmp_path / "dump.jsonl", *lines)
    assert path.stat().st_size > 1000 and max(len(line) for line in lines) <= 100
    articles = read_reports([path], max_bytes=100)
    assert [a.id for a in articles] == [f"a{k:02}" for k in range(50)]


def test_a_line_over_max_bytes_fails_alone_in_iter_reports(tmp_path: Path) -> None:
    long_text = "word " * 60  # a 300-character text
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(
        b'{"id": "a", "text": "First report."}\n'
        + json.dumps({"id": "big", "text": long_text}).encode()
        + b"\r\n"
        + b'{"id": "c", "text": "Third report."}\n'
        + json.dumps({"id": "tail", "text": long_text}).encode()  # last line, no newline
    )
    big_size = len(json.dumps({"id": "big", "text": long_text}))
    tail_size = len(json.dumps({"id": "tail", "text": long_text}))
    results = list(iter_reports([path], max_bytes=100))
    assert [r.origin for r in results] == [f"{path}:{n}" for n in range(1, 5)]
    assert [r.article.id for r in results if r.article] == ["a", "c"]
    assert [r.error for r in results if r.error] == [
        f"[E006] {path}, line 2: the line is {big_size} bytes, over the limit of 100 bytes "
        "per article (--max-bytes)",
        f"[E006] {path}, line 4: the line is {tail_size} bytes, over the limit of 100 bytes "
        "per article (--max-bytes)",
    ]
    # read_reports still stops at the first problem, naming its line.
    with pytest.raises(InputError) as excinfo:
        read_reports([path], max_bytes=100)
    assert excinfo.value.code == "E006" and excinfo.value.fields["line"] == 2


@pytest.mark.parametrize("ending", [b"\n", b"\r\n", b""])
def test_the_line_cap_is_exact(tmp_path: Path, ending: bytes) -> None:
    line = json.dumps({"id": "x", "text": "The river rose three metres overnight."}).encode()
    for bom in (b"", b"\xef\xbb\xbf"):
        path = tmp_path / "edge.jsonl"
        path.write_bytes(bom + line + ending)
        (article,) = read_reports([path], max_bytes=len(line))  # exactly at the cap: read
        assert article.id == "x"
        (result,) = iter_reports([path], max_bytes=len(line) - 1)  # one byte over: refused
        assert result.error is not None and f"the line is {len(line)} bytes" in result.error


def test_a_long_line_is_not_read_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A line far over the cap is skipped in bounded reads, never held in memory whole."""
    import io

    huge = b'{"id": "huge", "text": "' + b"x" * 5_000_000 + b'"}\n'
    path = tmp_path / "huge.jsonl"
    path.write_bytes(huge + b'{"id": "after", "text": "Still read."}\n')
    largest = 0
    real_readline = io.BufferedReader.readline

    class Spy(io.BufferedReader):
        def readline(self, size: int | None = -1, /) -> bytes:
            nonlocal largest
            data = real_readline(self, size)
            largest = max(largest, len(data))
            return data

    real_open = Path.open

    def spying_open(self: Path, mode: str = "r", *args: object, **kwargs: object) -> object:
        handle = real_open(self, mode, *args, **kwargs)  # type: ignore[arg-type]
        if self == path and mode == "rb":
            raw = handle.detach()  # type: ignore[union-attr]
            return Spy(raw)
        return handle

    monkeypatch.setattr(Path, "open", spying_open)
    results = list(iter_reports([path], max_bytes=1000))
    assert "the line is 5000026 bytes" in (results[0].error or "")
    assert results[1].article is not None and results[1].article.id == "after"
    assert 1000 < largest <= 1 << 20  # bounded reads: the cap, or 1 MB chunks while skipping


def test_a_large_dump_is_read_line_by_line(tmp_path: Path) -> None:
    # 2,000 articles of about 2 KB: a 4 MB file, ten times the cap it is read under.
    text = "Officials said the bridge would reopen next week. " * 40
    path = tmp_path / "dump.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for k in range(2000):
            out.write(json.dumps({"id": f"n{k}", "text": text}) + "\n")
    assert path.stat().st_size > 4_000_000
    results = list(iter_reports([path], max_bytes=400_000))
    assert len(results) == 2000 and all(r.ok for r in results)
    assert results[-1].article is not None and results[-1].article.id == "n1999"


def test_other_readers_still_cap_the_whole_file(tmp_path: Path) -> None:
    path = tmp_path / "report.txt"
    path.write_text("A storm hit the coast. " * 20, encoding="utf-8")
    with pytest.raises(InputError) as excinfo:
        read_reports([path], max_bytes=100)
    assert excinfo.value.code == "E004"


def test_duplicate_ids_are_e010(tmp_path: Path) -> None:
    one = write_lines(tmp_path / "one.jsonl", '{"id": "x", "text": "One."}')
    two = write_lines(tmp_path / "two.jsonl", '{"id": "x", "text": "Two."}')
    with pytest.raises(InputError) as excinfo:
        read_reports([one, two])
    assert str(excinfo.value) == (
        f"[E010] {two}:1: two reports share the id 'x'; give them different names"
    )


def test_numeric_id_and_bom(tmp_path: Path) -> None:
    path = tmp_path / "bom.ndjson"
    path.write_bytes(b'\xef\xbb\xbf{"id": 7, "text": "Seven.", "language": "en-US"}\n')
    (article,) = read_reports([path])
    assert article.id == "7"
    assert article.language == "en"


def test_articles_pass_through(tmp_path: Path) -> None:
    given = Article(id="mine", text="Given directly.")
    path = write_lines(tmp_path / "more.jsonl", '{"id": "other", "text": "From a file."}')
    articles = read_reports([given, path])
    assert articles[0] is given
    assert [a.id for a in articles] == ["mine", "other"]


def test_json_without_lines_is_sniffed_as_jsonl(tmp_path: Path) -> None:
    path = tmp_path / "export"
    path.write_text('{"id": "a", "text": "Sniffed."}\n', encoding="utf-8")
    (article,) = read_reports([path])
    assert article.format == "jsonl"


def test_published_is_normalised_to_iso_8601(tmp_path: Path) -> None:
    path = write_lines(
        tmp_path / "dates.jsonl",
        '{"id": "a", "text": "A.", "published": "2026-02-04T07:30:00Z"}',
        '{"id": "b", "text": "B.", "published": "Wed, 04 Feb 2026 07:30:00 +0100"}',
        '{"id": "c", "text": "C.", "published": "last Tuesday"}',
    )
    a, b, c = read_reports([path])
    assert (a.published, a.published_from) == ("2026-02-04T07:30:00+00:00", "jsonl")
    assert b.published == "2026-02-04T07:30:00+01:00"
    assert (c.published, c.published_from) == (None, None)
    assert c.meta == {"published": "last Tuesday"}
