"""Medications the summary names (drug dictionary of checker.letters.facts.terms), not those only requested."""
from __future__ import annotations

import re

from checker.regex_gate import Folded

from .sentences import Out, Sent
from .stems import holding, stems
from .terms import DRUG_WORDS

# compiled once, searched through their twins (regex_gate.Folded)
_LISTED = Folded(re.compile(r"\bmedications?\s(?:\w+\s){0,2}?(?:include|included|includes|listed|regimen)|\bcurrently\staking"
                            r"|\bcurrent\smedications?|\bwas\s(?:taking|using|prescribed)", re.I))
_DRUG_STEMS = stems(*DRUG_WORDS)  # Sent.drugs is empty without one: most sentences are not looked up word by word
_REQUESTED = Folded(re.compile(r"\brequest|\bRFA\b|\bauthori[sz]|\bdenied|\bnon-?\s?certif|\bmodified", re.I))
_WAS_REQUESTED = re.compile(r"\s?(?:was|were)\s(?:\w+\s)?(?:denied|requested|non-?certified|modified)", re.I)


def medications(sents: list[Sent], out: Out) -> None:
    meds: list[str] = []
    seen: set[str] = set()
    for st in holding(sents, _DRUG_STEMS):
        limit = len(st.text)
        if st.request:
            if not _LISTED.search(st.text):
                continue
            r = _REQUESTED.search(st.text)
            limit = r.start() if r else limit
        for a, b, name in st.drugs:
            if a >= limit:
                continue
            if _WAS_REQUESTED.match(st.text[b:b + 40]):
                continue
            key = name.lower().split()[0]
            if key in seen:
                continue
            seen.add(key)
            meds.append(name)
            out.ev("medications", name, st.text)
    out.fields["medications"] = meds
