"""Item lines generated from the vocabularies, with what each must read as (tests and bench).

Every service entry of rules/vocab/services.yaml gives lines from each of its terms (in lower,
upper and title case; abbreviations as written) and from each of its codes, combined with the
quantity phrasings offices write, every body-part term of rules/vocab/regions.yaml (with and
without a side, before and after the service). Combinations are taken in turn (a covering
design, not the full product), so that every term meets every case, every quantity phrasing
and, over the whole set, every region term in both word orders.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any, Optional

from checker.normalize.item_text import parse_item
from checker.normalize.regions import detect_regions
from checker.normalize.vocabulary import (CodeRange, ServiceEntry, Term, code_key, cues_vocabulary, regions_vocabulary,
                                          services_vocabulary)
from checker.vocab import Family, Kind, Region

# phrase, visits, visits_min, frequency per week, weeks
QUANTITIES = [
    ("x 6", 6, 6, None, None),
    ("6 visits", 6, 6, None, None),
    ("2x3", 6, 6, 2.0, 3.0),
    ("2 times a week for 3 weeks", 6, 6, 2.0, 3.0),
    ("1-2 times a week for 4 weeks", 8, 4, 2.0, 4.0),
    ("#6", 6, 6, None, None),
    ("QTY 6", 6, 6, None, None),
    ("six (6) sessions", 6, 6, None, None),
]
CASES = {"lower": str.lower, "upper": str.upper, "title": str.title}
ORDERS = ("after", "before")  # "physical therapy ... for the lumbar spine" / "lumbar spine physical therapy ..."
BIG_RANGE = 2000  # ranges larger than this (the CPT surgery section) are sampled, not enumerated
JOINTS = {Region.shoulder, Region.elbow, Region.wrist_hand, Region.hip, Region.knee, Region.ankle_foot}


@dataclass
class Line:
    text: str
    entry: ServiceEntry
    family: Family
    visits: Optional[int] = None
    visits_min: Optional[int] = None
    frequency: Optional[float] = None
    weeks: Optional[float] = None
    regions: set[Region] = field(default_factory=set)
    attributes: dict[str, Any] = field(default_factory=dict)  # a subset the reading must hold
    term: Optional[str] = None  # the term (or code) it comes from
    region_term: Optional[str] = None


def _phrase(t: str | Term) -> tuple[str, bool]:
    """A phrase that satisfies a term's guards, and whether case may vary."""
    if isinstance(t, str):
        text, any_case = t, True
    else:
        text, any_case = t.text, t.abbreviation is None
        if t.previous:
            text = f"{t.previous[0]} {text}"
        if t.next:
            text = f"{text} {t.next[0]}"
    if text.endswith("*"):
        text = text[:-1]  # the stem itself begins with the stem
    elif text.startswith("*"):
        text = "teno" + text[1:]
    return text, any_case


def region_phrases() -> list[tuple[str, frozenset[Region], str]]:
    """(phrase, regions, the term) for every term of regions.yaml; a word listed under two regions
    ("cervicothoracic") names both."""
    out = []
    for entry in regions_vocabulary().regions:
        for t in [*entry.terms, *(Term(abbreviation=a) for a in entry.abbreviations)]:
            phrase, _ = _phrase(t)
            out.append((phrase, entry.region, t if isinstance(t, str) else t.text))
    named: dict[str, set[Region]] = {}
    for phrase, region, _ in out:
        named.setdefault(phrase.lower(), set()).add(region)
    return [(phrase, frozenset(named[phrase.lower()]), term) for phrase, _, term in out]


def _not_next() -> dict[str, set[str]]:
    """Region terms that must not precede some words ("the back" before "home" is "back home")."""
    out: dict[str, set[str]] = {}
    for entry in regions_vocabulary().regions:
        for t in entry.terms:
            if isinstance(t, Term) and t.not_next:
                out.setdefault(t.text, set()).update(w.lower() for w in t.not_next)
    return out


