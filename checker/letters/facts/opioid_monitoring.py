"""Opioid monitoring: urine drug tests done, CURES checked, risk screen, treatment agreement, aberrant behavior.

What the Opioids Treatment Guidelines ask before and during opioid treatment (FACTS-beyond-physmed O5,
O6, O7, U1, U2), from the terms of rules/vocab/clinical_medications.yaml:
1. A urine drug test is one done when its mention is (checker.letters.facts.plans.tense: a date or a
   result after it, words of a result before it, a sentence telling history), with its date and its
   result (consistent, inconsistent) in the same sentence; a test planned or requested is not one done.
2. CURES, a risk screen, a treatment agreement: yes when named as done (not planned), no when negated
   ("a CURES report was not checked"); the record's silence says nothing.
3. Aberrant behavior and a substance use history: yes when named, no when negated ("no aberrant
   behavior", "no history of illicit drug use").
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Optional

from checker.request.clinical import DrugTest, DrugTestResult
from checker.vocab import Tri

from .drug_use import VOCAB, about_request, silent
from .plans import tense
from .sentences import Out, Sent
from .term_context import hits

MATCHER = VOCAB.matcher(["urine_drug_test", "cures", "risk_screen", "treatment_agreement", "aberrant_behavior",
                         "substance_abuse", "test_consistent", "test_inconsistent"])
DATE_REACH = 60  # characters between a test and its date
_FIELDS = {"cures": "cures_checked", "risk_screen": "risk_screen", "treatment_agreement": "treatment_agreement",
           "aberrant_behavior": "aberrant_behavior", "substance_abuse": "substance_abuse"}
_DONE_BY_NAMING = ("aberrant_behavior", "substance_abuse")  # a state, not a step one plans or requests
# "a CURES report was not checked": a step named, then said not done (the negation cues' post cues are about documents)
_NOT_DONE = re.compile(r"\s(?:\w+\s)?(?:was|were|has|had|is)\s(?:not|never)\s(?:been\s)?(?:checked|reviewed|done|performed|"
                       r"obtained|completed|signed|run|consulted|queried|administered)\b", re.I)


def opioid_monitoring(sents: list[Sent], out: Out, ctx: dict) -> None:
    meds = ctx.setdefault("medications", {})
    tests: list[DrugTest] = []
    values: dict[str, tuple[Tri, str]] = {}
    results: dict[int, DrugTestResult] = {}
    for hit in hits(sents, MATCHER):
        name = hit.term.name[0]
        if name in ("test_consistent", "test_inconsistent"):
            if not hit.negated:
                results[id(hit.st)] = (DrugTestResult.consistent if name == "test_consistent"
                                       else DrugTestResult.inconsistent)
            continue
        if silent(hit) or hit.hypothetical() or (name not in _DONE_BY_NAMING and about_request(hit.st, hit.start)):
            continue
        if name == "urine_drug_test":
            if not hit.negated and tense(hit) == "done":
                tests.append((hit, _date_after(hit)))
            continue
        if name not in _DONE_BY_NAMING and not hit.negated and tense(hit) == "planned":
            continue
        value = Tri.no if hit.negated or _NOT_DONE.match(hit.st.text, hit.end) else Tri.yes
        field = _FIELDS[name]
        if field not in values or value is Tri.yes and values[field][0] is Tri.no:
            values[field] = (value, hit.st.text)
    done: list[DrugTest] = []
    for hit, date in tests:
        test = DrugTest(date=date, result=results.get(id(hit.st), DrugTestResult.not_stated))
        if test not in done:
            done.append(test)
            label = f"{date.isoformat() if date else 'undated'}: {test.result.value}"
            out.ev("clinical.medications.urine_drug_tests", label, hit.st.text)
    meds["urine_drug_tests"] = done
    for field, (value, sentence) in values.items():
        meds[field] = value
        out.ev(f"clinical.medications.{field}", value.value, sentence)


def _date_after(hit) -> Optional[dt.date]:
    for d in hit.st.dates:
        if 0 <= d.start - hit.end <= DATE_REACH:
            return d.date
    for d in hit.st.dates:  # "On 11/08/2016, a urine drug screen was performed"
        if d.end <= hit.start and hit.start - d.end <= DATE_REACH:
            return d.date
    return None
