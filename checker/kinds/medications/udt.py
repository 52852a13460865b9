"""Reading a urine drug test request line ("Urine drug screen", "Quantitative urine toxicology x2").

Policy:
1. A line is a urine drug test when it says so (urine drug screen, urine toxicology, drug
   screen, UDS/UDT ...) or names a drug-testing CPT/HCPCS code; a bare "urine test" is read as
   one with `explicit: false` (the labelled fallback: workers' compensation offices write it so).
2. Method: presumptive (qualitative, immunoassay, point of care) or definitive (quantitative,
   confirmatory, GC/LC-MS), from the words or the codes; both or neither leaves it None.
3. Count from "x2", "#2", "2 tests"; tests a year from "quarterly", "twice a year".
Terms and codes: rules/vocab/medication_terms.yaml (urine_drug_test).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

from .lexicon import L, R, alternation, bounded, fold
from .model import UrineDrugTest
from .vocab import medication_terms


@dataclass(frozen=True)
class _Udt:
    strong: re.Pattern
    weak: re.Pattern
    methods: list[tuple[str, re.Pattern]]
    per_year: list[tuple[float, re.Pattern]]
    code: re.Pattern
    presumptive: frozenset
    definitive: frozenset
    ranges: tuple
    count: list[re.Pattern]


@lru_cache(maxsize=1)
def _patterns() -> _Udt:
    u = medication_terms().urine_drug_test
    nouns = alternation([*u.count_nouns, *u.terms, *u.weak_terms])
    return _Udt(
        strong=re.compile(bounded(u.terms)),
        weak=re.compile(bounded(u.weak_terms)),
        methods=[(m.id, re.compile(bounded(m.terms))) for m in u.methods],
        per_year=[(f.per_year, re.compile(bounded(f.terms))) for f in u.per_year.frequencies],
        code=re.compile(rf"{L}(?:\d{{5}}|g\d{{4}}){R}"),
        presumptive=frozenset(c.lower() for c in u.codes.presumptive),
        definitive=frozenset(c.lower() for c in u.codes.definitive),
        ranges=tuple(u.codes.definitive_ranges),
        count=[re.compile(rf"(?:{L}x|#)\s*(?P<n>\d+){R}"), re.compile(rf"{L}(?P<n>\d+)\s+(?:\w+\s+){{0,3}}?(?:{nouns}){R}")],
    )


def _code_method(p: _Udt, code: str) -> Optional[str]:
    if code in p.presumptive:
        return "presumptive"
    if code in p.definitive or (code.isdecimal() and any(a <= int(code) <= b for a, b in p.ranges)):
        return "definitive"
    return None


def parse_urine_drug_test(text: str) -> Optional[UrineDrugTest]:
    """The line as a urine drug test request, or None when it is not one."""
    if not text or not text.strip():
        return None
    p = _patterns()
    s = fold(text)
    codes = [c for c in p.code.findall(s) if _code_method(p, c)]
    strong = p.strong.search(s)
    weak = p.weak.search(s)
    if not (strong or weak or codes):
        return None
    found = {mid for mid, rx in p.methods if rx.search(s)} | {_code_method(p, c) for c in codes}
    item = UrineDrugTest(text=text, explicit=bool(strong or codes), codes=[c.upper() for c in codes])
    if len(found) == 1:
        item.method = found.pop()
    elif not found:
        item.unread["method"] = "neither presumptive (qualitative) nor definitive (quantitative) written"
    else:
        item.unread["method"] = "both presumptive and definitive testing written"
    masked = p.code.sub(lambda m: " " * len(m.group(0)), s)
    for rx in p.count:
        m = rx.search(masked)
        if m:
            item.count = int(m.group("n"))
            break
    for per_year, rx in p.per_year:
        if rx.search(s):
            item.per_year = per_year
            break
    if not item.explicit:
        item.unread["explicit"] = "the line says urine test, not drug or toxicology; read as a urine drug test"
    return item
