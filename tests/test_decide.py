"""Property tests of the decision: no decision certifies more than its rules allow.

Random requests (every family, diagnoses and procedures taken from the rule base's own
categories, prior courses, surgeries, dates from 2009 to 2019, item text or structured
fields) go through Checker. For each item, in the terms of checker/decide.py:

* a finding's `allows` is what that rule alone would certify (None: no limit);
* among the active findings of one course-setting kind (course, trial, postsurgical) the
  most generous governs: None if any of them has no limit, else the largest `allows`;
  every other active finding limits on its own;
* the bound is the smallest of those limits.

Then: a certified item asks for no more than the bound, has no blocking finding and
certifies exactly what it asks, and the totals the engine compared fit the numbers of
the rules themselves (the YAML); no item certifies more than it asks; a visit-based
non-certified item certifies fewer visits than it asks; and the certifiable quantity is
the bound (capped at the request). Two consequences that do not need decide's terms: asking
for fewer visits never turns a certification into a denial, and asking for exactly the
certifiable quantity gets it certified.
"""
from __future__ import annotations

import datetime as dt
from typing import Optional

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checker.check import Checker
from checker.decide import SETS_COURSE, ItemResult
from checker.kb.load import default_kb
from checker.request.model import TreatmentRequest
from checker.vocab import PHYSICAL_MEDICINE, Decision, Family, Region

KB = default_kb()
CHECKER = Checker(KB)
FAMILIES = sorted({f for rule in KB.rules for f in rule.family}, key=lambda f: f.value)
TRI = st.sampled_from(["yes", "no", "not stated"])
HISTORY = ["home_exercise_program", "flare_up", "medication_reduced_or_not_tolerated", "adjunct_to_exercise",
           "reduced_weight_bearing_needed", "returned_to_work", "other_modalities_failed", "return_to_work_goal",
           "plateau_after_therapy", "indication_documented"]
# Diagnoses and procedures named as the rule base's categories name them, plus free phrasings and codes.
DIAGNOSES = [m.category.label for m in KB.conditions] + [
    "lumbar strain", "cervical radiculopathy", "chronic low back pain", "myofascial pain", "knee pain", "M54.5",
    "S39.012A", "M54.12", "G56.01", "M17.11", "M75.101", "obesity", "anxiety",
]
PROCEDURES = [m.category.label for m in KB.surgeries] + ["arthroscopic partial medial meniscectomy", "ORIF"]
ITEM_WORDS = {
    Family.physical_therapy: ["Physical therapy", "PT", "Post-op physical therapy", "Occupational therapy"],
    Family.acupuncture: ["Acupuncture", "Electroacupuncture"],
    Family.massage: ["Massage therapy", "Medical massage"],
    Family.chiropractic: ["Chiropractic care", "Chiropractic manipulation", "Chiropractic maintenance care"],
    Family.aquatic_therapy: ["Aquatic therapy"],
    Family.work_conditioning: ["Work conditioning", "Work hardening"],
    Family.tens: ["TENS unit"],
    Family.passive_modality: ["Electrical stimulation", "Ultrasound therapy", "Mechanical traction", "Hot/cold packs",
                              "Infrared", "Iontophoresis"],
    Family.injection: ["Lumbar epidural steroid injection", "Transforaminal ESI at L4-5 and L5-S1", "Platelet-rich plasma injection to the knee", "Facet injection"],
    Family.surgery: ["Right shoulder arthroscopy with rotator cuff repair", "L4-5 microdiscectomy", "Knee arthroscopy"],
    Family.surgical_service: ["Pre-op EKG", "Medical clearance", "Pre-operative labs: CBC, BMP", "Assistant surgeon"],
    Family.imaging: ["MRI", "MRI without contrast", "X-rays", "CT scan", "MR arthrogram", "Bone scan", "Repeat MRI"],
    Family.electrodiagnostic: ["EMG", "NCS", "EMG/NCS", "NCV", "Surface EMG"],
    Family.medication: ["Norco 10/325 #60", "Tramadol 50mg", "Flexeril 10mg", "Prilosec 20mg", "Ketoprofen 20% cream",
                        "Baclofen 10mg", "Celecoxib 200mg", "Valium 5mg", "Fanatrex", "Nortriptyline 25mg"],
    Family.urine_drug_test: ["Urine drug screen", "Urine toxicology"],
    Family.dme: ["Associated surgical service: Cold therapy unit", "Post-op shoulder sling", "Cold therapy unit", "Bilateral hearing aids", "BTE hearing aids", "Heating pad", "CPM machine", "Front wheeled walker", "Knee brace", "Cane"],
    Family.consultation: ["Orthopedic consultation", "Follow up office visit", "Functional capacity evaluation"],
    Family.home_care: ["Home health aide", "Home health aide 4 hours per day", "Home nursing visits", "Home health"],
    Family.facility_care: ["Skilled nursing facility stay", "Acute inpatient rehabilitation physical therapy and occupational therapy", "Skilled nursing facility"],
    Family.transportation: ["Transportation to appointments"],
}
DEVICES = (Family.tens, Family.dme)  # rented for days or bought
REGION_WORDS = ["for the lumbar spine", "low back", "for the neck", "right knee", "left shoulder", "both wrists", ""]


