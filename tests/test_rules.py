"""Every limiting rule at its boundary, guideline editions by date, and each family end to end.

1. Generated from the rule base: for each course, trial, cap, postsurgical and device rule,
   a fact inside its applicability (tests/factgen.py) at the rule's own number and one
   past it. The real engine must fire the rule's within/exceeds check, and a decision made
   on that rule alone must certify `limit` and not `limit + 1`, certifying exactly the
   limit (less what was already given). A general rule (trial, cap) that cannot decide by
   itself is paired with a primary rule that allows any number, so only it limits.
2. The same request on dates in the 2009 and 2016 CPMTG editions and after 2017-12-01,
   and --as-of (Checker.check's as_of) overriding the request date.
3. Each family end to end through Checker on TreatmentRequests, at the limit its deciding
   rule sets (numbers read from the rule base, never written here).
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from functools import lru_cache
from typing import get_args

import pytest

from checker.check import Checker
from checker.decide import ItemResult, decide
from checker.engine.checks import DAYS_PER_MONTH
from checker.engine.engine import Engine
from checker.kb.load import KnowledgeBase, default_kb
from checker.kb.schema import Kind, Rule
from checker.normalize.item import NormalizedItem
from checker.request.model import TreatmentRequest
from checker.vocab import Decision, Family, Region
from tests.factgen import fact_for

KB = default_kb()
ENGINE = Engine(KB)
CHECKER = Checker(KB)
LIMITING = ("course", "fallback", "trial", "cap", "postsurgical", "device_trial")


def rules_of(*kinds: str) -> list[Rule]:
    return [r for r in KB.rules if r.kind in kinds]


def ids(rules: list[Rule]) -> list[str]:
    return [r.id for r in rules]


# ------------------------------------------------------------------ one rule alone

def companion(rule: Rule) -> Rule:
    """A primary rule in force with `rule` that allows any number: lets a general rule decide."""
    return Rule.model_validate({
        "id": "test.any_number", "kind": "course", "primary": True, "source": rule.source, "section": "test line",
        "pages": "1", "effective": {"from": rule.effective.start, "until": rule.effective.end},
        "family": [f.value for f in rule.family], "parameters": {"visits": 999},
        "rationale": "allows any number of visits", "confidence": {"level": "unconfirmed", "note": "test"},
    })


@lru_cache(maxsize=None)
def alone(rule_id: str) -> tuple[KnowledgeBase, Engine]:
    rule = KB.rule(rule_id)
    rules = [rule] if rule.primary else [rule, companion(rule)]
    kb = dataclasses.replace(KB, rules=rules, rule_files={r.id: "test" for r in rules})
    return kb, Engine(kb)


def item_for(fact: dict) -> NormalizedItem:
    """The normalized item a fact describes (what decide reads besides the fact)."""
    visits = fact["requested"] if fact["quantity_specified"] else None
    return NormalizedItem(
        text="test item", family=Family(fact["family"]), visits=visits, visits_min=visits,
        frequency_per_week=None, weeks=None, regions=[Region(r) for r in fact["regions"]],
        quantity_specified=fact["quantity_specified"], authorized_visits=fact["authorized"], original_visits=None,
        mode=None if fact["mode"] == "unspecified" else fact["mode"],
        duration_days=None if fact["duration_days"] < 0 else fact["duration_days"],
        maintenance=fact["maintenance"], evaluation_only=False, postoperative=fact["postoperative"],
    )


def decide_alone(rule: Rule, fact: dict) -> ItemResult:
    kb, engine = alone(rule.id)
    firings = engine.evaluate(fact)
    return decide(item_for(fact), fact, firings, engine.checks, kb, dt.date.fromordinal(fact["day"]))


def visits(rule: Rule, fact: dict, requested: int, before: int = 0, **more) -> dict:
    """`fact` asking for `requested` visits after `before` already given (prior, and for the cap)."""
    return {**fact, "requested": requested, "before": before, "total": before + requested, "prior_min": before,
            "has_prior": before > 0 or fact["has_prior"], "cap_before": before, "cap_total": before + requested,
            "quantity_specified": True, **more}


def fired(fact: dict, rule: Rule, engine: Engine = ENGINE) -> list[str]:
    return [f.check for f in engine.evaluate(fact) if f.rule_id == rule.id]


def assert_certifies(result: ItemResult, quantity: int) -> None:
    assert result.decision is Decision.certify, [f.message for f in result.findings]
    assert result.certifiable_quantity == result.requested_quantity == quantity


def assert_limits(result: ItemResult, rule: Rule, requested: int, certifiable: int) -> None:
    assert result.decision is Decision.non_certify
    assert result.requested_quantity == requested
    assert result.certifiable_quantity == certifiable
    assert result.deciding_rules == [rule.id]
    finding = next(f for f in result.findings if f.rule == rule.id)
    assert finding.allows == certifiable
    assert (finding.citation.section, finding.citation.pages) == (rule.section, rule.pages)
    assert finding.citation.source.startswith(KB.sources[rule.source].title)


def course_limit(rule: Rule) -> int:
    return int(rule.parameters.visits.max)


@pytest.mark.parametrize("rule", rules_of("course", "fallback"), ids=ids(rules_of("course", "fallback")))
def test_course_rule_at_its_limit(rule):
    limit = course_limit(rule)
    fact = fact_for(rule)
    assert fired(visits(rule, fact, limit), rule) == ["within"]
    assert fired(visits(rule, fact, limit + 1), rule) == ["exceeds"]
    assert_certifies(decide_alone(rule, visits(rule, fact, limit)), limit)
    assert_limits(decide_alone(rule, visits(rule, fact, limit + 1)), rule, limit + 1, limit)


@pytest.mark.parametrize("rule", rules_of("course"), ids=ids(rules_of("course")))
def test_course_rule_counts_visits_already_given(rule):
    limit = course_limit(rule)
    before = limit // 2
    fact = fact_for(rule, fi="yes")
    left = limit - before
    assert fired(visits(rule, fact, left, before), rule) == ["within"]
    assert fired(visits(rule, fact, left + 1, before), rule) == ["exceeds"]
    assert_certifies(decide_alone(rule, visits(rule, fact, left, before)), left)
    assert_limits(decide_alone(rule, visits(rule, fact, left + 1, before)), rule, left + 1, left)


@pytest.mark.parametrize("rule", rules_of("trial"), ids=ids(rules_of("trial")))
def test_trial_rule_at_its_size(rule):
    size = rule.parameters.trial_visits
    fact = fact_for(rule)
    assert fired(visits(rule, fact, size), rule) == ["within"]
    assert fired(visits(rule, fact, size + 1), rule) == ["beyond_without_improvement"]
    assert fired(visits(rule, fact, size + 1, fi="yes"), rule) == ["beyond_with_improvement"]
    assert_certifies(decide_alone(rule, visits(rule, fact, size)), size)
    assert_limits(decide_alone(rule, visits(rule, fact, size + 1)), rule, size + 1, size)
    # beyond the trial with documented objective functional improvement, the trial is no limit
    assert_certifies(decide_alone(rule, visits(rule, fact, size + 1, fi="yes")), size + 1)


@pytest.mark.parametrize("rule", rules_of("cap"), ids=ids(rules_of("cap")))
def test_cap_rule_at_its_cap(rule):
    cap = rule.parameters.cap_visits
    fact = fact_for(rule, fi="yes")
    assert fired(visits(rule, fact, cap), rule) == ["within"]
    assert fired(visits(rule, fact, cap + 1), rule) == ["exceeds"]
    assert_certifies(decide_alone(rule, visits(rule, fact, cap)), cap)
    assert_limits(decide_alone(rule, visits(rule, fact, cap + 1)), rule, cap + 1, cap)
    before = cap - 4  # earlier visits of the injury count toward the cap
    assert_certifies(decide_alone(rule, visits(rule, fact, 4, before)), 4)
    assert_limits(decide_alone(rule, visits(rule, fact, 5, before)), rule, 5, 4)


@pytest.mark.parametrize("rule", rules_of("postsurgical"), ids=ids(rules_of("postsurgical")))
def test_postsurgical_rule_initial_and_general_course(rule):
    initial, general = rule.initial_visits(), int(rule.parameters.visits.max)
    if rule.parameters.initial_visits is None:
        assert initial == general // 2  # 9792.24.3: the initial course is one half of the general course
    assert initial < general
    fact = fact_for(rule)
    assert fired(visits(rule, fact, initial), rule) == ["within_initial"]
    assert fired(visits(rule, fact, initial + 1), rule) == ["beyond_initial_without_improvement"]
    assert_certifies(decide_alone(rule, visits(rule, fact, initial)), initial)
    assert_limits(decide_alone(rule, visits(rule, fact, initial + 1)), rule, initial + 1, initial)
    # after the initial course, with functional improvement documented, up to the general course
    improved = fact_for(rule, fi="yes")
    assert fired(visits(rule, improved, general - initial, initial), rule) == ["within_general"]
    assert fired(visits(rule, improved, general - initial + 1, initial), rule) == ["beyond_general"]
    assert_certifies(decide_alone(rule, visits(rule, improved, general - initial, initial)), general - initial)
    assert_limits(decide_alone(rule, visits(rule, improved, general - initial + 1, initial)), rule,
                  general - initial + 1, general - initial)


@pytest.mark.parametrize("rule", rules_of("postsurgical"), ids=ids(rules_of("postsurgical")))
def test_postsurgical_rule_only_within_its_period(rule):
    last_day = int(rule.parameters.period_months * DAYS_PER_MONTH)
    initial = rule.initial_visits()
    on_last_day = visits(rule, fact_for(rule, days_since_surgery=last_day), initial)
    after = visits(rule, fact_for(rule, days_since_surgery=last_day + 1), initial)
    before_surgery = visits(rule, fact_for(rule, days_since_surgery=-1), initial)
    assert fired(on_last_day, rule) == ["within_initial"]
    assert fired(after, rule) == [] and fired(before_surgery, rule) == []
    assert decide_alone(rule, on_last_day).decision is Decision.certify
    assert decide_alone(rule, after).decision is Decision.not_covered


@pytest.mark.parametrize("rule", rules_of("device_trial"), ids=ids(rules_of("device_trial")))
def test_device_rental_at_its_trial_length(rule):
    days = rule.parameters.rental_days
    fact = fact_for(rule, mode="rental", quantity_specified=True)
    within, beyond = {**fact, "duration_days": days}, {**fact, "duration_days": days + 1}
    assert fired(within, rule) == ["rental_within"]
    assert fired(beyond, rule) == ["rental_exceeds"]
    result = decide_alone(rule, within)
    assert_certifies(result, days)
    assert result.quantity_unit == "days"
    result = decide_alone(rule, beyond)
    assert_limits(result, rule, days + 1, days)
    assert result.quantity_unit == "days"


@pytest.mark.parametrize("rule", rules_of("device_trial"), ids=ids(rules_of("device_trial")))
def test_device_purchase_needs_a_trial_with_benefit(rule):
    purchase = fact_for(rule, mode="purchase", quantity_specified=True)
    assert decide_alone(rule, purchase).decision is Decision.non_certify
    assert decide_alone(rule, {**purchase, "has_prior": True, "fi": "no"}).decision is Decision.non_certify
    assert decide_alone(rule, {**purchase, "has_prior": True, "fi": "yes"}).decision is Decision.certify


def test_every_kind_that_sets_a_number_has_its_boundary_test():
    # The tests above cover every rule of the LIMITING kinds; the other kinds set no number
    # (they block, advise or ask for documentation). A new kind must be placed in one or the other.
    # Criteria rules set no number: each criterion is tested at its boundary in tests/test_criteria.py.
    assert set(get_args(Kind)) == set(LIMITING) | {"continuation", "not_recommended", "prerequisite", "advice",
                                                   "criteria"}
    assert all(rules_of(kind) for kind in LIMITING)


# ------------------------------------------------------------------ requests

def request(items, *, date="2016-09-20", injury="2016-01-04", diagnoses=("lumbar strain",), prior=None,
            surgeries=(), **history) -> TreatmentRequest:
    return TreatmentRequest.model_validate({
        "request_date": date,
        "patient": {"injury_date": injury, "diagnoses": list(diagnoses), "surgeries": list(surgeries)},
        "history": {"prior_treatment": prior or {}, **history},
        "items": items if isinstance(items, list) else [items],
    })


def check_one(req: TreatmentRequest, as_of: str | None = None) -> ItemResult:
    (result,) = CHECKER.check(req, as_of=dt.date.fromisoformat(as_of) if as_of else None)
    return result


def finding(result: ItemResult, rule_id: str):
    return next(f for f in result.findings if f.rule == rule_id)


# ------------------------------------------------------------------ editions by date

CRPS_2009, CRPS_2016 = KB.rule("mtus.pm.crps.2009"), KB.rule("mtus.pm.crps.2016")


def crps_request(date: str, requested: int, prior: int) -> TreatmentRequest:
    return request(f"Physical therapy x {requested}", date=date, injury="2014-01-06",
                   diagnoses=["complex regional pain syndrome of the right upper limb"],
                   prior={"physical_therapy": {"visits": prior, "functional_improvement": "yes"}})


@pytest.mark.parametrize("date, rule", [
    ("2016-03-01", CRPS_2009), ("2016-07-28", CRPS_2009),  # the 2009 CPMTG, to its last day
    ("2016-07-29", CRPS_2016), ("2017-05-01", CRPS_2016),  # the 2016 CPMTG, from its first day
])
def test_crps_line_of_the_edition_in_force(date, rule):
    limit = course_limit(rule)
    edition = KB.sources[rule.source].edition_on(dt.date.fromisoformat(date))
    assert rule.effective.in_force(dt.date.fromisoformat(date))
    at_limit = check_one(crps_request(date, 4, limit - 4))
    f = finding(at_limit, rule.id)
    assert f.check == "within" and f"({edition.label})" in f.citation.source
    over = check_one(crps_request(date, 4, limit - 3))
    assert finding(over, rule.id).check == "exceeds"
    other = CRPS_2016 if rule is CRPS_2009 else CRPS_2009
    assert all(f.rule != other.id for f in at_limit.findings + over.findings)


def test_crps_24_visits_exceed_the_2009_line_and_fit_the_2016_line():
    total = course_limit(CRPS_2009) + 1
    assert course_limit(CRPS_2009) < total <= course_limit(CRPS_2016)
    old = check_one(crps_request("2016-07-28", 2, total - 2))
    new = check_one(crps_request("2016-07-29", 2, total - 2))
    assert finding(old, CRPS_2009.id).check == "exceeds"
    assert finding(new, CRPS_2016.id).check == "within"


def test_a_line_only_the_2016_edition_has():
    arthritis = KB.rule("mtus.pm.arthritis.2016")
    trial = KB.rule("mtus.pm.trial.2016").parameters.trial_visits
    req = lambda date: request(f"Physical therapy x {trial} for the hip", date=date,  # noqa: E731
                               diagnoses=["osteoarthritis of the right hip"])
    before = check_one(req("2016-07-28"))  # no 2009 line names arthritis: the general course decides
    assert before.deciding_rules == ["mtus.pm.general"] and before.confidence == "low"
    assert "fallback" in before.confidence_reason
    after = check_one(req("2016-07-29"))
    assert after.decision is Decision.certify
    assert arthritis.id in after.deciding_rules
    assert any(f.rule == "mtus.pm.general" and f.superseded_by for f in after.superseded)


def test_physical_therapy_from_2017_12_01_rests_on_odg_with_lower_confidence():
    last = check_one(request("Physical therapy x 6 for the lumbar spine", date="2017-11-30"))
    assert last.decision is Decision.certify
    assert any(f.citation.source.startswith(KB.sources["mtus_cpmtg"].title) for f in last.findings)
    first = check_one(request("Physical therapy x 6 for the lumbar spine", date="2017-12-01"))
    assert first.decision is Decision.certify and not first.outside_encoded_dates
    assert all(f.tier == 2 for f in first.findings if f.rule in first.deciding_rules)
    assert not any(f.citation.source.startswith(KB.sources["mtus_cpmtg"].title) for f in first.findings)
    assert first.confidence == "low"
    assert "Low Back Disorders" in first.confidence_reason and "9792.21.1(a)(2)" in first.confidence_reason


def test_acupuncture_after_2017_12_01_is_still_covered_by_its_own_regulation():
    result = check_one(request("Acupuncture x 6 for the low back", date="2019-03-01", injury="2018-10-01"))
    assert result.decision is Decision.certify
    sources = {f.citation.source for f in result.findings}
    assert any("Acupuncture Medical Treatment Guidelines (2017)" in s for s in sources), sources


def test_as_of_overrides_the_request_date():
    req = request("Physical therapy x 6 for the lumbar spine", date="2019-03-01", injury="2018-11-01")
    today = check_one(req)
    assert today.understood.guideline_date == dt.date(2019, 3, 1)
    assert not any("Chronic Pain Medical Treatment" in f.citation.source for f in today.findings)
    result = check_one(req, as_of="2016-09-01")
    assert result.decision is Decision.certify
    assert result.understood.guideline_date == dt.date(2016, 9, 1)
    assert "(2016)" in finding(result, "mtus.pm.myalgia").citation.source
    back = check_one(request("Physical therapy x 6 for the lumbar spine", date="2016-09-01"), as_of="2019-03-01")
    assert back.understood.guideline_date == dt.date(2019, 3, 1)
    assert not any(f.rule.startswith("mtus.pm.") for f in back.findings)


def test_a_family_before_its_first_encoded_line_is_not_covered_and_says_why():
    result = check_one(request("Physical therapy x 6 for the lumbar spine", date="2008-06-01", injury="2008-01-02"))
    assert result.decision is Decision.not_covered and result.outside_encoded_dates
    assert result.findings == [] and result.certifiable_quantity is None
    assert "2008-06-01" in result.not_covered_reason
    # the reason names no option of a command: compare shows it too, and has no --as-of
    assert "--as-of" not in result.not_covered_reason


def test_as_of_chooses_the_edition_but_intervals_run_to_the_request_date():
    # Chronic pain (3 months from injury) is measured to the request date whatever --as-of says.
    req = request("TENS unit 30 day rental", date="2016-02-02", injury="2016-01-04", other_modalities_failed="yes",
                  adjunct_to_exercise="yes")
    for as_of in (None, "2017-06-01"):
        assert finding(check_one(req, as_of), "mtus.tens.chronic_pain").check == "not_met"


# ------------------------------------------------------------------ each family end to end

def limit_case(family: str, make, rule_id: str, limit_of):
    return pytest.param(Family(family), make, KB.rule(rule_id), limit_of, id=f"{family}-{rule_id}")


FI = {"functional_improvement": "yes"}
FAMILY_CASES = [
    # physical therapy: the MTUS myalgia line, 6 visits already given with improvement
    limit_case("physical_therapy", lambda n: request(f"Physical therapy x {n} for the lumbar spine",
                                                     prior={"physical_therapy": {"visits": 6, **FI}}),
               "mtus.pm.myalgia", lambda r: course_limit(r) - 6),
    # physical therapy, 2016 edition: the six-visit clinical trial for a new course
    limit_case("physical_therapy", lambda n: request(f"Physical therapy {n} visits for the lumbar spine"),
               "mtus.pm.trial.2016", lambda r: r.parameters.trial_visits),
    # the Labor Code cap: CRPS allows 26 in the 2016 edition, the cap stops at 24
    limit_case("physical_therapy", lambda n: crps_request("2016-09-20", n, 20), "lc4604_5.visit_cap",
               lambda r: r.parameters.cap_visits - 20),
    # postsurgical: the initial course after meniscectomy is half the general course
    limit_case("physical_therapy", lambda n: request(
        f"Post-op physical therapy x {n} for the right knee", diagnoses=["medial meniscus tear, right knee"],
        surgeries=[{"procedure": "arthroscopic partial medial meniscectomy, right knee", "date": "2016-09-06"}]),
        "ptg.knee_meniscectomy", lambda r: r.initial_visits()),
    limit_case("aquatic_therapy", lambda n: request(f"Aquatic therapy x {n} for the low back",
                                                    prior={"physical_therapy": {"visits": 4, **FI}},
                                                    reduced_weight_bearing_needed="yes"),
               "mtus.pm.myalgia", lambda r: course_limit(r) - 4),
    limit_case("acupuncture", lambda n: request(f"Acupuncture x {n} for the low back",
                                                medication_reduced_or_not_tolerated="yes"),
               "mtus.acupuncture.trial", lambda r: r.parameters.trial_visits),
    limit_case("massage", lambda n: request(f"Massage therapy x {n} for the low back", adjunct_to_exercise="yes"),
               "mtus.massage.course", course_limit),
    limit_case("chiropractic", lambda n: request(f"Chiropractic manipulation x {n} for the low back",
                                                 prior={"chiropractic": {"visits": 6, **FI}}),
               "mtus.manipulation.low_back.course", lambda r: course_limit(r) - 6),
    limit_case("chiropractic", lambda n: request(f"Chiropractic manipulation x {n} for the low back"),
               "mtus.manipulation.low_back.trial", lambda r: r.parameters.trial_visits),
    limit_case("chiropractic", lambda n: request(f"Chiropractic manipulation x {n} for the neck",
                                                 diagnoses=["cervical strain"]),
               "odg.manipulation.neck.trial", lambda r: r.parameters.trial_visits),
    limit_case("work_conditioning", lambda n: request(f"Work conditioning x {n}", plateau_after_therapy="yes",
                                                      return_to_work_goal="yes"),
               "odg.work_conditioning.course", course_limit),
    # a passive modality with active therapy and home exercise (2009 CPMTG, ACOEM Low Back): the six-visit trial
    limit_case("passive_modality", lambda n: request({"text": f"Infrared heat x {n} for the low back",
                                                      "family": "passive_modality"}, date="2016-03-01",
                                                     adjunct_to_exercise="yes", home_exercise_program="yes"),
               "odg.pt.six_visit_trial", lambda r: r.parameters.trial_visits),
    limit_case("tens", lambda n: request(f"TENS unit {n} day rental", date="2016-09-20", injury="2015-04-01",
                                         other_modalities_failed="yes", adjunct_to_exercise="yes"),
               "mtus.tens.trial", lambda r: r.parameters.rental_days),
]


@pytest.mark.parametrize("family, make, rule, limit_of", FAMILY_CASES)
def test_each_family_end_to_end_at_the_limit(family, make, rule, limit_of):
    limit = limit_of(rule)
    assert limit > 0
    ok = check_one(make(limit))
    assert ok.family is family and family in rule.family
    assert_certifies(ok, limit)
    assert rule.id in ok.deciding_rules or any(f.rule == rule.id and f.effect == "ok" for f in ok.findings)
    over = check_one(make(limit + 1))
    assert over.decision is Decision.non_certify
    assert over.certifiable_quantity == limit
    assert rule.id in over.deciding_rules
    f = finding(over, rule.id)
    assert f.effect == "limit" and f.citation.section == rule.section and f.citation.pages == rule.pages


def test_every_family_has_an_end_to_end_case():
    # every family with a rule that sets a number (criteria rules are tested in test_criteria.py and per kind)
    numbered = {f for rule in KB.rules if rule.kind in LIMITING for f in rule.family}
    assert {p.values[0] for p in FAMILY_CASES} == numbered


def test_postsurgical_schedule_replaces_the_cap_within_its_period():
    # 24 earlier visits have used the cap; a new surgery's initial course is still certifiable.
    rule = KB.rule("ptg.knee_meniscectomy")
    surgery = [{"procedure": "arthroscopic partial medial meniscectomy, right knee", "date": "2016-09-06"}]
    make = lambda date: request(f"Post-op physical therapy x {rule.initial_visits()} for the right knee",  # noqa: E731
                                date=date, diagnoses=["medial meniscus tear, right knee"], surgeries=surgery,
                                prior={"chiropractic": {"visits": 24}})
    result = check_one(make("2016-09-20"))
    assert result.decision is Decision.certify
    assert "lc4604_5.visit_cap" not in {f.rule for f in result.findings}


def test_chiropractic_and_physical_therapy_have_separate_caps():
    cap = KB.rule("lc4604_5.visit_cap").parameters.cap_visits
    prior = {"physical_therapy": {"visits": cap, **FI}, "chiropractic": {"visits": 6, **FI}}
    chiro = check_one(request("Chiropractic manipulation x 6 for the low back", prior=prior))
    assert finding(chiro, "lc4604_5.visit_cap").check == "within"
    pt = check_one(request("Physical therapy x 2 for the lumbar spine", prior=prior))
    assert finding(pt, "lc4604_5.visit_cap").check == "exceeds"
    assert pt.certifiable_quantity == 0


def test_structured_fields_reach_the_same_decision_as_the_item_text():
    text = check_one(request("Massage therapy x 8 for the low back", adjunct_to_exercise="yes"))
    fields = check_one(request({"family": "massage", "visits": 8, "regions": ["lumbar"]}, adjunct_to_exercise="yes"))
    assert (text.decision, text.certifiable_quantity, text.deciding_rules) == \
        (fields.decision, fields.certifiable_quantity, fields.deciding_rules)


def test_a_monthly_frequency_times_n_is_n_months():
    # "1 visit per month x 6" asks for six monthly visits, not six weeks' worth (2).
    result = check_one(request("Chiropractic maintenance care, lumbar spine, 1 visit per month x 6"))
    assert result.requested_quantity == 6
    assert result.understood.weeks == 24
    assert result.decision is Decision.non_certify and "mtus.manipulation.maintenance" in result.deciding_rules
