"""A letter's disputed item as a precheck request, from the item lines and the case summary only.

The rationale, the guideline lines and the decision of the letter never feed this: a
prediction for a letter's item must be what the precheck would say of the same request
written by the office. The other items' lines are read only to tell whether UR's
authorization in the summary can belong to this item. The header's dates are used only
when the case summary gives no request or UR date, to pick the guideline version in
force (they carry no outcome); a letter with neither falls back to the latest date of
its case summary (the request follows the notes it rests on). A letter that dates nothing
after the injury leaves the date to the caller (compare judges it as of checker.vocab.IMR_START).
"""
from __future__ import annotations

import datetime as dt

from checker.letters.facts import CaseFacts, extract_facts
from checker.letters.model import Letter, LetterItem
from checker.normalize.item_text import parse_item
from checker.request.model import Diagnosis, History, Patient, RequestItem, TreatmentRequest


def request_date(letter: Letter, facts: CaseFacts) -> dt.date | None:
    """The date the guidelines are applied on: the request, else UR, as the summary gives them,
    else the header's UR and application dates, else the latest date of the summary's record
    when it is later than the injury; None when the letter dates nothing after the injury."""
    injury = facts.injury_date or letter.injury_date
    latest = facts.latest_date if facts.latest_date and not (injury and facts.latest_date <= injury) else None
    return facts.request_date or facts.ur_date or letter.ur_denial_date or letter.application_received or latest


def item_request(letter: Letter, item: LetterItem, facts: CaseFacts | None = None) -> TreatmentRequest:
    """One item of ``letter`` as a request with the patient and history of its case summary."""
    facts = facts if facts is not None else extract_facts(letter.summary)
    # The heading as written keeps a partial authorization's parts ("X was the original
    # request. Y was authorized ..."), which the item normalizer reads.
    text = item.heading or item.item
    parsed = parse_item(text)
    authorized, family = parsed.authorized_visits, parsed.family
    # What the summary says UR authorized belongs to this item only when it is the
    # letter's one item of that family: with two chiropractic items (spine, and elbow
    # and knee), UR's 6 spine sessions are not part of the elbow and knee request.
    if not authorized and family in facts.ur_authorized and _items_of(letter, family) == 1:
        authorized = facts.ur_authorized[family]
    injury = facts.injury_date or letter.injury_date
    day = request_date(letter, facts)
    if injury and day and day < injury:  # a misread date must not make the request invalid
        day = None
    return TreatmentRequest(
        request_date=day,
        patient=Patient(
            age=facts.age,
            sex=facts.sex,
            injury_date=injury,
            diagnoses=[Diagnosis(text=d) for d in facts.diagnoses],
            regions=facts.regions,
            surgeries=facts.surgeries,
        ),
        history=History(
            prior_treatment=facts.prior,
            home_exercise_program=facts.home_exercise_program,
            flare_up=facts.flare_up,
            medication_reduced_or_not_tolerated=facts.medication_reduced_or_not_tolerated,
            adjunct_to_exercise=facts.adjunct_to_exercise,
            returned_to_work=facts.returned_to_work,
            indication_documented=facts.indication_documented,
        ),
        clinical=facts.clinical,
        items=[RequestItem(text=text, authorized_visits=authorized)],
        source=f"{letter.file} item {item.item_no}",
        evidence=facts.evidence,
    )


def _items_of(letter: Letter, family) -> int:
    """How many of the letter's items (by their item lines) are of this family."""
    return sum(parse_item(i.heading or i.item).family == family for i in letter.items)
