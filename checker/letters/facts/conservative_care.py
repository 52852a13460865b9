"""Conservative care so far: the kinds tried, since when or how long, and how it answered.

1. Tried: the prior physical-medicine courses (prior_treatment: physical therapy, chiropractic,
   acupuncture, massage, TENS; a course of zero visits is none), a home exercise program (the
   home-exercise flag) and modified or light duty (the work status) unless their sentence is a
   plan ("the treatment plan included a home exercise program"), drugs named outside a plan,
   and the care words of rules/vocab/clinical_care.yaml in a sentence telling the history of
   treatment, not a plan, not negated ("treatment has included rest, ice and a wrist splint").
2. Response, the last statement wins: failed ("no improvement", "persistent pain despite
   therapy", "is not helping", "had not proven beneficial", "failed conservative care") or
   helping ("improving with therapy", "the medications are helping"), in a sentence about care
   or right after one ("He completed 5 of 6 chiropractic sessions. He has had no improvement.");
   hypothetical ones, negated failures ("no evidence of failed conservative care") and those the
   record is silent on say nothing.
3. Since: the earliest date care started ("began physical therapy on 10/3/16", "since
   10-14-2016"); weeks: the longest duration stated ("6 weeks of physical therapy").
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Optional

from checker.kb.data import vocabulary
from checker.regex_gate import Folded
from checker.request.clinical import WEEKS_PER_MONTH, CareKind, CareResponse, ConservativeCare
from checker.request.model import VisitCount
from checker.vocab import Family, Tri

from .cues import TermFile
from .plans import planned, tense
from .sentences import Out, Sent
from .stems import stems
from .term_context import hits
from .terms import generic_therapy
from .text import NUM, to_int

VOCAB = vocabulary("clinical_care", TermFile)
KINDS = VOCAB.matcher([k.value for k in CareKind] + ["conservative_care"])
RESPONSES = VOCAB.matcher(["response_failed", "response_helping"])
_FAMILY_KIND = {
    Family.physical_therapy: CareKind.physical_therapy, Family.aquatic_therapy: CareKind.physical_therapy,
    Family.work_conditioning: CareKind.physical_therapy, Family.chiropractic: CareKind.chiropractic,
    Family.acupuncture: CareKind.acupuncture, Family.massage: CareKind.massage, Family.tens: CareKind.tens,
}
_DURATION_STEMS = stems("week", "month")
_START_STEMS = stems("since", "start", "beg", "initiat", "commenc")  # every match of _STARTED holds one
_NO_VISITS = VisitCount(min=0, max=0)
_MODIFIED_DUTY = ("modified duty", "light duty", "working with restrictions")
# grammar of durations and start dates, not vocabulary
_WEEKS = re.compile(r"\b(" + NUM + r")\s(weeks?|months?)\s(?:of|with)\s(?:\w+\s){0,2}?(?:conservative|physical|chiropractic"
                    r"|acupuncture|therapy|treatment|care|PT|medications?)\b|\bfor\s(?:the\s)?(?:past|last|previous)\s(" + NUM
                    + r")\s(weeks?|months?)\b", re.I)
_STARTED = Folded(re.compile(r"\b(?:since|started|starting|began|begun|beginning|initiated|commenced)\s(?:\w+\s){0,4}?(?:on\s)?$",
                             re.I))


def conservative_care(sents: list[Sent], out: Out, ctx: dict) -> None:
    tried: list[CareKind] = []

    def add(kind: CareKind, sentence: str) -> None:
        if kind not in tried:
            tried.append(kind)
            out.ev("clinical.conservative_care.tried", kind.value, sentence)

    for family, course in ctx.get("courses", {}).items():
        kind = _FAMILY_KIND.get(family)
        if kind and course["count"] != _NO_VISITS:
            add(kind, course["sentence"])
    if out.fields.get("home_exercise_program") is Tri.yes and not planned(_evidence(out, "home_exercise_program")):
        add(CareKind.home_exercise, _evidence(out, "home_exercise_program"))
    if out.fields.get("work_status") in _MODIFIED_DUTY and not planned(_evidence(out, "work_status")):
        add(CareKind.activity_modification, _evidence(out, "work_status"))
    taken = next((e.sentence for e in out.evidence if e.fact == "medications" and not planned(e.sentence)), None)
    if taken is not None:  # a drug named as taken, not only in the plan ("the treatment plan included ibuprofen")
        add(CareKind.medications, taken)
    care_sentences: set[int] = set()
    for hit in hits(sents, KINDS):
        care_sentences.add(id(hit.st))
        name = hit.term.name[0]
        if name == "conservative_care" or not hit.st.hist or hit.negated or hit.hypothetical():
            continue
        if tense(hit) == "planned":
            continue
        add(CareKind(name), hit.st.text)
    since, weeks = _timing(sents, care_sentences)
    if since:
        out.ev("clinical.conservative_care.since", since[0].isoformat(), since[1])
    if weeks:
        out.ev("clinical.conservative_care.weeks", f"{weeks[0]:g}", weeks[1])
    ctx.setdefault("clinical", {})["conservative_care"] = ConservativeCare(
        tried=tried, response=_response(sents, out, care_sentences),
        since=since[0] if since else None, weeks=weeks[0] if weeks else None)


def _evidence(out: Out, fact: str) -> str:
    return next((e.sentence for e in out.evidence if e.fact == fact), "")


def _about_care(st: Sent, care_sentences: set[int]) -> bool:
    return (id(st) in care_sentences or bool(st.mentions) or bool(generic_therapy(st.text, st.mentions))
            or bool(st.drugs))


def _response(sents: list[Sent], out: Out, care_sentences: set[int]) -> CareResponse:
    value: Optional[tuple[CareResponse, str]] = None
    position: Optional[dict[int, int]] = None
    for hit in hits(sents, RESPONSES):
        if hit.silent or hit.hypothetical():
            continue
        if not _about_care(hit.st, care_sentences):
            # a response that names no care speaks of the care of the sentence before it ("He has
            # completed 5 of 6 chiropractic sessions. It is documented he has had no improvement.")
            position = position or {id(st): i for i, st in enumerate(sents)}
            i = position[id(hit.st)]
            if i == 0 or not _about_care(sents[i - 1], care_sentences):
                continue
        if hit.negated and hit.term.name == ["response_failed"]:
            continue  # "no evidence of failed conservative care" does not say it helps
        failed = hit.term.name == ["response_failed"] or hit.negated
        value = (CareResponse.failed if failed else CareResponse.helping, hit.st.text)
    if value is None:
        return CareResponse.not_stated
    out.ev("clinical.conservative_care.response", value[0].value, value[1])
    return value[0]


def _timing(sents: list[Sent], care_sentences: set[int]) -> tuple[Optional[tuple[dt.date, str]], Optional[tuple[float, str]]]:
    """(earliest start date, its sentence) and (longest duration in weeks, its sentence)."""
    since: Optional[tuple[dt.date, str]] = None
    weeks: Optional[tuple[float, str]] = None
    for st in sents:
        starts = []
        # a start word's stem first (but re.I reads a non-ASCII "ſince" as "since": such a text is searched)
        if st.dates and (st.has(_START_STEMS) or not st.text.isascii()):
            starts = [d for d in st.dates if _STARTED.search(st.text[max(0, d.start - 60): d.start])]
        if not (starts or st.has(_DURATION_STEMS)) or not _about_care(st, care_sentences):
            continue
        for d in starts:
            if since is None or d.date < since[0]:
                since = (d.date, st.text)
        for m in _WEEKS.finditer(st.text):
            if st.negated(m.start(), m.end()):
                continue  # "lack of documentation of 3 months of conservative care"
            n = to_int(m[1] or m[3])
            unit = (m[2] or m[4]).lower()
            if n:
                w = n * WEEKS_PER_MONTH if unit.startswith("month") else float(n)
                if 0 < w <= 520 and (weeks is None or w > weeks[0]):
                    weeks = (w, st.text)
    return since, weeks
