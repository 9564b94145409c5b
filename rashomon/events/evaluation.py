"""Measuring the coder: PETRARCH2's unit-test codings and IndiaPoliceEvents' police labels.

``rashomon evaluate petrarch`` and ``rashomon evaluate police-events`` (in
``rashomon/cli/evaluate_events.py``) call these.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rashomon._files import jsonl_objects
from rashomon.errors import InputError
from rashomon.events.actors import ActorMatcher
from rashomon.events.coder import CodedEvent, EventCoder

# --------------------------------------------------------------------------------------------
# PETRARCH2 unit tests

Triple = tuple[str, str, str]  # (source code, target code, CAMEO code); "---" for none
# PETRARCH2 has no hypothetical output (its dictionaries code negation with patterns such as
# "&NEGATVAUXVRB *", so negated acts are compared).
PETRARCH_MOODS = {"asserted", "reported", "future", "threatened", "negated"}


@dataclass(slots=True)
class Record:
    """One PETRARCH2 unit-test sentence with its gold codings."""

    id: str
    date: str
    category: str
    text: str
    gold: set[Triple]
    error: str | None = None  # "storydiscard", "sentencediscard", ...: no event expected


_SENTENCE = re.compile(r"<Sentence\s([^>]*)>(.*?)</Sentence>", re.S)
_ATTR = re.compile(r'(\w+)="([^"]*)"')


def read_records(path: Path) -> list[Record]:
    """The ``<Sentence>`` records of a PETRARCH2 validation file (comments skipped)."""
    text = re.sub(r"<!--.*?-->", "", path.read_text(encoding="utf-8", errors="replace"), flags=re.S)
    records = []
    for attrs, body in _SENTENCE.findall(text):
        a = dict(_ATTR.findall(attrs))
        gold: set[Triple] = set()
        error = None
        for coding in re.findall(r"<EventCoding\s([^>]*)>", body):
            c = dict(_ATTR.findall(coding))
            if "error" in c:
                error = c["error"]
            elif "eventcode" in c:
                gold.add((c.get("sourcecode", "---"), c.get("targetcode", "---"), c["eventcode"]))
        match = re.search(r"<Text>(.*?)</Text>", body, re.S)
        sentence = " ".join(match.group(1).split()) if match else ""
        records.append(Record(a.get("id", ""), a.get("date", ""), a.get("category", ""),
                              sentence, gold, error))  # fmt: skip
    if not records:
        raise InputError("E132", path=str(path))
    return records


def is_test(key: str, share: int = 5) -> bool:
    """The fixed hash split: one key in ``share`` is held out as test."""
    return int(hashlib.sha1(key.encode("utf-8")).hexdigest(), 16) % share == 0


def triples(events: Iterable[CodedEvent], *, moods: set[str] | None = None) -> set[Triple]:
    """(source, target, code) of events, as PETRARCH2 writes them."""
    out: set[Triple] = set()
    for e in events:
        if e.cameo is None or (moods is not None and e.mood not in moods):
            continue
        out.add((_petrarch_code(e.source), _petrarch_code(e.target), e.cameo))
    return out


def _petrarch_code(actor: Any) -> str:
    """An actor code as PETRARCH2 writes it: "---" for none, "---GOV" for an agent with no
    country."""
    if actor is None or not actor.code:
        return "---"
    if actor.country is None and actor.role and actor.code == actor.role:
        return "---" + actor.code
    return str(actor.code)


@dataclass(slots=True)
class PetrarchScore:
    """Share of gold triples produced (recall) and share of produced ones that are gold."""

    part: str
    records: int
    gold: int
    found: int
    produced: int
    misses: list[tuple[str, str, list[Triple], list[Triple]]] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.found / self.gold if self.gold else 0.0

    @property
    def precision(self) -> float:
        return self.found / self.produced if self.produced else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"part": self.part, "records": self.records, "gold": self.gold,
                "found": self.found, "produced": self.produced,
                "recall": round(self.recall, 4), "precision": round(self.precision, 4)}  # fmt: skip


def run_petrarch(folder: Path, nlp: Any) -> list[PetrarchScore]:
    """Code every unit-test record with the validation dictionaries; score dev, test, all."""
    records = read_records(folder / "PETR.UnitTest.records.xml")
    # PETRARCH2 codes verbs only, and its validation set uses WEIS codes (no CAMEO intents).
    coder = EventCoder(folder, intents=False, nominal=False)
    docs = nlp.pipe(r.text for r in records)
    scores = {part: PetrarchScore(part, 0, 0, 0, 0) for part in ("dev", "test", "all")}
    for record, doc in zip(records, docs, strict=True):
        coder.matcher = coder.matcher if not record.date else _dated(coder, folder, record.date)
        produced = triples(coder(doc), moods=PETRARCH_MOODS)
        gold = record.gold
        found = len(gold & produced)
        for part in ("test" if is_test(record.id) else "dev", "all"):
            s = scores[part]
            s.records += 1
            s.gold += len(gold)
            s.found += found
            s.produced += len(produced)
            if part == "all" and (gold - produced or produced - gold):
                s.misses.append((record.id, record.text, sorted(gold - produced),
                                 sorted(produced - gold)))  # fmt: skip
    return [scores["dev"], scores["test"], scores["all"]]


_MATCHERS: dict[tuple[str, str], Any] = {}


def _dated(coder: EventCoder, folder: Path, date: str) -> Any:
    """Actor matcher for the record's date (actors' roles change with time)."""

    key = (str(folder), date)
    if key not in _MATCHERS:
        _MATCHERS[key] = ActorMatcher(coder.dicts.actors, coder.dicts.agents, date)
    return _MATCHERS[key]


def format_petrarch(scores: list[PetrarchScore], verbose: bool = False) -> str:
    lines = ["PETRARCH2 unit tests (validation dictionaries): share of gold (source, target, "
             "code) triples produced"]  # fmt: skip
    for s in scores:
        lines.append(f"  {s.part:4}  records {s.records:3}  gold {s.gold:3}  found {s.found:3}  "
                     f"recall {s.recall:.3f}  produced {s.produced:3}  "
                     f"precision {s.precision:.3f}")  # fmt: skip
    if verbose:
        for rid, text, missed, extra in scores[-1].misses:
            lines.append(f"- {rid}: {text}")
            lines.append(f"    missed {missed}  extra {extra}")
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# IndiaPoliceEvents

POLICE_LABELS: tuple[str, ...] = ("KILL", "ARREST", "FAIL", "FORCE", "ANY_ACTION")


@dataclass(slots=True)
class PoliceSettings:
    """How coded events become sentence labels (chosen on a document-level dev part).

    ``implicit_arrest``: an arrest with no named source counts as a police arrest (in police
    reporting the arrester is the police unless someone else is named); ``implicit_force``: the
    same for force. ``statements``: police statements (CAMEO 01-02) count as actions.
    ``kill_in_force``: a killing or death with no named killer, in a sentence where the police
    used force, is a police killing ("killed in police firing"). ``targets``: an act done to the
    police ("police were deployed", "asked the police to") counts as a police action.
    ``fail_alone``: a sentence telling a police failure is not also an action unless a coded
    police act is told in it. ``implicit_fail``: an agentless coercive act told as not done ("no
    action was taken") is a police failure, and so is a failure noun of an unnamed actor
    ("their inaction") in a sentence naming the police. ``police_force``: with no one named,
    police-type force (CAMEO 175: lathi-charge, tear gas; "firing") is the police's.
    ``any_mood``: a police act counts as an action whatever its mood ("police will deploy",
    "police could not stop"), as the data's annotators read "any police action".
    """

    implicit_arrest: bool = True
    implicit_force: bool = False
    statements: bool = True
    kill_in_force: bool = True
    targets: bool = True
    fail_alone: bool = False
    implicit_fail: bool = False
    police_force: bool = False
    any_mood: bool = True


def read_sentences(path: Path) -> list[dict[str, Any]]:
    """IndiaPoliceEvents sentence lines ``{"doc_id", "sent_id", "sent_text"[, "sent_labels"]}``."""
    rows = []
    for n, row in jsonl_objects(path, "E131"):
        if not isinstance(row.get("sent_text"), str) or "doc_id" not in row or (
                "sent_id" not in row):  # fmt: skip
            raise InputError("E131", path=str(path), line=n,
                             problem='needs "doc_id", "sent_id" and "sent_text"')  # fmt: skip
        rows.append(row)
    return rows


# India's paramilitary forces are central armed police forces: the data counts them as police.
_CAPF = re.compile(r"\b(para-?military|paramilitary|raf|bsf|cisf|itbp|srp|grp|crpf|home guards?)\b")


def is_police(actor: Any) -> bool:
    """Police, by code (COP as the agent part: COP, INDCOP, ...), or one of India's central
    armed police forces, which Phoenix files as military ("paramilitary forces")."""
    if actor is None:
        return False
    if actor.code is not None and "COP" in actor.code:
        return True
    return actor.code is not None and _CAPF.search(actor.text.lower()) is not None


_KILL_VERBS = {"kill", "murder", "shoot", "gun", "slay", "lynch", "behead", "hang"}
_DIE = {"die", "succumb"}
_DEATH = _KILL_VERBS | _DIE
_DEAD = re.compile(r"\b(dead|deaths?|death toll)\b")
# Verbs and nouns of not acting: "the police failed to act", "remained mute spectators",
# "stood and watched", "looked the other way", "police inaction".
_FAIL_VERBS = {"fail", "refuse", "remain", "stand", "watch", "neglect", "ignore", "allow",
               "let", "delay", "look", "oblige", "hesitate", "stump", "helpless", "sit", "duck",
               "flee", "retreat", "vanish", "disappear"}  # fmt: skip
# A police act told as a failure by its words: "played a passive role", "were mute spectators",
# "was nowhere in sight", "looked the other way".
_FAIL_WORDS = re.compile(r"\b(passive|mute|silent|helpless) (role|spectators?|onlookers?)\b|"
                         r"\bspectators?\b|\bonlookers?\b|\bnowhere\b|\bat a loss\b|"
                         r"\bthe other way\b|\bdeaf ear\b|\bblind eye\b|\bdid little\b")
_FAIL_NOUNS = {"inaction", "failure", "failures", "negligence", "lapse", "lapses", "complicity",
               "connivance", "apathy", "laxity", "indifference", "passivity"}  # fmt: skip
_ARREST_VERBS = {"arrest", "detain", "nab", "apprehend", "book", "custody", "detention",
                 "arrests", "remand", "jail", "round"}  # fmt: skip
_TOLD = {"asserted", "reported"}
# Force that only the police use in this reporting: "tear-gas shells were lobbed", "firing".
_POLICE_FORCE = {"fire", "firing", "lathicharge", "teargas", "lob", "burst"}
# Acts that set the police to work: "were deployed", "asked the police to", "rushed to".
_DIRECTIVE = {"deploy", "rush", "send", "post", "station", "ask", "order", "direct", "instruct",
              "requisition", "call", "move", "dispatch", "despatch", "mobilise", "mobilize",
              "alert", "pose", "put", "place", "keep", "assign", "draft"}
_AGAINST = {"01", "02", "05", "10", "11", "12", "13", "14", "17", "18", "19", "20"}
_NOT_DETAINED = {"BUS", "USA"}  # "booked on airlines", "booking a ticket to the US"


def _directed(e: CodedEvent, settings: PoliceSettings) -> bool:
    """The police are set to work by this act (``targets`` setting)."""
    if not settings.targets or not is_police(e.target):
        return False
    # not what others say of or do against the police ("demanded the suspension of the SP",
    # "pelted stones at the police"), which tells nothing the police did
    return e.lemma in _DIRECTIVE or (e.cameo or "")[:2] not in _AGAINST


def police_labels(events: list[CodedEvent], settings: PoliceSettings) -> set[str]:
    """The five labels of one sentence, from its coded events."""
    labels: set[str] = set()
    deaths = False
    for e in events:
        told = e.mood in _TOLD
        named_other = e.source is not None and bool(e.source.code) and not is_police(e.source)
        # the subject of "died" is the victim, of "killed" the killer
        if e.lemma in _DEATH and told and (e.lemma in _DIE or not named_other):
            deaths = True
        if told and _DEAD.search(e.evidence.lower()):
            deaths = True  # "left two dead", "77 deaths due to police firing"
        if settings.statements and is_police(e.speaker):
            labels.add("ANY_ACTION")  # "the police claimed that ...": a police statement
        if settings.any_mood and is_police(e.source):
            labels.add("ANY_ACTION")  # planned, possible or refused police acts count too
        police = is_police(e.source)
        code = e.cameo or ""
        failed = e.mood == "negated" or e.lemma in _FAIL_VERBS or (
            told and _FAIL_WORDS.search(e.evidence.lower()) is not None)  # fmt: skip
        if e.cameo is None:
            # an act CAMEO does not code, done by the police or done to them ("police were
            # rushed to the area"): an action, or a failure to act
            if police and (failed or e.lemma in _FAIL_NOUNS):
                labels.add("FAIL")
            elif (police or _directed(e, settings)) and told:
                labels.add("ANY_ACTION")
                if police and e.lemma in _ARREST_VERBS:
                    labels.add("ARREST")  # "rounded up", which CAMEO does not code
            continue
        if not police and not named_other:
            # an arrest word, not any CAMEO 173 ("took objection", "confined to five per cent"),
            # and someone arrested: not "booked on airlines", "apprehending trouble"
            arrest = (e.lemma in _ARREST_VERBS or (
                code.startswith("173") and e.target is not None and bool(e.target.code))) and (
                e.target is None or e.target.code not in _NOT_DETAINED) and (
                e.lemma != "apprehend" or e.target is not None)  # fmt: skip
            force = code[:2] in {"18", "19"}
            police_type = settings.police_force and e.source is None and (
                code.startswith("175") or e.lemma in _POLICE_FORCE)  # fmt: skip
            police = (settings.implicit_arrest and arrest) or (
                settings.implicit_force and force) or police_type  # fmt: skip
        if not police:
            if told and _directed(e, settings):
                labels.add("ANY_ACTION")  # "police were deployed", "asked the police to"
            continue
        if failed:
            # a failure needs the police named, and an act (not "did not say")
            if is_police(e.source) and not code.startswith(("01", "02")):
                labels.add("FAIL")
            continue
        if not told:
            continue
        if code.startswith(("01", "02")):
            if settings.statements:
                labels.add("ANY_ACTION")
            continue
        labels.add("ANY_ACTION")
        if code.startswith("173") or e.lemma in _ARREST_VERBS:
            labels.add("ARREST")
        if code[:2] in {"18", "19", "20"} or code.startswith("175"):
            labels.add("FORCE")
            if e.lemma in _KILL_VERBS or code in {"186", "1823", "202"}:
                labels.add("KILL")
    if settings.implicit_fail and "FAIL" not in labels and _implicit_failure(events):
        labels.add("FAIL")
    if settings.kill_in_force and deaths and "FORCE" in labels:
        labels.add("KILL")
    if settings.fail_alone and "FAIL" in labels and not any(
            e.mood in _TOLD and is_police(e.source) and e.cameo for e in events):  # fmt: skip
        labels.discard("ANY_ACTION")
    return labels


def _implicit_failure(events: list[CodedEvent]) -> bool:
    """A failure with the police unnamed: "no action was taken" (an agentless act against
    someone, told as not done; "take" only with "action", as CAMEO files all of "take" under
    171), or "criticised the police for their inaction"."""
    police_named = any(is_police(a) for e in events for a in (e.source, e.target, e.speaker))
    for e in events:
        if e.source is None and e.mood == "negated" and (e.cameo or "").startswith("17") and (
                e.lemma != "take" or "action" in e.evidence.lower()):  # fmt: skip
            return True
        if (e.source is None or not e.source.code) and e.lemma in _FAIL_NOUNS and police_named:
            return True
    return False


def code_sentences(rows: list[dict[str, Any]], nlp: Any, coder: EventCoder,
                   batch_size: int = 256) -> Iterator[list[CodedEvent]]:  # fmt: skip
    """Coded events of each sentence row (parsed with ``nlp.pipe``)."""
    texts = (" ".join(r["sent_text"].split()) for r in rows)
    for doc in nlp.pipe(texts, batch_size=batch_size):
        yield coder(doc)


@dataclass(slots=True)
class LabelScore:
    """Per-label F1 and their mean over the five labels."""

    part: str
    sentences: int
    f1: dict[str, float]

    @property
    def macro(self) -> float:
        return sum(self.f1.values()) / len(self.f1)

    def to_dict(self) -> dict[str, Any]:
        return {"part": self.part, "sentences": self.sentences, "macro_f1": round(self.macro, 4),
                "f1": {k: round(v, 4) for k, v in self.f1.items()}}  # fmt: skip


def score_labels(part: str, gold: list[set[str]], predicted: list[set[str]]) -> LabelScore:
    f1 = {}
    for label in POLICE_LABELS:
        tp = sum(1 for g, p in zip(gold, predicted, strict=True) if label in g and label in p)
        fp = sum(1 for g, p in zip(gold, predicted, strict=True) if label not in g and label in p)
        fn = sum(1 for g, p in zip(gold, predicted, strict=True) if label in g and label not in p)
        f1[label] = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    return LabelScore(part, len(gold), f1)


def format_labels(scores: list[LabelScore]) -> str:
    lines = ["IndiaPoliceEvents sentence labels from coded police events (F1)"]
    for s in scores:
        per = "  ".join(f"{k} {v:.3f}" for k, v in s.f1.items())
        lines.append(f"  {s.part:5} sentences {s.sentences:5}  macro F1 {s.macro:.3f}  ({per})")
    return "\n".join(lines)
