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

The cues are data, in rules/vocab/negation_cues.yaml (each with its source: the NegEx and
ConText trigger lists, medspacy's rules, or our own reading); the scopes are the code
below. Everything is a handful of linear regexes over one sentence.
"""
from __future__ import annotations

import re
from typing import NamedTuple, Optional

from checker.kb.data import vocabulary
from checker.regex_gate import Folded, ascii_lowered, gated, required_literals

from .cues import CueFile

# The cues are data (rules/vocab/negation_cues.yaml); the groups of one regex, in this order:
# pseudo-negations first (they are consumed, so their words do not act as cues), then the
# negations by scope.
CONTEXT = vocabulary("negation_cues", CueFile)


_SCOPES = ("evidential", "determiner", "verbal", "post")


def _cue_regex(vocab: CueFile) -> re.Pattern:
    groups = [f"(?P<pseudo>{vocab.alternatives(vocab.select('negated_existence', 'pseudo'))})"]
    for scope in _SCOPES:
        groups.append(f"(?P<{scope}>{vocab.alternatives(vocab.select('negated_existence', scope=scope))})")
    return gated("|".join(groups))


def _cue_words(vocab: CueFile) -> Optional[frozenset[str]]:
    """Lower-case words one of which every match of the cue regex contains (each cue's required
    literals, regex_gate.required_literals); None when a cue has none to tell."""
    lists = {name: vocab.list_regex(name) for name in vocab.lists}
    cues = vocab.select("negated_existence", "pseudo") + [
        c for scope in _SCOPES for c in vocab.select("negated_existence", scope=scope)]
    words: set[str] = set()
    for cue in cues:
        required = required_literals(cue.regex(lists))
        if required is None:
            return None
        words |= required
    return frozenset(words)


_CUES = _cue_regex(CONTEXT)
# A sentence (lower-cased, ASCII) that holds none of these finds no cue: Sent.cues skips its search.
CUE_WORDS = _cue_words(CONTEXT)
_CUES_LOWERED = ascii_lowered(_CUES)  # its twin for the lower-cased ASCII sentence: the same matches, faster
# clause terminators: end any scope
_TERMINATOR = Folded(CONTEXT.compile(CONTEXT.select("negated_existence", "terminate")))

# the end of a verb phrase: "failed to respond favorably | to earlier treatment"
_VP_END = re.compile(r"\b(?:to|with|from|after|following|despite|over|during|since)\b", re.I)
# the end of a determiner's noun phrase; a disjunctive list ("no A, B or C") is negated whole
_NP_END = re.compile(r",|\b(?:and|or|with|for|to|in|on|at|from|by|after|that|was|were|is|are|has|had)\b", re.I)
_NP_END_AFTER_LIST = re.compile(r",|\b(?:and|with|for|to|in|on|at|from|by|after|that|was|were|is|are|has|had|indicative)\b", re.I)
_LIST_OR = re.compile(r",?\s(?:or|nor)\s", re.I)
_AND = re.compile(r"\band\b", re.I)
# ", and a home exercise program", ", and 6 sessions of ...": a new list item with its own determiner
_COMMA_AND = re.compile(r",\sand\s(?=(?:a|an|his|her|their|\d+|#)\s?\b)", re.I)

_MAX_WORDS = {scope: CONTEXT.parameters[f"{scope}_words"] for scope in ("evidential", "determiner", "verbal", "post")}


class Cue(NamedTuple):
    start: int
    end: int
    kind: str  # evidential | determiner | verbal | post
    text: str


def cues(sentence: str) -> list[Cue]:
    out = []
    if _CUES_LOWERED is not None and sentence.isascii():
        found = _CUES_LOWERED.finditer(sentence.lower())
    else:
        found = _CUES.finditer(sentence)
    for m in found:
        kind = m.lastgroup
        if kind and kind != "pseudo":
            out.append(Cue(m.start(), m.end(), kind, sentence[m.start():m.end()]))
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
    if cue.kind == "evidential" and cue.text[:1] in "wW":
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
            if cue.kind == "evidential" and not sentence[start:end].lower().startswith(("no", "without", "lack", "there")):
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


# Phrases that say a treatment did not help without a syntactic negation (rules/vocab/benefit_phrases.yaml).
BENEFIT = vocabulary("benefit_phrases", CueFile)
LIMITED_BENEFIT = Folded(BENEFIT.compile(BENEFIT.select("limited_benefit")))


def _hypothetical(vocab: CueFile) -> re.Pattern:
    """A cue of a possibility, condition or goal, at most its window of words before the end of the text."""
    lists = {name: vocab.list_regex(name) for name in vocab.lists}
    default = vocab.parameters["hypothetical_window"]
    return gated("|".join(
        rf"(?:{c.regex(lists)})\s(?:\w+\s){{0,{default if c.window is None else c.window}}}$"
        for c in vocab.select("hypothetical", "forward")
    ))


# A statement that is only a possibility, a goal or a condition: the words before it
# ("if", "would", "goal is to", "to") — "to see if therapy improves function".
HYPOTHETICAL = Folded(_hypothetical(CONTEXT))


# A condition clause before a statement ("If symptoms persist, an MRI would be considered"): the
# text before the statement holds a conditional cue and, after it, the comma that ends the condition.
CONDITIONAL = Folded(re.compile(
    "(?:" + CONTEXT.alternatives(CONTEXT.select("conditional")) + r")[^.;]*,\s[^.;]*$", re.I
))
