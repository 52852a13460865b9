"""Function, care needs, hearing and work capability: the facts equipment and service rules ask.

Terms of rules/vocab/clinical_function.yaml, each with its evidence sentence, into the Clinical
fields of checker.request.clinical:

1. A term present and not negated says yes; negated ("denies difficulty walking", "no hearing
   loss"), or a term of absence ("ambulates independently", "ambulates without assistance": its
   own "without" is no negation of it), says no; yes wins over no. A hypothetical, or one the
   record is silent on, says nothing.
2. What a request asks for is no evidence of the need: deficits, walking, care needs and a
   hospital stay are not read from a sentence about the request or its review ("UR modified the
   request for a home aide to assist with transfers and ADLs").
3. Hearing loss: the most specific kind named (mixed, sensorineural, conductive, then hearing
   loss of unnamed kind); "none" only when the record says hearing is normal or negates the loss
   and names no loss.
4. Hearing aids recommended (yes) only when the summary also names an audiologist, an
   otolaryngologist or their tests: ODG wants the recommendation from them, not from the
   physician who requests the aids.
"""
from __future__ import annotations

from typing import Optional

from checker.kb.data import vocabulary
from checker.request.clinical import HearingLoss
from checker.vocab import Tri

from .cues import TermFile
from .sentences import Out, Sent
from .term_context import Hit, hits

VOCAB = vocabulary("clinical_function", TermFile)
MATCHER = VOCAB.matcher()

TRI_FIELDS = ("adl_deficit", "mobility_limitation", "unable_to_ambulate", "skilled_care_needed", "inpatient_stay",
              "medically_stable", "mmi", "return_to_work_failed", "full_duty", "visit_purpose_stated",
              "in_home_evaluation")
NOT_FROM_REQUESTS = frozenset({"adl_deficit", "mobility_limitation", "unable_to_ambulate", "skilled_care_needed",
                               "inpatient_stay", "in_home_evaluation"})
HEARING = {"hearing_mixed": HearingLoss.mixed, "hearing_sensorineural": HearingLoss.sensorineural,
           "hearing_conductive": HearingLoss.conductive, "hearing_unspecified": HearingLoss.unspecified}
HEARING_ORDER = list(HEARING.values())  # most specific first


def function(sents: list[Sent], out: Out, ctx: dict) -> None:
    found: dict[str, tuple[Tri, str]] = {}
    losses: dict[HearingLoss, str] = {}
    normal: Optional[str] = None
    recommended: Optional[str] = None
    audiology = False
    for hit in hits(sents, MATCHER):
        if hit.silent or hit.hypothetical():
            continue
        present = _present(hit)
        for name in hit.term.name:
            if name == "audiology":
                audiology = audiology or not hit.negated
            elif name == "hearing_aid_recommended":
                if present and recommended is None:
                    recommended = hit.st.text
            elif name in HEARING:
                if present:
                    losses.setdefault(HEARING[name], hit.st.text)
                elif normal is None:
                    normal = hit.st.text
            elif name == "hearing_normal":
                if present and normal is None:
                    normal = hit.st.text
            elif not (name in NOT_FROM_REQUESTS and hit.st.request):
                value = Tri.yes if present else Tri.no
                if name not in found or value is Tri.yes and found[name][0] is Tri.no:
                    found[name] = (value, hit.st.text)
    clinical = ctx.setdefault("clinical", {})
    for name in TRI_FIELDS:
        if name in found:
            value, sentence = found[name]
            clinical[name] = value
            out.ev(f"clinical.{name}", value.value, sentence)
    loss = next((k for k in HEARING_ORDER if k in losses), None)
    if loss is not None:
        clinical["hearing_loss"] = loss
        out.ev("clinical.hearing_loss", loss.value, losses[loss])
    elif normal is not None:
        clinical["hearing_loss"] = HearingLoss.none
        out.ev("clinical.hearing_loss", HearingLoss.none.value, normal)
    if recommended is not None and audiology:
        clinical["hearing_aid_recommended"] = Tri.yes
        out.ev("clinical.hearing_aid_recommended", Tri.yes.value, recommended)


def _present(hit: Hit) -> bool:
    """The fact holds. A term of absence carries its own negation ("ambulates without assistance"): a
    negation inside its words is part of it, not a negation of it."""
    cue = hit.cue
    if cue is not None and hit.term.present == "no" and hit.start < cue.start < hit.end:
        return False
    return hit.present
