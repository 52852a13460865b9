"""regex_gate.ascii_lowered: a case-insensitive pattern's twin, searched in the lower-cased ASCII text,
finds what the pattern finds in the text: the same spans, groups and last group, match by match.

Checked for every pattern of the case-summary reader that is given a twin (negation cues, request
words, each term of every term vocabulary) on every sentence of the real letters' summaries and on
generated sentences (one example per alternative of each pattern, tests/regex_examples.py, in
upper, lower and title case, inside a sentence); and the twin is refused where it could differ.
Folded patterns (searched through their twin) give the pattern's own matches, text and all.
"""
from __future__ import annotations

import re
import sys

import pytest

from checker.diagnosis.phrases import _patterns
from checker.letters.facts import negation, sentences
from checker.letters.facts.cues import _MATCHERS
from checker.letters.parse import parse_letter
from checker.letters.read import read_letter_text
from checker.regex_gate import Folded, ascii_lowered
from tests.regex_examples import examples

PATTERNS = [negation._CUES, sentences.REQUEST_SENT] + [r for m in _MATCHERS for r in m.regexes]


def _found(pattern: re.Pattern, text: str) -> list[tuple]:
    return [(m.regs, m.lastgroup, m.lastindex) for m in pattern.finditer(text)]


def _same(pattern: re.Pattern, twin: re.Pattern, text: str) -> None:
    assert text.isascii()
    assert _found(pattern, text) == _found(twin, text.lower()), (pattern.pattern[:80], text)
    for pos in range(0, len(text), 7):  # searches from a position, as the term matcher does
        a, b = pattern.search(text, pos), twin.search(text.lower(), pos)
        assert (a and (a.regs, a.lastgroup)) == (b and (b.regs, b.lastgroup)), (pattern.pattern[:80], text, pos)


def test_most_reader_patterns_have_a_twin():
    twins = [ascii_lowered(p) for p in PATTERNS]
    assert twins[0] is not None and twins[1] is not None
    assert sum(t is not None for t in twins) > 0.8 * len(twins)


@pytest.mark.parametrize("pattern", PATTERNS, ids=lambda p: p.pattern[:40])
def test_a_twin_finds_what_its_pattern_finds_in_generated_sentences(pattern):
    twin = ascii_lowered(pattern)
    if twin is None:
        return
    for ex in examples(pattern.pattern, pattern.flags):
        spaced = ex.replace(" ", "\t", 1).replace(" ", "\x1c", 1)  # tabs and ASCII separators are spaces to \\s
        for s in (ex, ex.upper(), ex.title(), spaced, f"The Patient stated {ex} On 10/2/2016; {ex.upper()} (noted)."):
            if s.isascii():
                _same(pattern, twin, s)


def test_a_twin_finds_what_its_pattern_finds_in_the_letters(seeds_dir, dev_dir):
    texts: list[str] = []
    for d in (seeds_dir, dev_dir):
        for f in sorted(d.glob("*.txt")):
            raw, fmt = read_letter_text(str(f))
            letter = parse_letter(raw, str(f), fmt)
            texts += [st.text for st in sentences.summary_sentences(letter.summary) if st.text.isascii()]
    assert len(texts) > 500
    for pattern in PATTERNS:
        twin = ascii_lowered(pattern)
        if twin is None:
            continue
        for t in texts:
            assert _found(pattern, t) == _found(twin, t.lower()), (pattern.pattern[:80], t)


@pytest.mark.parametrize("source, flags", [
    (r"abc", 0),  # case-sensitive already
    (r"(?-i:ENT)\b", re.I),  # a case-sensitive part
    (r"\N{LATIN SMALL LETTER A}", re.I),  # a letter spelled as a name
    (r"caf\u00e9", re.I),  # a non-ASCII character
    (r"a.c", re.I | re.S),
    (r"[0-Z]", re.I),  # a range holding other characters once lower-cased
    (r"[A-z]", re.I),
    (r"[\S,]", re.I),  # not a space, in a class
    (r"\x41BC", re.I),  # "A" spelled as an escape
])
def test_no_twin_where_it_could_differ(source, flags):
    assert ascii_lowered(re.compile(source, flags)) is None


def test_a_twin_keeps_group_names_and_escapes():
    p = re.compile(r"\b(?P<Side>Left|RT)\s(?:\w+\s)?(?P=Side)\B|[A-Z]\d\b|[^\sA-Z]\S{2}[]Q-Z]", re.I)
    twin = ascii_lowered(p)
    assert twin is not None and twin.groupindex == p.groupindex
    for s in ("LEFT arm left", "rt knee RT", "L5 nerve", "Left Leftx", "Lt 4 s1", "1\x1cab]", "1abR 2\tcd] 3xyq"):
        _same(p, twin, s)


def _folded() -> list[tuple[str, Folded]]:
    """Every pattern the case-summary reader searches through its twin (Folded module globals)."""
    import checker.letters.facts as facts_package

    out = []
    for name, module in sorted(sys.modules.items()):
        if name.startswith(facts_package.__name__) and module is not None:
            out += [(f"{name}.{k}", v) for k, v in vars(module).items() if isinstance(v, Folded)]
    return out + [("diagnosis.phrases cue", _patterns().cue)]


