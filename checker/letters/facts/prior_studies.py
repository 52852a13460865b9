"""Prior studies: MRI, CT, x-ray, EMG, NCS, bone scan, diagnostic ultrasound already done; and change since.

1. A study term of rules/vocab/clinical_studies.yaml is a prior study when its mention is one
   already done (plans.tense: a date or a result after it, "had", "prior", or a history
   sentence), not a request or plan, not negated ("x-rays were not performed"; but "x-rays
   were negative" is a result) and not hypothetical ("if symptoms persist, an MRI would be
   considered").
2. Its region and side from the sentence; its date the nearest day after it, else a day before
   it in its clause ("On 10-3-16, an MRI of the lumbar spine revealed ..."); its result normal
   when a normal word follows it (or stands just before: "a normal EMG"), abnormal when a
   report verb does ("revealed a disc protrusion").
3. change_since_prior (only with a prior study): the last statement of new or worse symptoms or
   findings (yes) or of none (no: "unchanged", "no new symptoms").
"""
from __future__ import annotations

import datetime as dt
from typing import Optional

from checker.kb.data import vocabulary
from checker.request.clinical import PriorStudy, StudyKind, StudyResult
from checker.vocab import Tri

from .cues import TermFile
from .plans import tense
from .sentences import Out, Sent
from .term_context import Hit, clause, hits

VOCAB = vocabulary("clinical_studies", TermFile)
MATCHER = VOCAB.matcher([k.value for k in StudyKind])
CHANGE = VOCAB.matcher(["change_worse", "change_none"])
_NORMAL = VOCAB.compile(VOCAB.of("result_normal"))
_ABNORMAL = VOCAB.compile(VOCAB.of("result_abnormal"))
DATE_AFTER = 60
DATE_BEFORE = 60
RESULT_AFTER = 90
NORMAL_BEFORE = 20
NORMAL_RIGHT_AFTER = 14  # "showed no fractures": a normal word this close after the report verb is the result


def prior_studies(sents: list[Sent], out: Out, ctx: dict) -> None:
    studies: list[PriorStudy] = []
    seen: set[tuple] = set()
    for hit in hits(sents, MATCHER):
        negated = hit.negated and "negative" not in hit.cue.text.lower()  # "x-rays were negative": a result
        if negated or hit.hypothetical() or tense(hit) != "done":
            continue
        region, side, date, result = hit.region(), hit.side(), _date(hit), _result(hit)
        for name in hit.term.name:
            study = PriorStudy(study=name, region=region, side=side, date=date, result=result)
            key = (study.study, study.region, study.date)
            if key in seen:
                continue
            seen.add(key)
            studies.append(study)
            out.ev("clinical.prior_studies", describe(study), hit.st.text)
    clinical = ctx.setdefault("clinical", {})
    clinical["prior_studies"] = studies
    if studies:
        _change(sents, out, clinical)


def _date(hit: Hit) -> Optional[dt.date]:
    a, b = clause(hit.st.text, hit.start, hit.end)
    after = [d for d in hit.st.dates if 0 <= d.start - hit.end <= DATE_AFTER and d.end <= b]
    if after:
        return after[0].date
    before = [d for d in hit.st.dates if 0 <= hit.start - d.end <= DATE_BEFORE and d.start >= a]
    return before[-1].date if before else None


def _result(hit: Hit) -> StudyResult:
    text = hit.st.text
    a, b = clause(text, hit.start, hit.end)
    if _NORMAL.search(text, max(a, hit.start - NORMAL_BEFORE), hit.start):
        return StudyResult.normal
    end = min(b, hit.end + RESULT_AFTER)
    verb = _ABNORMAL.search(text, hit.end, end)
    normal = _NORMAL.search(text, hit.end, end)
    if normal and (verb is None or normal.start() < verb.start() or normal.start() - verb.end() <= NORMAL_RIGHT_AFTER):
        return StudyResult.normal
    return StudyResult.abnormal if verb else StudyResult.not_stated


def _change(sents: list[Sent], out: Out, clinical: dict) -> None:
    value: Optional[tuple[Tri, str]] = None
    for hit in hits(sents, CHANGE):
        if hit.silent or hit.hypothetical():
            continue
        worse = (hit.term.name == ["change_worse"]) != hit.negated
        value = (Tri.yes if worse else Tri.no, hit.st.text)
    if value is not None:
        clinical["change_since_prior"] = value[0]
        out.ev("clinical.change_since_prior", value[0].value, value[1])


def describe(study: PriorStudy) -> str:
    parts = [p for p in (study.region and study.region.value, study.side and study.side.value,
                         study.date and study.date.isoformat(), study.result.value) if p]
    return f"{study.study.value} ({', '.join(parts)})"
