"""Lexicon.scan visits only the places of words that start a term or carry a listed affix: it finds the same
matches, in the same order, as a scan that tries every token (the loop it replaced, kept here), on generated
lines of both vocabularies (services with their cues, regions with sides): every term as written, lower and
upper case, with the words its guards name before and after it, beside numbers, quantity words, words that
begin or end with a listed affix, other terms and plain words."""
from __future__ import annotations

import random

import pytest

from checker.normalize.lexicon import MIN_AFFIX, Lexicon, Match, Tokens, tokenize
from checker.normalize.regions import _compiled
from checker.normalize.services import tables


def every_token_scan(lex: Lexicon, tokens: Tokens) -> list[Match]:
    """The scan as it was: at every token the longest term that fits, then on after it."""
    out: list[Match] = []
    folded, n = tokens.folded, len(tokens.folded)
    i = 0
    while i < n:
        word = folded[i]
        longest = lex._lengths.get(word, (0,))[0]  # the longest term starting with this word
        taken = 0
        for length in range(min(longest, n - i), 0, -1):
            senses = lex._index.get(tuple(folded[i:i + length]) if length > 1 else (word,))
            if not senses:
                continue
            fitting = [s for s in senses if lex._fits(s, tokens, i, i + length)]
            if fitting:
                out.extend(Match(i, i + length, s) for s in fitting)
                taken = length
                break
        if not taken and len(word) >= MIN_AFFIX and (word[:MIN_AFFIX] in lex._prefixes
                                                     or word[-MIN_AFFIX:] in lex._suffixes):
            affixed = [s for s in lex._affixes(word) if lex._fits(s, tokens, i, i + 1)]
            if affixed:
                out.extend(Match(i, i + 1, s) for s in affixed)
                taken = 1
        i += taken or 1
    return out


def _pieces(lex: Lexicon) -> list[str]:
    """Every term as written (abbreviations with their case), lower and upper case, and the guard words."""
    out = []
    for key, senses in lex._index.items():
        for s in senses:
            written = " ".join(s.exact) if s.exact else " ".join(key)
            out += [written, written.lower(), written.upper()]
            for words in (s.guard.previous, s.guard.not_previous):
                out += [f"{w} {written}" for w in sorted(words)]
            for words in (s.guard.next, s.guard.not_next):
                out += [f"{written} {w}" for w in sorted(words)]
    for table, affix in ((lex._prefixes, "{}ing"), (lex._suffixes, "pre{}")):
        for entries in table.values():
            out += [affix.format(a) for a, _ in entries] + [a for a, _ in entries]
    return out


FILLERS = ["2x6", "x 12", "12", "visits", "sessions", "the", "and", "of", "pt", "PT", "right", "left", "/", "#", ",",
           "spine", "therapy", "requested", "bilateral", "L4-5", "abc", "xyz", "times", "with", "post", "op"]


@pytest.mark.parametrize("name", ["services", "regions"])
def test_scan_finds_what_a_scan_of_every_token_finds(name):
    lex = tables().lexicon if name == "services" else _compiled().lexicon
    pieces = _pieces(lex)
    rng = random.Random(7)
    lines = list(pieces)  # each piece alone
    for _ in range(6000):  # pieces among others and fillers
        lines.append(" ".join(rng.choice(pieces) if rng.random() < 0.5 else rng.choice(FILLERS)
                              for _ in range(rng.randint(1, 14))))
    found = 0
    for line in lines:
        tokens = tokenize(line)
        got = lex.scan(tokens)
        assert got == every_token_scan(lex, tokens), line
        found += bool(got)
    assert found > len(lines) * 0.8  # the lines do exercise the matching


def test_the_lines_hold_what_a_skipping_scan_could_miss():
    """The comparison can fail: the generated lines hold matches of words that start no term (affix
    words only), and words that start a term inside a longer term already taken."""
    lex = tables().lexicon
    affix_only = inside = 0
    for line in _pieces(lex):
        tokens = tokenize(line)
        matches = every_token_scan(lex, tokens)
        affix_only += any(tokens.folded[m.start] not in lex._lengths for m in matches)
        inside += any(w in lex._lengths for m in matches for w in tokens.folded[m.start + 1:m.end])
    assert affix_only > 10 and inside > 10
