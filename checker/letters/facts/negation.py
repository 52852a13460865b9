"""Negation and hypothetical context for case-summary facts: is a span of a sentence inside a negation's scope?

A NegEx/ConText-style scheme tuned to IMR case summaries (measured against medspacy's
ConText in bench/negation_compare.py):

* *evidential* cues ("no documentation of", "without evidence of", "lack of", "there was no
  provided") negate up to the end of the clause: "no documentation as to pain scores
  and/or functional improvements for any of these modalities";
* *determiner* cues ("no prior", "no", "never had") negate only the noun phrase they head:
  in "has included no prior chiropractic therapy and medication management" the
  medication management is affirmed;
* *verbal* cues ("not", "failed to", "denies", "unable to") negate the following verb
  phrase, a few words: "had not proven particularly beneficial" negates *beneficial*,
  not the physical therapy that precedes it;
* *post* cues ("X was not documented", "X were not described as performed") negate what
  precedes them in the clause;
* clause terminators ("but", "however", "as", "due to", ";", parentheses) end a scope;
  pseudo-negations ("whether or not", "non-certified", "not medically necessary", "not
  only") are not cues.

Everything is a handful of linear regexes over one sentence.
"""
from __future__ import annotations

import re
from typing import NamedTuple, Optional

_EVIDENTIAL_NOUN = (
    r"(?:(?:clear|objective|adequate|sufficient|any|further|specific|clinical|medical|documented|provided|reported"
    r"|recent|submitted|quantified|measurable|significant)\s)*"
    r"(?:documentation|evidence|mention|indication|record|records|report|notes?|data|rationale|proof|details?"
    r"|objective|provided|quantif\w+|measurable|significant)"
)

# pseudo-negations first (they are consumed, so their words do not act as cues)
_CUES = re.compile(
    r"\b(?=[wnitlapdfucrh])(?:"  # first-letter gate
    r"(?P<pseudo>\bwhether or not\b|\bnot only\b|\bnot necessarily\b|\bnon-\s?\w+|\bnot medically necessary\b"
    r"|\bno longer\b|\bnot certain\b|\bno sooner\b|\bnot\s(?:be\s)?ruled out\b|\bif not\b)"
    r"|(?P<evid>\b(?:there\s(?:is|was|were|are|has been|have been)\s)?no\s" + _EVIDENTIAL_NOUN + r"\b"
    r"|\bwithout\s(?:any\s)?(?:documentation|evidence|mention|indication|record)\b"
    r"|\b(?:lack|lacks|lacking|absence|paucity)\sof\b"
    r"|\b(?:did|does|do)\snot\s(?:document|provide|indicate|include|show|demonstrate|mention|describe|state|specify|report)\b"
    r"|\bfailed\sto\s(?:document|provide|indicate|show|demonstrate|mention|describe|state|specify|report)\b)"
    r"|(?P<determiner>\bno\b|\bnever\b|\bwithout\b|\bnone\sof\b|\bneither\b|\bnor\b|\bnegative\b(?!\s(?:impact|effect|direction)))"
    r"|(?P<verbal>\bnot\s(?:be\s|been\s)?able\sto\b|\bnot\b|\bn't\b|\bfail(?:s|ed)?\sto\b|\bfailed\b|\bunable\sto\b|\bdenie[sd]\b|\bdenying\b"
    r"|\bdeny\b|\bcannot\b|\brule\sout\b|\bruled\sout\b)"
    r"|(?P<post>\b(?:was|were|is|are|has\sbeen|have\sbeen)\snot\s(?:\w+\s)?(?:documented|provided|performed|done"
    r"|tried|attempted|completed|attended|received|described|noted|given|available)\b"
    r"|\b(?:was|were|is|are)\s(?:unknown|unclear|not\sknown|absent|unavailable)\b"
    r"|\b(?:was|were|is|are)\s(?:\w+\s)?negative\b))",
    re.I,
)
# clause terminators: end any scope
_TERMINATOR = re.compile(
    r"[;:()]|\s-\s|,\s(?=(?:it|there|he|she|they|this|the\spatient|the\sinjured\sworker|the\sapplicant)\s(?:was|is|were|are|has|had|have)\b)|\b(?:but|however|although|though|except|whereas|while|which|who|because|since|given|yet"
    r"|due\sto|aside\sfrom|apart\sfrom|other\sthan|instead)\b"
    r"|\bas\b(?!\s(?:to|well|such|of|per|regards?|a\sresult|noted|documented|described|needed|an?\b))"
    r"|\bwith\s(?:the\s)?exception\b",
    re.I,
)
# the end of a verb phrase: "failed to respond favorably | to earlier treatment"
_VP_END = re.compile(r"\b(?:to|with|from|after|following|despite|over|during|since)\b", re.I)
# the end of a determiner's noun phrase; a disjunctive list ("no A, B or C") is negated whole
_NP_END = re.compile(r",|\b(?:and|or|with|for|to|in|on|at|from|by|after|that|was|were|is|are|has|had)\b", re.I)
_NP_END_AFTER_LIST = re.compile(r",|\b(?:and|with|for|to|in|on|at|from|by|after|that|was|were|is|are|has|had|indicative)\b", re.I)
_LIST_OR = re.compile(r",?\s(?:or|nor)\s", re.I)
_AND = re.compile(r"\band\b", re.I)
# ", and a home exercise program", ", and 6 sessions of ...": a new list item with its own determiner
_COMMA_AND = re.compile(r",\sand\s(?=(?:a|an|his|her|their|\d+|#)\s?\b)", re.I)

