"""The wider twin of a term with case-sensitive words (regex_gate.relaxed_twin) loses no match.

TermMatcher searches such a term ("ENT", "TTD", "COPD": ``(?-i:...)``) only when its wider twin finds
something in the lower-cased ASCII sentence, and from the twin's first match on. Checked for every
such term of every vocabulary, on generated matches of the term inside sentences, in upper, lower and
mixed case: the twin finds a match no later than the term's first, and the matcher finds what one
alternation of all its terms finds.
"""
from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checker.letters.facts import extract_facts
from checker.letters.facts.cues import _MATCHERS
from checker.regex_gate import ascii_lowered, relaxed_twin

extract_facts("He takes Norco daily.")  # every vocabulary loaded: their matchers built
TERMS = [(m, i) for m in _MATCHERS for i, twin in enumerate(m.relaxed) if twin is not None]
ASCII = st.characters(min_codepoint=32, max_codepoint=126)
WORDS = st.lists(st.sampled_from(["the", "pain", "ENT", "ent", "TTD", "COPD", "no", "with", ",", ";", "Dr.", "x"]),
                 max_size=6).map(" ".join)


def test_the_terms_with_case_sensitive_words_have_a_wider_twin():
    assert len(TERMS) >= 10
    assert all(m.twins[i] is None for m, i in TERMS)


def test_a_wider_twin_is_made_only_for_flag_groups_that_shape_the_pattern():
    assert relaxed_twin(re.compile(r"\bfoo\b", re.I)) is None  # ascii_lowered twins it already
    assert relaxed_twin(re.compile(r"\bENT\b")) is None  # not case-insensitive
    wider = relaxed_twin(re.compile(r"\b(?-i:ENT)\b|\bthroat\b", re.I))
    assert wider is not None and wider.search("see ent clinic") and not wider.search("patient")
    assert ascii_lowered(re.compile(r"\(?-i:x", re.I)) is not None  # an escaped paren: no flag group


def _whole(matcher) -> re.Pattern:
    return re.compile("|".join(f"(?P<t{i}>{r.pattern})" for i, r in enumerate(matcher.regexes)), re.I)


def _expected(matcher, whole: re.Pattern, text: str) -> list:
    found = [(m.span(), int(m.lastgroup[1:])) for m in whole.finditer(text)]
    return [(s, i) for s, i in found if matcher.requires[i] is None or matcher.requires[i].search(text)]


@pytest.mark.parametrize("matcher, i", TERMS, ids=lambda x: str(getattr(x, "id", x)))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), before=WORDS, after=WORDS)
def test_the_wider_twin_finds_every_match_no_later(matcher, i, data, before, after):
    words = data.draw(st.from_regex(re.compile(matcher.sources[i], re.I), fullmatch=True, alphabet=ASCII))
    whole = _whole(matcher)
    for text in (f"{before} {words} {after}", f"{before} {words.lower()} {after}", f"{before}{words.swapcase()}{after}"):
        first = matcher.regexes[i].search(text)
        if first is not None:
            wide = matcher.relaxed[i].search(text.lower())
            assert wide is not None and wide.start() <= first.start(), text
        got = [(m.span(), matcher.terms.index(t)) for m, t in matcher.finditer(text)]
        assert got == _expected(matcher, whole, text), text
