"""The condition categories and body regions of one diagnosis (its text and/or its ICD-10-CM code).

Policy, in this order:
1. A code (given with the diagnosis, or written in its text) is in every category one of
   whose ICD-10-CM prefixes it starts with.
2. The text is looked up in the ICD-10-CM title index (checker.diagnosis.index): when
   titles cover all its words, the categories of every title tied at the best rank count
   (a tie is never broken by chance); when they cover it only in part, the categories the
   tied titles share.
3. Only when no title covers the whole text (a partial match, or none) are the categories'
   synonyms matched as well: they supplement the titles for words ICD-10-CM does not use
   ("whiplash" is an inclusion term, "myoligamentous" is not).
Regions: a code's region (checker.diagnosis.regions); for text, the region of its best
titles when they agree and name no body part the text does not.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Optional

from checker.diagnosis.index import DiagnosisIndex, Lookup, Match, default_index, split_codes
from checker.diagnosis.regions import RegionTable, default_regions
from checker.vocab import Region

TIE_LIMIT = 12  # best titles read for their categories
PARTIAL_TIE = 0.1  # titles covering part of a phrase within this share of the best are tied


@dataclass(frozen=True)
class CategorySpec:
    id: str
    prefixes: tuple[str, ...]
    synonyms: Optional[re.Pattern]


@dataclass
class Classification:
    """Why a diagnosis got its categories (for reports, bench/ and the letter check script)."""

    categories: list[str]
    codes: list[str] = field(default_factory=list)  # given or written
    lookup: Optional[Lookup] = None
    best: list[Match] = field(default_factory=list)  # the tied best titles
    by_synonym: list[str] = field(default_factory=list)


def _tied(lookup: Lookup) -> list[Match]:
    """The best titles: those ranked like the first when they cover the whole phrase; those
    within PARTIAL_TIE of its coverage when they cover only part of it."""
    if not lookup.matches:
        return []
    first = lookup.matches[0]
    if not lookup.covered:
        return [m for m in lookup.matches if m.coverage >= first.coverage - PARTIAL_TIE]
    return [m for m in lookup.matches if (round(m.coverage, 6), m.extra) == (round(first.coverage, 6), first.extra)]


class ConditionClassifier:
    def __init__(self, specs: list[CategorySpec], index: Callable[[], DiagnosisIndex] = default_index,
                 regions: Callable[[], RegionTable] = default_regions):
        self.specs = specs
        self._index = index
        self._regions = regions
        self._cache: dict[tuple[Optional[str], Optional[str]], Classification] = {}
        self._region_cache: dict[tuple[Optional[str], Optional[str]], tuple[Region, ...]] = {}
        # each ICD-10-CM prefix -> the specs (by position) that list it: a code's categories are
        # those of its own prefixes (one dict look-up per prefix length the specs use)
        self._by_prefix: dict[str, list[int]] = {}
        for i, s in enumerate(specs):
            for p in dict.fromkeys(s.prefixes):
                self._by_prefix.setdefault(p, []).append(i)
        self._prefix_lengths = sorted({len(p) for p in self._by_prefix})

    def of_code(self, code: str) -> list[str]:
        """The categories one of whose prefixes ``code`` starts with, in the specs' order."""
        if not code:
            return []
        found: set[int] = set()
        for n in self._prefix_lengths:
            if n > len(code):
                break
            hit = self._by_prefix.get(code[:n])
            if hit:
                found.update(hit)
        return [self.specs[i].id for i in sorted(found)]

    def explain(self, text: Optional[str], code: Optional[str] = None) -> Classification:
        key = (text, code)
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        codes = []
        if code:
            from checker.icd10 import normalize

            codes.append(normalize(code))
        lookup = None
        best: list[Match] = []
        by_synonym: list[str] = []
        found: set[str] = set()
        if text and text.strip():
            written, rest = split_codes(text)
            codes += [c for c in written if c not in codes]
            if rest.strip():
                lookup = self._index().search(rest, limit=TIE_LIMIT)
                best = _tied(lookup)
                if lookup.covered:  # every tied title says all the phrase says: each counts
                    for m in best:
                        found.update(self.of_code(m.code))
                elif best:  # the titles explain different parts: only what they agree on
                    found.update(set.intersection(*(set(self.of_code(m.code)) for m in best)))
                if not lookup.covered:
                    by_synonym = [s.id for s in self.specs if s.synonyms is not None and s.synonyms.search(rest)]
                    found.update(by_synonym)
        for c in codes:
            found.update(self.of_code(c))
        result = Classification([s.id for s in self.specs if s.id in found], codes, lookup, best, by_synonym)
        if len(self._cache) < 50_000:
            self._cache[key] = result
        return result

    def classify(self, text: Optional[str], code: Optional[str] = None) -> list[str]:
        return list(self.explain(text, code).categories)

    def regions(self, text: Optional[str], code: Optional[str] = None) -> list[Region]:
        """The regions the diagnosis's codes name (see the module policy); memoized like explain."""
        key = (text, code)
        hit = self._region_cache.get(key)
        if hit is None:
            hit = tuple(self._find_regions(text, code))
            if len(self._region_cache) < 50_000:
                self._region_cache[key] = hit
        return list(hit)

    def _find_regions(self, text: Optional[str], code: Optional[str]) -> list[Region]:
        why = self.explain(text, code)
        table = self._regions()
        found: set[Region] = set()
        for c in why.codes:
            r = table.region(c, self._title)
            if r:
                found.add(r)
        if why.best and not any(m.extra_anatomy for m in why.best):
            named = {table.region(m.code, self._title) for m in why.best}
            if len(named) == 1 and None not in named:
                found |= named  # type: ignore[arg-type]
        return sorted(found, key=lambda r: r.value)

    def _title(self, code: str) -> Optional[str]:
        return self._index().title(code)
