"""The event coder: who did what to whom, clause by clause, on spaCy dependency parses.

For every verb the CAMEO dictionary knows (and every noun naming an act of a named actor, "police
firing"), the coder finds the source (subject, or the ``by`` agent of a passive), the target
(object, passive subject, or an actor in a prepositional phrase), codes both with the actor
dictionaries and the verb with its patterns, and records in what mood the act is told.

Moods (``CodedEvent.mood``):

- ``asserted``: told as having happened ("Petro met Trump").
- ``negated``: told as not having happened ("did not meet"); the CAMEO code is the act's, the
  Goldstein weight is None because no act took place.
- ``hypothetical``: a condition or its consequence ("if ... would strike"), or a modal
  possibility ("could strike"); act's code, no Goldstein weight.
- ``future``: announced or planned ("will meet", "is set to meet"); coded as the intent CAMEO
  has for it (036 for a meeting, 138 for announced force), with that code's weight.
- ``threatened``: "threatened to strike": coded as the threat (13x), never as the strike.
- ``reported``: told by someone in the sentence ("X said Y met Z"); ``speaker`` holds who.

Nothing is invented: an argument the dictionaries cannot code is kept with ``code=None``; an
act with no subject or object has ``None`` there, and its evidence is kept all the same.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rashomon.events import plover as _plover
from rashomon.events.actors import (
    Actor,
    ActorMatcher,
    Match,
    actor_for,
    match_index,
    phrase_tokens,
)
from rashomon.events.dictionaries import Dictionaries, load
from rashomon.events.verbs import VerbCode, code_verb
from rashomon.events.verbs import after_tokens as _after

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token
    from spacy.tokens import Span as SpacySpan

MOODS: tuple[str, ...] = (
    "asserted", "negated", "hypothetical", "future", "threatened", "reported",
)  # fmt: skip


@dataclass(slots=True)
class CodedEvent:
    """One coded act: the clause it is read from (offsets into the doc's text) and its parts."""

    sentence: int  # index of the sentence in the doc
    start: int
    end: int
    evidence: str
    source: Actor | None  # None: no one named (kept, never invented)
    target: Actor | None
    verb: str  # the words of the act as written ("met with", "threatened to strike")
    cameo: str | None
    plover: str | None
    goldstein: float | None
    mood: str  # one of MOODS
    speaker: Actor | None = None  # who tells it, for reported speech
    lemma: str = ""  # the act's base word, lower-case ("strike" for "threatened to strike")

    def to_dict(self) -> dict[str, Any]:
        return {
            "sentence": self.sentence,
            "start": self.start,
            "end": self.end,
            "evidence": self.evidence,
            "source": None if self.source is None else self.source.to_dict(),
            "target": None if self.target is None else self.target.to_dict(),
            "verb": self.verb,
            "cameo": self.cameo,
            "plover": self.plover,
            "goldstein": self.goldstein,
            "mood": self.mood,
            "speaker": None if self.speaker is None else self.speaker.to_dict(),
            "lemma": self.lemma,
        }


# Lemmas, all lower-case (the input may be lower-cased: IndiaPoliceEvents).
_THREAT = {"threaten", "vow", "warn"}
_REPORTING = {"say", "tell", "announce", "report", "claim", "add", "state", "allege", "insist",
              "confirm", "note", "explain", "declare", "assert", "reveal", "indicate", "hint",
              "signal"}  # fmt: skip
# "X is set to meet", "plans to meet": the embedded act is a plan.
_PLAN = {"plan", "intend", "expect", "set", "due", "schedule", "prepare", "aim", "hope", "want",
         "seek", "agree", "decide", "promise", "pledge", "offer", "propose", "go", "about",
         "scheduled", "slate", "try", "attempt", "wish"}  # fmt: skip
_FUTURE_AUX = {"will", "shall", "'ll", "wo"}
_MODAL = {"could", "might", "may", "can", "should", "must", "would"}
_CONDITION = {"if", "unless", "provided", "whether"}
_NEGATION = {"not", "n't", "never", "no"}
_SUBJ = {"nsubj", "nsubjpass", "csubj", "csubjpass", "expl"}
_OBJ = {"dobj", "dative", "obj", "attr", "oprd"}
_ACTOR_ENTS = {"PERSON", "ORG", "GPE", "NORP", "FAC", "LOC"}
_PRONOUNS = {"he", "she", "they", "it", "we", "i", "you", "him", "her", "them", "us", "who",
             "which", "that"}  # fmt: skip
_RELATIVE = {"who", "which", "that", "whom"}
_ACT_NOUN_ROOTS = {"17", "18", "19", "20"}
# Code roots of acts two parties do together, so "A and B <act>" with no one else named is each
# towards the other ("Gondor and Osgiliath renewed ties", "met", "signed"); "A and B attacked" is
# not A attacking B. Fighting words are mutual whatever their code ("the two sides clashed").
_MUTUAL_ROOTS = {"03", "04", "05", "06"}
# Nouns for states of affairs, never parties, as the doer of a coded verb: "the outcome could
# influence", "the atmosphere surrounding", "the situation demands". (Nouns naming acts,
# "talks", "the meeting", are told by the verb dictionary itself.)
_NON_PARTY_NOUNS = {"outcome", "atmosphere", "situation", "result", "tension", "prospect",
                    "issue", "effort", "process", "relationship", "relation", "tie", "idea",
                    "question", "problem", "crisis", "mood", "climate", "tone", "focus", "aim",
                    "goal", "impact", "effect", "consequence", "development", "event",
                    "incident", "move", "step", "plan", "policy", "decision", "trend",
                    "concern", "uncertainty", "risk", "possibility", "context", "backdrop",
                    "history", "legacy", "future", "fact", "matter", "case", "operation",
                    "campaign", "mission", "programme", "program", "strategy", "measure"}
_MUTUAL_LEMMAS = {"clash", "fight", "battle", "skirmish", "exchange", "spar", "wrangle"}
_LIGHT_VERBS = {"make", "carry", "conduct", "effect", "order", "resort", "open"}
# Nouns that stand for the people of what follows: "the population of Gondor".
_GROUP_NOUNS = {"population", "people", "leaders", "leader", "government", "members", "member",
                "residents", "citizens", "ambassador", "ambassadors", "officials", "forces",
                # units of a force: "two companies of rapid action force", "a team of police"
                "company", "companies", "team", "teams", "contingent", "contingents", "unit",
                "units", "battalion", "battalions", "platoon", "platoons", "column", "columns",
                "personnel", "jawans", "posse", "squad", "squads", "detachment"}
# Nouns spelt like an act verb that never name the act: "a book on ..." (not "to book").
_NOT_ACT_NOUNS = {"book", "books"}
# Words that tell a consultation noun as having happened ("a recent phone call").
_TOLD_MARKS = {"recent", "previous", "last", "earlier", "phone", "telephone", "cordial",
               "telephonic"}
_REFUSE = {"refuse", "fail", "decline", "neglect"}
# Nouns naming a conduct of their actor that CAMEO has no verb for ("police inaction", "police
# protection", "the failure of the police"): coded (without a CAMEO code) only with
# ``uncoded=True``, and only when their actor is named.
_CONDUCT_NOUNS = {"inaction", "failure", "negligence", "lapse", "lapses", "complicity",
                  "connivance", "apathy", "passivity", "laxity", "indifference", "protection",
                  "action",
                  "bandobast", "bandobust", "patrolling", "patrol", "patrols", "vigil", "escort",
                  "deployment", "raid", "raids", "probe", "investigation", "inquiry", "crackdown",
                  "excesses", "atrocities", "atrocity", "intervention", "role", "presence",
                  "help", "response", "firing", "arrests", "cordon", "search", "searches"}
_LIKELY = {"likely", "unlikely", "possible", "able", "unable", "unwilling", "reluctant"}
_UNABLE = {"unable", "unwilling", "reluctant"}


def _phrase_regex(phrases: list[str]) -> re.Pattern[str] | None:
    """One regex for discard phrases: " PHRASE" anywhere; a trailing "_" means a whole word."""
    parts = []
    for phrase in phrases:
        words = " ".join(phrase.replace("_", " ").split())
        if words:
            parts.append(" " + re.escape(words) + (r"[\s.,;:!?]" if phrase.endswith("_") else ""))
    return re.compile("|".join(parts)) if parts else None


def _mutual_cue(verb: Token) -> bool:
    """Whether the clause tells its act as shared by its doers: "delayed their meeting",
    "blamed each other", "jointly", "together"."""
    for child in verb.children:
        if child.dep_ == "advmod" and child.lower_ in {"jointly", "together", "mutually"}:
            return True
        if child.dep_ in _OBJ and any(g.dep_ == "poss" and g.lower_ == "their"
                                      for g in child.children):  # fmt: skip
            return True
    words = [t.lower_ for t in verb.subtree]
    pairs = set(pairwise(words))
    return ("each", "other") in pairs or ("one", "another") in pairs


def _conjuncts(tok: Token) -> list[Token]:
    return [tok, *tok.conjuncts]


class EventCoder:
    """Codes the events of parsed documents with PETRARCH2-format dictionaries.

    ``dictionaries``: a folder of PETRARCH2 dictionaries (the bundled Phoenix/CAMEO 2.0 set by
    default; PETRARCH2's validation set for ``rashomon evaluate petrarch``). ``nominal``: also
    code nouns naming an act of a named actor ("police firing", "the arrest by police").
    ``date``: YYYYMMDD, picks the dated roles of actors (default: the current one).
    ``intents``: rewrite planned acts and threats to CAMEO's intent/threat codes (off for
    dictionaries that do not use CAMEO codes; the mood is recorded either way).
    """

    def __init__(self, dictionaries: Path | None = None, *, nominal: bool = True,
                 date: str | None = None, intents: bool = True,
                 uncoded: bool = False) -> None:  # fmt: skip
        self.dicts: Dictionaries = load(Path(dictionaries) if dictionaries else None)
        # CAMEO's intent and threat codes (036, 138, ...) only make sense with CAMEO
        # dictionaries; PETRARCH2's validation set uses older WEIS codes, so it turns them off.
        self.intents = intents
        self.matcher = ActorMatcher(self.dicts.actors, self.dicts.agents, date)
        self.nominal = nominal
        # Also keep acts CAMEO has no code for (``cameo=None``) when a coded actor does them or
        # has them done ("the police stood and watched", "police were rushed"): what the police
        # did is wider than CAMEO's verbs (``rashomon evaluate police-events`` turns it on).
        self.uncoded = uncoded
        # Phoenix lists the years 1914-2013 as sentence discards (PETRARCH2 drops sentences
        # about history); in news a year is mostly a date ("This story is from March 1, 2002",
        # "in 1990, two brothers were killed in police firing"), and the act is still an act,
        # so bare years are not used to discard.
        self._discards = _phrase_regex([d for d in self.dicts.discards
                                        if not d.strip("_ ").isdigit()])  # fmt: skip
        self._story_discards = _phrase_regex(self.dicts.story_discards)
        # Names already coded in the document being coded ("Petro" after "Colombian President
        # Gustavo Petro"): last name -> the coded actor.
        self._names: dict[str, Actor] = {}

    # -- public -------------------------------------------------------------------------------

    def __call__(self, doc: Doc) -> list[CodedEvent]:
        """The coded events of ``doc``, in text order."""
        if self._discarded(doc.text, self._story_discards):
            return []
        self._names = {}
        events: list[CodedEvent] = []
        for index, sent in enumerate(doc.sents):
            if self._discarded(sent.text, self._discards):
                continue
            events.extend(self.code_sentence(sent, index))
        return events

    def pipe(self, docs: Iterable[Doc]) -> Iterator[list[CodedEvent]]:
        """Code many docs (parse them with ``nlp.pipe`` for speed)."""
        for doc in docs:
            yield self(doc)

    # -- internals ----------------------------------------------------------------------------

    @staticmethod
    def _discarded(text: str, phrases: re.Pattern[str] | None) -> bool:
        if phrases is None:
            return False
        return phrases.search(" " + " ".join(text.upper().split()) + " ") is not None

    def code_sentence(self, sent: SpacySpan, index: int) -> list[CodedEvent]:
        """The events of one sentence."""
        matches = match_index(self.matcher.find(sent))
        verbs = self.dicts.verbs
        coded: dict[int, VerbCode] = {}
        for tok in sent:
            if tok.dep_ in {"amod", "compound"}:
                # "escalating tensions": a participle used as an adjective is no act, except a
                # past participle of coercion or violence: "the arrested workers" were arrested.
                if self.nominal and tok.tag_ == "VBN" and tok.dep_ == "amod":
                    vc = code_verb(tok, verbs)
                    if vc is not None and vc.code[:2] in _ACT_NOUN_ROOTS:
                        coded[tok.i] = vc
                continue
            if tok.pos_ == "VERB" or (tok.pos_ == "AUX" and tok.dep_ == "ROOT"):
                vc = code_verb(tok, verbs)
                if vc is not None:
                    coded[tok.i] = vc
            elif (self.nominal and tok.pos_ == "NOUN" and tok.i not in matches
                  and tok.lower_ not in _NOT_ACT_NOUNS):  # fmt: skip
                # (a noun the actor dictionaries know, "security forces", is an actor, not an act)
                vc = code_verb(tok, verbs)
                # A noun is an act when a named actor does it ("police firing"), or when it
                # names coercion or violence, which is an event whoever did it ("the arrest").
                if vc is not None and (self._nominal_actor(tok, matches) is not None or (
                        vc.code[:2] in _ACT_NOUN_ROOTS and self._nominal_patient(tok)) or (
                        vc.code[:2] == "04" and self._consultation_told(tok))):
                    coded[tok.i] = vc  # fmt: skip
        events: list[CodedEvent] = []
        reporting: set[int] = set()  # reporting verbs left uncoded for the act they report
        for i, vc in coded.items():
            tok = sent.doc[i]
            if vc.code.startswith("---") or not vc.code[:1].isdigit():
                continue
            # "threatened to strike": the strike is not an event, the threat is.
            if tok.dep_ == "xcomp" and tok.head.lemma_.lower() in _THREAT and tok.head.i in coded:
                continue
            # A reporting verb whose report holds a coded act: the act is the event.
            if (tok.lemma_.lower() in _REPORTING
                    and any(j in coded and not coded[j].code.startswith("---")
                            for j in self._reported_verbs(tok))):  # fmt: skip
                reporting.add(i)
                continue
            if (tok.lemma_.lower() in _REPORTING and tok.dep_ in {"parataxis", "ccomp", "advcl"}
                    and any(self._reporter(sent.doc[j]) == tok for j in coded if j != i)):
                reporting.add(i)
                continue  # fmt: skip
            if tok.dep_ == "prep":
                # "given their ties", "following the talks": a preposition, no act; "according
                # to the police" is the police's statement
                events.extend(self._according(tok, matches, index))
                continue
            events.extend(self._events(tok, vc, coded, matches, index))
        if self.uncoded:
            taken = {e.verb for e in events}
            for tok in sent:
                if tok.i in coded and not coded[tok.i].code.startswith("---") and (
                        tok.i not in reporting):  # fmt: skip
                    continue
                events.extend(self._uncoded_events(tok, matches, index, taken))
        events.sort(key=lambda e: (e.start, e.end))
        return events

    @staticmethod
    def _reported_verbs(tok: Token) -> list[int]:
        out: list[int] = []
        for child in tok.children:
            if child.dep_ in {"ccomp", "xcomp", "parataxis"}:
                out.extend(t.i for t in child.subtree if t.pos_ in {"VERB", "AUX", "NOUN"})
        return out

    @staticmethod
    def _nominal_patient(noun: Token) -> bool:
        """A noun names an act when it has what the act is done to ("the arrest of its
        leaders", "firing on mobs") or is done with a light verb ("made arrests")."""
        if noun.dep_ == "dobj" and noun.head.lemma_.lower() in _LIGHT_VERBS:
            return True
        return any(c.dep_ == "prep" and c.lower_ in {"of", "on", "against", "at"}
                   for c in noun.children)  # fmt: skip

    @staticmethod
    def _consultation_told(noun: Token) -> bool:
        """A noun of consultation names an act that took place when its parties are named ("a
        phone call between X and Y", "talks with X") or it is told as past ("a recent phone
        call"); "the upcoming talks" or "talks are needed" are no act."""
        for prep in noun.children:
            if prep.dep_ == "prep" and prep.lower_ in {"between", "with"} and any(
                    o.dep_ == "pobj" and o.pos_ == "PROPN" for o in prep.children):
                return True  # fmt: skip
        return any(c.dep_ in {"amod", "compound"} and c.lower_ in _TOLD_MARKS
                   for c in noun.children)  # fmt: skip

    def _nominal_actor(self, noun: Token, matches: dict[int, Match]) -> Token | None:
        """The actor of a noun naming an act: "police firing", "police's action", "by police"."""
        prev = noun.doc[noun.i - 1] if noun.i > 0 else None
        # Lower-cased text gets "police firing" parsed either way round: the word before counts.
        if (prev is not None and prev.i in matches and prev.pos_ in {"NOUN", "PROPN"}
                and noun.i not in matches and (noun.head == prev or (
                    prev.dep_ == "pobj" and noun.tag_ == "VBG" and prev.head != noun))):
            return prev  # fmt: skip
        for child in noun.children:
            if child.dep_ in {"compound", "poss", "nmod", "amod"} and child.i in matches:
                return child
            if child.dep_ in {"prep", "agent"} and child.lower_ in {"by", "of"}:
                for obj in child.children:
                    if obj.dep_ == "pobj" and obj.i in matches and child.lower_ == "by":
                        return obj
        return None

    # -- arguments ----------------------------------------------------------------------------

    def _subjects(self, verb: Token) -> tuple[list[Token], bool]:
        """Subject heads of ``verb`` (inherited through xcomp / conj / relcl) and passivity."""
        if verb.dep_ == "amod" and verb.tag_ == "VBN":
            return _conjuncts(verb.head), True  # "the arrested workers": done to the noun
        tok = verb
        for _ in range(6):
            subj = [c for c in tok.children if c.dep_ in _SUBJ]
            if subj:
                passive = any(c.dep_ in {"nsubjpass", "csubjpass"} for c in subj)
                head = subj[0]
                if head.lower_ in _RELATIVE and tok.dep_ == "relcl":
                    head = tok.head
                return _conjuncts(head), passive if tok == verb else False
            infinitive = any(c.dep_ == "aux" and c.lower_ == "to" for c in tok.children)
            if tok.dep_ == "relcl" and not infinitive:
                return _conjuncts(tok.head), False
            if tok.dep_ == "pcomp" and tok.head.dep_ == "prep":
                # "accused Colombia of not doing enough", "blamed the police for failing to
                # act": the object of the verb the preposition hangs from does it.
                objs = [c for c in tok.head.head.children if c.dep_ in {"dobj", "obj"}]
                if objs:
                    return _conjuncts(objs[0]), False
            if tok.dep_ == "xcomp":
                # "forcing the police to open fire": the governing verb's object acts.
                objs = [c for c in tok.head.children if c.dep_ in {"dobj", "obj"}]
                if objs and tok.head.lemma_.lower() not in _PLAN | _THREAT:
                    return _conjuncts(objs[0]), False
            if tok == verb and verb.lemma_.lower() in _REPORTING:
                # "said superintendent of police X": the speaker after the verb.
                after = [c for c in verb.children if c.dep_ in {"dobj", "attr", "npadvmod"}
                         and c.i > verb.i]  # fmt: skip
                if after:
                    return _conjuncts(after[0]), False
            if tok.dep_ in {"xcomp", "conj", "advcl", "acl", "acomp", "pcomp", "prep",
                            "relcl"} and (
                    tok.head != tok):  # fmt: skip
                if tok.dep_ in {"acl", "relcl"} and tok.head.pos_ in {"NOUN", "PROPN"}:
                    # "the troops deployed to the border": the noun is the subject.
                    if tok.tag_ == "VBN":
                        return _conjuncts(tok.head), True
                    if tok.head.pos_ == "PROPN" or self._is_actor(tok.head, {}):
                        return _conjuncts(tok.head), False
                    if not infinitive:
                        return [], False  # "operations targeting ...": no one named
                    # "heading to Washington for a trip to meet Trump": the trip's maker.
                    noun = tok.head
                    while noun.dep_ in {"pobj", "dobj", "prep"} and noun.head != noun:
                        noun = noun.head
                        if noun.pos_ in {"VERB", "AUX"}:
                            break
                    if noun.pos_ in {"VERB", "AUX"}:
                        tok = noun
                        continue
                    return [], False
                tok = tok.head
                continue
            break
        return [], False

    def _agent(self, verb: Token) -> list[Token]:
        for child in verb.children:
            if child.dep_ == "agent":
                for obj in child.children:
                    if obj.dep_ == "pobj":
                        return _conjuncts(obj)
        return []

    def _objects(self, verb: Token) -> list[Token]:
        """Candidate target heads, most direct first."""
        direct = [c for c in verb.children if c.dep_ in _OBJ]
        preps = [c for c in verb.children if c.dep_ == "prep"]
        out: list[Token] = []
        for obj in direct:
            out.extend(_conjuncts(obj))
        for prep in preps:
            for obj in prep.children:
                if obj.dep_ == "pobj":
                    out.extend(_conjuncts(obj))
        for obj in direct:  # "restore ties with Gondor", "Trump's call with Petro"
            for prep in obj.children:
                if prep.dep_ == "prep":
                    for pobj in prep.children:
                        if pobj.dep_ == "pobj":
                            out.extend(_conjuncts(pobj))
        return out

    def _is_actor(self, head: Token, matches: dict[int, Match]) -> bool:
        """Whether a phrase may name an actor: a pronoun, a name, or dictionary words."""
        if head.lower_ in _PRONOUNS or head.pos_ == "PROPN":
            return True
        if head.pos_ == "NOUN" and head.i not in matches and (
                code_verb(head, self.dicts.verbs) is not None or head.tag_ == "VBG"):
            # "paused intelligence sharing with the US": a noun naming an act ("sharing",
            # "cooperation", "intervention") is what is acted on, not a party
            return False  # fmt: skip
        if head.ent_type_ in _ACTOR_ENTS:
            return True
        if head.i in matches:
            return True
        # "the president of Colombia" is an actor; "a resumption of ties with X" is not.
        near = phrase_tokens(head, depth=0)
        far = phrase_tokens(head)
        return any(t.i in matches for t in near) or (
            head.lower_ in _GROUP_NOUNS and any(t.i in matches for t in far))

    def _actor(self, head: Token, matches: dict[int, Match]) -> Actor:
        actor = actor_for(head, matches)
        if head.pos_ == "PROPN":
            key = head.lower_
            if actor.code is not None:
                self._names.setdefault(key, actor)
            elif key in self._names:
                # A later mention of a name coded earlier in the same document.
                known = self._names[key]
                actor.code, actor.country, actor.role = known.code, known.country, known.role
                actor.entity = known.text
        if actor.code is None and head.lower_ in _PRONOUNS:
            resolved = self._resolve(head, matches)
            if resolved is not None:
                actor.code, actor.country, actor.role = (resolved.code, resolved.country,
                                                         resolved.role)  # fmt: skip
                actor.entity = resolved.text
        return actor

    def _resolve(self, pronoun: Token, matches: dict[int, Match]) -> Actor | None:
        """A personal pronoun subject of a reported clause is the reporter when that is the
        only coded actor in the sentence before it ("Petro said he would meet Trump"); "they"
        is the one group the sentence names before it."""
        if pronoun.lower_ == "they" and pronoun.dep_ in {"nsubj", "nsubjpass"}:
            # "the police said they did not do enough": "they" is the one group named before
            starts = {m.start for i, m in matches.items() if i < pronoun.i}
            if len(starts) == 1:
                head = pronoun.doc[matches[min(starts)].end - 1]
                while head.dep_ in {"compound", "amod"} and head.head != head:
                    head = head.head
                group = actor_for(head, matches)
                if group.code is not None:
                    return group
        if pronoun.lower_ not in {"he", "she", "they", "it", "we"} or pronoun.dep_ != "nsubj":
            return None
        clause = pronoun.head
        if clause.dep_ != "ccomp" or clause.head.lemma_.lower() not in _REPORTING:
            return None
        subj = [c for c in clause.head.children if c.dep_ == "nsubj"]
        if not subj:
            return None
        candidates = {m.start for i, m in matches.items() if i < pronoun.i and m.kind == "actor"}
        actor = actor_for(subj[0], matches)
        if actor.code is None or len(candidates) > 1:
            return None
        return actor

    def _pick(self, heads: list[Token], matches: dict[int, Match],
              marked: list[Token] | None) -> list[Actor | None]:  # fmt: skip
        """Actors for the heads: those a pattern marked, else the first coded ones."""
        if marked:
            for tok in marked:
                if tok.i in matches:
                    head = tok
                    while head.dep_ in {"compound", "amod", "poss"} and head.head != head:
                        head = head.head
                    return [self._actor(h, matches) for h in _conjuncts(head)]
        actors = [h for h in heads if self._is_actor(h, matches)]
        if not actors:
            return [None]
        coded = [h for h in actors if actor_for(h, matches).code is not None]
        chosen = coded[0] if coded else actors[0]
        group = [h for h in _conjuncts(chosen) if h in actors] or [chosen]
        return [self._actor(h, matches) for h in group]

    # -- mood ---------------------------------------------------------------------------------

    def _mood(self, verb: Token) -> str:
        if verb.pos_ == "NOUN":
            if self._in_condition(verb):
                return "hypothetical"
            # "made arrests", "will not make any arrests": the light verb's mood.
            gov = verb.head
            if verb.dep_ == "dobj" and gov.pos_ in {"VERB", "AUX"}:
                return self._mood(gov)
            if verb.dep_ == "pobj" and gov.head.pos_ in {"VERB", "AUX"}:
                return self._mood(gov.head)
            return "asserted"
        children = list(verb.children)
        lowers = {c.lower_ for c in children if c.dep_ in {"neg", "advmod", "aux", "det"}}
        if any(c.dep_ == "neg" for c in children) or lowers & {"never"} or any(
                c.dep_ in {"dobj", "nsubjpass"} and any(d.dep_ == "det" and d.lower_ == "no"
                                                       for d in c.children)
                for c in children):  # "no action was taken", "took no action"  # fmt: skip
            return "negated"
        aux = {c.lower_ for c in children if c.dep_ in {"aux", "auxpass"}}
        chain = verb
        # Modality of the governing verbs: "will be able to meet", "is set to meet".
        governors: list[Token] = []
        while chain.dep_ == "xcomp" and chain.head != chain:
            chain = chain.head
            governors.append(chain)
        for gov in governors:
            if gov.lemma_.lower() in _REFUSE:
                return "negated"  # "refused to take the complaint", "failed to act"
            gaux = {c.lower_ for c in gov.children if c.dep_ in {"aux", "auxpass"}}
            aux |= gaux
            if any(c.dep_ == "neg" for c in gov.children):
                return "negated"
        conditional = self._in_condition(verb)
        if conditional:
            return "hypothetical"
        if aux & _FUTURE_AUX:
            return "future"
        if aux & {"would"} and self._reporter(verb) is not None:
            return "future"  # "Petro said he would meet Trump": future in the past
        if aux & _MODAL:
            return "hypothetical"
        if any(g.lemma_.lower() in _PLAN or g.lower_ in _PLAN for g in governors):
            return "future"
        if verb.dep_ == "xcomp" and verb.head.pos_ == "ADJ" and verb.head.lower_ in _PLAN:
            return "future"
        if verb.dep_ == "xcomp" and verb.head.lower_ in _LIKELY:
            # "are likely to be arrested", "will not be able to make arrests"
            return "negated" if any(c.dep_ == "neg" for c in verb.head.head.children) or (
                verb.head.lower_ in _UNABLE) else "hypothetical"  # fmt: skip
        if verb.dep_ in {"relcl", "acl", "advcl"} and "to" in aux:
            return "future"  # a purpose: "a trip to meet Trump", "deployed ... to prevent"
        if self._reporter(verb) is not None:
            return "reported"
        return "asserted"

    @staticmethod
    def _in_condition(verb: Token) -> bool:
        """The verb is in an "if" clause, or is the consequence of one with a modal."""
        tok = verb
        for _ in range(4):
            if any(c.dep_ == "mark" and c.lower_ in _CONDITION for c in tok.children):
                return True
            if tok.dep_ not in {"conj", "xcomp"}:
                break
            tok = tok.head
        has_modal = any(c.dep_ == "aux" and c.lower_ in _MODAL for c in verb.children)
        if has_modal:
            for child in verb.children:
                if child.dep_ == "advcl" and any(
                    m.dep_ == "mark" and m.lower_ in _CONDITION for m in child.children
                ):
                    return True
        return False

    @staticmethod
    def _reporter(verb: Token) -> Token | None:
        """The reporting verb this clause is the complement of, if any: "X said [Y met Z]" or
        "[Y met Z], X said" (where the parser hangs "said" below the reported clause)."""
        tok = verb
        for _ in range(4):
            if tok.dep_ in {"ccomp", "parataxis"} and tok.head.lemma_.lower() in _REPORTING:
                return tok.head
            for child in tok.children:
                if (child.dep_ in {"parataxis", "ccomp", "advcl"} and child.i > verb.i
                        and child.lemma_.lower() in _REPORTING
                        and any(c.dep_ == "nsubj" for c in child.children)
                        and not any(c.dep_ in {"ccomp", "xcomp"} for c in child.children)):
                    return child  # fmt: skip
            if tok.dep_ in {"xcomp", "conj", "acomp"} and tok.head != tok:
                tok = tok.head
                continue
            break
        return None

    # -- assembling ---------------------------------------------------------------------------

    def _events(self, verb: Token, vc: VerbCode, coded: dict[int, VerbCode],
                matches: dict[int, Match], index: int) -> list[CodedEvent]:  # fmt: skip
        code = vc.code
        mood = self._mood(verb)
        words = sorted([verb, *vc.extra], key=lambda t: t.i)
        act = verb
        if verb.lemma_.lower() in _THREAT:
            for child in verb.children:
                if child.dep_ == "xcomp" and child.i in coded:
                    if self.intents:
                        code = _plover.threat(coded[child.i].code.split(":")[0])
                    words = [verb, *(t for t in child.subtree if t.i <= child.i
                                     and t.dep_ in {"aux"}), child]  # fmt: skip
                    mood = "threatened" if mood in {"asserted", "reported"} else mood
                    act = child
                    break
        gerund_actor = self._nominal_actor(verb, matches) if verb.tag_ == "VBG" else None
        if verb.pos_ == "NOUN":
            actor_tok = self._nominal_actor(verb, matches)
            subjects, passive = ([actor_tok] if actor_tok is not None else []), False
        elif gerund_actor is not None and not any(c.dep_ in _SUBJ for c in verb.children):
            subjects, passive = [gerund_actor], False  # "in police firing" read as a verb
        else:
            subjects, passive = self._subjects(verb)
        grammatical_subjects = subjects
        if passive:
            targets_heads = subjects
            subjects = self._agent(verb) or self._instrument_actor(verb, matches)
        else:
            targets_heads = self._objects(act)
        between = [obj for prep in verb.children if prep.dep_ == "prep" and prep.lower_ ==
                   "between" for obj in prep.children if obj.dep_ == "pobj"]  # fmt: skip
        if verb.pos_ == "NOUN" and between:
            # "a phone call between X and Y": X and Y are the parties, each towards the other
            subjects, targets_heads = [between[0]], list(between[0].conjuncts)
        elif verb.pos_ == "NOUN":
            targets_heads = [obj for prep in verb.children if prep.dep_ == "prep"
                             and prep.lower_ in {"on", "against", "of", "with", "to"}
                             for obj in prep.children if obj.dep_ == "pobj"]  # fmt: skip
        sources = self._pick(subjects, matches, vc.slot_tokens.get("source"))
        targets = self._pick(targets_heads, matches, vc.slot_tokens.get("target"))
        if all(t is None or t.code is None for t in targets) and verb.pos_ != "NOUN":
            deeper = self._first_actor_after(act, matches, sources)
            if deeper is not None:
                targets = [deeper]
        violent = code[:2] in _ACT_NOUN_ROOTS
        # Whose nature says whether this is an act between parties: the doer, or the subject
        # of an agentless passive ("the talks are expected to ...").
        doers = grammatical_subjects if passive and not subjects else subjects
        if not violent and not (passive and subjects) and self._no_party(verb, doers, matches):
            return []
        if (verb.pos_ == "VERB" and verb.tag_ in {"VB", "VBG"}
                and (not violent or verb.dep_ == "acl")
                and all(a is None for a in (*sources, *targets))
                and not any(c.dep_ in _SUBJ for c in verb.children)):  # fmt: skip
            # "controlling cocaine production", "the atmosphere surrounding their meeting": an
            # infinitive or participle that names no one on either side is a purpose, a topic or
            # a description, not an act. Violence told so is kept ("to kill", "killing two").
            return []
        coded_sources = [s for s in sources if s is not None and s.code]
        pairs: list[tuple[Actor | None, Actor | None]]
        if targets == [None] and len(coded_sources) > 1 and not passive and (
                code[:2] in _MUTUAL_ROOTS or ":" in code or act.lemma_.lower() in _MUTUAL_LEMMAS
                or _mutual_cue(act)):
            # "Gondor and Osgiliath renewed ties": each acts towards the other.
            pairs = [(a, b) for a in coded_sources for b in coded_sources if a is not b]
        else:
            pairs = [(a, b) for a in sources for b in targets]
        if mood == "future" and self.intents:
            code = ":".join(_plover.intent(c) for c in code.split(":"))
        reporter = self._reporter(verb)
        speaker = None
        if reporter is not None:
            subj = [c for c in reporter.children if c.dep_ == "nsubj"]
            speaker = self._actor(subj[0], matches) if subj else None
        start_tok = min([verb.left_edge, *(t for t in words)], key=lambda t: t.i)
        end_tok = max([verb.right_edge, *(t for t in words)], key=lambda t: t.i)
        for actor in (*sources, *targets):
            words_of = None if actor is None else verb.doc.char_span(
                actor.start, actor.end, alignment_mode="expand")
            if words_of is not None and len(words_of):
                start_tok = min(start_tok, words_of[0], key=lambda t: t.i)
        doc = verb.doc
        span = doc[start_tok.i : end_tok.i + 1]
        verb_text = " ".join(t.text for t in sorted(set(words), key=lambda t: t.i))
        out: list[CodedEvent] = []
        primary, _, reverse = code.partition(":")
        for source, target in pairs:
            if True:
                for c, s, t in ((primary, source, target), (reverse, target, source)):
                    if not c or c.startswith("---"):
                        continue
                    if c is reverse and (s is None or t is None):
                        continue  # a reciprocal code needs both sides
                    # A weight only for what took place: an act, a statement of intent (03x),
                    # a threat (13x); not for a planned strike that has not happened.
                    took_place = mood in {"asserted", "reported", "threatened"} or (
                        mood == "future" and c.startswith("03"))
                    weight = _plover.goldstein(c, self.dicts.goldstein) if took_place else None
                    out.append(CodedEvent(
                        index, span.start_char, span.end_char, span.text, s, t, verb_text, c,
                        _plover.plover(c), weight, mood, speaker, act.lemma_.lower(),
                    ))  # fmt: skip
        return out

    def _according(self, tok: Token, matches: dict[int, Match], index: int) -> list[CodedEvent]:
        """"according to X": X made a statement (CAMEO 010), with X as its source."""
        if tok.lower_ != "according":
            return []
        for to in tok.children:
            if to.dep_ == "prep" and to.lower_ == "to":
                for obj in to.children:
                    if obj.dep_ == "pobj" and self._is_actor(obj, matches):
                        source = self._actor(obj, matches)
                        span = tok.doc[tok.i : obj.right_edge.i + 1]
                        weight = _plover.goldstein("010", self.dicts.goldstein)
                        return [CodedEvent(
                            index, span.start_char, span.end_char, span.text, source, None,
                            "according to", "010", _plover.plover("010"), weight, "asserted",
                            None, "say",
                        )]  # fmt: skip
        return []

    def _no_party(self, verb: Token, subjects: list[Token], matches: dict[int, Match]) -> bool:
        """Whether a verb's subject is named and surely cannot act: "the talks are expected
        to ...", "the atmosphere surrounding their meeting", "the meeting will demonstrate
        ...", "the outcome could influence ...". Such a clause is no act between parties, and
        reading one would invent it. (Violence is an event whoever is named, and the caller
        keeps it: "three others died".)"""
        if verb.pos_ == "NOUN":
            return False
        heads = subjects
        if not heads and verb.dep_ == "acl" and verb.tag_ == "VBG":
            heads = [verb.head]  # "operations targeting ...": the noun is the doer
        if not heads:
            return False
        for head in heads:
            # A name, a pronoun or dictionary words in the doer's own phrase: someone acts.
            if any(t.i in matches or t.pos_ == "PROPN" or t.ent_type_ in _ACTOR_ENTS
                   or t.lower_ in _PRONOUNS or t.lower_ == "their"
                   for t in phrase_tokens(head, depth=0)):  # fmt: skip
                return False
            vc = code_verb(head, self.dicts.verbs)
            if vc is not None and vc.code[:2] in _ACT_NOUN_ROOTS:
                return False
            # Only a thing that surely cannot act: a noun naming an act ("talks", "meeting")
            # or a state of affairs. A common noun for people ("analysts", "a group of
            # people") may be a party the dictionaries do not know.
            if vc is None and head.lemma_.lower() not in _NON_PARTY_NOUNS:
                return False
        return True

    def _uncoded_events(self, tok: Token, matches: dict[int, Match], index: int,
                        taken: set[str]) -> list[CodedEvent]:  # fmt: skip
        """An act CAMEO does not code, kept when a coded actor does it or undergoes it."""
        if (tok.pos_ == "VERB" or (tok.pos_ == "AUX" and tok.dep_ == "ROOT")) and (
                tok.dep_ not in {"amod", "compound"}):  # "police was nowhere in sight"
            if tok.lemma_.lower() in {"have"}:
                return []
            subjects, passive = self._subjects(tok)
            if passive:
                targets_heads = subjects
                subjects = self._agent(tok) or self._instrument_actor(tok, matches)
            else:
                targets_heads = [c for c in tok.children if c.dep_ in _OBJ]
        elif tok.pos_ == "NOUN" and tok.i not in matches and (
                tok.lower_ in _CONDUCT_NOUNS or tok.lemma_.lower() in _CONDUCT_NOUNS):
            actor_tok = self._nominal_actor(tok, matches) or self._conduct_of(tok, matches) or (
                next((c for c in tok.children if c.dep_ == "poss" and c.lower_ in _PRONOUNS
                      | {"their", "its", "his", "her"}), None))  # "their inaction"  # fmt: skip
            if actor_tok is None:
                return []
            subjects, passive, targets_heads = [actor_tok], False, []
        else:
            return []
        sources = [self._actor(h, matches) for h in subjects if self._is_actor(h, matches)]
        targets = [self._actor(h, matches) for h in targets_heads if self._is_actor(h, matches)]
        if not any(a.code for a in (*sources, *targets)) and not (
                tok.pos_ == "NOUN" and sources):  # "their inaction": kept with an unknown actor
            return []
        doc = tok.doc
        span = doc[tok.left_edge.i : tok.right_edge.i + 1] if tok.pos_ == "VERB" else doc[
            tok.i : tok.i + 1]  # fmt: skip
        mood = self._mood(tok)
        reporter = self._reporter(tok)
        speaker = None
        if reporter is not None:
            subj = [c for c in reporter.children if c.dep_ == "nsubj"]
            speaker = self._actor(subj[0], matches) if subj else None
        out = []
        nobody: list[Actor | None] = [None]
        for s in sources or nobody:
            for t in targets or nobody:
                out.append(CodedEvent(index, span.start_char, span.end_char, span.text, s, t,
                                      tok.text, None, None, None, mood, speaker,
                                      tok.lemma_.lower()))  # fmt: skip
        return out

    @staticmethod
    def _conduct_of(noun: Token, matches: dict[int, Match]) -> Token | None:
        """The actor of a conduct noun in "of the police" / "on the part of the police"."""
        for prep in noun.children:
            if prep.dep_ == "prep" and prep.lower_ in {"of", "on", "by"}:
                for obj in prep.subtree:
                    if obj.dep_ == "pobj" and obj.i in matches:
                        return obj
        return None

    def _first_actor_after(self, verb: Token, matches: dict[int, Match],
                           sources: list[Actor | None]) -> Actor | None:  # fmt: skip
        """The first coded actor among the verb's dependents after it (PETRARCH2 takes the
        first actor of the verb phrase as the target): "risen in the dispute with Osgiliath"."""
        taken = {(s.start, s.end) for s in sources if s is not None}
        for tok in _after(verb, deep=True):
            if tok.i in matches and matches[tok.i].start == tok.i:
                head = tok
                while head.dep_ in {"compound", "amod", "poss", "nmod", "case"} and (
                        head.head != head):  # fmt: skip
                    head = head.head
                if (head.i not in matches and not self._is_actor(head, matches)) or (
                        head.dep_ == "det"):  # fmt: skip
                    # "criticizing the US approach": the US, not the approach
                    head = head.doc[matches[tok.i].end - 1]
                actor = self._actor(head, matches)
                if actor.code and (actor.start, actor.end) not in taken:
                    return actor
        return None

    def _instrument_actor(self, verb: Token, matches: dict[int, Match]) -> list[Token]:
        """"killed in police firing": a passive act done by the actor of an act it happened in."""
        for prep in verb.children:
            if prep.dep_ == "prep" and prep.lower_ in {"in", "during", "by"}:
                for obj in prep.children:
                    if obj.dep_ == "pobj":
                        actor = self._nominal_actor(obj, matches)
                        if actor is not None:
                            return [actor]
                        if obj.i in matches and any(c.dep_ == "acl" and c.tag_ == "VBG"
                                                    for c in obj.children):  # fmt: skip
                            return [obj]  # lower-cased "in police firing" parsed as police
        return []
