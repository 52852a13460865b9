"""The precheck on whole requests: how an item's wording and the patient's record are read.

Limits come from the rule base, never typed in here; these tests pin how a request is
understood (an evaluation, a spinal item) before the rules judge it.
"""
from __future__ import annotations

import datetime as dt

from checker.check import Checker
from checker.kb.load import default_kb
from checker.request.model import TreatmentRequest
from checker.vocab import Decision

CHECKER = Checker(default_kb())
DAY = dt.date(2016, 12, 1)  # the 2016 Chronic Pain Medical Treatment Guidelines are in force


def check(item: str, **history) -> object:
    request = TreatmentRequest.model_validate({
        "request_date": DAY,
        "patient": {"injury_date": dt.date(2016, 10, 1), "diagnoses": ["lumbar strain", "left knee strain"]},
        "history": history,
        "items": [item],
    })
    (result,) = CHECKER.check(request)
    return result


def test_an_evaluation_is_one_visit_of_its_family():
    result = check("Physical therapy evaluation for the low back")
    assert result.understood.visits == 1
    assert result.decision is Decision.certify
    assert result.certifiable_quantity == 1


def test_an_evaluation_after_care_of_unknown_count_and_effect_is_judged_like_more_care():
    result = check("Chiropractic evaluation, lumbar spine",
                   prior_treatment={"chiropractic": {"functional_improvement": "not stated"}})
    assert result.decision is Decision.non_certify
    assert "mtus.manipulation.continuation" in result.deciding_rules


def test_an_evaluation_for_a_region_the_guideline_does_not_recommend_is_not_certified():
    result = check("Chiropractic evaluation, left knee")
    assert result.decision is Decision.non_certify
    assert result.understood.regions == ["knee"]


def test_a_spinal_item_that_names_no_region_is_for_the_patients_spine():
    result = check("Chiropractic spinal manipulation times 6")
    assert result.understood.regions == ["lumbar"]  # not the knee of the same patient
    assert "mtus.manipulation.not_recommended" not in {f.rule for f in result.findings}


def test_an_item_that_names_no_region_is_for_every_region_of_the_patient():
    result = check("Chiropractic manipulation times 6")
    assert result.understood.regions == ["knee", "lumbar"]


def test_a_flare_up_without_earlier_care_of_the_family_gets_a_first_trial():
    result = check("Chiropractic manipulation 6 visits for the low back", flare_up="yes")
    assert "mtus.manipulation.low_back.trial" in {f.rule for f in result.findings}
    assert "mtus.manipulation.flare_up" not in {f.rule for f in result.findings}


def test_a_flare_up_after_earlier_care_of_the_family_is_a_recurrence():
    result = check("Chiropractic manipulation 6 visits for the low back", flare_up="yes", returned_to_work="yes",
                   prior_treatment={"chiropractic": {"visits": 12, "functional_improvement": "yes"}})
    fired = {f.rule for f in result.findings}
    assert {"mtus.manipulation.flare_up", "mtus.manipulation.flare_up.return_to_work"} <= fired
    assert "mtus.manipulation.low_back.trial" not in fired
    assert result.decision is Decision.non_certify  # more than the 1-2 visits every 4-6 months


def test_an_item_whose_quantity_cannot_be_read_is_not_covered_and_says_so():
    from checker.check import Checker
    from checker.request.model import TreatmentRequest
    from checker.vocab import Decision

    req = TreatmentRequest.model_validate({
        "request_date": "2016-09-20", "patient": {"injury_date": "2016-01-04", "diagnoses": ["lumbar strain"]},
        "items": ["Physical therapy x 99999999999999999999999999", "Something unheard of x 6"],
    })
    quantity, service = Checker().check(req)
    assert quantity.decision is Decision.not_covered and quantity.not_covered_reason.startswith("could not read the quantity")
    assert service.decision is Decision.not_covered and service.not_covered_reason.startswith("could not read the service")
