"""Gastrointestinal risk factors, for a proton pump inhibitor or H2 blocker (FACTS-beyond-physmed P1, P2).

1. Each term of rules/vocab/clinical_medications.yaml (peptic_ulcer, gi_bleeding, perforation,
   dyspepsia, high_dose_nsaid) is present, or absent when negated ("denies GI upset", "no history of
   peptic ulcer"); present wins over absent. The record's silence ("no documentation of
   gastrointestinal symptoms"), a hypothetical, and the request's own words say nothing.
2. A concurrent anticoagulant or antiplatelet drug is the comorbidities step's (clinical_comorbidities).
3. Age over 65 is the patient's age; FACTS P3 marks it MEMORY, so it is not a fact of this step.
"""
from __future__ import annotations

from checker.request.clinical import ComorbidityName
from checker.vocab import Tri

from .drug_use import VOCAB, stated_terms
from .sentences import Out, Sent

NAMES = ("peptic_ulcer", "gi_bleeding", "perforation", "dyspepsia", "high_dose_nsaid")
MATCHER = VOCAB.matcher(NAMES)


def gi_risk(sents: list[Sent], out: Out, ctx: dict) -> None:
    found = stated_terms(sents, MATCHER)
    risk = {name: value for name, (value, _) in found.items()}
    stated = {c.name: c.present for c in ctx.get("clinical", {}).get("comorbidities", [])}
    blood = [stated.get(ComorbidityName.anticoagulant), stated.get(ComorbidityName.antiplatelet)]
    if Tri.yes in blood:
        risk["anticoagulant"] = Tri.yes
    elif Tri.no in blood:
        risk["anticoagulant"] = Tri.no
    ctx.setdefault("medications", {})["gi_risk"] = risk
    for name, (value, sentence) in found.items():
        out.ev("clinical.medications.gi_risk", f"{name}: {value.value}", sentence)
