"""Diagnosis phrases in the sentences of a clinical case summary.

Policy:
1. A list starts after a cue of rules/vocab/diagnosis_cues.yaml: a heading ("diagnoses",
   "assessment:", "impression:") with its linking verb or colon, or a verb phrase
   ("diagnosed with", "undergoing treatment for"). A cue after a negation ("not diagnosed
   with") starts none. The list ends at the sentence's end, at a stop (a relative clause,
   a new verb, a date) or at the next cue.
2. The list is cut on ";", ",", "and", "&" into segments, and the segments are put back
   together where the ICD-10-CM title index says they are one diagnosis (never across a
   semicolon, which no title holds):
   - a segment with no diagnosis word of its own (encounter words, "unspecified", "lumbar
     region", "fascia") joins the phrase before it when a title covers the joined phrase
     ("Strain of muscle, fascia and tendon at neck level" is one phrase);
   - a segment that is a diagnosis joins the phrase before it only when it adds words and a
     title covers the joined phrase at least as well as the phrase before it alone, and
     better than one of the two alone ("Rotator cuff tear or rupture, not specified as
     traumatic", "Trigger finger, middle finger", "Peripheral tear of medial meniscus,
     current injury"); "lumbago and sciatica" stay two, each being a title of its own;
   - body-part words standing alone before a diagnosis ("lumbar, hip, and neck strain")
     are given its head word: lumbar strain, hip strain, neck strain.
   - a segment that starts with a preposition ("with", "due to") continues the phrase before it.
3. Phrases are cleaned of articles and edge punctuation, and de-duplicated (case-insensitive).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, field_validator

from checker.kb.data import vocabulary
from checker.diagnosis.words import ParsedPhrase
from checker.regex_gate import Folded, gated, required_literals

CUES_FILE = "diagnosis_cues"
MAX_PHRASE = 160  # characters; a longer "phrase" is a misread sentence


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _regex(v: str) -> str:
    try:
        re.compile(v)
    except re.error as e:
        raise ValueError(f"{v!r} is not a valid pattern: {e}") from None
    return v


class Cue(_Strict):
    pattern: str = Field(min_length=1)
    kind: Literal["heading", "verb"]
    colon_only: bool = False  # a heading that introduces a list only before ":" or a dash
    source: str = Field(min_length=1)

    @field_validator("pattern")
    @classmethod
    def _valid(cls, v: str) -> str:
        return _regex(v)


class Linkers(_Strict):
    pattern: str = Field(min_length=1)
    source: str = Field(min_length=1)

    @field_validator("pattern")
    @classmethod
    def _valid(cls, v: str) -> str:
        return _regex(v)


class Negations(_Strict):
    words: list[str] = Field(min_length=1)
    source: str = Field(min_length=1)


class Stops(_Strict):
    patterns: list[str] = Field(min_length=1)
    source: str = Field(min_length=1)

    @field_validator("patterns")
    @classmethod
    def _all(cls, v: list[str]) -> list[str]:
        return [_regex(p) for p in v]


class DiagnosisCues(_Strict):
    cues: list[Cue] = Field(min_length=1)
    linkers: Linkers
    negations: Negations
    continuations: Negations
    stops: Stops


@dataclass(frozen=True)
class FoundDiagnosis:
    text: str  # the diagnosis phrase as written (cleaned)
    sentence: str  # the sentence it was read from


class _Patterns:
    def __init__(self, data: DiagnosisCues):
        link = data.linkers.pattern
        colon = r"\s*[:\u2013\u2014-]\s*"
        alts = []
        for c in data.cues:
            if c.kind == "verb":
                alts.append(rf"(?:{c.pattern})\s+")
            elif c.colon_only:
                alts.append(rf"(?:{c.pattern}){colon}")
            else:
                alts.append(rf"(?:{c.pattern}){link}")
        # behind a lookahead: the same matches, half the time; searched through its twin (regex_gate.Folded)
        self.cue = Folded(gated(r"\b(?:" + "|".join(alts) + ")"))
        # words one of which every cue match holds (read off the cue patterns): most sentences hold none
        self.cue_words = tuple(sorted(required_literals(self.cue.pattern, re.I) or ()))
        negs = "|".join(data.negations.words)
        self.negated = re.compile(r"\b(?:" + negs + r")\b(?:\s+\S+){0,2}\s*$", re.I)
        self.stop = re.compile("|".join(data.stops.patterns), re.I)
        self.continues = re.compile(
            r"^(?:" + "|".join(r"\s+".join(map(re.escape, w.split())) for w in data.continuations.words) + r")\b", re.I)


@lru_cache(maxsize=1)
def _patterns() -> _Patterns:
    return _Patterns(vocabulary(CUES_FILE, DiagnosisCues))


# ------------------------------------------------------------------ cleaning

_SEP = re.compile(r"(\s*;\s*|,\s*(?:and\s+|or\s+)?|\s+(?:and|&|as\s+well\s+as)\s+|\s+\d\)\s*|\s+\(?\d\.\s+)", re.I)
_AND = re.compile(r"\band\b|&", re.I)
_TRIM = re.compile(r"^(?:the|a|an|of|having|with|as|to|in|and|or|:)\s|[\s,;:.\]\[\"'(]+$|^[\s\[\"'(]+|^\d[.)]\s*", re.I)
# pdftotext line-end hyphenation: "radicul- opathy" -> "radiculopathy", "shoulder- upper" -> "shoulder-upper"
_HYPHEN_SUFFIX = re.compile(r"([A-Za-z]{3,})- ?((?:opathy|itis|algia|osis|ectomy|otomy|plasty|ation|ular|ment)\b)")
_HYPHEN_SPACE = re.compile(r"([A-Za-z])- ([A-Za-z])")
_NOT_LETTER = re.compile(r"[^a-z]")
_DIAGNOSIS_OF = re.compile(r"^(?:the\s+)?diagnos(?:is|es)\s+of\s+", re.I)  # "the diagnosis of" before a list


def clean(part: str) -> str:
    p = part.strip()
    for _ in range(3):
        trimmed = _TRIM.sub("", p).strip()
        if trimmed == p:
            break  # nothing trimmed: the next rounds would trim nothing either
        p = trimmed
    if "-" in p:  # both hyphen patterns hold a hyphen (most phrases have none: two scans saved)
        p = _HYPHEN_SUFFIX.sub(r"\1\2", p)
        p = _HYPHEN_SPACE.sub(r"\1-\2", p)
    return " ".join(p.split()).strip(" ,;.")


# ------------------------------------------------------------------ lists

class _Judge:
    """What the index says of a segment or a joined phrase (cached per call of split_list).

    Each answer is worked out only when asked: whether a phrase has a diagnosis word or any
    concept is its parse; whether a title covers it, a test of its concepts' documents
    (DiagnosisIndex.covers); only the extra words of a covered phrase's best title need the
    titles ranked."""

    def __init__(self):
        from checker.diagnosis.index import default_index

        self.index = default_index()
        self.reader = self.index.reader
        self._parsed: dict[str, ParsedPhrase] = {}
        self._covered: dict[str, bool] = {}

    def _parse(self, text: str) -> ParsedPhrase:
        phrase = self._parsed.get(text)
        if phrase is None:
            phrase = self._parsed[text] = self.index.parse(text)
        return phrase

    def head(self, text: str) -> bool:
        """Has the phrase a diagnosis word (or an ICD-10-CM code)?"""
        phrase = self._parse(text)
        return any(not c.anatomy for c in phrase.concepts) or bool(phrase.codes)

    def covered(self, text: str) -> bool:
        """Does a title say all the phrase says?"""
        hit = self._covered.get(text)
        if hit is None:
            hit = self._covered[text] = self.index.covers(self._parse(text))
        return hit

    def extra(self, text: str) -> Optional[int]:
        """The best title's words the phrase does not say (None: no title)."""
        best = self.index.search(text, limit=1).best
        return best.extra if best else None

    def has_concepts(self, text: str) -> bool:
        """Whether the index reads any concept (a diagnosis, place or generic word) in ``text``."""
        return bool(self._parse(text).concepts)

    def is_place_first(self, text: str) -> Optional[str]:
        """The words after the leading place words of ``text`` ("neck strain" -> "strain"), or None."""
        words = text.split()
        i = 0
        while i < len(words) - 1:
            w = _NOT_LETTER.sub("", words[i].lower())
            if w in self.reader.side or self.reader.token(w) in self.reader.places:
                i += 1
            else:
                break
        return " ".join(words[i:]) if 0 < i < len(words) else None


