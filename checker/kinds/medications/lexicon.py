"""Patterns and look-up tables compiled once from the medication vocabularies.

Every word here comes from rules/vocab (drug_classes.yaml, medication_terms.yaml); the code
only supplies the grammar around them (a number, a range "1-2", a fraction "1/2", a unit).
Terms match whole words, case-insensitively, the longest first.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Optional

from .mentions import expand_classes
from .vocab import Drug, DrugClassesFile, MedicationTermsFile, Product, drug_classes, medication_terms

# Text is matched in a lower-cased copy of the same length, so spans index the original.
_FOLD = str.maketrans({"\u2013": "-", "\u2014": "-", "\u2212": "-", "\u00d7": "x", "\u00a0": " ", "\u2019": "'"})
L = r"(?<![a-z0-9])"  # left word boundary that also works before "#", "%", "."
R = r"(?![a-z0-9])"


def fold(text: str) -> str:
    folded = text.translate(_FOLD).lower()
    return folded if len(folded) == len(text) else text.lower()


def alternation(terms, flexible: bool = False) -> str:
    """Terms as one regex alternation, longest first; `flexible` lets a space or hyphen inside a
    term match a space, a hyphen or nothing ("MS Contin", "ms-contin")."""
    out = []
    for t in sorted({t.lower() for t in terms}, key=len, reverse=True):
        if flexible:
            parts = [re.escape(p) for p in re.split(r"[\s\-]+", t) if p]
            out.append(r"[\s\-]?".join(parts))
        else:
            out.append(r"\s+".join(re.escape(p) for p in t.split()))
    return "|".join(out)


def bounded(terms, flexible: bool = False) -> str:
    return rf"{L}(?:{alternation(terms, flexible)}){R}"


@dataclass(frozen=True)
class NameEntry:
    """What a drug name resolves to: a generic ingredient, a brand of one, or a product."""

    name: str
    kind: str  # generic | alias | brand | product
    generic: Optional[str] = None
    product: Optional[Product] = None
    brand_source: Optional[str] = None
    brand_confidence: Optional[str] = None


@dataclass
class Lexicon:
    classes: DrugClassesFile
    terms: MedicationTermsFile
    drugs: dict[str, Drug]
    names: dict[str, NameEntry]  # lower-cased name, spaces and hyphens removed -> entry
    name_re: re.Pattern
    salt_re: re.Pattern
    parents: dict[str, list[str]]
    number: str  # regex of one number: 12, 7.5, 1/2, "two", "half"
    numbers: dict[str, float]
    num_range: str
    strength_re: re.Pattern
    amount_re: re.Pattern
    strength_units: dict[str, str]  # term -> unit id
    amount_units: dict[str, str]
    amount_ml: dict[str, float]
    mg_per_unit: dict[str, float]
    form_re: re.Pattern
    forms: dict[str, object]  # term -> FormTerm
    unit_nouns: str  # regex of countable unit nouns ("tablets", "caps", "patches")
    route_re: re.Pattern
    routes: dict[str, str]
    release_re: re.Pattern
    releases: dict[str, str]
    frequency_re: re.Pattern
    frequencies: dict[str, float]
    interval_re: re.Pattern
    interval_days_re: re.Pattern
    times_re: re.Pattern
    prn_re: re.Pattern
    verb: str
    supply_res: list[re.Pattern]
    supply_units: dict[str, float]
    refill_res: list[re.Pattern]
    refill_none_re: re.Pattern
    quantity_res: list[re.Pattern]
    dose_res: list[re.Pattern]
    unknown_quantity_re: re.Pattern
    compound_re: re.Pattern
    joiners_re: re.Pattern  # a gap between two names that only joins them
    single_names: dict[int, list[str]] = field(default_factory=dict)  # length -> one-word names (fuzzy)
    vocabulary_words: frozenset = frozenset()

    def number_value(self, text: str) -> float:
        text = text.strip().lower()
        if text in self.numbers:
            return self.numbers[text]
        if "/" in text:
            a, b = text.split("/", 1)
            return float(a) / float(b) if float(b) else 0.0  # "0/0" is no amount
        return float(text)

    def expand(self, classes) -> list[str]:
        """Classes with their parents, in a stable order."""
        return list(expand_classes(self.parents, classes))


def name_key(name: str) -> str:
    return re.sub(r"[\s\-]+", "", name.lower())


def _names(dc: DrugClassesFile) -> dict[str, NameEntry]:
    names: dict[str, NameEntry] = {}
    for d in dc.drugs:
        names[name_key(d.generic)] = NameEntry(d.generic, "generic", generic=d.generic)
        for a in d.aliases:
            names[name_key(a)] = NameEntry(a, "alias", generic=d.generic)
        for b in d.brands:
            if isinstance(b, str):
                names[name_key(b)] = NameEntry(b, "brand", generic=d.generic, brand_source="dner", brand_confidence="confirmed")
            else:
                names[name_key(b.name)] = NameEntry(b.name, "brand", generic=d.generic, brand_source=b.source,
                                                    brand_confidence=b.confidence)
    for p in dc.products:
        for n in [p.name, *p.aliases]:
            names[name_key(n)] = NameEntry(n, "product", product=p)
    return names


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    dc, mt = drug_classes(), medication_terms()
    names = _names(dc)
    all_names = [e.name for e in names.values()]
    # A product alias such as "Tylenol #3" ends in a non-word character: no right boundary there.
    name_re = re.compile(rf"{L}(?:{alternation(all_names, flexible=True)})(?![a-z])")
    numbers = {k.lower(): v for k, v in mt.numbers.words.items()}
    number = rf"(?:\d+(?:\.\d+)?(?:/\d+)?|\.\d+|{alternation(numbers)})"
    num_range = rf"{number}(?:\s*(?:{alternation(mt.directions.range_words)})\s*{number})?"

    strength_units = {t.lower(): u.id for u in mt.units.strength for t in u.terms}
    amount_units = {t.lower(): u.id for u in mt.units.amount for t in u.terms}
    amount_ml = {u.id: u.ml for u in mt.units.amount if u.ml}
    mg_per_unit = {u.id: u.mg for u in mt.units.strength if u.mg is not None}
    su = alternation(strength_units)
    au = alternation(amount_units)
    digits = r"\d+(?:\.\d+)?|\.\d+"
    # 50mg | 37.5 mg | 10/325 mg | 10mg/325mg | 10 mg/1 ml | 250 mg/5ml | 0.025% | 25 mcg/hr
    # (at most 5 components: a bounded repeat keeps a line of slashes linear)
    strength_re = re.compile(
        rf"{L}(?P<values>(?:{digits})(?:\s*(?:{su})?\s*/\s*(?:{digits})){{0,4}})\s*(?P<unit>{su})"
        rf"(?:\s*/\s*(?P<per>(?:{digits})?)\s*(?P<per_unit>{au}))?(?![a-z0-9])"
    )
    amount_re = re.compile(rf"{L}(?P<value>{digits})\s*(?P<unit>{au}){R}")

    forms = {t.lower(): f for f in mt.forms for t in f.terms}
    unit_terms = [t for f in mt.forms if f.unit for t in f.terms]
    routes = {t.lower(): r.id for r in mt.routes for t in r.terms}
    releases = {t.lower(): r.id for r in mt.release for t in r.terms}
    d = mt.directions
    frequencies = {t.lower(): f.per_day for f in d.frequencies for t in f.terms}
    hour = alternation(d.hour_units)
    interval_re = re.compile(
        rf"{L}(?:{alternation(d.interval_prefixes)})\s*(?P<a>{number})"
        rf"(?:\s*(?:{alternation(d.range_words)})\s*(?P<b>{number}))?\s*(?:{hour}){R}"
    )
    interval_days_re = re.compile(
        rf"{L}(?:{alternation(d.interval_prefixes)})\s*(?P<a>{number})"
        rf"(?:\s*(?:{alternation(d.range_words)})\s*(?P<b>{number}))?\s*(?:{alternation(d.day_units)}){R}"
    )
    times_re = re.compile(
        rf"{L}(?P<a>{number})(?:\s*(?:{alternation(d.range_words)})\s*(?P<b>{number}))?\s*"
        rf"(?:{alternation(d.times_words)})\s*(?:{alternation(d.per_day_words)})(?![a-z0-9])"
    )
    supply_units = {k.lower(): v for k, v in mt.supply.units.items()}
    tu = alternation(supply_units)
    sw = alternation(mt.supply.words)
    # A number after "supply" is the refills' when the refill word after it has no number of its
    # own ("30-day supply 2 refills"), not in "day supply: 30 refills: 3".
    own_refills = rf"(?:{alternation(mt.refills.terms)}){R}(?!\s*(?:x|:|#|=|of)?\s*\d)"
    supply_res = [
        # day supply: 30 | days supply 30 | supply of 30 days
        re.compile(rf"{L}(?:(?P<u>{tu})(?:'s|s'|')?\s*)?(?:{sw})\s*(?:of|:|=|-|for)?\s*(?P<n>{number})(?:\s*(?P<u2>{tu}))?{R}"
                   rf"(?!\s*(?:{own_refills}|(?:{alternation(unit_terms)}){R}))"),
        # 30-day supply | 30 days' supply | 3 months coverage
        re.compile(rf"{L}(?P<n>{number})\s*-?\s*(?P<u>{tu})(?:'s|s'|')?\s*(?:{sw}){R}"),
        # for 30 days | x 30 days | x2 weeks
        re.compile(rf"{L}(?:for|x)\s*(?P<n>{number})\s*-?\s*(?P<u>{tu}){R}"),
    ]
    rt = alternation(mt.refills.terms)
    refill_res = [
        re.compile(rf"{L}(?P<n>{number})\s*{own_refills}"),
        re.compile(rf"{L}(?:{rt})\s*(?:x|:|#|=|of)?\s*(?P<n>{number}){R}"),
    ]
    units_noun = alternation(unit_terms)
    quantity_res = [
        re.compile(rf"(?:{L}(?:{alternation([p for p in mt.quantity.prefixes if p != '#'])})\s*#?|#)\s*(?P<n>\d+(?:\.\d+)?){R}"),
        re.compile(rf"{L}x\s*(?P<n>\d+){R}(?!\s*(?:{tu}|{hour}){R})"),
        re.compile(rf"{L}(?P<n>\d+)\s*(?:{units_noun}){R}"),
    ]
    route_alt = alternation(routes)
    freq_alt = alternation(frequencies)
    prn_alt = alternation(d.prn)
    after_dose = (rf"(?:(?:{route_alt}|{freq_alt}|{prn_alt}){R}|(?:{alternation(d.interval_prefixes)})\s*\d"
                  rf"|{times_re.pattern[len(L):]})")
    dose_res = [
        # take 1 tab | apply 1-2 patches | take one
        re.compile(rf"{L}(?:{alternation(d.verbs)})\s+(?P<n>{num_range})(?:\s*(?:{units_noun}){R})?"),
        # 1 tab PO | one by mouth | 1-2 q4-6h
        re.compile(rf"{L}(?P<n>{num_range})\s*(?:(?:{units_noun})\s*)?(?={after_dose})"),
    ]
    vocab_words = set()
    for group in (forms, routes, releases, strength_units, amount_units, frequencies, supply_units, numbers):
        for t in group:
            vocab_words.update(t.split())
    for t in [*mt.salts.terms, *mt.compounding.terms, *mt.directions.verbs, *mt.directions.prn, *mt.quantity.prefixes,
              *mt.quantity.unknown, *mt.refills.terms, *mt.supply.words]:
        vocab_words.update(t.lower().split())
    single: dict[int, list[str]] = {}
    for key, entry in names.items():
        if key.isalpha() and len(key) >= 5:
            single.setdefault(len(key), []).append(key)

    return Lexicon(
        classes=dc,
        terms=mt,
        drugs={x.generic: x for x in dc.drugs},
        names=names,
        name_re=name_re,
        salt_re=re.compile(rf"\s*(?:{bounded(mt.salts.terms)})"),
        parents={c.id: c.parents for c in dc.classes},
        number=number,
        numbers=numbers,
        num_range=num_range,
        strength_re=strength_re,
        amount_re=amount_re,
        strength_units=strength_units,
        amount_units=amount_units,
        amount_ml=amount_ml,
        mg_per_unit=mg_per_unit,
        form_re=re.compile(bounded(forms)),
        forms=forms,
        unit_nouns=units_noun,
        route_re=re.compile(bounded(routes)),
        routes=routes,
        release_re=re.compile(bounded(releases)),
        releases=releases,
        frequency_re=re.compile(bounded(frequencies)),
        frequencies=frequencies,
        interval_re=interval_re,
        interval_days_re=interval_days_re,
        times_re=times_re,
        prn_re=re.compile(bounded(d.prn)),
        verb=alternation(d.verbs),
        supply_res=supply_res,
        supply_units=supply_units,
        refill_res=refill_res,
        refill_none_re=re.compile(bounded(mt.refills.none)),
        quantity_res=quantity_res,
        dose_res=dose_res,
        unknown_quantity_re=re.compile(bounded(mt.quantity.unknown)),
        compound_re=re.compile(bounded(mt.compounding.terms)),
        joiners_re=re.compile(rf"^(?:\s|\x00|{alternation([j for j in mt.joiners.terms if not j[0].isalpha()])}"
                              rf"|{bounded([j for j in mt.joiners.terms if j[0].isalpha()])})*$"),
        single_names=single,
        vocabulary_words=frozenset(vocab_words),
    )
