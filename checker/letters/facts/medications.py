"""Medications the summary names (drug dictionary of checker.letters.facts.terms), not those only requested."""
from __future__ import annotations

import re

from .sentences import Out, Sent


def medications(sents: list[Sent], out: Out) -> None:
    meds: list[str] = []
    seen: set[str] = set()
    for st in sents:
        limit = len(st.text)
        if st.request:
            if not re.search(r"\bmedications?\s(?:\w+\s){0,2}?(?:include|included|includes|listed|regimen)|\bcurrently\staking"
                             r"|\bcurrent\smedications?|\bwas\s(?:taking|using|prescribed)", st.text, re.I):
                continue
            r = re.search(r"\brequest|\bRFA\b|\bauthori[sz]|\bdenied|\bnon-?\s?certif|\bmodified", st.text, re.I)
            limit = r.start() if r else limit
        for a, b, name in st.drugs:
            if a >= limit:
                continue
            if re.match(r"\s?(?:was|were)\s(?:\w+\s)?(?:denied|requested|non-?certified|modified)", st.text[b:b + 40], re.I):
                continue
            key = name.lower().split()[0]
            if key in seen:
                continue
            seen.add(key)
            meds.append(name)
            out.ev("medications", name, st.text)
    out.fields["medications"] = meds
