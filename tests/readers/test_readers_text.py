"""Plain-text files: the offsets contract, headlines, and every way a file can be unreadable."""

from __future__ import annotations

from pathlib import Path

import pytest

from rashomon.errors import InputError
from rashomon.readers import iter_reports, read_reports
from rashomon.readers.text import parse_url_list, split_headline

SEEDS = Path("/work/shared/data/seeds")
SEED_FILES = sorted(SEEDS.glob("*.txt"))


def error_of(excinfo: pytest.ExceptionInfo[InputError]) -> tuple[str, str]:
    return excinfo.value.code, str(excinfo.value)


@pytest.mark.skipif(not SEED_FILES, reason="shared seed data not present")
@pytest.mark.parametrize("path", SEED_FILES, ids=lambda p: p.name)
def test_seed_text_is_the_file_exactly(path: Path) -> None:
    (article,) = read_reports([path])
    assert article.text == path.read_bytes().decode("utf-8")
    assert article.id == path.name
    assert article.format == "text"
    assert article.origin == str(path)


@pytest.mark.skipif(not (SEEDS / "000_49d5f86acb913825.txt").exists(), reason="no seed data")
def test_seed_first_sentence_is_not_a_title() -> None:
    (article,) = read_reports([SEEDS / "000_49d5f86acb913825.txt"])
    assert article.title is None
    assert article.body_start == 0
    assert article.body == article.text


def test_headline_line_becomes_title_and_body_offset(tmp_path: Path) -> None:
    text = "Storm cuts power to 40,000 homes\n\nA powerful storm swept the coast overnight.\n"
    path = tmp_path / "storm.txt"
    path.write_text(text, encoding="utf-8")
    (article,) = read_reports([path])
    assert article.text == text
    assert article.title == "Storm cuts power to 40,000 homes"
    assert article.body_start == text.index("A powerful")
    assert article.body.startswith("A powerful storm")


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Will the ceasefire hold?\nTalks resume on Monday.", "Will the ceasefire hold?"),
        ("Storm hits coast!\nBody text here.", "Storm hits coast!"),
        ("# Markdown headline\n\nBody text.", "Markdown headline"),
        ("Headline with CRLF\r\nBody.\r\n", "Headline with CRLF"),
        ('Minister: "We will not resign"\nBody.', 'Minister: "We will not resign"'),
        ("\n\n  Indented headline after blank lines\nBody.", "Indented headline after blank lines"),
        # Not headlines:
        ("The minister resigned on Monday.\nMore text.", None),
        ('He said "no."\nMore text.', None),
        ("Only one line, nothing after it", None),
        ("By Jane Doe\nThe storm hit on Monday.", None),
        ("and then the storm came\nMore text.", None),
        (" ".join(["word"] * 25) + "\nMore text.", None),
        ("x" * 151 + "\nMore text.", None),
        ("The talks continued, and\nthen stopped.", None),
    ],
)
def test_split_headline(text: str, title: str | None) -> None:
    found, body_start = split_headline(text)
    assert found == title
    if title is None:
        assert body_start == 0
    else:
        assert 0 < body_start < len(text)
        assert not text[body_start].isspace()
        assert title not in text[body_start:]


