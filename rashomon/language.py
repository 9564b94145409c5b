"""Which language an article is in, because the reconciliation engine reads English only.

    from rashomon.language import detect_language, language_of
    detect_language("Der Bundestag hat am Donnerstag ...")   # ("de", 0.99)
    language_of(article)                                      # declared, else detected

:func:`detect_language` uses ``py3langid`` (langid.py's maintained fork, BSD-3-Clause; its
naive-Bayes model over byte n-grams, 139 languages, ships inside the wheel and loads offline in
about a second, once per process) when it is installed. Without it, a small built-in detector
answers instead: the writing system for scripts that belong to few languages (Han, kana,
Hangul, Cyrillic, Arabic, Greek, Hebrew, Devanagari, Thai ...) and, for Latin script, which
language's most common function words the text uses most. The built-in one knows fewer
languages and is less sure on short texts, but it tells English from the languages news
arrives in most often (measured on the SemEval-2022 Task 8 sample, see docs/corpus.md).

Both answer ``(ISO 639-1 code, confidence in [0, 1])``; ``("und", 0.0)`` when the text has no
letters to go by. Ingest skips an article only when it is confidently not English
(:func:`is_english`), so that a short or odd English text is never thrown away on a guess.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections import Counter
from importlib.metadata import version
from typing import Any

from rashomon.model import Article

__all__ = [
    "ENGLISH",
    "MIN_CONFIDENCE",
    "detect_language",
    "detector_name",
    "is_english",
    "language_of",
    "skip_reason",
]

ENGLISH = "en"
#: Below this confidence a detected language is not trusted enough to skip an article.
MIN_CONFIDENCE = 0.5
#: Characters of an article looked at: enough for a sure answer (accuracy on the SemEval sample
#: is the same at 2,000), few enough to cost under a millisecond.
SAMPLE_CHARS = 1500
#: Codes that are treated as English: py3langid's Nigerian Pidgin (English-based; it also
#: labels some English blog pages with lists of dates so), and "no linguistic content" / unknown,
#: which are no reason to skip.
_ENGLISH_LIKE = frozenset({"en", "pcm"})
_UNKNOWN = frozenset({"und", "zxx"})

_lock = threading.Lock()
_identifier: Any = None  # the py3langid identifier, or False when the package is missing


def detect_language(text: str) -> tuple[str, float]:
    """The language of ``text`` as ``(ISO 639-1 code, confidence)``; ``("und", 0.0)`` when
    there is nothing to go by. Thread-safe; the model is loaded on first use."""
    sample = (text or "")[:SAMPLE_CHARS]
    if not any(ch.isalpha() for ch in sample):
        return "und", 0.0
    identifier = _get_identifier()
    if identifier:
        code, confidence = identifier.classify(sample)
        return str(code), float(confidence)
    return _builtin_detect(sample)


def detector_name() -> str:
    """Which detector answers: ``py3langid <version>`` or ``builtin``."""
    if _get_identifier():
        try:
            return f"py3langid {version('py3langid')}"
        except Exception:
            return "py3langid"
    return "builtin"


def is_english(code: str | None, confidence: float = 1.0) -> bool:
    """Whether an article in ``code`` (detected with ``confidence``) should be kept: English,
    an English-like label, an unknown language, or a guess too unsure to act on."""
    if not code:
        return True
    code = code.lower()
    return code in _ENGLISH_LIKE or code in _UNKNOWN or confidence < MIN_CONFIDENCE


def language_of(article: Article) -> tuple[str, float, bool]:
    """``(code, confidence, declared)``: the article's declared ``language`` when it has one
    (a JSONL field, ``<html lang>``, the feed's language; trusted as given), else detected from
    its headline and text."""
    declared = (article.language or "").strip().lower()
    if declared:
        return declared.split("-")[0].split("_")[0], 1.0, True
    code, confidence = detect_language(f"{article.title or ''}\n{article.text or ''}")
    return code, confidence, False


def skip_reason(code: str) -> str:
    """Why an ingest leaves an article out because of its language (shown after "skipped")."""
    return f"language {code!r}, only English is analysed"


def _get_identifier() -> Any:
    global _identifier
    if _identifier is None:
        with _lock:
            if _identifier is None:
                try:
                    from py3langid.langid import MODEL_FILE, LanguageIdentifier

                    _identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
                except Exception:  # not installed, or a version with another interface
                    _identifier = False
    return _identifier


# -- the built-in detector -----------------------------------------------------------------------
#: The most frequent function words of each language (from general frequency lists), chosen so
#: that few are shared between languages. Articles and prepositions carry most of the signal.
_STOPWORDS: dict[str, str] = {
    "en": "the of and to in is that for it was on with as by at from his her they have are "
          "this be an which were has said not but their been who will would had its after",
    "de": "der die und das ist nicht den mit von sich des auf für ein eine im dem zu auch "
          "es an werden aus er hat dass sie nach wird bei einer um noch wie über so zum",
    "fr": "le la les de des et un une du est que qui dans pour pas sur au par avec il ce "
          "sont plus elle se ont été aux cette mais leur selon ses",
    "es": "el la los las de del y en que un una por con para es se su al lo como más pero "
          "sus le ha fue este entre cuando muy sin sobre también ya está son",
    "it": "il di che la e è per un una del della le non con sono gli da si nel alla anche "
          "dei come più ha delle ma questo nella sul lo degli",
    "pt": "o a os as de do da dos das e em que um uma para com não por se na no mais foi "
          "ao como mas ele pelo pela são seu sua também já está",
    "nl": "de het een en van in is dat op te zijn met voor niet aan er die door maar ook "
          "als bij nog wordt naar heeft uit om worden dan zich",
    "pl": "i w nie na się z do to że jest o jak po tak ale za od co przez jego już dla są "
          "być czy też tym może przy które który została",
    "tr": "ve bir bu da de için ile olarak çok daha olan gibi en ne ama sonra kadar ise "
          "değil var her olduğu diye şekilde tarafından",
    "sv": "och i att det som en på är av för med till den har inte om ett men var de sig "
          "så hade vid också från efter kan",
    "da": "og i at det er en til på af med for den som de har ikke et fra der var sig men "
          "også om efter kan blev skal",
    "no": "og i det er en til på av som for med at de har ikke et fra den var seg men også "
          "om etter kan ble skal",
    "fi": "ja on ei se että oli hän ovat mutta kun myös tai joka ole sen jo kuin vain "
          "mukaan hänen niin olla",
    "ro": "și de la în a cu pe care din un o nu este să mai pentru fost ca au sunt se ce "
          "acest după dar",
    "cs": "a v se na je že s z do to o jako pro by ale i jsou jeho které který po tak byl "
          "už než jen",
    "hu": "a az és hogy nem is egy meg van volt csak de már ki el mint még azt ez ha "
          "szerint után",
    "id": "yang dan di itu dengan untuk tidak ini dari dalam akan pada juga ke karena "
          "ada oleh mereka bahwa sudah",
}
_STOP_SETS = {lang: frozenset(words.split()) for lang, words in _STOPWORDS.items()}
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")

#: Unicode script (the first word of a character's name) -> language, for the scripts that
#: name a language by themselves. Cyrillic and Arabic go to the most common of their languages.
_SCRIPTS = {
    "CJK": "zh", "HIRAGANA": "ja", "KATAKANA": "ja", "HANGUL": "ko", "CYRILLIC": "ru",
    "ARABIC": "ar", "GREEK": "el", "HEBREW": "he", "DEVANAGARI": "hi", "THAI": "th",
    "BENGALI": "bn", "TAMIL": "ta", "GEORGIAN": "ka", "ARMENIAN": "hy", "GUJARATI": "gu",
    "TELUGU": "te", "KANNADA": "kn", "MALAYALAM": "ml", "GURMUKHI": "pa", "SINHALA": "si",
    "KHMER": "km", "LAO": "lo", "MYANMAR": "my", "ETHIOPIC": "am",
}


_SYLLABIC = frozenset({"CJK", "HIRAGANA", "KATAKANA", "HANGUL"})


def _builtin_detect(text: str) -> tuple[str, float]:
    scripts: Counter[str] = Counter()
    for ch in text:
        if ch.isalpha():
            name = unicodedata.name(ch, "")
            script = "LATIN" if name.startswith("LATIN") else name.split(" ")[0]
            # One Han, kana or Hangul character carries about what a Latin word of four or
            # five letters does: weigh them so, or the English names in a Chinese article win.
            scripts[script] += 4 if script in _SYLLABIC else 1
    letters = sum(scripts.values())
    script, count = scripts.most_common(1)[0]
    if script != "LATIN" and count >= 0.3 * letters:
        if script in ("HIRAGANA", "KATAKANA") or (
            script == "CJK" and scripts["HIRAGANA"] + scripts["KATAKANA"] > 0.05 * letters
        ):
            return "ja", count / letters
        if script == "CYRILLIC" and re.search(r"[іїєґІЇЄҐ]", text):
            return "uk", count / letters
        if script == "ARABIC" and re.search(r"[پچژگ]", text):
            return "fa", count / letters
        return _SCRIPTS.get(script, "und"), count / letters
    # Single letters ("a", "e", "o") are function words in several languages but also the
    # debris of addresses and codes, so they are left out.
    words = [w.lower() for w in _WORD.findall(text) if len(w) > 1]
    if not words:
        return "und", 0.0
    scores = {lang: sum(1 for w in words if w in stops) for lang, stops in _STOP_SETS.items()}
    # Letters only some languages use count too: Turkish or Finnish news has few function
    # words (suffixes do their work), but its letters give it away.
    for lang, marks in _LETTERS.items():
        scores[lang] += sum(1 for w in words if marks.intersection(w))
    best = max(scores, key=lambda lang: scores[lang])
    top = scores[best]
    if top == 0:
        return "und", 0.0
    # Sure when the best language is well ahead of the runner-up (of English, for a text that
    # is not English: other languages share a few English function words, "in", "an", "so"),
    # and when there is enough evidence: a headline of five words is not much to go by.
    other = max(v for k, v in scores.items() if k != best) if best == "en" else scores["en"]
    evidence = min(1.0, top / 10)
    return best, round(max(0.0, (top - other) / top) * evidence, 3)


#: Letters that English never uses and that point at a few languages.
_LETTERS: dict[str, frozenset[str]] = {
    lang: frozenset(letters) for lang, letters in {
        "de": "ßäöü", "fr": "çœèêàâîûùé", "es": "ñ¿¡áíóú", "it": "àèìòù", "pt": "ãõçâêô",
        "nl": "ĳë", "pl": "łąęśźżćń", "tr": "şğı", "sv": "åäö", "da": "æøå", "no": "æøå",
        "fi": "äö", "ro": "țșăâî", "cs": "řěůčšž", "hu": "őűáéö", "id": "",
    }.items()
}