def side_phrases() -> list[str]:
    out = [""]
    for entry in regions_vocabulary().sides:
        out += [_phrase(t)[0] + " " for t in [*entry.terms, *entry.abbreviations]]
    return out


def service_terms(entry: ServiceEntry) -> list[tuple[str, str | Term]]:
    """(phrase, term) for every unconditional term of an entry, each case where case may vary."""
    out = []
    for t in [*entry.terms, *(Term(abbreviation=a) for a in entry.abbreviations)]:
        if isinstance(t, Term) and t.with_:
            continue  # conditional: generated beside its companion (conditional_lines)
        phrase, any_case = _phrase(t)
        if any_case:
            out += [(CASES[c](phrase), t) for c in CASES]
        else:
            out.append((phrase, t))
    return out


def entry_codes(entry: ServiceEntry) -> list[str]:
    codes = []
    for r in entry.ranges:
        all_codes = r.codes()
        if len(all_codes) > BIG_RANGE:
            step = len(all_codes) // 200
            all_codes = all_codes[::step] + [all_codes[-1]]
        codes += all_codes
    return codes


def code_owner(code: str) -> ServiceEntry:
    """The entry a code belongs to: the smallest range that holds it (services.py policy 1)."""
    shape, n = code_key(code)
    held = [(size, e) for (s, low, high, size, e) in _RANGES if s == shape and low <= n <= high]
    assert held, code
    return min(held, key=lambda pair: pair[0])[1]


_RANGES = [(*code_key(r.low), code_key(r.high)[1], r.size, e) for e in services_vocabulary().services for r in e.ranges]


def expected_attributes(entry: ServiceEntry, regions: set[Region], code: Optional[str] = None) -> dict:
    a = {k: v for k, v in entry.attributes.items() if k not in ("preoperative_test", "region", "site", "procedure")}
    kind = entry.family.kind
    if entry.family is Family.imaging:
        out = {"modality": a["modality"]} if "modality" in a else {}
        if code and "contrast" in entry.code_attributes.get(code, {}):
            out["contrast"] = entry.code_attributes[code]["contrast"]
        elif code is None:
            out["contrast"] = "none_stated"
        return out
    if entry.family is Family.electrodiagnostic:
        return {}  # studies checked separately (a list holding the entry's study)
    if entry.family is Family.injection:
        kind_of = a.get("type", "other")
        return {"type": "joint" if kind_of == "other" and regions and regions <= JOINTS else kind_of}
    if entry.family is Family.surgical_service:
        return {}  # tests checked separately
    if kind in (Kind.physical_medicine, Kind.equipment, Kind.services):
        return {k: v for k, v in a.items() if k not in ("evaluation",)}
    return a


def service_lines() -> list[Line]:
    lines: list[Line] = []
    regions = region_phrases()
    sides = side_phrases()
    region_cycle = itertools.cycle(regions)
    side_cycle = itertools.cycle(sides)
    order_cycle = itertools.cycle(ORDERS)
    guards = _not_next()
    n = 0
    for entry in services_vocabulary().services:
        if entry.role == "neutral":
            continue
        for phrase, term in service_terms(entry):
            quantity = QUANTITIES[n % len(QUANTITIES)]
            region_text, region, region_term = next(region_cycle)
            side = next(side_cycle)
            order = next(order_cycle)
            if phrase.split()[0].lower() in guards.get(region_term, ()):
                order = "after"  # "the back home health aide" is "back home"
            n += 1
            words = f"{side}{region_text}"
            text = f"{phrase} {quantity[0]} for the {words}" if order == "after" else f"{words} {phrase} {quantity[0]}"
            expected_regions = set(detect_regions(phrase)) | region
            lines.append(Line(text, entry, entry.family, *quantity[1:], regions=expected_regions,
                              attributes=expected_attributes(entry, expected_regions) if order == "after" else {},
                              term=term if isinstance(term, str) else term.text, region_term=region_term))
    return lines


