"""Language detection: which articles the English-only engine can read.

The detector in use is py3langid when it is installed, else the built-in one; the built-in one
is tested directly too, so that both are held to the same answers.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from rashomon import language
from rashomon.language import detect_language, is_english, language_of, skip_reason
from rashomon.model import Article

DATA = Path(__file__).resolve().parents[3] / "shared" / "data"

SAMPLES = {
    "en": "The government said on Tuesday that it would raise the minimum wage next year, "
          "after weeks of talks with unions and employers who had warned of job losses.",
    "de": "Die Bundesregierung hat am Dienstag angekündigt, dass der Mindestlohn im nächsten "
          "Jahr steigen wird, nachdem die Gewerkschaften wochenlang verhandelt hatten.",
    "es": "El gobierno anunció el martes que el salario mínimo subirá el próximo año, después "
          "de semanas de negociaciones con los sindicatos y los empresarios.",
    "fr": "Le gouvernement a annoncé mardi que le salaire minimum augmentera l'année "
          "prochaine, après des semaines de négociations avec les syndicats.",
    "it": "Il governo ha annunciato martedì che il salario minimo aumenterà il prossimo anno, "
          "dopo settimane di trattative con i sindacati e gli imprenditori.",
    "tr": "Hükümet salı günü yaptığı açıklamada asgari ücretin gelecek yıl artırılacağını "
          "duyurdu; sendikalarla haftalarca süren görüşmelerin ardından karar verildi.",
    "pl": "Rząd ogłosił we wtorek, że płaca minimalna wzrośnie w przyszłym roku, po tygodniach "
          "negocjacji ze związkami zawodowymi i pracodawcami.",
    "ru": "Правительство во вторник объявило, что минимальная зарплата вырастет в следующем "
          "году после нескольких недель переговоров с профсоюзами.",
    "zh": "政府周二宣布，在与工会和雇主进行数周谈判后，明年将提高最低工资。",
    "ar": "أعلنت الحكومة يوم الثلاثاء أن الحد الأدنى للأجور سيرتفع العام المقبل بعد أسابيع من "
          "المفاوضات مع النقابات.",
}


def builtin(text: str) -> tuple[str, float]:
    """The built-in detector, whatever is installed."""
    if not any(ch.isalpha() for ch in text):
        return "und", 0.0
    return language._builtin_detect(text[: language.SAMPLE_CHARS])


DETECTORS: dict[str, Callable[[str], tuple[str, float]]] = {
    "in use": detect_language,
    "builtin": builtin,
}


@pytest.mark.parametrize("detector", DETECTORS)
@pytest.mark.parametrize("code", SAMPLES)
def test_detects_the_language_of_a_news_paragraph(detector: str, code: str) -> None:
    found, confidence = DETECTORS[detector](SAMPLES[code])
    assert found == code
    assert is_english(found, confidence) == (code == "en")


@pytest.mark.parametrize("detector", DETECTORS)
def test_nothing_to_go_by_is_unknown_and_kept(detector: str) -> None:
    for text in ("", "   ", "2024-01-05 12:30 | 4,500"):
        assert DETECTORS[detector](text) == ("und", 0.0)
        assert is_english(*DETECTORS[detector](text))
    # A few words are not enough to throw an article away on a guess: whatever the detector
    # guesses for them, it is unsure, and the article is kept.
    for words in ("Merkel Macron Gipfel", "Gipfel in Berlin", "Obama Putin summit"):
        code, confidence = DETECTORS[detector](words)
        assert confidence < language.MIN_CONFIDENCE, (words, code, confidence)
        assert is_english(code, confidence), (words, code, confidence)


def test_declared_language_wins_and_is_normalised() -> None:
    english_text = SAMPLES["en"]
    assert language_of(Article(id="a", text=english_text, language="fr")) == ("fr", 1.0, True)
    assert language_of(Article(id="a", text=SAMPLES["de"], language="en-GB")) == ("en", 1.0,
                                                                                   True)
    code, confidence, declared = language_of(Article(id="a", text=SAMPLES["de"]))
    assert (code, declared) == ("de", False) and confidence >= language.MIN_CONFIDENCE
    assert skip_reason("de") == "language 'de', only English is analysed"


def _semeval_texts() -> list[tuple[str, str]]:
    path = DATA / "semeval2022_task8" / "pairs.csv"
    if not path.exists():
        pytest.skip(f"{path} is missing")
    seen: set[str] = set()
    texts = []
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            for code, text in ((row["lang1"], row["text1"]), (row["lang2"], row["text2"])):
                if text not in seen:
                    seen.add(text)
                    texts.append((code, text))
    return texts


@pytest.mark.parametrize("detector", DETECTORS)
def test_accuracy_on_the_semeval_sample(detector: str) -> None:
    """2,502 distinct news texts in 10 languages; the labels have a few errors of their own
    (a German text labelled French, a Hindi one labelled English)."""
    texts = _semeval_texts()
    detect = DETECTORS[detector]
    right = sum(detect(text)[0] == code for code, text in texts)
    english = [text for code, text in texts if code == "en"]
    foreign = [text for code, text in texts if code != "en"]
    kept_english = sum(is_english(*detect(t)) for t in english)
    kept_foreign = sum(is_english(*detect(t)) for t in foreign)
    assert right / len(texts) >= 0.99
    assert kept_english >= len(english) - 2
    assert kept_foreign <= 3


@pytest.mark.parametrize("detector", DETECTORS)
def test_english_news_is_never_skipped(detector: str) -> None:
    """The articles of ECB+, NewsWCL50 and BASIL (English news, 468 articles) all pass."""
    texts = []
    for name in ("ecbplus/val.articles.jsonl", "newswcl50/articles.jsonl",
                 "basil/articles.jsonl"):
        path = DATA / name
        if path.exists():
            with path.open(encoding="utf-8") as fh:
                for line in fh:
                    row = json.loads(line)
                    texts.append(f"{row.get('title') or ''}\n{row.get('text') or ''}")
    if not texts:
        pytest.skip("the shared data is missing")
    skipped = [t[:80] for t in texts if not is_english(*DETECTORS[detector](t))]
    assert skipped == []
