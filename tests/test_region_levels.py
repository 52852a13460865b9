"""Spinal levels are found from their digits (the pattern starts at a level's first digit and looks
behind it for the letter): the same levels, regions and counts as the pattern that starts at the letter
(kept here), on generated texts of level letters in both cases (and the long s that matches "s" in any
case), digits (also non-ASCII ones), dashes, slashes, dots, spaces and words, and on written levels."""
from __future__ import annotations

import random
import re

from checker.normalize.regions import _compiled, _levels, _vertebra, spinal_levels


def letter_first_levels(text: str) -> tuple[set, int]:
    """_levels as it was, with the pattern that starts at the letter."""
    c = _compiled()
    letters = "".join(c.levels)
    level_re = re.compile(
        rf"(?<![A-Za-z0-9.])([{letters}])(\d{{1,2}})(?:\s*[-/]\s*([{letters}])?(\d{{1,2}}))?(?![\d.])", re.I)
    regions, segments = set(), set()
    for m in level_re.finditer(text):
        low = _vertebra(m[1], m[2], c.levels)
        if low is None:
            continue
        if m[4] is None:
            if low[2]:
                regions.add(low[0])
                segments.add((low[1], low[1]))
            continue
        high = _vertebra(m[3] or m[1], m[4], c.levels)
        if high is None or high[1] <= low[1]:
            continue
        regions.update((low[0], high[0]))
        segments.update((k, k + 1) for k in range(low[1], high[1]))
    return regions, len(segments)


PIECES = (list("CTLSctlsKx0123456789.-/ :a") + ["\u017f", "\u0663", "L4", "l5", "C5-6", "L5-S1", "T12-L1", "L4/5",
                                                  "C3 - 7", "S1", "L4-5 and L5-S1", "1.", "XL4", "2L5"])
WRITTEN = ["L4-5", "L5-S1", "C5-6, C6-7", "T12-L1", "L4-S1", "l3-4", "C2/3", "L5", "C7-T1", "L4-5 and L5-S1",
           "lumbar L3 to L5", "L 4-5", "S1-2", "T2 weighted", "IL4-5", "3.L4-5", "L4-5.", "L4-5-6", "L45"]


def test_levels_read_from_the_digits_as_from_the_letter():
    rng = random.Random(3)
    texts = WRITTEN + ["".join(rng.choice(PIECES) for _ in range(rng.randint(0, 10))) for _ in range(30000)]
    found = 0
    for text in texts:
        expected = letter_first_levels(text)
        assert _levels(text, _compiled()) == expected, text
        assert spinal_levels(text) == expected[1], text
        found += expected[1] > 0
    assert found > 3000  # the texts do name levels
