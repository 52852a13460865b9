"""Age and sex: the first sentences' "45-year-old female", else the pronouns when one-sided."""
from __future__ import annotations

import re

from checker.regex_gate import Folded

from .sentences import Out, Sent


_AGE = re.compile(r"\b(\d{1,3})\s?-?\s?(?:years?|yrs?|y/o)[\s-]?(?:-\s?)?old\b|\b(\d{1,3})\s?(?:y/o|yo)\b|\baged?\s(\d{1,3})\b", re.I)
_SEX = re.compile(r"\b(?:year[\s-]?old|y/?o|aged?\s\d+)\s(?:\w+\s)?(male|female|man|woman|gentleman|lady)\b"
                  r"|\b(?:a|an)\s(?:\w+\s)?(male|female)\b", re.I)
_PRONOUN = Folded(re.compile(r"\b(he|his|him|she|her|hers)\b", re.I))  # searched in every sentence: its ASCII twin
_SEX_WORD = {"male": "male", "man": "male", "gentleman": "male", "female": "female", "woman": "female", "lady": "female"}


def demographics(sents: list[Sent], out: Out) -> None:
    for st in sents[:6]:
        m = _AGE.search(st.text)
        if m:
            age = int(m[1] or m[2] or m[3])
            if 14 <= age <= 110:
                out.fields["age"] = age
                out.ev("age", age, st.text)
                break
    for st in sents[:6]:
        m = _SEX.search(st.text)
        if m:
            sex = _SEX_WORD[(m[1] or m[2]).lower()]
            out.fields["sex"] = sex
            out.ev("sex", sex, st.text)
            return
    # pronouns, only when clearly one-sided
    male = female = 0
    first: dict[str, str] = {}
    for st in sents:
        for m in _PRONOUN.finditer(st.text):
            w = m[1].lower()
            if w in ("he", "his", "him"):
                male += 1
                first.setdefault("male", st.text)
            else:
                female += 1
                first.setdefault("female", st.text)
    if male >= 2 and female == 0:
        out.fields["sex"] = "male"
        out.ev("sex", "male", first["male"])
    elif female >= 2 and male == 0:
        out.fields["sex"] = "female"
        out.ev("sex", "female", first["female"])
