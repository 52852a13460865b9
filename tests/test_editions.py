"""Guideline editions by date, from the timeline in rules/_sources.yaml.

1. The editions of every source are contiguous: a request on any day from a source's first day
   selects exactly one edition, and the day before an edition starts selects the previous one.
2. Every rule in force on both sides of an edition boundary of its source cites the edition of
   each side (generated from the rule base: every rule x every boundary inside its dates).
3. For a body-part guideline the rule base holds no number of (the licensed ACOEM text), the
   decision's confidence reason names the edition in force on each side of its boundaries.
4. The MTUS changed on 2017-12-01: no 2009/2016 Chronic Pain (CPMTG) line applies from that day,
   and a request dated today gets a decision for every physical-medicine family, and for imaging
   and nerve studies of the sites the ODG lines cover, with its evidence tier and confidence.
"""
from __future__ import annotations

import datetime as dt

import pytest

from checker.check import Checker
from checker.decide import decide
from checker.kb.load import default_kb
from checker.request.model import TreatmentRequest
from checker.vocab import PHYSICAL_MEDICINE, Decision, Region
from tests.factgen import fact_for
from tests.test_rules import alone, item_for

KB = default_kb()
CHECKER = Checker(KB)
DAY = dt.timedelta(days=1)
TODAY = dt.date.today()


def boundaries(source_id: str) -> list[tuple[dt.date, str, str]]:
    eds = KB.sources[source_id].editions
    return [(b.start, a.label, b.label) for a, b in zip(eds, eds[1:])]


@pytest.mark.parametrize("source_id", sorted(KB.sources))
def test_editions_are_contiguous_and_each_day_selects_one(source_id):
    src = KB.sources[source_id]
    for before, after in zip(src.editions, src.editions[1:]):
        assert before.end is not None and before.end + DAY == after.start, (before, after)
    for day, old, new in boundaries(source_id):
        assert src.edition_on(day - DAY).label == old and src.edition_on(day).label == new
    assert src.edition_on(src.editions[0].start - DAY) is None


RULE_BOUNDARIES = [
    (rule, day, old, new)
    for rule in KB.rules
    for day, old, new in boundaries(rule.source)
    if rule.effective.in_force(day - DAY) and rule.effective.in_force(day)
]


@pytest.mark.parametrize("rule, day, old, new", RULE_BOUNDARIES,
                         ids=[f"{r.id}@{d}" for r, d, _, _ in RULE_BOUNDARIES])
def test_a_rule_cites_the_edition_in_force_on_each_side_of_a_boundary(rule, day, old, new):
    kb, engine = alone(rule.id)
    for when, label in ((day - DAY, old), (day, new)):
        prior = {"has_prior": True, "prior_min": 1} if rule.kind == "continuation" else {}
        fact = fact_for(rule, day=when.toordinal(), **prior)
        result = decide(item_for(fact), fact, engine.evaluate(fact), engine.checks, kb, when)
        cited = [f.citation.source for f in result.findings + result.superseded if f.rule == rule.id]
        assert cited and all(f"({label})" in c for c in cited), (when, cited)


def request(item: str | dict, date: dt.date, diagnosis: str, injury: dt.date | None = None, **history) -> TreatmentRequest:
    return TreatmentRequest.model_validate({
        "request_date": date.isoformat(),
        "patient": {"injury_date": (injury or date - dt.timedelta(days=120)).isoformat(), "diagnoses": [diagnosis]},
        "history": history,
        "items": [item],
    })


REGION_WORDS = {Region.lumbar: "lumbar spine", Region.cervical: "cervical spine", Region.thoracic: "thoracic spine",
                Region.shoulder: "right shoulder", Region.elbow: "right elbow", Region.wrist_hand: "right wrist",
                Region.knee: "right knee", Region.ankle_foot: "right ankle", Region.hip: "right hip",
                Region.upper_extremity: "right arm", Region.lower_extremity: "right leg"}
BODY_PART_BOUNDARIES = [
    (sid, region, day, old, new)
    for sid, src in KB.sources.items() if src.scope == "body_part" and src.tier == "mtus"
    for region in src.regions if region in REGION_WORDS
    for day, old, new in boundaries(sid)
]


@pytest.mark.parametrize("sid, region, day, old, new", BODY_PART_BOUNDARIES,
                         ids=[f"{s}-{r.value}@{d}" for s, r, d, _, _ in BODY_PART_BOUNDARIES])
def test_the_confidence_reason_names_the_body_part_guideline_in_force(sid, region, day, old, new):
    title = KB.sources[sid].title
    for when, label in ((day - DAY, old), (day, new)):
        if when < dt.date(2017, 12, 1):  # the day before the ACOEM guidelines: the 2016 CPMTG line decides
            continue
        (result,) = CHECKER.check(request(f"Physical therapy x 6 for the {REGION_WORDS[region]}", when, "sprain"))
        assert f"{title}, {label}" in result.confidence_reason, result.confidence_reason


