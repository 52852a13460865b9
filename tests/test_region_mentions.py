"""terms.region_mentions reads the tokens of the plain word scan it replaced, the same regions at the same places.

The scan's token regex is written with the level's letter first (re's fast scan to a letter) and the
tokens are lower-cased together; checked against the plain scan (one token at a time, the level
written with its lookbehind first) on every region word and stem, beside the words that change
them, as levels, in upper, lower and mixed case, and on generated text.
"""
from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checker.letters.facts import terms as T

_PLAIN_TOKEN = re.compile(r"(?<![A-Za-z])[CTLS]\d{1,2}(?!\d)|[A-Za-z]+")


def plain(text: str) -> list:
    toks = [(m.start(), m.end(), m.group(0).lower()) for m in _PLAIN_TOKEN.finditer(text)]
    out = []
    for i, (a, b, w) in enumerate(toks):
        if not T._maybe_region(w):
            continue
        prev = toks[i - 1][2] if i else ""
        nxt = toks[i + 1][2] if i + 1 < len(toks) else ""
        got = T._regions_of(w, prev, nxt)
        if got:
            out.append((a, b, got))
    return out


WORDS = sorted(set(T._REGION_WORDS) | set(T._SPECIAL_WORDS) | {s + "ial" for s in T._STEMS}
               | {"low", "lower", "upper", "mid", "the", "of", "pain", "and", "radial", "femoral"})
LEVELS = ["C5", "T12", "L4", "S1", "c5", "L5S1", "AL5", "C5-6", "L123", "XC5"]


@pytest.mark.parametrize("word", WORDS)
def test_every_region_word_alone_beside_others_and_in_any_case(word):
    for text in (word, word.upper(), word.title(), f"low {word} pain", f"the {word} and", f"radial {word} of",
                 f"x{word}", f"{word}2 {word}-{word}", f"upper {word}, lower {word}."):
        assert T.region_mentions(text) == plain(text), text


@pytest.mark.parametrize("level", LEVELS)
def test_levels(level):
    for text in (level, f"at {level}.", f"{level}{level}", f"x{level} y", f"({level}/{level})"):
        assert T.region_mentions(text) == plain(text), text


@settings(max_examples=400, deadline=None)
@given(parts=st.lists(st.one_of(st.sampled_from(WORDS + LEVELS), st.text(max_size=4)), max_size=12),
       seps=st.sampled_from([" ", "", ", ", "-", "é", "\u212a"]))
def test_generated_text(parts, seps):
    text = seps.join(parts)
    for t in (text, text.upper(), text.swapcase()):
        assert T.region_mentions(t) == plain(t), t
