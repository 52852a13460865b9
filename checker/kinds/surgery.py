"""Surgery, and the services that go with a surgery: pre-operative tests and clearance, assistant
surgeon (family surgical_service), and the items a line ties to a surgery ("Associated surgical
service: X", pre-op and post-op X: therapy, equipment ...).

Policy: a service of a surgery follows the surgery (../shared/guidelines/FACTS-beyond-physmed.md
X1, Q0, D1; CONFIRMED 7/7 in CM16-0238035: "As the requested surgical intervention is not
medically necessary per the documentation, the requested ancillary service is not medically
necessary"). For an item that serves a surgery (`serves_surgery`), `surgery_link` picks the
surgery it follows among the patient's surgeries that concern it (their regions meet the
item's: checker.engine.facts) and that surgery's status:

  1. the first not yet performed whose status is stated (a request file's `status:`; compare adds
     the letter's own surgical item with the outcome predicted for it, checker.compare.predict);
  2. else, when a surgery that concerns it was performed: none (the postsurgical guidelines judge it);
  3. else, the first planned (not yet performed) without a status: pending;
  4. else, for a surgical service, a surgery the clinical record plans (Clinical.surgery_planned): pending;
  5. else none: the item serves no surgery the record knows, and is judged on its own criteria.

The fact every item carries (checker.engine.facts): `surgery_status` (certified, denied, pending,
none), `surgery_certified` (yes, no, not_stated) and `linked_surgery` (the procedure followed).
Rules test them: rules/surgery_associated_services.yaml blocks a service of a surgery denied or
pending, and names it; a certified surgery leaves each service to its own criteria. A certified
surgery not yet performed is day 0 of its postsurgical period for the items that come after it
(`after_surgery`), so post-operative therapy keeps the postsurgical rules.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Optional

from checker.kinds.base import Attribute, KindFact, ServiceKind
from checker.kinds.registry import register
from checker.request.clinical import Clinical, FindingName, territory
from checker.request.model import Surgery
from checker.vocab import Family, Kind, Tri

SERVICES = ("clearance", "assistant_surgeon", "anesthesia", "ekg", "chest_xray", "labs")
TESTS = ("cbc", "bmp", "cmp", "pt_inr", "ptt", "coagulation", "ua", "a1c", "type_and_screen", "pregnancy", "ekg",
         "chest_xray")
STATUSES = ("certified", "denied", "pending", "none")
PLANNED_IN_RECORD = "the surgery the clinical record plans"
# Findings of the history rather than the examination: they do not corroborate a surgical lesion.
SYMPTOMS = frozenset({FindingName.radiating_pain, FindingName.paresthesia})


# ------------------------------------------------------------------ the link to the surgery

def serves_surgery(item) -> bool:
    """A pre-operative test, clearance or assistant, or an item its line ties to a surgery."""
    return item.family is not Family.surgery and (item.family is Family.surgical_service or item.associated_surgery)


def after_surgery(item) -> bool:
    """An item that comes after the surgery it serves: post-operative care, equipment for the recovery."""
    return serves_surgery(item) and (item.postoperative or item.family is Family.dme)


def performed(surgery: Surgery, on: dt.date) -> bool:
    return bool(surgery.date and surgery.date <= on and not surgery.planned)


@dataclass(frozen=True)
class SurgeryLink:
    status: str = "none"  # certified, denied, pending, none
    surgery: Optional[Surgery] = None
    label: str = ""  # what the reports call the surgery followed

    def fields(self) -> dict:
        return {
            "surgery_status": self.status,
            "surgery_certified": _CERTIFIED.get(self.status, NOT_STATED),
            "linked_surgery": self.label,
        }


NO_LINK = SurgeryLink()
_CERTIFIED = {"certified": "yes", "denied": "no"}
NOT_STATED = Tri.not_stated.value


def surgery_link(item, request, concerning: list[Surgery], on: dt.date) -> SurgeryLink:
    """The surgery `item` of `request` follows and its status (module policy 1-5). `concerning`: the
    patient's surgeries whose regions meet the item's; a pre-operative service (clearance, tests,
    assistant) is for the patient as a whole, so every surgery concerns it."""
    if not serves_surgery(item):
        return NO_LINK
    surgeries = list(request.patient.surgeries) if item.family is Family.surgical_service else concerning
    clinical = request.clinical
    stated = [s for s in surgeries if s.status and not performed(s, on)]
    if stated:
        return SurgeryLink(stated[0].status, stated[0], stated[0].procedure)
    if any(performed(s, on) for s in surgeries):
        return NO_LINK
    if surgeries:
        return SurgeryLink("pending", surgeries[0], surgeries[0].procedure)
    if item.family is Family.surgical_service and clinical.surgery_planned is Tri.yes:
        return SurgeryLink("pending", None, PLANNED_IN_RECORD)
    return NO_LINK


def as_performed(surgery: Surgery, on: dt.date) -> Surgery:
    """A certified surgery not yet performed, as performed on `on`: day 0 of its postsurgical period."""
    return surgery.model_copy(update={"date": on, "planned": False})


# ------------------------------------------------------------------ the kind

def _exam_findings(clinical: Clinical, regions) -> str:
    """yes when the examination records a finding (present) in the item's territory; else not stated."""
    near = territory(regions)
    found = [f for f in clinical.findings if f.name not in SYMPTOMS and f.present is Tri.yes
             and (f.region is None or not near or f.region in near)]
    return (Tri.yes if found else Tri.not_stated).value


class SurgeryKind(ServiceKind):
    def quantity(self, item) -> tuple[Optional[int], str, bool]:
        if item.family is Family.surgery:
            return 1, "procedures", True
        unit = "tests" if item.attributes.get("tests") else "services"
        return item.visits or 1, unit, True

    def understood(self, item) -> list[tuple[str, str]]:
        a = item.attributes
        if item.family is Family.surgery:
            return [("Procedure", str(a.get("procedure") or item.text))]
        lines = [("Service", str(a.get("service", "labs")).replace("_", " "))]
        if a.get("tests"):
            lines.append(("Tests", ", ".join(t.replace("_", " ") for t in a["tests"])))
        return lines

    def facts(self, item, context) -> dict:
        if item.family is Family.surgery:
            return {"exam_findings": _exam_findings(context.request.clinical, context.regions)}
        return {"requested_tests": item.visits or 1}  # a line that states no count asks for one


KIND = register(SurgeryKind(
    Kind.surgery,
    frozenset({Family.surgery, Family.surgical_service}),
    attributes=(
        Attribute("procedure", "surgery: the procedure as the line words it"),
        Attribute("service", "surgical service: clearance, assistant surgeon, anesthesia, EKG, chest x-ray or labs",
                  SERVICES),
        Attribute("tests", "surgical service: the pre-operative tests named", TESTS, many=True),
    ),
    fact_defs=(
        KindFact("surgery_status", "text",
                 "the status of the surgery the item serves: certified, denied, pending, none (serves none)"),
        KindFact("surgery_certified", "tri", "the surgery the item serves is certified (no: denied)"),
        KindFact("linked_surgery", "text", "the surgery the item serves, as its procedure is written"),
        KindFact("exam_findings", "tri", "surgery: the examination records findings in the item's territory"),
        KindFact("requested_tests", "number", "surgical service: how many of each test or service the line asks for"),
    ),
    quantity_unit="procedures",
))
