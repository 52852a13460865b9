"""tokenize cuts a text as the token pattern does, whichever way it gets there: it skips the pattern's
"PTx12" branch on a text with no letter, "x", digit in a row, and finds the offsets only when asked.
Checked against the pattern itself on generated texts of the characters that matter (letters, "x" and
"X", digits, the signs, spaces, other punctuation, letters outside ASCII) and on the vocabularies' terms."""
from __future__ import annotations

import random

from checker.normalize.lexicon import _TOKEN, fold, tokenize
from checker.normalize.regions import _compiled
from checker.normalize.services import tables

ALPHABET = list("abcpPTxxxXXx1234560/&#,+-. :()") + ["é", "ſ", "K", "\u212a", "ab", "PT", "x1", "x 2"]


def _generated(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 24))) for _ in range(n)]


def _check(text: str) -> None:
    tokens = tokenize(text)
    expected = list(_TOKEN.finditer(text))
    assert tokens.words == [m[0] for m in expected], text
    assert tokens.spans == [m.span() for m in expected], text
    assert tokens.folded == [fold(m[0]) for m in expected], text


def test_tokenize_cuts_as_the_token_pattern_on_generated_texts():
    texts = _generated(20000, 11)
    assert sum("x" in t and any(c.isdigit() for c in t) for t in texts) > 1000  # both ways are exercised
    for text in texts:
        _check(text)


def test_tokenize_cuts_as_the_token_pattern_on_every_term():
    for lex in (tables().lexicon, _compiled().lexicon):
        for key, senses in lex._index.items():
            for s in senses:
                written = " ".join(s.exact) if s.exact else " ".join(key)
                for text in (written, written.upper(), f"{written} x12", f"{written}x12 2x6", f"Ax1 {written}"):
                    _check(text)
