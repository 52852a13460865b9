"""The extractors' stem pre-test (checker.letters.facts.stems) says what a substring test says.

An extractor skips a sentence for which ``has`` is false, so a stem it misses loses a fact: every
registered stem is checked alone, inside other words, beside and overlapping the others, and on
generated text, against ``any(s in sentence.low for s in stems)``.
"""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import checker.letters.facts  # noqa: F401 - registers every extractor's stems
from checker.letters.facts import stems as S
from checker.letters.facts.sentences import Sent
from checker.letters.facts.text import Sentence

ALL = tuple(S._STEMS)


def sent(text: str) -> Sent:
    return Sent(Sentence(0, len(text), text))


def test_extractors_registered_their_stems():
    assert {"week", "utilization", "surg", "improv", "toler", "side effect", "work"} <= set(ALL)


@pytest.mark.parametrize("stem", ALL)
def test_every_stem_is_found_alone_inside_words_and_upper_case(stem):
    for text in (stem, f"x{stem}y", f"The {stem.upper()}ED patient.", f"{stem}{stem}"):
        held = S.held(sent(text))
        assert stem in held, text
        assert S.has(sent(text), frozenset([stem]))


def test_overlapping_and_nested_stems_are_all_found():
    # "surg" holds "ur"; "side effect" begins inside "besides"; every stem beside every other
    for a in ALL:
        text = "".join(f"{a}{b}" for b in ALL)
        low = text.lower()
        assert S.held(sent(text)) == {s for s in ALL if s in low}


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(ALL + (" ", "x", "e", "u", "-", "ur", "s", "Side", "Effe")), max_size=12))
def test_held_is_the_substring_test(parts):
    text = "".join(parts)
    st_ = sent(text)
    assert S.held(st_) == {s for s in ALL if s in st_.low}
    for group in (frozenset(parts[:2]) & set(ALL), frozenset(ALL[:5])):
        assert S.has(st_, frozenset(group)) == any(s in st_.low for s in group)


def test_a_stem_must_be_lower_case():
    with pytest.raises(ValueError):
        S.stems("Work")