def test_no_chronic_pain_guideline_line_of_2009_or_2016_is_in_force_from_2017_12_01():
    last = dt.date(2017, 11, 30)
    for rule in KB.rules:
        if rule.source == "mtus_cpmtg":
            assert rule.effective.end is not None and rule.effective.end <= last, rule.id


@pytest.mark.parametrize("family", sorted(f.value for f in PHYSICAL_MEDICINE))
@pytest.mark.parametrize("region", [Region.lumbar, Region.cervical, Region.shoulder, Region.knee, Region.wrist_hand])
def test_a_request_dated_today_gets_a_decision_with_tier_and_confidence(family, region):
    words = {"physical_therapy": "Physical therapy x 6", "acupuncture": "Acupuncture x 6", "massage": "Massage x 4",
             "chiropractic": "Chiropractic manipulation x 6", "aquatic_therapy": "Aquatic therapy x 6",
             "work_conditioning": "Work conditioning x 10", "tens": "TENS unit 30 day rental",
             "passive_modality": "Electrical stimulation x 6"}[family]
    text = f"{words} for the {REGION_WORDS[region]}"
    # the family named too: a passive modality's line is read by the service vocabulary (checker.normalize)
    req = request({"text": text, "family": family}, TODAY, f"pain in the {REGION_WORDS[region]}",
                  adjunct_to_exercise="yes", medication_reduced_or_not_tolerated="yes")
    (result,) = CHECKER.check(req)
    assert result.family.value == family
    assert result.decision in (Decision.certify, Decision.non_certify), result.not_covered_reason
    assert result.confidence in ("high", "medium", "low") and result.confidence_reason
    assert all(f.tier in (1, 2, 3) for f in result.findings)
    assert not any(f.citation.source.startswith(KB.sources["mtus_cpmtg"].title) for f in result.findings)


# Imaging and nerve studies: from 2017-12-01 the ODG criteria the letters quoted decide, as tier 2,
# confirmed only to 2017-11-30 (rules/odg_imaging.yaml, rules/odg_electrodiagnostics.yaml).
STUDIES_TODAY = [
    ("MRI of the lumbar spine", "low back pain with radiculopathy"), ("X-rays of the right hip", "right hip pain"),
    ("MRI of the right shoulder", "right shoulder impingement"), ("MRI of the right knee", "right knee pain"),
    ("MRI of the right hip", "right hip pain"), ("Three phase bone scan of the left foot", "left foot pain"),
    ("EMG of the bilateral lower extremities", "lumbar radiculopathy"),
    ("NCS of the bilateral lower extremities", "lumbar radiculopathy"),
    ("NCS of the right upper extremity", "carpal tunnel syndrome"),
    ("EMG/NCS of the right upper extremity", "cervical radiculopathy"),
]


@pytest.mark.parametrize("line, diagnosis", STUDIES_TODAY)
def test_a_study_requested_today_gets_a_decision_of_the_odg_lines_with_its_confidence(line, diagnosis):
    (result,) = CHECKER.check(request(line, TODAY, diagnosis))
    assert result.family.value in ("imaging", "electrodiagnostic")
    assert result.decision in (Decision.certify, Decision.non_certify), result.not_covered_reason
    assert result.deciding_rules and all(r.startswith("odg.") for r in result.deciding_rules)
    assert all(f.tier == 2 and f.confidence == "unconfirmed" for f in result.findings)
    assert result.confidence == "low" and result.confidence_reason
    assert not any(f.citation.source.startswith(KB.sources["mtus_cpmtg"].title) for f in result.findings)


def test_acupuncture_cites_the_regulation_of_its_edition_on_each_side_of_2017_12_01():
    for when, label in ((dt.date(2017, 11, 30), "2009"), (dt.date(2017, 12, 1), "2017")):
        (result,) = CHECKER.check(request("Acupuncture x 6 for the low back", when, "low back pain",
                                          medication_reduced_or_not_tolerated="yes"))
        trial = next(f for f in result.findings if f.rule == "mtus.acupuncture.trial")
        assert f"Acupuncture Medical Treatment Guidelines ({label})" in trial.citation.source


def test_an_undated_request_is_judged_as_of_today_and_says_so():
    req = TreatmentRequest.model_validate({"patient": {"diagnoses": ["low back pain"]},
                                           "items": ["Physical therapy x 6 for the lumbar spine"]})
    (result,) = CHECKER.check(req, today=TODAY)
    assert result.understood.guideline_date == TODAY and result.understood.date_basis == "today"
    assert result.decision is not Decision.not_covered
