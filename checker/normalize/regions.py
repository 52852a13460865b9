"""Body regions, sides and spinal levels named in free text: item lines, diagnoses, case summaries.

The words are data (rules/vocab/regions.yaml: ICD-10-CM body-part terms and charting
abbreviations, each entry with its source); this module compiles them once and reads text:
1. Region words and abbreviations, matched by the lexicon (longest term first, so "femoral
   neck" is the hip and "upper back" the thoracic spine; abbreviations only as written).
2. Spinal levels ("C5-6", "L4-S1", "T12-L1"): a range names the regions of both ends; a level
   alone names its region only where the file says so (C and L: "T2" is also an MRI sequence).
3. Sides: left, right, bilateral (words, abbreviations, and the side an abbreviation carries:
   RUE is the right arm). Left and right together read as bilateral.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

from checker.normalize.lexicon import Lexicon, Tokens, build, fold, tokenize
from checker.normalize.vocabulary import RegionsFile, regions_vocabulary
from checker.vocab import Region

__all__ = ["detect_regions", "names_the_spine", "RegionReading", "read_regions", "spinal_levels"]

_DIGIT = re.compile(r"\d")
MAX_CHARS = 20000  # a sentence, an item line or a diagnosis; longer text is read up to here


@dataclass(frozen=True)
class RegionReading:
    regions: list[Region]  # sorted by value
    sides: list[str]  # "left", "right" or "bilateral" (at most one of the first two with the third)
    levels: int  # spinal levels named (L4-5 and L5-S1: 2)


@dataclass(frozen=True)
class _Compiled:
    lexicon: Lexicon
    level_re: re.Pattern
    levels: dict[str, tuple[Region, int, int, bool, int]]  # letter -> region, first, last, alone, offset
    spine: frozenset


@lru_cache(maxsize=1)
def _compiled() -> _Compiled:
    data: RegionsFile = regions_vocabulary()
    terms = []
    for entry in data.regions:
        terms += entry.lexicon_terms(("region", entry.region))
    for side in data.sides:
        terms += side.lexicon_terms(("side", side.side))
    levels, offset = {}, 0
    for lv in data.levels:
        levels[lv.letter] = (lv.region, lv.first, lv.last, lv.alone, offset)
        offset += lv.last
    letters = "".join(levels)
    # A level ("L4", "c5-6", "L5-S1"): a letter, one or two digits, maybe a dash and the other end. The
    # match starts at its first digit and looks behind it for the letter (not inside a word): a search
    # then goes from digit to digit, which are fewer than the letters.
    level_re = re.compile(
        rf"(\d(?<=(?<![A-Za-z0-9.])[{letters}]\d)\d?)(?:\s*[-/]\s*([{letters}])?(\d{{1,2}}))?(?![\d.])", re.I)
    spine = frozenset(fold(t) for t in data.spine.terms)
    return _Compiled(build(terms), level_re, levels, spine)


def _vertebra(letter: str, number: str, levels: dict) -> Optional[tuple[Region, int, bool]]:
    spec = levels.get(letter.upper())
    if spec is None:
        return None
    region, first, last, alone, offset = spec
    n = int(number)
    return (region, offset + n, alone) if first <= n <= last else None


def _levels(text: str, c: _Compiled) -> tuple[set[Region], int]:
    regions: set[Region] = set()
    segments: set[tuple[int, int]] = set()
    if not _DIGIT.search(text):
        return regions, 0
    for m in c.level_re.finditer(text):
        letter = text[m.start() - 1]
        low = _vertebra(letter, m[1], c.levels)
        if low is None:
            continue
        if m[3] is None:  # one vertebra: "L5"
            if low[2]:
                regions.add(low[0])
                segments.add((low[1], low[1]))
            continue
        high = _vertebra(m[2] or letter, m[3], c.levels)
        if high is None or high[1] <= low[1]:
            continue
        regions.update((low[0], high[0]))
        segments.update((k, k + 1) for k in range(low[1], high[1]))
    return regions, len(segments)


def read_regions(text: str, tokens: Tokens | None = None) -> RegionReading:
    """Regions, sides and the number of spinal levels named in ``text``."""
    text = (text or "")[:MAX_CHARS]
    c = _compiled()
    tokens = tokens if tokens is not None else tokenize(text)
    found: set[Region] = set()
    sides: set[str] = set()
    for m in c.lexicon.scan(tokens):
        kind, value = m.sense.payload
        if kind == "region":
            found.add(value)
            if m.sense.extra:
                sides.add(m.sense.extra)
        else:
            sides.add(value)
    level_regions, levels = _levels(text, c)
    found |= level_regions
    if {"left", "right"} <= sides:
        sides = {"bilateral"}
    return RegionReading(sorted(found, key=lambda r: r.value), sorted(sides), levels)


def detect_regions(text: str) -> list[Region]:
    """Regions named in ``text``, sorted by value and de-duplicated."""
    if not text:
        return []
    return read_regions(text).regions


def spinal_levels(text: str) -> int:
    """How many spinal levels ``text`` names ("L4-5 and L5-S1": 2; "L4-S1": 2)."""
    return _levels((text or "")[:MAX_CHARS], _compiled())[1]


@lru_cache(maxsize=4096)  # asked of every item line that names no region, on every check
def names_the_spine(text: str) -> bool:
    """Whether ``text`` names the spine without saying which part ("spinal manipulation")."""
    if not text:
        return False
    spine = _compiled().spine
    return any(w in spine for w in tokenize(text[:MAX_CHARS]).folded)
