"""The facts of function, care needs, hearing, work capability and surgery timing that equipment and
service rules ask (FACTS-beyond-physmed.md sections 8, 9.2, 9.3 and 14), as fields of an item's fact.

Taken from the request's clinical facts (checker.request.clinical.Clinical: stated in a request
file, or read from a letter's case summary by checker.letters.facts.function) and its surgeries.
The equipment and services kinds add them to their items' facts (their `facts()`); three-valued
fields follow the record (yes / no / not_stated), numbers are -1 when unknown.

Derived fields, each one reading:
1. hearing_loss_qualifies: yes for a sensorineural or mixed loss (ODG's kinds that need no trial
   of treatment first); no when hearing is normal; not stated for a conductive loss (ODG: only
   when "unresponsive to medical or surgical interventions", which the record must show) or a
   loss of unnamed kind.
2. after_surgery_or_hospital_stay: yes when a surgery was performed within POST_ACUTE_DAYS of the
   request, or the record shows a hospital stay; not stated otherwise (no record says "no").
3. work_capability_at_issue: yes at or near maximum medical improvement or after a failed return
   to work; no when the worker is back at full duty without restrictions (and neither holds).
4. postoperative_days: days from the latest surgery performed to the request; 0 when the only
   surgery is planned (a device for after it); -1 with no surgery.
"""
from __future__ import annotations

import datetime as dt
from typing import Optional

import checker.kinds.clinical_facts  # noqa: F401 - registers the shared clinical fields (homebound ...) these rules test
from checker.engine import fact_fields
from checker.engine.fact_fields import UNKNOWN
from checker.request.clinical import Clinical, HearingLoss
from checker.request.model import TreatmentRequest
from checker.vocab import Tri

# "on a short-term basis following major surgical procedures or in-patient hospitalization" (CPMTG
# 2016 Home health services): how recent a surgery must be to count as "following" one. Our
# reading: the CPMTG's own horizon, 60 days, after which home health needs an in-home evaluation.
POST_ACUTE_DAYS = 60

DIRECT = (
    ("adl_deficit", "objective deficits in function that preclude activities of daily living or transfers"),
    ("mobility_limitation", "walking impaired (gait, difficulty walking, needs help or a device to walk)"),
    ("unable_to_ambulate", "cannot walk: bed- or chair-confined without a wheelchair"),
    ("skilled_care_needed", "needs skilled care (intravenous drugs, dressing changes, wound care)"),
    ("inpatient_stay", "admitted to or discharged from a hospital"),
    ("medically_stable", "medically stable and able to take part in therapy"),
    ("hearing_aid_recommended", "an otolaryngologist or audiologist recommends hearing aids"),
    ("mmi", "at or near maximum medical improvement (permanent and stationary)"),
    ("return_to_work_failed", "a return to work was tried and failed"),
    ("full_duty", "working full duty without restrictions"),
    ("visit_purpose_stated", "the record says what a follow-up visit is for"),
    ("in_home_evaluation", "an in-home evaluation of daily activities, done or referred"),
)
FIELDS = tuple((name, "tri", text) for name, text in DIRECT) + (
    ("hearing_loss_qualifies", "tri", "a sensorineural or mixed hearing loss (ODG Hearing aids); no: hearing normal"),
    ("after_surgery_or_hospital_stay", "tri", f"a surgery within {POST_ACUTE_DAYS} days or a hospital stay"),
    ("work_capability_at_issue", "tri", "work capability must be determined: at MMI, or a return to work failed"),
    ("postoperative_days", "number", "days since the latest surgery (0: surgery planned; -1: none)"),
)

for _name, _type, _description in FIELDS:
    fact_fields.register(_name, _type, _description)


def _hearing(loss: Optional[HearingLoss]) -> str:
    if loss in (HearingLoss.sensorineural, HearingLoss.mixed):
        return Tri.yes.value
    return Tri.no.value if loss is HearingLoss.none else Tri.not_stated.value


def _performed(request: TreatmentRequest, on: dt.date) -> list[dt.date]:
    return sorted(s.date for s in request.patient.surgeries if s.date and s.date <= on and not s.planned)


def postoperative_days(request: TreatmentRequest, on: dt.date) -> int:
    done = _performed(request, on)
    if done:
        return (on - done[-1]).days
    planned = [s for s in request.patient.surgeries if s.planned or s.date is None or s.date > on]
    return 0 if planned else UNKNOWN


def work_capability(clinical: Clinical) -> str:
    if Tri.yes in (clinical.mmi, clinical.return_to_work_failed):
        return Tri.yes.value
    return Tri.no.value if clinical.full_duty is Tri.yes else Tri.not_stated.value


def function_fields(request: TreatmentRequest, on: dt.date) -> dict:
    """The fields above for one item of ``request``, on the clinical date ``on``."""
    clinical = request.clinical
    fields = {name: getattr(clinical, name).value for name, _ in DIRECT}
    recent = any((on - d).days <= POST_ACUTE_DAYS for d in _performed(request, on))
    fields.update(
        hearing_loss_qualifies=_hearing(clinical.hearing_loss),
        after_surgery_or_hospital_stay=(Tri.yes if recent or clinical.inpatient_stay is Tri.yes else Tri.not_stated).value,
        work_capability_at_issue=work_capability(clinical),
        postoperative_days=postoperative_days(request, on),
    )
    return fields
