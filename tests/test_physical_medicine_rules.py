"""Physical-medicine rules: "additional" therapy and requested ranges (issue 8, items 3 and 5).

1. "additional", "continued", "further", "more" ... on the item line: every cue word x family
   implies an earlier course of unknown size when the case records none (and only then).
2. A requested range is judged by its high end (checker.engine.facts.RANGE_END), in the fact and
   in the decision alike.
"""
from __future__ import annotations

import datetime as dt

import pytest

import checker.engine.facts as facts_module
from checker.check import Checker
from checker.engine.facts import RANGE_END, build_fact, patient_context, pick_dates, requested_visits
from checker.kb.load import default_kb
from checker.normalize.item import normalize_item
from checker.normalize.item_text import parse_item
from checker.request.model import TreatmentRequest
from checker.vocab import Decision, Family

KB = default_kb()
CHECKER = Checker(KB)

PERIODS = {"cpmtg2009": dt.date(2015, 6, 1), "cpmtg2016": dt.date(2017, 3, 1), "acoem": dt.date(2019, 3, 1)}
PHASE_DAYS = {"acute": 14, "subacute": 45, "chronic": 200, "unknown": None}


def request(item, date: dt.date, injury_days: int | None = 200, diagnoses=("sprain",), prior=None,
            surgeries=(), **history) -> TreatmentRequest:
    patient = {"diagnoses": list(diagnoses), "surgeries": list(surgeries)}
    if injury_days is not None:
        patient["injury_date"] = (date - dt.timedelta(days=injury_days)).isoformat()
    return TreatmentRequest.model_validate({
        "request_date": date.isoformat(), "patient": patient,
        "history": {"prior_treatment": prior or {}, **history},
        "items": [item],
    })


def check_one(req: TreatmentRequest):
    (result,) = CHECKER.check(req)
    return result


# ------------------------------------------------------------------ 3. "additional" therapy

CUES = ["additional", "continued", "continue", "continuation of", "further", "more"]
FAMILY_WORDS = {
    Family.physical_therapy: "physical therapy", Family.chiropractic: "chiropractic treatment",
    Family.acupuncture: "acupuncture", Family.massage: "massage therapy", Family.aquatic_therapy: "aquatic therapy",
    Family.work_conditioning: "work conditioning",
}
PHRASINGS = ["{cue} {words} x 6 for the low back", "{Words}, 6 {cue} sessions, low back",
             "{Words} {cue} 2 times a week for 3 weeks for the lumbar spine"]
ADDITIONAL_CASES = [(cue, family, p) for cue in CUES for family in FAMILY_WORDS for p in PHRASINGS]


def item_for(cue: str, family: Family, phrasing: str) -> dict:
    words = FAMILY_WORDS[family]
    text = phrasing.format(cue=cue, words=words, Words=words.capitalize())
    return {"text": text, "family": family.value}  # the family named: passive modalities are the vocabulary's


def fact_of(req: TreatmentRequest) -> dict:
    item = normalize_item(req.items[0])
    return build_fact(req, item, KB, pick_dates(req, None, req.request_date), patient_context(req, KB))


@pytest.mark.parametrize("cue, family, phrasing", ADDITIONAL_CASES,
                         ids=[f"{c}-{f.value}-{i % 3}" for i, (c, f, _) in enumerate(ADDITIONAL_CASES)])
def test_additional_therapy_implies_an_earlier_course_of_unknown_size(cue, family, phrasing):
    date = PERIODS["cpmtg2016"]
    item = item_for(cue, family, phrasing)
    assert parse_item(item["text"]).additional and parse_item(item["text"]).visits == 6
    req = request(item, date, 200, adjunct_to_exercise="yes", home_exercise_program="yes",
                  medication_reduced_or_not_tolerated="yes", plateau_after_therapy="yes", return_to_work_goal="yes")
    fact = fact_of(req)
    assert fact["has_prior"] is True and fact["prior_known"] is False and fact["prior_min"] == 0
    result = check_one(req)
    assert result.decision is Decision.non_certify
    continuation = [f for f in result.findings if KB.rule(f.rule).kind == "continuation"]
    assert continuation and all(f.check == "count_unknown" and f.effect == "block" for f in continuation)


@pytest.mark.parametrize("family", FAMILY_WORDS)
def test_the_case_count_stands_beside_additional(family):
    date = PERIODS["cpmtg2016"]
    item = item_for("additional", family, PHRASINGS[0])
    counted = fact_of(request(item, date, prior={family.value: {"visits": 4, "functional_improvement": "yes"}}))
    assert counted["has_prior"] and counted["prior_known"] and counted["prior_min"] == 4 and counted["fi"] == "yes"
    # the case says there was none ("no prior chiropractic"): it is believed
    none = fact_of(request(item, date, prior={family.value: {"visits": 0}}))
    assert none["has_prior"] is False and none["prior_known"] is True
    # without the cue word nothing is implied
    plain = fact_of(request({**item, "text": item["text"].replace("additional ", "")}, date))
    assert plain["has_prior"] is False and plain["prior_known"] is True


# ------------------------------------------------------------------ 4. ranges

RANGES = ["Acupuncture 1-2 times a week for 4 weeks", "Acupuncture 8-12 visits", "Acupuncture 3 to 6 sessions",
          "Acupuncture 2-3x4", "Acupuncture one to two times per week for three weeks"]


def test_a_range_is_judged_by_its_high_end():
    assert RANGE_END == "high"


@pytest.mark.parametrize("text", RANGES)
def test_the_fact_and_the_decision_read_the_same_end_of_a_range(text):
    req = request(text + " for the low back", PERIODS["cpmtg2016"], medication_reduced_or_not_tolerated="yes")
    item = normalize_item(req.items[0])
    assert item.visits_min < item.visits, "the phrasing is a range"
    fact = fact_of(req)
    assert fact["requested"] == item.visits == requested_visits(item)
    assert check_one(req).requested_quantity == fact["requested"]


@pytest.mark.parametrize("text", RANGES)
def test_a_range_is_certified_only_when_its_high_end_fits(text):
    trial = KB.rule("mtus.acupuncture.trial").parameters.trial_visits
    req = request(text + " for the low back", PERIODS["cpmtg2016"], medication_reduced_or_not_tolerated="yes")
    item = normalize_item(req.items[0])
    result = check_one(req)
    if item.visits <= trial:
        assert result.decision is Decision.certify
    else:  # the low end may fit: the request as written does not
        assert result.decision is Decision.non_certify and result.certifiable_quantity == trial


def test_requested_visits_follows_range_end(monkeypatch):
    item = normalize_item(request("Physical therapy 1-2 times a week for 4 weeks", PERIODS["cpmtg2016"]).items[0])
    assert requested_visits(item) == 8
    monkeypatch.setattr(facts_module, "RANGE_END", "low")
    assert requested_visits(item) == 4
