"""Clinical findings: neurologic deficits, radicular symptoms, provocative signs, mechanical signs of a joint.

1. Each term of rules/vocab/clinical_findings.yaml in a sentence is a finding, present or absent:
   a term of absence ("sensation intact") or a negated term ("no weakness", "denies numbness",
   "negative straight leg raise") is absent; a negated term of absence ("sensation was not
   intact") is present.
2. A sign named by its test (straight leg raise, Spurling, Tinel ...) counts only when called
   positive nearby ("positive Spurling's test", "straight leg raise was positive", "+SLR"), or
   negative; a bare mention ("Spurling's was performed") says nothing.
3. Not stated: a finding in a hypothetical ("if radicular symptoms develop"), or negated by
   words that say the record is silent ("no documentation of radicular findings"); an
   objective deficit (sensory, reflex, motor) in the patient's complaint without words of an
   examination ("complains of weakness in the leg"), which is a symptom.
4. Its region and side come from the sentence (term_context); one finding per name, presence,
   region and side, the first sentence as its evidence.
The derived neuro_deficit and radicular_symptoms per region are Clinical's (checker.request.clinical).
"""
from __future__ import annotations

import re
from typing import Optional

from checker.kb.data import vocabulary
from checker.request.clinical import OBJECTIVE_NEURO, Finding, FindingName
from checker.vocab import Tri

from .cues import TermFile
from .sentences import Out, Sent
from .term_context import Hit, clause, hits

VOCAB = vocabulary("clinical_findings", TermFile)
MATCHER = VOCAB.matcher([n for n in VOCAB.names if n not in ("positive_result", "complaint", "examination")])
POSITIVE = VOCAB.compile(VOCAB.of("positive_result"))
_COMPLAINT = VOCAB.compile(VOCAB.of("complaint"))
_EXAMINATION = VOCAB.compile(VOCAB.of("examination"))
POSITIVE_AFTER = 40  # characters after a sign: "straight leg raise on the left was positive"
POSITIVE_BEFORE = 160  # characters before it: "positive cervical compression, Kemp's, Phalen's test"
_NEGATIVE = re.compile(r"\b(?:negative|no|without|normal)\b", re.I)


def findings(sents: list[Sent], out: Out, ctx: dict) -> None:
    found: list[Finding] = []
    seen: set[tuple] = set()
    for hit in hits(sents, MATCHER):
        if hit.silent or hit.hypothetical():
            continue
        present = _sign(hit) if hit.term.sign else hit.present
        if present is None:
            continue
        region, side = hit.region(), hit.side()
        for name in hit.term.name:
            if FindingName(name) in OBJECTIVE_NEURO and _complaint_only(hit.st):
                continue  # "complains of weakness in the leg": a symptom, not an objective deficit
            key = (name, present, region, side)
            if key in seen:
                continue
            seen.add(key)
            finding = Finding(name=name, present=Tri.yes if present else Tri.no, region=region, side=side)
            found.append(finding)
            out.ev("clinical.findings", describe(finding), hit.st.text)
    ctx.setdefault("clinical", {})["findings"] = found


def _sign(hit: Hit) -> Optional[bool]:
    """A test: positive, negative, or (None) the sentence does not say which."""
    if hit.negated:
        return False
    text = hit.st.text
    a, b = clause(text, hit.start, hit.end)
    for m in POSITIVE.finditer(text, hit.end, min(b, hit.end + POSITIVE_AFTER)):
        return True  # "straight leg raise test was positive on the left"
    before = [m for m in POSITIVE.finditer(text, max(a, hit.start - POSITIVE_BEFORE), hit.start)]
    if before and not _NEGATIVE.search(text, before[-1].end(), hit.start):
        return True  # "positive Cozen's, Tinel's and de Quervain's test": the list shares the word
    return None


def _complaint_only(st: Sent) -> bool:
    return _COMPLAINT.search(st.text) is not None and _EXAMINATION.search(st.text) is None


def describe(finding: Finding) -> str:
    where = ", ".join(v for v in (finding.region and finding.region.value, finding.side and finding.side.value) if v)
    return f"{finding.name.value}: {finding.present.value}" + (f" ({where})" if where else "")
