"""RSS 2.0 and Atom feeds: entries with content, entries fetched as pages, broken feeds."""

from __future__ import annotations

from pathlib import Path

import pytest

from rashomon.errors import FetchError, InputError
from rashomon.readers import iter_reports, read_reports

FEED_URL = "https://www.dailyledger.example/world/rss"
STORM = "https://www.dailyledger.example/world/2026/02/04/storm-coast"
MEETING = "https://www.dailyledger.example/world/2026/02/03/petro-trump-meeting"


def test_rss_feed_from_a_file(fixtures: Path, web, article_html: bytes) -> None:
    web.add(MEETING, article_html)
    storm, meeting = read_reports([fixtures / "feed.rss"], fetcher=web.fetcher())
    # The first entry carries its own content: read directly, nothing fetched for it.
    assert storm.format == "feed"
    assert storm.title == "Storm leaves thousands without power on the coast"
    assert storm.url == STORM
    assert storm.source == "The Daily Ledger - World"
    assert storm.published == "2026-02-04T07:30:00+00:00"
    assert storm.published_from == "feed"
    assert storm.language == "en"
    assert storm.text.startswith("A powerful storm swept across the northern coast overnight")
    assert '"Crews will work around the clock' in storm.text
    assert "<p>" not in storm.text
    assert storm.meta["entry_id"] == "ledger-2026-0204-storm"
    assert storm.id.startswith("dailyledger.example-")
    # The second only has a summary: its page is fetched, and only its page.
    assert [str(r.url) for r in web.requests] == [MEETING]
    assert meeting.format == "url"
    assert meeting.source == "The Daily Ledger"  # the page's own site name
    assert meeting.published == "2026-02-03"
    assert "Colombian President Gustavo Petro met" in meeting.text
    assert meeting.meta["feed"] == str(fixtures / "feed.rss")


def test_atom_feed_entries_with_content(fixtures: Path, web) -> None:
    port, fishers = read_reports([fixtures / "feed.atom"], fetcher=web.fetcher())
    assert web.requests == []
    assert port.title == "Le port rouvre après la tempête"
    assert port.source == "Le Quotidien du Port"
    assert port.language == "fr"
    assert port.published == "2026-02-05T10:45:00+01:00"  # the feed's own offset is kept
    assert port.url == "https://quotidien.example/2026/02/05/port-rouvre"
    assert port.text.startswith("Le port de commerce a rouvert jeudi matin")
    assert "130 kilomètres par heure" in port.text
    assert fishers.text.startswith("Les pêcheurs du port ont commencé jeudi")
    assert fishers.id != port.id


def test_feed_by_address_yields_one_result_per_entry(fixtures: Path, web) -> None:
    web.add(FEED_URL, (fixtures / "feed.rss").read_bytes(), content_type="application/rss+xml")
    web.add(MEETING, b"gone", status=410)
    results = list(iter_reports([FEED_URL], fetcher=web.fetcher()))
    assert [r.origin for r in results] == [STORM, MEETING]
    assert results[0].article is not None and results[0].article.origin == FEED_URL
    assert results[1].error == f"[E023] {MEETING}: the server answered HTTP 410"
    with pytest.raises(FetchError) as excinfo:
        read_reports([FEED_URL], fetcher=web.fetcher())
    assert excinfo.value.code == "E023"


def test_feed_served_as_xml_is_sniffed(fixtures: Path, web) -> None:
    web.add(
        "https://quotidien.example/feed",
        (fixtures / "feed.atom").read_bytes(),
        content_type="text/xml",
    )
    articles = read_reports(["https://quotidien.example/feed"], fetcher=web.fetcher())
    assert [a.format for a in articles] == ["feed", "feed"]


def test_entry_links_are_checked_like_any_address(tmp_path: Path, web) -> None:
    path = tmp_path / "evil.rss"
    path.write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Evil</title>'
        "<item><title>Metadata</title><link>http://169.254.169.254/latest/meta-data/</link>"
        "<description>Short.</description></item></channel></rss>",
        encoding="utf-8",
    )
    (result,) = iter_reports([path], fetcher=web.fetcher())
    assert result.error is not None and result.error.startswith("[E021]")
    assert web.requests == []


def test_broken_feed_is_e027(tmp_path: Path, web) -> None:
    path = tmp_path / "broken.rss"
    path.write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><item><title', encoding="utf-8"
    )
    with pytest.raises(FetchError) as excinfo:
        read_reports([path])
    assert excinfo.value.code == "E027"
    assert str(excinfo.value).startswith(f"[E027] {path}: not a readable feed (")
    web.add(
        "https://news.example/feed", b"this is not xml at all", content_type="application/rss+xml"
    )
    (result,) = iter_reports(["https://news.example/feed"], fetcher=web.fetcher())
    assert result.error is not None
    assert result.error.startswith(
        "[E027] https://news.example/feed: not a readable feed (no RSS or Atom feed found"
    )


