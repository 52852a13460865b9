"""Oral intake and first-line drugs: can the patient take oral medication, have first-line drugs failed.

Compound drugs and topical analgesics are second line (FACTS-beyond-physmed OS1, T1, T10): reviewers
ask whether the patient "is not able to tolerate similar medication in pill/tablet form" and has
"failed first line therapy". From rules/vocab/clinical_medications.yaml:
1. oral_intolerance: yes when named ("cannot swallow", "intolerant of oral medications"), no when
   negated ("The patient was able to tolerate oral medications" reads as a negated intolerance).
2. first_line_failed: yes when named ("failed first-line medications", "refractory to oral
   analgesics"), no when negated ("has not failed first-line treatment").
The record's silence ("no documentation of failed first line therapy") and hypotheticals say nothing.
"""
from __future__ import annotations

import re

from checker.vocab import Tri

from .drug_use import VOCAB, stated_terms
from .sentences import Out, Sent
from .stems import holding, stems

MATCHER = VOCAB.matcher(["oral_intolerance", "first_line_failed"])
# "able to tolerate oral medications": the opposite of an intolerance, in words the negation cues do not hold
_TOLERATES = re.compile(r"\b(?:able\sto|can|could|does|did|is\sable\sto)\s(?:\w+\s)?(?:tolerate|swallow)\s(?:\w+\s){0,2}?"
                        r"(?:oral|pills?|tablets?|capsules?|medications?)\b|\btolerat(?:es|ing|ed)\s(?:\w+\s){0,2}?"
                        r"oral\s(?:medications?|analgesics?|NSAIDs?)\b", re.I)
_TOLERATE_STEMS = stems("tolerat", "swallow")


def oral_intake(sents: list[Sent], out: Out, ctx: dict) -> None:
    meds = ctx.setdefault("medications", {})
    values = stated_terms(sents, MATCHER)
    if "oral_intolerance" not in values:
        for st in holding(sents, _TOLERATE_STEMS):
            if (m := _TOLERATES.search(st.text)) and not st.negated(m.start(), m.end()):
                values["oral_intolerance"] = (Tri.no, st.text)
                break
    for name, (value, sentence) in values.items():
        meds[name] = value
        out.ev(f"clinical.medications.{name}", value.value, sentence)
