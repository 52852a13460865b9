"""The negation cues' word gate (Sent.cues) loses no cue.

Sent.cues skips the cue search of an ASCII sentence that holds none of negation.CUE_WORDS (the
words one of which every cue's matches contain, read off each cue's pattern). Checked on
generated matches of every cue of rules/vocab/negation_cues.yaml, alone and inside a sentence,
on generated text of cue words, and on the sample letters' sentences: the gated scopes are the
scopes of the full search.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checker.letters.facts import negation as N
from checker.letters.facts.sentences import CUE_STEMS, Sent, summary_sentences
from checker.letters.facts.text import Sentence
from checker.letters.parse import parse_letter
from checker.letters.read import read_letter_text

ROOT = Path(__file__).resolve().parent.parent
_LISTS = {name: N.CONTEXT.list_regex(name) for name in N.CONTEXT.lists}
CUES = N.CONTEXT.select("negated_existence", "pseudo") + [
    c for scope in N._SCOPES for c in N.CONTEXT.select("negated_existence", scope=scope)]
ASCII = st.characters(min_codepoint=32, max_codepoint=126)


def sent(text: str) -> Sent:
    return Sent(Sentence(0, len(text), text))


def test_the_gate_is_built_from_every_cue():
    assert N.CUE_WORDS is not None and CUE_STEMS is not None
    assert {"no", "not", "without", "denies"} <= N.CUE_WORDS


@pytest.mark.parametrize("cue", CUES, ids=lambda c: (c.phrase or c.pattern)[:40])
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_every_match_of_every_cue_holds_a_cue_word(cue, data):
    regex = re.compile(cue.regex(_LISTS), re.I)
    words = data.draw(st.from_regex(regex, fullmatch=True, alphabet=ASCII))
    assert any(w in words.lower() for w in N.CUE_WORDS), words
    for text in (words, f"The patient {words} pain in the knee.", f"Pain;{words},x"):
        assert sent(text).cues == N.scopes(text), text


CUE_TEXT = st.lists(st.sampled_from(sorted(N.CUE_WORDS) + ["pain", "the", "knee", "therapy", ",", ";", "(", "."]),
                    max_size=12).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(text=CUE_TEXT, other=st.text(ASCII, max_size=30))
def test_generated_text_of_cue_words_gives_the_same_scopes(text, other):
    for t in (text, other, f"{other} {text}", text.upper()):
        assert sent(t).cues == N.scopes(t), t


def test_the_sample_letters_sentences_give_the_same_scopes():
    letters = sorted((ROOT / "samples" / "letters").glob("*.txt"))
    assert letters
    for path in letters:
        text, fmt = read_letter_text(str(path))
        for s in summary_sentences(parse_letter(text, str(path), fmt).summary):
            assert s.cues == N.scopes(s.text), s.text
