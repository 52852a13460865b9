"""Clinical findings: neurologic deficits, radicular symptoms, provocative signs, mechanical signs of a joint.

1. Each term of rules/vocab/clinical_findings.yaml in a sentence is a finding, present or absent:
   a term of absence ("sensation intact") or a negated term ("no weakness", "denies numbness",
   "negative straight leg raise") is absent; a negated term of absence ("sensation was not
   intact") is present.
2. A sign named by its test (straight leg raise, Spurling, Tinel ...) counts only when called
   positive nearby ("positive Spurling's test", "straight leg raise was positive", "+SLR"), or
   negative ("a negative straight leg raise", or negated); a bare mention ("Spurling's was
   performed") says nothing.
3. Not stated: a finding in a hypothetical ("if radicular symptoms develop"), or negated by
   words that say the record is silent ("no documentation of radicular findings"); an
   objective deficit (sensory, reflex, motor) in the patient's complaint without words of an
   examination ("complains of weakness in the leg"), which is a symptom.
4. Its region and side come from the sentence (term_context); one finding per name, presence,
   region and side, the first sentence as its evidence.
The derived neuro_deficit and radicular_symptoms per region are Clinical's (checker.request.clinical).
"""
from __future__ import annotations

from typing import Optional

from checker.kb.data import vocabulary
from checker.regex_gate import Folded
from checker.request.clinical import OBJECTIVE_NEURO, Finding, FindingName
from checker.vocab import Tri

from .cues import TermFile
from .sentences import Out, Sent
from .term_context import Hit, clause, hits

VOCAB = vocabulary("clinical_findings", TermFile)
_NOT_FINDINGS = ("positive_result", "negative_result", "complaint", "examination")
MATCHER = VOCAB.matcher([n for n in VOCAB.names if n not in _NOT_FINDINGS])
POLARITY = VOCAB.matcher(["positive_result", "negative_result"])
_COMPLAINT = Folded(VOCAB.compile(VOCAB.of("complaint")))
_EXAMINATION = VOCAB.compile(VOCAB.of("examination"))
POLARITY_AFTER = 40  # characters after a sign: "straight leg raise on the left was positive"
POLARITY_BEFORE = 160  # characters before it: "positive cervical compression, Kemp's, Phalen's test"


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
    """A test: positive, negative, or (None) the sentence does not say which. The word that says
    so: right after it ("straight leg raise test was positive on the left"), else the nearest
    before it in its clause, which a list shares ("positive Cozen's, Tinel's and Phalen's test")."""
    if hit.negated:
        return False
    text = hit.st.text
    a, b = clause(text, hit.start, hit.end)
    after = [p for p in POLARITY.finditer(text[hit.end:min(b, hit.end + POLARITY_AFTER)])]
    if after:
        return after[0][1].name == ["positive_result"]
    start = max(a, hit.start - POLARITY_BEFORE)
    before = POLARITY.finditer(text[start:hit.start])
    if before:
        return before[-1][1].name == ["positive_result"]
    return None


def _complaint_only(st: Sent) -> bool:
    return _COMPLAINT.search(st.text) is not None and _EXAMINATION.search(st.text) is None


def describe(finding: Finding) -> str:
    where = ", ".join(v for v in (finding.region and finding.region.value, finding.side and finding.side.value) if v)
    return f"{finding.name.value}: {finding.present.value}" + (f" ({where})" if where else "")