def code_lines() -> list[Line]:
    lines: list[Line] = []
    regions = itertools.cycle(region_phrases())
    n = 0
    for entry in services_vocabulary().services:
        for code in entry_codes(entry):
            owner = code_owner(code)
            quantity = QUANTITIES[n % len(QUANTITIES)]
            n += 1
            if n % 2:
                region_text, region, _ = next(regions)
                text = f"CPT {code} {quantity[0]} for the {region_text}"
                expected_regions = set(region)
            else:
                text = f"{code} {quantity[0]}"
                code_region = owner.attributes.get("region")
                expected_regions = {Region(code_region)} if code_region else set()
            attrs = expected_attributes(owner, expected_regions, code) if owner.role != "neutral" else {}
            family = owner.family if owner.role != "neutral" else Family.other
            lines.append(Line(text, owner, family, *quantity[1:], regions=expected_regions, attributes=attrs,
                              term=code))
    return lines


def conditional_lines() -> list[tuple[str, ServiceEntry, bool]]:
    """(line, entry, whether the conditional sense must be read) for every term with `with`."""
    out = []
    companions = {"physical_medicine": "Physical therapy 2x3 with", "surgical_service": "CBC and"}
    for entry in services_vocabulary().services:
        for t in entry.terms:
            if isinstance(t, Term) and t.with_:
                out.append((f"{companions[t.with_]} {t.text}", entry, True))
                out.append((f"{t.text}", entry, False))
    return out


def cue_lines() -> list[tuple[str, str, str, Any]]:
    """(line, cue id, what to check, expected) for every cue term."""
    out = []
    for c in cues_vocabulary().cues:
        for t in [*c.terms, *c.abbreviations]:
            phrase = _phrase(t)[0]
            if c.cue == "contrast":
                out.append((f"MRI of the lumbar spine {phrase}", c.id, "contrast", c.value))
            elif c.cue == "imaging_flag":
                out.append((f"{phrase} MRI of the right knee", c.id, c.value, True))
            elif c.cue == "specialty":
                out.append((f"Referral to {phrase}", c.id, "specialty", c.value))
            elif c.cue == "postoperative":
                out.append((f"{phrase} physical therapy x 12", c.id, "postoperative", True))
            elif c.cue == "surgery_relation":
                out.append((f"physical therapy x 12 {phrase} rotator cuff repair", c.id, "postoperative", True))
                out.append((f"physical therapy x 12 {phrase} 6 visits", c.id, "postoperative", False))
            else:
                out.append((f"{phrase} physical therapy x 12", c.id, "associated_surgery", True))
    return out


def all_codes() -> set[str]:
    return {c for e in services_vocabulary().services for c in entry_codes(e)}


def ranges() -> list[tuple[CodeRange, ServiceEntry]]:
    return [(r, e) for e in services_vocabulary().services for r in e.ranges]


def misread(line: Line) -> list[str]:
    """What of ``line`` its reading gets wrong (empty when it reads as expected)."""
    p = parse_item(line.text)
    out = []
    if p.family is not line.family:
        out.append(f"family {p.family.value}")
    if (p.visits, p.visits_min, p.frequency_per_week, p.weeks) != (line.visits, line.visits_min, line.frequency,
                                                                     line.weeks):
        out.append(f"quantity {(p.visits, p.visits_min, p.frequency_per_week, p.weeks)}")
    if set(p.regions) != line.regions:
        out.append(f"regions {sorted(r.value for r in p.regions)}")
    for key, value in line.attributes.items():
        if p.attributes.get(key) != value:
            out.append(f"attributes.{key} {p.attributes.get(key)!r} (expected {value!r})")
    studies = p.attributes.get("studies", [])
    if line.family is Family.electrodiagnostic and line.entry.attributes.get("study") not in studies:
        out.append(f"studies {p.attributes.get('studies')}")
    if line.family is Family.surgical_service and line.entry.attributes.get("test"):
        if line.entry.attributes["test"] not in p.attributes.get("tests", []):
            out.append(f"tests {p.attributes.get('tests')}")
    if p.unread is not None and line.family is not Family.other:
        out.append(f"unread {p.unread!r}")
    return out
