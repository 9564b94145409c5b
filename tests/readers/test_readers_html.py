"""HTML pages through trafilatura: main text, metadata, and pages that hold no article."""

from __future__ import annotations

from pathlib import Path

import pytest

from rashomon.errors import InputError
from rashomon.readers import read_reports
from rashomon.readers.html import article_from_html, charset_of

PARAGRAPH = (
    "Rescue teams worked through the night to reach villages cut off by floods and landslides, "
    "officials said, as rain kept falling across the valley. "
)


def test_news_article_fixture(fixtures: Path) -> None:
    (article,) = read_reports([fixtures / "article.html"])
    assert article.id == "article.html"
    assert article.format == "html"
    assert article.title == "Petro and Trump meet in Washington after months of tension"
    assert article.source == "The Daily Ledger"
    assert article.url == "https://www.dailyledger.example/world/2026/02/03/petro-trump-meeting"
    assert article.published == "2026-02-03"
    assert article.published_from == "html-meta"
    assert article.language == "en"
    assert article.meta["author"] == "Ana Restrepo"
    # The article's paragraphs are there ...
    assert "Colombian President Gustavo Petro met US President Donald Trump" in article.text
    assert '"We spoke frankly and we agreed to keep talking," Petro told reporters' in article.text
    assert "More than 30 people were killed" in article.text
    # ... and the page furniture is not.
    for boilerplate in (
        "We use cookies",
        "All rights reserved",
        "Privacy policy",
        "Venezuela oil exports rise",
        "font-family",
    ):
        assert boilerplate not in article.text
    # The headline line is skipped by body_start.
    assert article.text[: article.body_start] == article.title + "\n"
    assert article.body.startswith("Colombian President Gustavo Petro met")


def test_malformed_html_still_gives_its_text(tmp_path: Path) -> None:
    path = tmp_path / "broken.html"
    path.write_text(
        "<html><head><title>Floods</title><body><div><p>"
        + PARAGRAPH
        + "<p>Another paragraph <b>bold never closed. "
        + PARAGRAPH
        + "</div></span></td></html>",
        encoding="utf-8",
    )
    (article,) = read_reports([path])
    assert "Rescue teams worked through the night" in article.text
    assert "bold never closed" in article.text
    assert "<" not in article.text


def test_page_without_article_is_e005(tmp_path: Path) -> None:
    path = tmp_path / "nav.html"
    path.write_text(
        "<html><head><title>Home</title></head><body><nav><ul><li><a href='/'>Home</a></li>"
        "<li><a href='/world'>World</a></li></ul></nav></body></html>",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as excinfo:
        read_reports([path])
    assert str(excinfo.value) == (
        f"[E005] {path}: no article text could be extracted from this HTML page"
    )


def test_empty_html_is_e001_and_binary_html_is_e002(tmp_path: Path) -> None:
    empty = tmp_path / "empty.html"
    empty.write_bytes(b"  \n")
    with pytest.raises(InputError) as excinfo:
        read_reports([empty])
    assert excinfo.value.code == "E001"
    binary = tmp_path / "binary.htm"
    binary.write_bytes(b"<html>\x00\x00\x00\x01\x02")
    with pytest.raises(InputError) as excinfo:
        read_reports([binary])
    assert excinfo.value.code == "E002"


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-16"])
def test_utf16_html_is_read(tmp_path: Path, encoding: str) -> None:
    page = (
        '<html lang="en"><head><meta charset="utf-16"><title>Floods</title></head><body>'
        f"<article><h1>Floods</h1><p>{PARAGRAPH * 3}</p><p>Le café a fermé.</p></article>"
        "</body></html>"
    )
    path = tmp_path / "page.html"
    path.write_bytes(page.encode(encoding))
    (article,) = read_reports([path])
    assert "Rescue teams worked through the night" in article.text
    assert "Le café a fermé." in article.text


def test_source_falls_back_to_canonical_host() -> None:
    html = (
        "<html><head><link rel='canonical' href='https://www.coastal-courier.example/floods'>"
        f"</head><body><article><h1>Floods</h1><p>{PARAGRAPH * 2}</p></article></body></html>"
    )
    article = article_from_html(html, id="x", origin="test")
    assert article.source == "coastal-courier.example"
    assert article.url == "https://www.coastal-courier.example/floods"


def test_date_only_in_the_address_is_url_path() -> None:
    html = f"<html><body><article><h1>Floods</h1><p>{PARAGRAPH * 2}</p></article></body></html>"
    article = article_from_html(
        html, id="x", origin="test", url="https://news.example/world/2026/01/15/floods"
    )
    assert article.published == "2026-01-15"
    assert article.published_from == "url-path"


def test_declared_charset_is_honoured_for_non_utf8_pages(tmp_path: Path) -> None:
    path = tmp_path / "latin1.html"
    body = "Le café de la gare a fermé ses portes après cinquante ans d'activité. " * 4
    path.write_bytes(
        (
            f"<html lang='fr'><head><meta charset='iso-8859-1'><title>Café</title></head>"
            f"<body><article><p>{body}</p></article></body></html>"
        ).encode("latin-1")
    )
    (article,) = read_reports([path])
    assert "Le café de la gare a fermé ses portes après cinquante ans" in article.text
    assert article.language == "fr"


def test_html_without_extension_is_sniffed(tmp_path: Path, fixtures: Path) -> None:
    path = tmp_path / "page"
    path.write_bytes((fixtures / "article.html").read_bytes())
    (article,) = read_reports([path])
    assert article.format == "html"
    assert article.source == "The Daily Ledger"


def test_charset_of() -> None:
    assert charset_of("text/html; charset=ISO-8859-1") == "iso8859-1"
    assert charset_of('text/html; charset="utf-8"') == "utf-8"
    assert charset_of("text/html; charset=klingon") is None
    assert charset_of("text/html") is None
    assert charset_of(None) is None
