"""Comorbidities and homebound status, for pre-operative tests and home care.

1. Each term of rules/vocab/clinical_comorbidities.yaml is a comorbidity present ("diabetes
   mellitus", "BMI 31.25", "takes warfarin") or absent ("no history of smoking", "non-smoker",
   "BMI 24"); present wins over absent.
2. Not the patient's: a condition of a relative ("family history of diabetes", medspacy's
   experiencer cue); a hypothetical, or one the record is silent on, says nothing.
3. Homebound: yes when a term says so ("homebound", "bedbound", "confined to the home"), no
   when negated.
"""
from __future__ import annotations

from itertools import groupby
from typing import Optional

from checker.kb.data import vocabulary
from checker.request.clinical import Comorbidity, ComorbidityName
from checker.vocab import Tri

from .cues import TermFile
from .sentences import Out, Sent
from .term_context import Hit, clause, hits

VOCAB = vocabulary("clinical_comorbidities", TermFile)
MATCHER = VOCAB.matcher()
RELATIVE_REACH = 45


def comorbidities(sents: list[Sent], out: Out, ctx: dict) -> None:
    found: dict[ComorbidityName, tuple[Tri, str]] = {}
    homebound: Optional[tuple[Tri, str]] = None
    for _st, group in groupby(hits(sents, MATCHER), key=lambda h: id(h.st)):
        sentence_hits = list(group)
        relatives = [h for h in sentence_hits if h.term.name == ["relative"]]
        for hit in sentence_hits:
            name = hit.term.name[0]
            if name == "relative" or hit.silent or hit.hypothetical() or _of_a_relative(hit, relatives):
                continue
            value = Tri.yes if hit.present else Tri.no
            if name == "homebound":
                if homebound is None or value is Tri.yes and homebound[0] is Tri.no:
                    homebound = (value, hit.st.text)
                continue
            key = ComorbidityName(name)
            if key not in found or value is Tri.yes and found[key][0] is Tri.no:
                found[key] = (value, hit.st.text)
    clinical = ctx.setdefault("clinical", {})
    clinical["comorbidities"] = [Comorbidity(name=k, present=v) for k, (v, _) in found.items()]
    for k, (v, sentence) in found.items():
        out.ev("clinical.comorbidities", f"{k.value}: {v.value}", sentence)
    if homebound is not None:
        clinical["homebound"] = homebound[0]
        out.ev("clinical.homebound", homebound[0].value, homebound[1])


def _of_a_relative(hit: Hit, relatives: list[Hit]) -> bool:
    a, _ = clause(hit.st.text, hit.start, hit.end)
    return any(a <= r.start and r.end <= hit.start and hit.start - r.end <= RELATIVE_REACH for r in relatives)
