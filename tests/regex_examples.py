"""Example strings for a regular expression: one per alternative, to generate test sentences from vocabulary patterns.

Walks the parsed pattern: a literal is itself, a class its first member (a space for \\s, a
letter for \\w, a digit for \\d), a repeat its least count (at least one for \\w+), a group
its alternatives one after another, a lookahead what it looks for; lookbehinds and \\b add
nothing. Each example is checked against the pattern by the caller.
"""
from __future__ import annotations

import itertools
import re

try:
    from re import _parser as sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - Python 3.10
    import sre_parse  # type: ignore[no-redef]

C = sre_parse
_CATEGORY = {C.CATEGORY_SPACE: " ", C.CATEGORY_WORD: "a", C.CATEGORY_DIGIT: "1"}
LIMIT = 40  # examples per pattern at most


def examples(pattern: str, flags: int = re.I) -> list[str]:
    """Strings ``pattern`` matches, at most LIMIT, one for each way through its alternatives."""
    out = _seq(list(sre_parse.parse(pattern, flags)))
    seen: list[str] = []
    for s in out:
        s = " ".join(s.split())
        if s and s not in seen:
            seen.append(s)
    return seen[:LIMIT]


def _seq(items: list) -> list[str]:
    results = [""]
    for op, arg in items:
        options = _item(op, arg)
        results = [a + b for a, b in itertools.islice(itertools.product(results, options), LIMIT)]
    return results


def _item(op, arg) -> list[str]:
    if op is C.LITERAL:
        return [chr(arg)]
    if op is C.NOT_LITERAL:
        return ["a" if chr(arg) != "a" else "b"]
    if op is C.ANY:
        return ["a"]
    if op is C.IN:
        for kind, value in arg:
            if kind is C.LITERAL:
                return [chr(value)]
            if kind is C.RANGE:
                return [chr(value[0])]
            if kind is C.CATEGORY and value in _CATEGORY:
                return [_CATEGORY[value]]
        return ["a"]
    if op in (C.AT, C.ASSERT_NOT):
        return [""]
    if op is C.ASSERT:
        direction, sub = arg
        return _seq(list(sub)) if direction == 1 else [""]
    if op is C.BRANCH:
        return [s for branch in arg[1] for s in _seq(list(branch))]
    if op is C.SUBPATTERN:
        return _seq(list(arg[-1]))
    if op in (C.MAX_REPEAT, C.MIN_REPEAT) or getattr(C, "POSSESSIVE_REPEAT", None) is op:
        low, _high, sub = arg
        inner = _seq(list(sub))
        if low == 0:
            return [""] + inner[:3]
        return ["".join(parts) for parts in itertools.islice(itertools.product(inner, repeat=low), LIMIT)]
    return [""]
