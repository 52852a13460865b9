"""Which service an item line names: its family, the vocabulary entries and codes it carries.

Reads rules/vocab/services.yaml (CPT/HCPCS codes and the words offices use) and
rules/vocab/item_cues.yaml (associated surgery, pre/post-operative, contrast, imaging flags,
specialties). Policy, in order:
1. A CPT/HCPCS code of the table on the line decides the family (the first such code; a guidance
   code decides nothing). The smallest range that holds a code is its entry (28890 is shock wave
   therapy, not the surgery section it sits in).
2. Otherwise the words: the leftmost service named decides, except that
   a. a care setting (home health, inpatient rehabilitation, skilled nursing, manipulation under
      anesthesia) decides over the physical-medicine services and consultations named with it
      ("home health physical therapy" is home care);
   b. physical therapy named with one of its own kinds (aquatic therapy, work conditioning) is
      that kind ("physical therapy, aquatic");
   c. a weak word (consult, office visit, evaluation, supports, supplies) decides only when no
      other service is named ("pain management consult" is a consultation; "epidural injection
      with pain management consult" an injection).
3. Conditional abbreviations count only beside the service they need: "US" is ultrasound beside
   therapy; "PT" is prothrombin time when the line names another pre-operative test.
4. A pre-operative test that is also a study of its own (the chest film) is a surgical service
   on a pre-operative line (a pre-op cue, an associated-surgery heading, or another pre-op test).
5. No code and no service word: family other, with the reason "could not read the service".
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Optional

from checker.normalize.lexicon import Lexicon, Match, Tokens, build
from checker.normalize.vocabulary import (CodeRange, CueEntry, ServiceEntry, code_key, cues_vocabulary,
                                          services_vocabulary)
from checker.vocab import Family, Kind

SPECIALIZED_PT = (Family.aquatic_therapy, Family.work_conditioning)
# Words after an abbreviation that make it a quantity ("pt 2x4", "ot eval"): the lower-case
# abbreviation then counts as the service.
QUANTITY_WORDS = ("x", "#", "qty", "visit", "visits", "session", "sessions", "treatment", "treatments", "eval",
                  "evaluation", "times", "twice", "once")
# A CPT code (five digits, or four and F/T/U), or a HCPCS Level II code (a letter and four digits).
CODE_RE = re.compile(r"(?<![A-Za-z0-9.])([A-Za-z]\d{4}|\d{4}[0-9FTUftu])(?![A-Za-z0-9]|\.\d)")
NUMBER_WORDS = frozenset("one two three four five six seven eight nine ten eleven twelve".split())
_DIGITS = re.compile(r"\d{4}")
NO_SERVICE = "could not read the service: no service code or service word recognized"


@dataclass
class _Tables:
    lexicon: Lexicon
    entries: list[ServiceEntry]
    exact_codes: dict[str, ServiceEntry]
    by_shape: dict[str, list[tuple[int, int, ServiceEntry]]]  # code shape -> (low, high, entry), smallest first


@lru_cache(maxsize=1)
def tables() -> _Tables:
    services = services_vocabulary().services
    cues = cues_vocabulary().cues
    terms = [term for e in services for term in e.lexicon_terms(e, lenient=e.lenient)]
    terms += [term for c in cues for term in c.lexicon_terms(c)]
    exact: dict[str, ServiceEntry] = {}
    ranges: list[tuple[CodeRange, ServiceEntry]] = []
    for e in services:
        for r in e.ranges:
            if r.low == r.high:
                exact[r.low] = e
            else:
                ranges.append((r, e))
    ranges.sort(key=lambda pair: pair[0].size)
    by_shape: dict[str, list[tuple[int, int, ServiceEntry]]] = {}
    for r, e in ranges:
        shape, low = code_key(r.low)
        by_shape.setdefault(shape, []).append((low, code_key(r.high)[1], e))
    return _Tables(build(terms, QUANTITY_WORDS), services, exact, by_shape)


@lru_cache(maxsize=4096)
def entry_for_code(code: str) -> Optional[ServiceEntry]:
    """The entry of a code: listed alone, else the smallest range that holds it."""
    t = tables()
    code = code.upper()
    if code in t.exact_codes:
        return t.exact_codes[code]
    shape, n = code_key(code)
    for low, high, e in t.by_shape.get(shape, ()):
        if low <= n <= high:
            return e
    return None


@dataclass
class ServiceReading:
    family: Family
    entry: Optional[ServiceEntry]  # the entry that decided
    services: list[ServiceEntry] = field(default_factory=list)  # every service entry named, in order
    codes: list[str] = field(default_factory=list)  # the table's codes found on the line, in order
    code_spans: list[tuple[int, int]] = field(default_factory=list)  # codes, and names that hold a number
    coded: list[ServiceEntry] = field(default_factory=list)  # the entry of each code
    cues: dict[str, list[str]] = field(default_factory=dict)  # cue kind -> values, in order
    preoperative_line: bool = False
    unread: Optional[str] = None

    def cue(self, kind: str) -> list[str]:
        return self.cues.get(kind, [])


def _is(entry: ServiceEntry, family_or_kind: str) -> bool:
    return entry.family.value == family_or_kind or entry.family.kind.value == family_or_kind


def _resolve(matches: list[Match]) -> tuple[list[Match], list[CueEntry]]:
    """Service matches and cue entries in order, conditional senses decided (policy 3)."""
    present = [m.sense.payload for m in matches if m.sense.with_ is None and isinstance(m.sense.payload, ServiceEntry)]
    chosen: dict[int, list[Match]] = {}
    for m in matches:
        if m.sense.with_ is not None:
            if any(_is(e, m.sense.with_) for e in present if e is not m.sense.payload):
                chosen[m.start] = [m]  # the conditional sense wins its place
        else:
            chosen.setdefault(m.start, []).append(m)
    services, cues = [], []
    for start in sorted(chosen):
        for m in chosen[start]:
            if isinstance(m.sense.payload, ServiceEntry):
                services.append(m)
            else:
                cues.append(m.sense.payload)
    return services, cues


def _numbered_names(matches: list[Match], tokens: Tokens) -> list[tuple[int, int]]:
    """Character spans of service names that hold a number ("Chem 7", "Synvisc-One", "3 in 1 commode"):
    the number is part of the name, not a quantity."""
    spans = []
    for m in matches:
        if any(w.isdigit() or w in NUMBER_WORDS for w in tokens.folded[m.start:m.end]):
            spans.append((tokens.spans[m.start][0], tokens.spans[m.end - 1][1]))
    return spans


def _decide(services: list[ServiceEntry]) -> Optional[ServiceEntry]:
    strong = [e for e in services if e.role in ("service", "setting")]
    settings = [e for e in strong if e.role == "setting"]
    if settings and all(e.role == "setting" or e.family.kind in (Kind.physical_medicine, Kind.services)
                        for e in strong):
        return settings[0]
    if strong:
        first = strong[0]
        if first.family is Family.physical_therapy:
            for e in strong:
                if e.family in SPECIALIZED_PT:
                    return e
        return first
    weak = [e for e in services if e.role == "weak"]
    return weak[0] if weak else None


def read_services(text: str, tokens: Tokens) -> ServiceReading:
    t = tables()
    codes, spans, coded = [], [], []
    if _DIGITS.search(text):
        for m in CODE_RE.finditer(text):
            entry = entry_for_code(m[1])
            if entry is not None:
                codes.append(m[1].upper())
                spans.append(m.span())
                coded.append(entry)
    matched, cue_entries = _resolve(t.lexicon.scan(tokens))
    services = [m.sense.payload for m in matched]
    cues: dict[str, list[str]] = {}
    for c in cue_entries:
        cues.setdefault(c.cue, []).append(c.value)
    spans = sorted(spans + _numbered_names(matched, tokens))
    named = coded + [e for e in services if e not in coded]
    deciding = [e for e in coded if e.role != "neutral"]
    entry = deciding[0] if deciding else _decide([e for e in services if e.role != "neutral"])
    preop = bool(cues.get("preoperative") or cues.get("associated_surgery")
                 or any(e.family is Family.surgical_service for e in named))
    if entry is None:
        return ServiceReading(Family.other, None, named, codes, spans, coded, cues, preop, NO_SERVICE)
    family = entry.family
    if entry.attributes.get("preoperative_test") and preop:
        family = Family.surgical_service
    return ServiceReading(family, entry, [e for e in named if e.role != "neutral"], codes, spans, coded, cues, preop)