def _head_follows(judge: _Judge, parts: list[str], any_head: bool = False) -> bool:
    """Do the segments without a diagnosis word lead, in ``parts``, to one with a diagnosis
    word that starts with a place or side (or to any, with ``any_head``)?"""
    for p in parts:
        p = p.strip()
        if not p:
            continue
        if judge.head(p):
            return any_head or judge.is_place_first(p) is not None
    return False


def _adds_words(judge: _Judge, before: str, part: str) -> bool:
    """Does ``part`` continue ``before``: it says something ``before`` does not, and does not
    start with a diagnosis word ``before`` has ("strain of the hip, strain of the low back")?"""
    have = {c.alternatives for c in judge.reader.parse(before).concepts}
    concepts = judge.reader.parse(part).concepts
    if concepts and not concepts[0].anatomy and concepts[0].alternatives in have:
        return False  # starts with the diagnosis word of the phrase before: a new one
    return any(c.alternatives not in have for c in concepts)


def _fewer_extra(judge: _Judge, joined: str, before: str, part: str) -> bool:
    """Of three covered phrases: does the joined phrase's best title add no more words than the phrase
    before's, and fewer than one of the two alone's?"""
    j_extra, a_extra, extra = judge.extra(joined), judge.extra(before), judge.extra(part)
    return j_extra is not None and j_extra <= (a_extra or 0) and (j_extra < (extra or 0) or j_extra < (a_extra or 0))


