"""find_timexes: expressions, values with and without a publication date, span conventions."""

from __future__ import annotations

import pytest

from rashomon.errors import InputError
from rashomon.timex import Timex, find_timexes

# 2026-01-07 is a Wednesday, in ISO week 2.
DCT = "2026-01-07"


def found(text: str, published: str | None = DCT) -> list[tuple[str, str, str]]:
    return [(t.text, t.type, t.value) for t in find_timexes(text, published)]


def one(text: str, published: str | None = DCT) -> Timex:
    result = find_timexes(text, published)
    assert len(result) == 1, result
    return result[0]


@pytest.mark.parametrize(("text", "expected"), [
    ("It happened yesterday.", ("yesterday", "DATE", "2026-01-06")),
    ("It happens today.", ("today", "DATE", "2026-01-07")),
    ("He left last month.", ("last month", "DATE", "2025-12")),
    ("Sales rose last year.", ("last year", "DATE", "2025")),
    ("They meet next week.", ("next week", "DATE", "2026-W03")),
    ("He quit two years ago.", ("two years ago", "DATE", "2024")),
    ("It took three days.", ("three days", "DURATION", "P3D")),
    ("It lasted a decade.", ("a decade", "DURATION", "P1E")),
    ("Prices rose over the past three years.", ("the past three years", "DURATION", "P3Y")),
    ("They meet every week.", ("every week", "SET", "P1W")),
    ("Profit rose in the third quarter.", ("the third quarter", "DATE", "2026-Q3")),
    ("He was born in 1988.", ("1988", "DATE", "1988")),
    ("It began on Nov. 9, 1989.", ("Nov. 9, 1989", "DATE", "1989-11-09")),
    ("The vote is on March 3.", ("March 3", "DATE", "2026-03-03")),
    ("It opened in the 1990s.", ("the 1990s", "DATE", "199")),
    ("It happens this summer.", ("this summer", "DATE", "2026-SU")),
    ("They spoke at 5 p.m. EST.", ("5 p.m. EST", "TIME", "2026-01-07T17:00")),
    ("He spoke this morning.", ("this morning", "TIME", "2026-01-07TMO")),
    ("Now the market is calm.", ("Now", "DATE", "PRESENT_REF")),
    ("He recently resigned.", ("recently", "DATE", "PAST_REF")),
    ("They will act soon.", ("soon", "DATE", "FUTURE_REF")),
    ("The plant runs 24 hours daily.", ("daily", "SET", "P1D")),
])  # fmt: skip
def test_expressions_and_values(text: str, expected: tuple[str, str, str]) -> None:
    assert expected in found(text)


def test_weekday_direction_from_tense_cues() -> None:
    assert one("Petro is set to meet Trump on Tuesday.").value == "2026-01-13"
    assert one("Petro will meet Trump on Tuesday.").value == "2026-01-13"
    assert one("Petro met Trump on Tuesday.").value == "2026-01-06"
    # No cue: the last such day on or before publication (the documented default).
    assert one("Markets closed higher Wednesday.").value == "2026-01-07"
    assert one("Trump and Petro, Tuesday.").value == "2026-01-06"


def test_weekday_leads_fix_the_direction() -> None:
    assert one("He left last Friday.").value == "2026-01-02"
    assert one("He arrives next Friday.").value == "2026-01-09"
    assert one("They meet each Thursday.").value == "XXXX-WXX-4"
    assert one("They meet each Thursday.").type == "SET"


def test_without_publication_date_nothing_is_guessed() -> None:
    tuesday = one("Petro is set to meet Trump on Tuesday.", None)
    assert (tuesday.value, tuesday.anchored) == ("XXXX-WXX-2", False)
    assert one("He left last month.", None).value == "XXXX-XX"
    assert one("It happened yesterday.", None).value == "XXXX-XX-XX"
    assert one("They meet next week.", None).value == "XXXX-WXX"
    assert one("The vote is on March 3.", None).value == "XXXX-03-03"
    assert one("Profit rose in the third quarter.", None).value == "XXXX-Q3"
    # Absolute expressions do not need the date and are not "anchored".
    absolute = one("It began on Nov. 9, 1989.", None)
    assert (absolute.value, absolute.anchored) == ("1989-11-09", False)


def test_anchored_flag() -> None:
    assert one("He left last month.").anchored is True
    assert one("It took three days.").anchored is False


def test_impossible_dates_keep_only_what_is_known() -> None:
    assert one("It was signed on February 30, 2026.").value == "2026-02"
    assert one("It was signed on February 30.", None).value == "XXXX-02"
    assert found("The code 13/45/2026 is not a date.") == []