_MAX_WORDS = {"evid": 22, "determiner": 6, "verbal": 7, "post": 8}


class Cue(NamedTuple):
    start: int
    end: int
    kind: str  # evid | determiner | verbal | post
    text: str


def cues(sentence: str) -> list[Cue]:
    out = []
    for m in _CUES.finditer(sentence):
        kind = m.lastgroup
        if kind and kind != "pseudo":
            out.append(Cue(m.start(), m.end(), kind, m.group(0)))
    return out


def _word_limit(text: str, start: int, n: int) -> int:
    """Offset after the n-th word from ``start``."""
    i, count, ln = start, 0, len(text)
    while i < ln:
        while i < ln and text[i] == " ":
            i += 1
        if i >= ln:
            break
        j = text.find(" ", i)
        j = ln if j < 0 else j
        count += 1
        i = j
        if count >= n:
            break
    return i


def _forward_scope(sentence: str, cue: Cue) -> tuple[int, int]:
    start = cue.end
    limit = _word_limit(sentence, start, _MAX_WORDS[cue.kind])
    end = limit
    t = _TERMINATOR.search(sentence, start, limit)
    if t:
        end = t.start()
    if cue.kind == "evid" and cue.text[:1] in "wW":
        # "without documentation of improvement, and a home exercise program": the
        # prepositional phrase modifies one item of a list; ", and" starts the next item
        c = _COMMA_AND.search(sentence, start, end)
        if c:
            end = c.start()
    if cue.kind == "verbal":
        first = _word_limit(sentence, start, 1)
        e = _VP_END.search(sentence, first, end)
        if e:
            end = e.start()
    elif cue.kind == "determiner":
        # "no prior chiropractic therapy and medication management": the NP only; but the
        # first word after the cue always belongs to it ("no improvement with therapy").
        first = _word_limit(sentence, start, 1)
        conj = _AND.search(sentence, first, end)
        stop = conj.start() if conj else end
        ors = [m for m in _LIST_OR.finditer(sentence, first, stop)]
        if ors:
            after = _word_limit(sentence, ors[-1].end(), 1)
            e = _NP_END_AFTER_LIST.search(sentence, after, end)
        else:
            e = _NP_END.search(sentence, first, end)
        if e:
            end = e.start()
    return start, end


def _backward_scope(sentence: str, cue: Cue) -> tuple[int, int]:
    end = cue.start
    # the clause start: the last terminator or comma before the cue
    begin = 0
    for t in _TERMINATOR.finditer(sentence, 0, end):
        begin = t.end()
    comma = sentence.rfind(",", begin, end)
    if comma >= 0:
        begin = comma + 1
    # at most N words back
    words = sentence[begin:end].split()
    if len(words) > _MAX_WORDS["post"]:
        keep = " ".join(words[-_MAX_WORDS["post"]:])
        begin = sentence.rfind(keep, begin, end)
    return begin, end


class Scope(NamedTuple):
    cue: Cue
    start: int
    end: int


def scopes(sentence: str) -> list[Scope]:
    """Every negation cue of the sentence with the span it negates (computed once per sentence)."""
    out = []
    for cue in cues(sentence):
        b, e = _backward_scope(sentence, cue) if cue.kind == "post" else _forward_scope(sentence, cue)
        out.append(Scope(cue, b, e))
    return out


def negating_cue(sentence: str, start: int, end: int, found: Optional[list[Scope]] = None) -> Optional[Cue]:
    """The cue whose scope covers ``sentence[start:end]``, or None if it is affirmed."""
    for cue, b, e in (found if found is not None else scopes(sentence)):
        if cue.start <= start < cue.end:  # the target is (part of) the cue phrase itself
            if cue.kind == "evid" and not sentence[start:end].lower().startswith(("no", "without", "lack", "there")):
                return cue  # "no objective improvement": target inside the evidential phrase
            continue
        if cue.kind == "post":
            if end <= cue.start and b <= start and end <= e:
                return cue
            continue
        if cue.end <= start < e:
            return cue
    return None


def is_negated(sentence: str, start: int, end: int) -> bool:
    return negating_cue(sentence, start, end) is not None


# Phrases that say a treatment did not help without a syntactic negation. The lookahead for
# the first letters of the alternatives only saves re from trying them at every position.
LIMITED_BENEFIT = re.compile(
    r"(?=[dfilmnpqstuw])(?:"
    r"\b(?:minimal|minimum|limited|little|slight|temporary|transient|short[- ]lived|short[- ]term|marginal|questionable)"
    r"(?:\sto\s(?:minimal|temporary|transient|limited|no|moderate))?\s(?:benefit|relief|improvement|response|gains?)"
    r"|\b(?:ineffective|unhelpful|unsuccessful|did\snot\shelp|no\shelp|without\s(?:any\s)?(?:benefit|relief|improvement|help))\b"
    r"|\bplateau(?:ed|ing)?\b|\bfailed\s(?:to\s(?:improve|help|respond|benefit)|(?:physical\stherapy|chiropractic|acupuncture|therapy|treatment|conservative))"
    r")",
    re.I,
)


# A statement that is only a possibility, a goal or a condition: the words before it
# ("if", "would", "goal is to", "to") — "to see if therapy improves function".
HYPOTHETICAL = re.compile(
    r"\b(?:if|whether|to\ssee|should|would|could|may|might|goals?|expected|hopes?|hoped|order\sto)\s(?:\w+\s){0,3}$"
    r"|(?<!failed\s)(?<!unable\s)(?<!able\s)\bto\s$",
    re.I,
)