def test_feed_without_entries_is_e027(tmp_path: Path) -> None:
    path = tmp_path / "empty.atom"
    path.write_text(
        '<feed xmlns="http://www.w3.org/2005/Atom"><title>Nothing</title></feed>', encoding="utf-8"
    )
    with pytest.raises(FetchError) as excinfo:
        read_reports([path])
    assert str(excinfo.value) == f"[E027] {path}: not a readable feed (it has no entries)"


def test_entry_with_nothing_to_read_is_skipped_e029(tmp_path: Path) -> None:
    path = tmp_path / "bare.rss"
    path.write_text(
        '<rss version="2.0"><channel><title>T</title><item><title>Only a title</title>'
        "<guid>urn:x:1</guid></item></channel></rss>",
        encoding="utf-8",
    )
    (result,) = iter_reports([path])
    assert result.article is None and result.error is None
    assert result.skipped == (
        "[E029] the feed entry has no link to fetch and 0 words of text, too few for an article "
        "(at least 25)"
    )
    with pytest.raises(InputError) as excinfo:
        read_reports([path])
    assert excinfo.value.code == "E009"  # a feed of nothing but such entries holds no article


def item(title: str, text: str, *, guid: str, link: str = "") -> str:
    link_element = f"<link>{link}</link>" if link else ""
    return (
        f"<item><title>{title}</title>{link_element}<guid>{guid}</guid>"
        f"<description>{text}</description></item>"
    )


def test_entries_with_too_little_text_are_skipped_not_stored(tmp_path: Path) -> None:
    long_enough = "Rescue teams reached the villages cut off by the floods on Monday. " * 3
    path = tmp_path / "teasers.rss"
    path.write_text(
        '<rss version="2.0"><channel><title>Teasers</title>'
        + item("Storm hits", "", guid="urn:x:title-only")
        + item("Storm hits", "A storm hit the coast overnight.", guid="urn:x:one-line")
        + item("Floods", long_enough, guid="urn:x:enough")
        + "</channel></rss>",
        encoding="utf-8",
    )
    title_only, one_line, enough = iter_reports([path])
    assert title_only.skipped is not None and title_only.skipped.startswith(
        "[E029] the feed entry has no link to fetch and 0 words of text"
    )
    assert one_line.skipped is not None and one_line.skipped.startswith(
        "[E029] the feed entry has no link to fetch and 6 words of text"
    )
    assert enough.article is not None and enough.article.text == long_enough.strip()
    assert [a.text for a in read_reports([path])] == [long_enough.strip()]


def test_short_entry_with_a_link_is_still_fetched(tmp_path: Path, web, article_html: bytes) -> None:
    web.add(MEETING, article_html)
    path = tmp_path / "linked.rss"
    path.write_text(
        '<rss version="2.0"><channel><title>T</title>'
        + item("Meeting", "A one-line teaser.", guid="urn:x:2", link=MEETING)
        + "</channel></rss>",
        encoding="utf-8",
    )
    (article,) = read_reports([path], fetcher=web.fetcher())
    assert "Colombian President Gustavo Petro met" in article.text


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-16"])
def test_utf16_feed_is_read(tmp_path: Path, fixtures: Path, web, encoding: str) -> None:
    web.add(MEETING, b"gone", status=410)
    text = (fixtures / "feed.rss").read_text(encoding="utf-8")
    path = tmp_path / "feed.rss"
    path.write_bytes(text.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode(encoding))
    storm, meeting = iter_reports([path], fetcher=web.fetcher())
    assert storm.article is not None
    assert storm.article.title == "Storm leaves thousands without power on the coast"
    assert storm.article.text.startswith("A powerful storm swept across the northern coast")
    assert meeting.error is not None and meeting.error.startswith("[E023]")


def test_xml_that_is_not_a_feed_is_e011(tmp_path: Path) -> None:
    path = tmp_path / "sitemap.xml"
    path.write_text(
        '<?xml version="1.0"?><urlset><url><loc>https://x/</loc></url></urlset>', encoding="utf-8"
    )
    (result,) = iter_reports([path])
    assert result.error == (
        f"[E011] {path}: unknown format 'xml' (expected one of: an RSS or Atom feed, or HTML)"
    )
