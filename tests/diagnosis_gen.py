"""Generated diagnosis phrases: the ICD-10-CM title of a code written the ways people write it.

Shared by tests/test_diagnosis_index.py and bench/bench_diagnosis.py. Each variant is a
rewriting a reader must see through; none uses a word the ICD-10-CM title does not imply.
"""
from __future__ import annotations

import random
import re
from functools import lru_cache

from checker.diagnosis.words import ABBREVIATIONS_FILE, Abbreviations
from checker.kb.data import vocabulary

VARIANTS = ("reordered", "no_function_words", "abbreviated", "side_added", "side_removed", "encounter",
            "upper", "lower", "regions_renamed")
_FUNCTION = re.compile(r"\b(?:of|and|the|at|in|with|to|or)\b\s*", re.I)
_SIDE = re.compile(r"\b(?:right|left|bilateral|unspecified side)\b\s*", re.I)
# regions written the other way (the ICD-10-CM block titles name both: S10-S19 neck / cervical spine ...)
_REGION_NAMES = [("neck", "cervical"), ("cervical spine", "neck"), ("lower back", "lumbar"),
                 ("lumbar spine", "low back"), ("thoracic spine", "thoracic"), ("thorax", "thoracic")]


@lru_cache(maxsize=1)
def base_codes() -> dict[str, str]:
    """Every ICD-10-CM code up to its 6th character -> its title (slow: parses the library)."""
    from checker.icd10 import icd10cm

    icd = icd10cm()
    return {c: icd.get_description(c) for c in icd.get_all_codes(with_dots=True)
            if not (icd.is_chapter(c) or icd.is_block(c)) and len(c.replace(".", "")) <= 6}


def category_codes(kb, codes: dict[str, str]) -> dict[str, list[str]]:
    """Each condition category -> every code under its prefixes."""
    out = {}
    for m in kb.conditions:
        prefixes = tuple(m.category.icd10)
        out[m.category.id] = sorted(c for c in codes if prefixes and c.startswith(prefixes))
    return out


def takes_encounter(code: str) -> bool:
    return code[0] in "ST"


@lru_cache(maxsize=1)
def _abbreviations() -> list[tuple[re.Pattern, str]]:
    entries = vocabulary(ABBREVIATIONS_FILE, Abbreviations).entries
    return [(re.compile(rf"\b{re.escape(a.expansion)}\b", re.I), a.abbreviation)
            for a in entries if a.expansion and not a.before_word]


def variant(kind: str, code: str, title: str, rng: random.Random) -> str:
    if kind == "title":
        return title
    if kind == "reordered":
        words = title.replace(",", " ").split()
        rng.shuffle(words)
        return " ".join(words)
    if kind == "no_function_words":
        return _FUNCTION.sub("", title).strip()
    if kind == "abbreviated":
        usable = [(p, a) for p, a in _abbreviations() if p.search(title)]
        if usable:
            p, a = rng.choice(usable)
            return p.sub(a, title, count=1)
        return title
    if kind == "side_added":
        return f"{rng.choice(('right', 'left', 'bilateral', 'Rt.', 'L'))} {_SIDE.sub('', title).strip()}"
    if kind == "side_removed":
        return _SIDE.sub("", title).strip(" ,")
    if kind == "encounter":
        if takes_encounter(code):
            return f"{title}, {rng.choice(('initial encounter', 'subsequent encounter', 'sequela', 'subsequent'))}"
        return f"{title}, {rng.choice(('right', 'left'))}"
    if kind == "upper":
        return title.upper()
    if kind == "lower":
        return title.lower()
    if kind == "regions_renamed":
        for a, b in _REGION_NAMES:
            if re.search(rf"\b{a}\b", title, re.I):
                return re.sub(rf"\b{a}\b", b, title, count=1, flags=re.I)
        return title
    raise ValueError(kind)