def day_between(start: dt.date, end: dt.date):
    return st.integers(0, (end - start).days).map(lambda n: start + dt.timedelta(days=n))


@st.composite
def text_item(draw, family: Family) -> str:
    words = draw(st.sampled_from(ITEM_WORDS[family]))
    if family in DEVICES:
        quantity = draw(st.sampled_from(["purchase", "rental", "{} day rental", "rental for {} months"]))
        return f"{words} {quantity.format(draw(st.integers(1, 90)))}"
    quantity = draw(st.sampled_from(["x {}", "{} sessions", "{} x {}", "{} times a week for {} weeks", "", "#{}"]))
    numbers = [draw(st.integers(0, 30)) for _ in range(quantity.count("{}"))]
    return f"{words} {quantity.format(*numbers)} {draw(st.sampled_from(REGION_WORDS))}".strip()


@st.composite
def structured_item(draw, family: Family) -> dict:
    item = {"family": family.value, "regions": draw(st.lists(st.sampled_from([r.value for r in Region]), max_size=2,
                                                             unique=True))}
    if family in DEVICES:
        item["mode"] = draw(st.sampled_from(["rental", "purchase"]))
        if item["mode"] == "rental" and draw(st.booleans()):
            item["duration_days"] = draw(st.integers(1, 120))
    else:
        item["visits"] = draw(st.integers(1, 40))
    if draw(st.integers(0, 9)) == 0:
        item["authorized_visits"] = draw(st.integers(0, 12))
    if family is Family.chiropractic and draw(st.integers(0, 9)) == 0:
        item["maintenance"] = True
    return item


@st.composite
def prior_course(draw) -> dict:
    visits = draw(st.one_of(st.none(), st.integers(0, 40), st.integers(0, 30).map(lambda n: f"{n} to {n + 4}"),
                            st.integers(1, 20).map(lambda n: f"at least {n}")))
    return {"visits": visits, "functional_improvement": draw(TRI)}


@st.composite
def requests(draw, structured_only: bool = False) -> TreatmentRequest:
    # mostly while the encoded guidelines are in force, sometimes after (not covered)
    request_date = draw(st.one_of(day_between(dt.date(2009, 7, 18), dt.date(2017, 11, 30)),
                                  day_between(dt.date(2017, 12, 1), dt.date(2019, 12, 31))))
    patient: dict = {"diagnoses": draw(st.lists(st.sampled_from(DIAGNOSES), max_size=3, unique=True)),
                     "regions": draw(st.lists(st.sampled_from([r.value for r in Region]), max_size=2, unique=True))}
    if draw(st.booleans()):
        patient["injury_date"] = (request_date - dt.timedelta(days=draw(st.integers(0, 3000)))).isoformat()
    if draw(st.integers(0, 2)) == 0:
        day = request_date + dt.timedelta(days=draw(st.integers(-400, 30)))
        patient["surgeries"] = [{"procedure": draw(st.sampled_from(PROCEDURES)), "date": day.isoformat(),
                                 "planned": draw(st.booleans())}]
    prior = draw(st.dictionaries(st.sampled_from([f.value for f in FAMILIES]), prior_course(), max_size=3))
    history = {"prior_treatment": prior, **{name: draw(TRI) for name in draw(st.lists(st.sampled_from(HISTORY),
                                                                                      unique=True))}}
    items = []
    for family in draw(st.lists(st.sampled_from(FAMILIES), min_size=1, max_size=3)):
        use_text = not structured_only and draw(st.booleans())
        items.append(draw(text_item(family)) if use_text else draw(structured_item(family)))
    return TreatmentRequest.model_validate({"request_date": request_date.isoformat(), "patient": patient,
                                            "history": history, "items": items})


def bound(result: ItemResult) -> Optional[int]:
    """The smallest limit of the active findings, the most generous of each course-setting kind."""
    limits = []
    for kind in SETS_COURSE:
        group = [f.allows for f in result.findings if f.kind == kind]
        if group and None not in group:
            limits.append(max(group))
    limits += [f.allows for f in result.findings if f.kind not in SETS_COURSE and f.allows is not None]
    return min(limits, default=None)