def test_folded_patterns_give_the_patterns_own_matches(seeds_dir, dev_dir):
    """search, finditer (from a position, up to an end) and sub through the twin give what the pattern gives."""
    folded = _folded()
    assert len(folded) >= 15 and all(f.twin is not None for _, f in folded)
    texts: list[str] = []
    for d in (seeds_dir, dev_dir):
        for f in sorted(d.glob("*.txt")):
            raw, fmt = read_letter_text(str(f))
            texts += [st.text for st in sentences.summary_sentences(parse_letter(raw, str(f), fmt).summary)]
    texts += ["Ca\u017fe: \u212anee pain since 10/1/2016"]  # not ASCII: the pattern itself
    for name, f in folded:
        p = f.regex
        assert f.pattern == p.pattern and f.flags == p.flags
        extra = [s for ex in examples(p.pattern, p.flags) for s in (ex, ex.upper(), f"Noted: {ex.title()} today.")]
        for t in texts + extra:
            got = [(m.regs, m.group(0), m.lastgroup) for m in f.finditer(t)]
            assert got == [(m.regs, m.group(0), m.lastgroup) for m in p.finditer(t)], (name, t)
            a, b = f.search(t), p.search(t)
            assert (a and (a.regs, a.group(0))) == (b and (b.regs, b.group(0))), (name, t)
            assert f.sub(" ", t) == p.sub(" ", t), (name, t)
            for pos in range(0, len(t), 23):
                end = min(len(t), pos + 60)
                a, b = f.search(t, pos, end), p.search(t, pos, end)
                assert (a and a.regs) == (b and b.regs), (name, t, pos)
                assert [m.regs for m in f.finditer(t, pos, end)] == [m.regs for m in p.finditer(t, pos, end)], (name, t)


# ------------------------------------------------------------------ a twin written with its one first letter first

def _generated_alternations(rng) -> list[tuple[str, str]]:
    """(first letters of the lookahead, alternation): alternatives starting with one letter, plainly, after
    \\b, or through groups, some with a continuation after the group; some with a letter the lookahead
    refuses (never matching), so that the rewrite must leave them out."""
    words = ["ab", "abc", "ba", "b", "a1", "ax", "abab", "c"]
    out = []
    for _ in range(300):
        letter = rng.choice("abc")
        alts = []
        for _ in range(rng.randint(1, 4)):
            w = letter + rng.choice(words)
            kind = rng.randint(0, 3)
            if kind == 0:
                alts.append(w + rng.choice(["", r"\b", r"\w*", r"s?", r"\s" + rng.choice(words)]))
            elif kind == 1:
                alts.append(r"\b" + w + rng.choice(["", r"\b", r"(?:\s" + rng.choice(words) + ")?"]))
            elif kind == 2:
                inner = "|".join(rng.choice([r"\b", ""]) + letter + rng.choice(words) for _ in range(rng.randint(1, 3)))
                alts.append(rng.choice([r"\b", ""]) + "(?:" + inner + ")" + rng.choice(["", r"\s" + rng.choice(words), r"\b"]))
            else:
                alts.append(rng.choice([r"\b", ""]) + rng.choice(["x", "5"]) + rng.choice(words))  # refused by the gate
        out.append((letter + rng.choice(["", "b"]), "|".join(alts)))
    return out


def test_a_twin_written_with_its_first_letter_first_finds_what_its_pattern_finds():
    import random

    rng = random.Random(3)
    texts = [" ".join(rng.choice(["ab", "Abc", "bA", "a1", "AX", "abab", "xab", "5ab", "b", "C", "cab", "_ab", "ab_"])
                      for _ in range(rng.randint(1, 9))) for _ in range(60)]
    texts = [t.replace(" ", rng.choice(["", "-", "\t", " "]), rng.randint(0, 2)) for t in texts]
    rewritten = 0
    for letters, alternation in _generated_alternations(rng):
        for boundary in ("", r"\b"):
            pattern = re.compile(rf"{boundary}(?=[{letters}])(?:{alternation})", re.I)
            twin = ascii_lowered(pattern)
            assert twin is not None
            rewritten += not twin.pattern.startswith(("\\b(?=", "(?="))
            for t in texts:
                _same(pattern, twin, t)
                a, b = pattern.search(t, 2, 9), twin.search(t.lower(), 2, 9)
                assert (a and a.regs) == (b and b.regs), (pattern.pattern, t)
    assert rewritten > 300


def test_most_one_letter_term_twins_are_written_letter_first():
    from checker.regex_gate import gated

    twin = ascii_lowered(gated(r"\bsensation\s(?:was\s)?intact|\b(?:sensory|sens)\sloss"))
    assert twin.pattern.startswith("(?:s")
    assert sum(t is not None and not t.pattern.startswith(("\\b(?=", "(?=")) for m in _MATCHERS for t in m.twins) > 30
