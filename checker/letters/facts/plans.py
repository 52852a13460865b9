"""What is planned and what is done: a surgery or an injection planned, and the tense of a study or injection.

1. Surgery planned (yes): a surgical consultation or referral to a surgeon, "candidate for
   surgery", a surgery named with plan words around it ("surgery was recommended", "the treatment
   plan included surgery"), or a surgery the summary reader found planned (surgeries.py). No: "not
   a surgical candidate", a surgery declined. A hypothetical ("if conservative care fails, surgery
   may be considered") says nothing.
2. Invasive procedure planned: an injection named with plan words (requested, recommended,
   considered, referred for); no when declined.
3. The tense of a mention (:func:`tense`, for prior studies and injections): planned when plan
   words stand right before it ("request for an MRI of the lumbar spine dated ..."); else done
   when a date or a result follows it ("MRI dated 10/27/2016 revealed", "x-rays were normal");
   else planned when plan words stand before it in its clause or just after it ("the treatment
   plan included cervical MRI", "MRI was requested"); else done when words of a result stand
   just before it ("had an MRI", "prior x-rays") or the sentence tells the history of
   treatment ("treatment has included x-rays").
"""
from __future__ import annotations

from typing import Literal, Optional

from checker.kb.data import vocabulary
from checker.regex_gate import Folded
from checker.vocab import Tri

from .cues import TermFile
from .sentences import Out, Sent
from .term_context import Hit, clause, hits

VOCAB = vocabulary("clinical_plans", TermFile)
MATCHER = VOCAB.matcher(["surgery_considered", "not_candidate", "surgery_word"])
_PLANNED = Folded(VOCAB.compile(VOCAB.of("planned")))
_DONE = VOCAB.compile(VOCAB.of("done"))
_RESULT = VOCAB.compile(VOCAB.of("result"))
_DECLINED = VOCAB.compile(VOCAB.of("declined"))
DATE_AFTER = 60  # characters between a mention and its date ("MRI of the lumbar spine dated 12/27/2016")
RESULT_AFTER = 70  # ... and the verb of its result ("x-ray of the lumbar spine performed on ... revealed")
PLAN_RIGHT_BEFORE = 30  # plan words right before a mention: its object ("request for an MRI of ... dated ...")
PLAN_BEFORE = 90  # plan words before a mention in its clause ("the treatment plan included MRI of ...")
PLAN_AFTER = 35  # ... and after it ("MRI of the right shoulder was requested")
DONE_BEFORE = 40  # words of a result before it ("had an MRI", "prior x-rays")

Tense = Literal["done", "planned"]


def tense(hit: Hit) -> Optional[Tense]:
    """Whether a study or injection mention is one already done, one planned, or (None) neither said."""
    st, text = hit.st, hit.st.text
    a, b = clause(text, hit.start, hit.end)
    if _last(_PLANNED, text, max(a, hit.start - PLAN_RIGHT_BEFORE), hit.start):
        return "planned"
    if any(0 <= d.start - hit.end <= DATE_AFTER for d in st.dates) or _first(_RESULT, text, hit.end, min(b, hit.end + RESULT_AFTER)):
        return "done"
    if _last(_PLANNED, text, max(a, hit.start - PLAN_BEFORE), hit.start) or _first(_PLANNED, text, hit.end, min(b, hit.end + PLAN_AFTER)):
        return "planned"
    if _last(_DONE, text, max(a, hit.start - DONE_BEFORE), hit.start) or st.hist:
        return "done"
    return None


def planned(sentence: str) -> bool:
    """Does the sentence speak of a plan or a request ("the treatment plan included ...")?"""
    return _PLANNED.search(sentence) is not None


def declined(hit: Hit) -> bool:
    text = hit.st.text
    a, b = clause(text, hit.start, hit.end)
    return bool(_last(_DECLINED, text, max(a, hit.start - PLAN_BEFORE), hit.start)
                or _first(_DECLINED, text, hit.end, min(b, hit.end + PLAN_AFTER)))


def _first(pattern, text: str, a: int, b: int):
    return pattern.search(text, a, b) if a < b else None


def _last(pattern, text: str, a: int, b: int):
    found = None
    if a < b:
        for found in pattern.finditer(text, a, b):
            pass
    return found


def surgery_planned(sents: list[Sent], out: Out, ctx: dict) -> None:
    value: Optional[tuple[Tri, str]] = None
    for hit in hits(sents, MATCHER):
        name = hit.term.name[0]
        if hit.silent or hit.hypothetical():
            continue
        if name == "not_candidate":
            found = Tri.no if not hit.negated else None
        elif name == "surgery_considered":
            found = Tri.no if (hit.negated or declined(hit)) else Tri.yes
        elif declined(hit):
            found = Tri.no
        elif tense(hit) == "planned":
            found = Tri.no if hit.negated else Tri.yes
        else:
            found = None
        if found is not None and (value is None or found is Tri.yes and value[0] is not Tri.yes):
            value = (found, hit.st.text)
    planned = [s for s in out.fields.get("surgeries", []) if s.planned]
    if planned and (value is None or value[0] is not Tri.yes):
        sentence = next((e.sentence for e in out.evidence if e.fact == "surgeries" and e.value.endswith("[planned]")), "")
        value = (Tri.yes, sentence) if sentence else value
    if value is not None:
        ctx.setdefault("clinical", {})["surgery_planned"] = value[0]
        out.ev("clinical.surgery_planned", value[0].value, value[1])


def invasive_procedure_planned(sents: list[Sent], out: Out, ctx: dict) -> None:
    from .prior_injections import MATCHER as INJECTIONS

    value: Optional[tuple[Tri, str]] = None
    for hit in hits(sents, INJECTIONS):
        if hit.silent or hit.hypothetical():
            continue
        if declined(hit):
            found = Tri.no
        elif tense(hit) == "planned" and not hit.negated:
            found = Tri.yes
        else:
            continue
        if value is None or found is Tri.yes and value[0] is not Tri.yes:
            value = (found, hit.st.text)
    if value is not None:
        ctx.setdefault("clinical", {})["invasive_procedure_planned"] = value[0]
        out.ev("clinical.invasive_procedure_planned", value[0].value, value[1])