def within_the_rule_base_numbers(finding) -> bool:
    """Whether the totals the engine compared fit the rule's own numbers in the YAML."""
    rule, v = KB.rule(finding.rule), finding.values
    p = rule.parameters
    if rule.kind == "course":
        return "total" in v and v["total"] <= p.visits.max
    if rule.kind == "trial":
        return "total" in v and (v["total"] <= p.trial_visits or v.get("fi") == "yes")
    if rule.kind == "cap":
        return v["cap_total"] <= p.cap_visits
    if rule.kind == "postsurgical":
        return "total" in v and (v["total"] <= rule.initial_visits() or (v.get("fi") == "yes" and v["total"] <= p.visits.max))
    if rule.kind == "device_trial":
        if v.get("mode") == "purchase":
            return v.get("has_prior") is True and v.get("fi") == "yes"
        return v.get("mode") == "rental" and v.get("duration_days", -1) <= p.rental_days
    return True


def assert_within_its_rules(result: ItemResult) -> None:
    assert result.imr_outcome == result.decision.imr_outcome
    requested, certifiable = result.requested_quantity, result.certifiable_quantity
    if result.decision is Decision.not_covered:
        assert certifiable is None and result.findings == [] and result.deciding_rules == []
        assert result.not_covered_reason
        return
    assert any(KB.rule(f.rule).primary for f in result.findings), "a decision rests on a primary rule"
    active = {f.rule for f in result.findings}
    assert active.isdisjoint(f.rule for f in result.superseded)
    assert all(f.superseded_by in active for f in result.superseded)
    assert set(result.deciding_rules) <= active
    limit = bound(result)
    if certifiable is not None:
        assert certifiable >= 0
        if requested is not None:
            assert certifiable <= requested
    if result.decision is Decision.certify:
        # a TENS purchase, or a rental of unstated length, has no number; a drug line without a quantity is
        # non-certified by the reviewers' incomplete-request rule (imr.request_complete) from IMR's start,
        # 2013-07-01 (tests/test_medication_rules.py), and before it no rule sets a number of units
        unbounded = result.family is Family.tens or (result.family is Family.medication
                                                     and result.understood.guideline_date < dt.date(2013, 7, 1))
        if not unbounded:
            assert requested is not None
        elif requested is None:
            assert all(f.allows is None for f in result.findings)
        if requested is not None:
            assert limit is None or requested <= limit
            assert all(f.allows is None or requested <= f.allows for f in result.findings if f.kind not in SETS_COURSE)
        assert not any(f.effect == "block" for f in result.findings)
        assert certifiable == requested or (requested is None and limit is None and certifiable is None)
        # the same, against the YAML numbers: the most generous line of each kind, and every other rule
        for kind in SETS_COURSE:
            group = [f for f in result.findings if f.kind == kind]
            assert not group or any(within_the_rule_base_numbers(f) for f in group), [f.message for f in group]
        assert all(within_the_rule_base_numbers(f) for f in result.findings if f.kind not in SETS_COURSE)
    elif requested is not None and result.quantity_unit == "visits" and result.family in PHYSICAL_MEDICINE:
        assert certifiable is not None
        assert certifiable < requested or certifiable == requested == 0
    if limit is not None:
        assert certifiable == (limit if requested is None else min(limit, requested))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(requests())
def test_no_decision_certifies_more_than_its_rules_allow(request):
    results = CHECKER.check(request)
    assert len(results) == len(request.items)
    for result in results:
        assert_within_its_rules(result)


def _with_visits(request: TreatmentRequest, index: int, visits: int) -> TreatmentRequest:
    items = list(request.items)
    items[index] = items[index].model_copy(update={"visits": visits})
    return request.model_copy(update={"items": items})


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(requests(structured_only=True), st.data())
def test_fewer_visits_never_worse_and_the_certifiable_quantity_is_certifiable(request, data):
    results = CHECKER.check(request)
    for i, (item, result) in enumerate(zip(request.items, results)):
        if item.family is Family.tens:
            continue
        if result.decision is Decision.certify and result.requested_quantity > 1:
            # asking for fewer visits never turns a certification into a denial
            fewer = data.draw(st.integers(1, result.requested_quantity - 1), label=f"fewer visits, item {i}")
            again = CHECKER.check(_with_visits(request, i, fewer))[i]
            assert again.decision is Decision.certify, [f.message for f in again.findings]
        elif result.decision is Decision.non_certify and result.certifiable_quantity:
            # asking for exactly the certifiable quantity gets it certified
            again = CHECKER.check(_with_visits(request, i, result.certifiable_quantity))[i]
            assert again.decision is Decision.certify, [f.message for f in again.findings]
            assert again.certifiable_quantity == result.certifiable_quantity