def test_span_conventions() -> None:
    # "last" and a leading "the" belong to the expression; prepositions do not.
    assert one("Sales fell last month.").text == "last month"
    assert one("Sales fell in the third quarter.").text == "the third quarter"
    assert one("The third-quarter results were weak.").text == "third-quarter"
    assert one("It fell in recent years.").text == "recent years"
    assert one("They meet on Friday.").text == "Friday"
    assert one("He spoke Friday.").text == "Friday"  # no full stop in the span
    # Quantity modifiers are in the span and in mod.
    approx = one("He left about two years ago.")
    assert (approx.text, approx.mod) == ("about two years ago", "APPROX")
    start = one("It was built in early 1990.")
    assert (start.text, start.value, start.mod) == ("early 1990", "1990", "START")


def test_offsets_index_the_text() -> None:
    text = "On Tuesday, a year after the 1990s ended, Petro met Trump at 5 p.m. yesterday."
    for timex in find_timexes(text, DCT):
        assert text[timex.start:timex.end] == timex.text


def test_quarter_context_of_earnings_reports() -> None:
    text = ("Net income rose in the third quarter. A year earlier, the company lost money. "
            "Sales in the quarter grew.")
    values = [t.value for t in find_timexes(text, "1989-10-26")]
    assert values == ["1989-Q3", "1988-Q3", "1989-Q3"]


def test_months_take_the_nearer_year_or_the_tense() -> None:
    assert one("Petro's term ends in August.", "2026-02-01").value == "2026-08"
    assert one("The deal closed in December.", "2026-02-01").value == "2025-12"
    assert one("The vote will be held in March.", "2026-11-20").value == "2027-03"


def test_words_that_are_not_dates() -> None:
    assert found("You may fall ill if you sit in the sun.") == []
    assert found("He was 37 years old.") == []
    assert found("The plan will save $500 million a year.") == []
    assert found("The quarterly dividend was raised.") == []
    assert found("Prime Minister Theresa May said so. May I ask?") == []
    assert found("It ends in May.") == [("May", "DATE", "2026-05")]


def test_adjectives_and_titles_are_not_expressions() -> None:
    assert found("He had two extensions in the past season.") == []
    assert found("He was named the Person of the Week.") == []
    assert found("In the past, he won.") == [("the past", "DATE", "PAST_REF")]
    assert found("") == []


def test_decimal_and_vague_amounts() -> None:
    assert found("It offers up to 5.5 hours of talk time.") == [
        ("up to 5.5 hours", "DURATION", "PT5.5H")]
    assert one("It offers up to 5.5 hours of talk time.").mod == "EQUAL_OR_LESS"
    assert found("It took several months.") == [("several months", "DURATION", "PXM")]
    assert found("Prices rose in recent weeks.") == [("recent weeks", "DURATION", "PXW")]
    assert found("Sales will grow in coming months.") == [("coming months", "DATE", "FUTURE_REF")]


def test_clock_times_and_relative_years_next_to_dates() -> None:
    assert found("POSTED: 1052 GMT (1852 HKT), April 10, 2007") == [
        ("April 10, 2007", "DATE", "2007-04-10")]
    date_this_year = one("It was deployed on November 2 this year.", "2008-12-01")
    assert (date_this_year.text, date_this_year.value, date_this_year.anchored) == (
        "November 2 this year", "2008-11-02", True)
    assert one("It was deployed on November 2 this year.", None).value == "XXXX-11-02"


def test_bad_publication_date_is_a_coded_error() -> None:
    with pytest.raises(InputError) as error:
        find_timexes("Tuesday", "next week")
    assert error.value.code == "E122"


def test_publication_date_forms() -> None:
    assert one("It happened yesterday.", "2026-01-07T15:00:00Z").value == "2026-01-06"
    assert one("It happened yesterday.", "20260107").value == "2026-01-06"
    assert one("It happened yesterday.", "Wed, 07 Jan 2026 15:00:00 GMT").value == "2026-01-06"


def test_to_dict() -> None:
    assert one("It happened yesterday.").to_dict() == {
        "start": 12, "end": 21, "text": "yesterday", "type": "DATE", "value": "2026-01-06",
        "anchored": True, "mod": None}


@pytest.mark.slow
def test_tense_from_a_spacy_parse() -> None:
    from rashomon.backends.parser import default_parser

    nlp = default_parser()
    text = "Petro, who met Trump on Tuesday, will leave."
    # Cues alone see "will" nearest; the parse knows "Tuesday" belongs to "met".
    assert find_timexes(text, DCT)[0].value == "2026-01-13"
    assert find_timexes(text, DCT, doc=nlp(text))[0].value == "2026-01-06"