def split_list(phrase: str) -> list[str]:
    """One list of diagnoses -> its diagnosis phrases (policy 2 and 3)."""
    tokens = _SEP.split(phrase.replace("[", " ").replace("]", " "))
    parts, seps = tokens[0::2], tokens[1::2]
    judge = _Judge()
    items: list[str] = []
    pending: list[str] = []  # place or side words waiting for the next diagnosis
    pending_seps: list[str] = []
    for i, raw in enumerate(parts):
        part = raw.strip()
        if not part:
            continue
        sep = seps[i - 1] if i > 0 else ""
        after = seps[i] if i < len(seps) else ""
        if ";" in sep and items and not pending:
            items.append(part)  # no ICD-10-CM title holds a semicolon: a new diagnosis
            continue
        if not judge.head(part):
            parsed = judge.reader.parse(part)
            joined = items[-1] + sep + part if items else None
            places = any(w in judge.reader.places for c in parsed.concepts for a in c.alternatives for w in a)
            generic = bool(parsed.concepts) and all(
                w in judge.reader.generic for c in parsed.concepts for a in c.alternatives for w in a)
            if joined is not None and not parsed.concepts and not parsed.laterality:
                items[-1] = joined  # "..., initial encounter", "..., not elsewhere classified"
            elif generic and (";" in sep or _AND.search(sep) or not (joined and judge.covered(joined))) \
                    and _head_follows(judge, parts[i + 1:], any_head=True):
                pending.append(part)  # "..., and Other" before "unspecified polyneuropathies"
                pending_seps.append(after)
            elif joined is not None and parsed.concepts and judge.covered(joined):
                items[-1] = joined  # "Strain of muscle" + "fascia" ..., "... displacement" + "lumbar region"
            elif (places or parsed.laterality or not pending) and _head_follows(judge, parts[i + 1:]):
                pending.append(part)  # "lumbar" before "hip, and neck strain"; "right" before "left knee pain"
                pending_seps.append(after)
            elif items:
                items[-1] = joined  # type: ignore[assignment]
            else:
                items.append(part)
            continue
        if pending:
            whole = "".join(p + s_ for p, s_ in zip(pending, pending_seps)) + part
            if judge.covered(whole) or all(
                    not any(w in judge.reader.places for c in judge.reader.parse(p).concepts for a in c.alternatives
                            for w in a) for p in pending):  # side or generic words only
                part = whole  # one title ("Other thoracic, thoracolumbar and lumbosacral ..."), "right and left ..."
            else:
                rest = judge.is_place_first(part)
                items.extend(f"{p} {rest}" if rest else p for p in pending)  # lumbar strain, hip strain
            pending, pending_seps = [], []
        if items and _patterns().continues.match(part):
            items[-1] = items[-1] + sep + part  # "..., with status migrainosus"
            continue
        # the joined phrase is looked up only when the part adds words (parsed already, the cheaper test)
        if items and _adds_words(judge, items[-1], part):
            joined = items[-1] + sep + part
            if judge.covered(joined) and (
                    not judge.covered(items[-1]) or not judge.covered(part) or _fewer_extra(judge, joined, items[-1], part)):
                items[-1] = joined  # one ICD-10-CM title written with a comma or an "and"
                continue
        items.append(part)
    items.extend(pending)
    out: list[str] = []
    for p in items:
        c = clean(p)
        if c and len(c) <= MAX_PHRASE and (judge.has_concepts(c) or judge.head(c)):
            out.append(c)
    return out


def cue_words() -> tuple[str, ...]:
    """Words one of which every list cue holds (lower case; empty: none can be told)."""
    return _patterns().cue_words


def lists_in(sentence: str) -> list[str]:
    """The diagnosis lists a sentence introduces (policy 1), as written."""
    pats = _patterns()
    found: list[str] = []
    if pats.cue_words and not any(map(sentence.lower().__contains__, pats.cue_words)):
        return found  # no cue word: no cue (a substring test per word instead of the cue's scan)
    matches = list(pats.cue.finditer(sentence))
    for k, m in enumerate(matches):
        if pats.negated.search(sentence[: m.start()][-40:]):
            continue
        end = matches[k + 1].start() if k + 1 < len(matches) else len(sentence)
        rest = sentence[m.end():end]
        stop = pats.stop.search(rest)
        text = rest[: stop.start()] if stop else rest
        text = _DIAGNOSIS_OF.sub("", text.strip())
        if text.strip(" ,;.:"):
            found.append(text)
    return found


def diagnosis_phrases(sentences: Iterable[str]) -> list[FoundDiagnosis]:
    """Every diagnosis phrase the sentences list, first sentence first, without repeats."""
    seen: set[str] = set()
    out: list[FoundDiagnosis] = []
    for sentence in sentences:
        for text in lists_in(sentence):
            for d in split_list(text):
                key = d.lower()
                if key not in seen:
                    seen.add(key)
                    out.append(FoundDiagnosis(d, sentence))
    return out