def test_utf8_bom_is_dropped_and_offsets_exclude_it(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbfCaf\xc3\xa9 owners protest\nThe owners of the caf\xc3\xa9 said.")
    (article,) = read_reports([path])
    assert article.text.startswith("Café owners")
    assert "\ufeff" not in article.text
    assert article.title == "Café owners protest"
    assert article.text[article.body_start :] == "The owners of the café said."


def test_empty_file_is_e001(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    with pytest.raises(InputError) as excinfo:
        read_reports([path])
    assert error_of(excinfo) == ("E001", f"[E001] {path}: the file is empty")


def test_whitespace_only_file_is_e001(tmp_path: Path) -> None:
    path = tmp_path / "blank.txt"
    path.write_text(" \n\t\n\n", encoding="utf-8")
    with pytest.raises(InputError) as excinfo:
        read_reports([path])
    assert excinfo.value.code == "E001"


def test_binary_file_is_e002(tmp_path: Path) -> None:
    path = tmp_path / "image.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    with pytest.raises(InputError) as excinfo:
        read_reports([path])
    assert error_of(excinfo) == (
        "E002",
        f"[E002] {path}: this looks like a binary file, not text, HTML or JSONL",
    )


def test_control_characters_without_nul_are_binary(tmp_path: Path) -> None:
    path = tmp_path / "controls.txt"
    path.write_bytes(b"abc\x01\x02\x03\x04\x05\x06\x07\x08" * 50)
    with pytest.raises(InputError) as excinfo:
        read_reports([path])
    assert excinfo.value.code == "E002"


def test_latin1_file_is_e003_with_byte_position(tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes("Le café est fermé.".encode("latin-1"))
    with pytest.raises(InputError) as excinfo:
        read_reports([path])
    assert error_of(excinfo) == (
        "E003",
        f"[E003] {path}: the file is not valid UTF-8 (byte 6); convert it to UTF-8 first",
    )


def test_e003_position_counts_the_bom(tmp_path: Path) -> None:
    path = tmp_path / "bom-latin1.txt"
    path.write_bytes(b"\xef\xbb\xbfab\xe9")
    with pytest.raises(InputError) as excinfo:
        read_reports([path])
    assert excinfo.value.fields["position"] == 5


UTF16_TEXT = "Storm on the coast\n\nA storm hit the coast overnight, cutting power to 40,000 homes."


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_with_or_without_bom_is_decoded(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "utf16.txt"
    path.write_bytes(UTF16_TEXT.encode(encoding))  # "utf-16" writes a byte order mark
    (article,) = read_reports([path])
    assert article.text == UTF16_TEXT  # the byte order mark, if any, is not text
    assert article.title == "Storm on the coast"


def test_utf16_without_bom_and_without_extension_is_text(tmp_path: Path) -> None:
    path = tmp_path / "report"
    path.write_bytes(UTF16_TEXT.encode("utf-16-be"))
    (article,) = read_reports([path])
    assert article.text == UTF16_TEXT


def test_broken_utf16_is_e017(tmp_path: Path) -> None:
    path = tmp_path / "broken.txt"
    good = ("A storm hit. " * 20).encode("utf-16-le")
    path.write_bytes(good + b"\x00\xd8" + "ok".encode("utf-16-le"))  # a lone high surrogate
    with pytest.raises(InputError) as excinfo:
        read_reports([path])
    assert str(excinfo.value) == (
        f"[E017] {path}: the file looks like UTF-16 but is not valid UTF-16 (byte {len(good)}); "
        "convert it to UTF-8 first"
    )


def test_utf32_is_e003_and_nul_heavy_binary_stays_e002(tmp_path: Path) -> None:
    utf32 = tmp_path / "utf32.txt"
    utf32.write_text("A storm hit the coast.", encoding="utf-32")
    binary = tmp_path / "table.txt"
    binary.write_bytes(b"\x01\x00\x02\x00\x03\x00\x04\x00" * 100)  # NUL every other byte
    codes = [r.exception.code for r in iter_reports([utf32, binary]) if r.exception]
    assert codes == ["E003", "E002"]


def test_file_over_max_bytes_is_e004(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text("A storm hit the coast. " * 100, encoding="utf-8")
    with pytest.raises(InputError) as excinfo:
        read_reports([path], max_bytes=1000)
    assert error_of(excinfo) == (
        "E004",
        f"[E004] {path}: the file is 2300 bytes, over the limit of 1000 bytes (--max-bytes)",
    )


def test_missing_file_is_e007(tmp_path: Path) -> None:
    path = tmp_path / "missing.txt"
    with pytest.raises(InputError) as excinfo:
        read_reports([path])
    assert error_of(excinfo) == ("E007", f"[E007] {path}: no such file or folder")


def test_text_without_extension_is_sniffed_as_text(tmp_path: Path) -> None:
    path = tmp_path / "REPORT"
    path.write_text("The storm hit on Monday. Power is back.", encoding="utf-8")
    (article,) = read_reports([path])
    assert article.format == "text"
    assert article.text == "The storm hit on Monday. Power is back."


def test_parse_url_list() -> None:
    text = "# my feeds\n\nhttps://news.example/feed.xml\n  http://cdn.example/page  \n"
    assert parse_url_list(text) == ["https://news.example/feed.xml", "http://cdn.example/page"]
    assert parse_url_list("https://news.example/a\nnot a url\n") is None
    assert parse_url_list("# only comments\n") is None
    assert parse_url_list("See https://news.example/a for more.") is None


def test_feeds_txt_reads_each_address(tmp_path: Path, web, article_html: bytes) -> None:
    web.add("https://www.dailyledger.example/a", article_html)
    web.add("https://news.example/b", b"", status=500)
    path = tmp_path / "feeds.txt"
    path.write_text(
        "# pages\nhttps://www.dailyledger.example/a\nhttps://news.example/b\n"
        "https://www.dailyledger.example/a?again=1\n",
        encoding="utf-8",
    )
    web.add("https://www.dailyledger.example/a?again=1", article_html)
    results = list(iter_reports([path], fetcher=web.fetcher()))
    assert [r.origin for r in results] == [
        "https://www.dailyledger.example/a",
        "https://news.example/b",
        "https://www.dailyledger.example/a?again=1",
    ]
    assert results[0].article is not None and results[0].article.format == "url"
    assert results[1].article is None
    assert results[1].error == "[E023] https://news.example/b: the server answered HTTP 500"
    assert results[2].article is not None
    assert results[0].article.id != results[2].article.id


def test_read_reports_is_all_or_nothing(tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text("The storm hit on Monday.", encoding="utf-8")
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"")
    with pytest.raises(InputError) as excinfo:
        read_reports([good, bad, tmp_path / "never-read.txt"])
    assert excinfo.value.code == "E001"
    results = list(iter_reports([good, bad, tmp_path / "never-read.txt"]))
    assert [(r.ok, r.error and r.error[:6]) for r in results] == [
        (True, None),
        (False, "[E001]"),
        (False, "[E007]"),
    ]


def test_normalize_date() -> None:
    from rashomon.readers.base import normalize_date

    assert normalize_date("2026-02-03") == "2026-02-03"
    assert normalize_date("2026-02-03T09:15:00Z") == "2026-02-03T09:15:00+00:00"
    assert normalize_date("2026-02-03T09:15:00") == "2026-02-03T09:15:00+00:00"
    assert normalize_date("Tue, 03 Feb 2026 09:15:00 GMT") == "2026-02-03T09:15:00+00:00"
    assert normalize_date("2026-02-30") is None
    assert normalize_date("soon") is None
    assert normalize_date("") is None
