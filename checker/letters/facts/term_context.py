"""Where a clinical term stands in its sentence: negated or not, hypothetical or not, its region and side.

Shared by the clinical extractors (findings, red flags, studies, injections, comorbidities):

1. Negation is the sentence's negation scopes (:mod:`.negation`); a negation also reaches the
   next terms of a coordinated list ("denies radiation of pain, paresthesias, weakness, or
   numbness": all four), which a scope of a few words does not; a negation inside a term's words
   negates it ("physical therapy had not proven beneficial"). A negation whose cue says the
   record is silent ("no documentation of", "was not performed"; negation_cues.yaml,
   record_silence) leaves the term not stated rather than absent.
2. A term is hypothetical when a hypothetical cue stands just before it ("to see if therapy
   helps"), or when a condition clause opens its sentence ("If symptoms persist, MRI would be
   considered": the MRI is hypothetical).
3. Its region is the nearest region word of its clause (the sentence up to ``;``), the term's
   own words included ("decreased C5 and C6 dermatome sensation": cervical) but not another
   term's ("straight leg raise"); else the region the term implies (a Spurling test: cervical).
4. Its side is the nearest of left / right / bilateral in its comma-delimited part of the clause,
   within a few words ("left ankle reflex 2+, right ankle reflex 1+").
"""
from __future__ import annotations

import re
from typing import Iterable, Iterator, Optional

from checker.regex_gate import Folded
from checker.request.clinical import Side
from checker.vocab import Region

from .cues import Term, TermMatcher
from .negation import CONDITIONAL, CONTEXT, HYPOTHETICAL, Cue as NegationCue, negating_cue
from .sentences import Sent

_SIDE = Folded(re.compile(r"\b(?:(left|lt)|(right|rt)|(bilateral(?:ly)?|both\s(?=(?:upper|lower|legs|arms|hands|knees|feet|shoulders"
                          r"|wrists|ankles|hips|elbows|sides|extremities)\b)))\b", re.I))
_LIST_GAP = re.compile(r"^[\s,/]*(?:(?:and|or|nor|and/or|as\swell\sas)\s)?(?:any\s|the\s|of\s)?$", re.I)
SIDE_REACH = 45  # characters between a term and its side word
REGION_REACH = 90  # characters between a term and its region word
HYPOTHETICAL_REACH = 40  # characters before a term searched for a hypothetical cue
_SILENCE = CONTEXT.compile(CONTEXT.select("record_silence"))


class Hit:
    """One term found in one sentence, with its context."""

    __slots__ = ("st", "start", "end", "term", "cue", "others")

    def __init__(self, st: Sent, start: int, end: int, term: Term, cue: Optional[NegationCue],
                 others: tuple[tuple[int, int], ...] = ()):
        self.st, self.start, self.end, self.term, self.cue = st, start, end, term, cue
        self.others = others  # the spans of the other terms found in the sentence

    @property
    def negated(self) -> bool:
        return self.cue is not None

    @property
    def silent(self) -> bool:
        """Negated by words that say the record does not show it: not stated, not absent."""
        return self.cue is not None and _SILENCE.search(self.cue.text) is not None

    @property
    def text(self) -> str:
        return self.st.text[self.start:self.end]

    @property
    def present(self) -> bool:
        """The fact holds: a term of presence not negated, or a term of absence negated."""
        return (self.term.present == "yes") != self.negated

    def hypothetical(self) -> bool:
        return is_hypothetical(self.st.text, self.start)

    def region(self, default: Optional[Region] = None) -> Optional[Region]:
        return region_near(self.st, self.start, self.end, self.others) or self.term.region or default

    def side(self) -> Optional[Side]:
        return side_near(self.st.text, self.start, self.end)


def hits(sents: Iterable[Sent], matcher: TermMatcher) -> Iterator[Hit]:
    """Every term of ``matcher`` in the sentences, with its negation."""
    for st in sents:
        if matcher.id not in st.matchers:
            continue
        prev: Optional[Hit] = None
        found = matcher.finditer(st.text, st.words, st.low)
        spans = tuple(m.span() for m, _ in found)
        for m, term in found:
            cue = negating_cue(st.text, m.start(), m.end(), st.cues) or _inner_cue(st, m.start(), m.end())
            if (cue is None and prev is not None and prev.cue is not None and prev.cue.kind != "post"
                    and term.present == "yes" and _LIST_GAP.match(st.text[prev.end:m.start()])):
                cue = prev.cue  # the next item of a negated list (not a term with its own polarity: "intact")
            hit = Hit(st, m.start(), m.end(), term, cue, spans)
            yield hit
            prev = hit


def _inner_cue(st: Sent, start: int, end: int) -> Optional[NegationCue]:
    """A verbal or determiner negation inside a term's words, not at its start: "had not proven beneficial"
    (but "unable to bear weight" is the term itself)."""
    for scope in st.cues:
        cue = scope.cue
        if start < cue.start < end and cue.kind in ("verbal", "determiner"):
            return cue
    return None


def is_hypothetical(text: str, start: int) -> bool:
    """A hypothetical cue just before ``start``, or a condition clause before it in the sentence."""
    if HYPOTHETICAL.search(text[max(0, start - HYPOTHETICAL_REACH): start]):
        return True
    return ("," in text[:start]) and CONDITIONAL.search(text[:start]) is not None


def clause(text: str, start: int, end: int) -> tuple[int, int]:
    """The clause of a span: the sentence between the semicolons around it."""
    a = text.rfind(";", 0, start) + 1
    b = text.find(";", end)
    return a, (len(text) if b < 0 else b)


def region_near(st: Sent, start: int, end: int, others: tuple[tuple[int, int], ...] = ()) -> Optional[Region]:
    """The region word of the clause nearest the span (inside it first; not one inside another term's
    words: the "leg" of "straight leg raise" places no other finding); None when none is near."""
    a, b = clause(st.text, start, end)
    best: Optional[tuple[int, Region]] = None
    for s, e, regions in st.regions:
        if s < a or e > b:
            continue
        if any(o_start <= s and e <= o_end and (o_start, o_end) != (start, end) for o_start, o_end in others):
            continue
        distance = 0 if (start <= s and e <= end) else (s - end if s >= end else start - e)
        if distance > REGION_REACH:
            continue
        region = regions[-1]  # "thoracolumbar": the lower segment
        if best is None or distance < best[0]:
            best = (distance, region)
    return best[1] if best else None


def side_near(text: str, start: int, end: int) -> Optional[Side]:
    """The nearest side word of the span's comma-delimited segment ("left ankle reflex 2+, right ankle ...")."""
    a, b = clause(text, start, end)
    a = max(a, text.rfind(",", a, start) + 1)
    comma = text.find(",", end, b)
    b = b if comma < 0 else comma
    best: Optional[tuple[int, Side]] = None
    for m in _SIDE.finditer(text, max(a, start - SIDE_REACH), min(b, end + SIDE_REACH)):
        side = Side.left if m.group(1) else Side.right if m.group(2) else Side.bilateral
        distance = 0 if (start <= m.start() and m.end() <= end) else (
            m.start() - end if m.start() >= end else start - m.end())
        if best is None or distance < best[0]:
            best = (distance, side)
    return best[1] if best else None


def near(text: str, pattern: re.Pattern, start: int, end: int, before: int, after: int) -> Optional[re.Match]:
    """A match of ``pattern`` within ``before`` characters before or ``after`` characters after the span."""
    a, b = clause(text, start, end)
    for m in pattern.finditer(text, max(a, start - before), min(b, end + after)):
        if m.end() <= start or m.start() >= end:
            return m
    return None
