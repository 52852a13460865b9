"""A postsurgical rule stays in the region of its surgery (issue 12, item 1).

After a knee meniscectomy, therapy for the shoulder or the low back is judged by the
ordinary rules and the 24-visit cap, never by the meniscectomy schedule. Generated from the
rule base: every postsurgical rule x every surgery category it names x every family it
covers x every region outside the category's, and the category's own regions as controls.
"""
from __future__ import annotations

import datetime as dt
import re

import pytest

from checker.check import Checker
from checker.kb.load import default_kb
from checker.normalize.regions import detect_regions
from checker.request.model import TreatmentRequest
from checker.vocab import Region

KB = default_kb()
CHECKER = Checker(KB)
POSTSURGICAL = [r for r in KB.rules if r.kind == "postsurgical"]
CATEGORY = {m.category.id: m.category for m in KB.surgeries}


# Anatomy, written here as the test's own oracle: an extremity holds its joints.
EXTREMITY_PARTS = {
    Region.upper_extremity: {Region.shoulder, Region.elbow, Region.wrist_hand},
    Region.lower_extremity: {Region.hip, Region.knee, Region.ankle_foot},
}


def outside(regions) -> list[Region]:
    """Regions that are not one of `regions`, nor an extremity holding one of them."""
    return [r for r in Region if r not in regions and not (EXTREMITY_PARTS.get(r, set()) & set(regions))]


def plain(synonym: str) -> str:
    """One phrase a synonym pattern matches: optional parts dropped, first alternatives taken."""
    text = synonym
    while True:
        new = re.sub(r"\(\?:[^()]*\)\?", "", text)  # (?:...)? -> nothing
        new = re.sub(r"\(\?:([^()|]*)(?:\|[^()]*)?\)", r"\1", new)  # (?:a|b) -> a
        if new == text:
            break
        text = new
    text = re.sub(r"\\w\+|\\w", "x", text)
    text = re.sub(r"(\w)\?", "", text).replace("\\d", "5").replace("\\", "")
    return re.sub(r"\{\d+,\d+\}|\[[^]]*\]", "", text).strip()


def procedure_text(category_id: str) -> str:
    """A procedure as written that falls in the category and names none but its regions."""
    category = CATEGORY[category_id]
    for text in [*(plain(s) for s in category.synonyms), category.label]:
        named = set(detect_regions(text))
        if category_id in KB.classify_surgery(text) and (not named or named == set(category.regions)):
            return text
    raise AssertionError(f"no procedure text falls in surgery category {category_id}")


def request_day(rule) -> dt.date:
    day = max(rule.effective.start, dt.date(2016, 1, 4)) + dt.timedelta(days=60)
    if rule.effective.end:
        day = min(day, rule.effective.end)
    return day


def judge(rule, category_id: str, family, region: Region, procedure: str | None = None):
    day = request_day(rule)
    surgery = day - dt.timedelta(days=30)  # well inside every postsurgical period
    request = TreatmentRequest.model_validate({
        "request_date": day.isoformat(),
        "patient": {"injury_date": (surgery - dt.timedelta(days=60)).isoformat(),
                    "surgeries": [{"procedure": procedure or procedure_text(category_id), "date": surgery.isoformat()}]},
        "items": [{"text": family.label, "family": family.value, "visits": 6, "regions": [region.value]}],
    })
    return CHECKER.check(request)[0]


def postsurgical_rules_used(result) -> set[str]:
    named = {f.rule for f in [*result.findings, *result.superseded]} | set(result.deciding_rules)
    return {r for r in named if KB.rule(r).kind == "postsurgical"}


def test_every_surgery_category_names_its_regions():
    missing = [c.id for c in CATEGORY.values() if not c.regions]
    assert not missing, f"surgery categories without regions: {missing}"


CASES = [(rule, category, family) for rule in POSTSURGICAL for category in rule.applies_to.surgeries
         for family in rule.family]


@pytest.mark.parametrize("rule,category,family", CASES,
                         ids=[f"{r.id}-{c}-{f.value}" for r, c, f in CASES])
def test_postsurgical_rule_applies_only_in_its_region(rule, category, family):
    own = CATEGORY[category].regions
    elsewhere = outside(own)
    assert elsewhere, "every category leaves some region outside"
    for region in elsewhere:
        used = postsurgical_rules_used(judge(rule, category, family, region))
        assert rule.id not in used, f"{rule.id} judged {family.value} for {region.value} after {category}"
    for region in own:  # the control: in its own region the rule does apply
        used = postsurgical_rules_used(judge(rule, category, family, region))
        assert rule.id in used, f"{rule.id} did not judge {family.value} for {region.value} after {category}"


@pytest.mark.parametrize("extremity", list(EXTREMITY_PARTS))
def test_an_extremity_named_as_a_whole_holds_its_joints(extremity):
    rule = next(r for r in POSTSURGICAL if any(set(CATEGORY[c].regions) & EXTREMITY_PARTS[extremity]
                                               for c in r.applies_to.surgeries))
    category = next(c for c in rule.applies_to.surgeries if set(CATEGORY[c].regions) & EXTREMITY_PARTS[extremity])
    assert rule.id in postsurgical_rules_used(judge(rule, category, rule.family[0], extremity))


def _issue_request(items: list) -> TreatmentRequest:
    return TreatmentRequest.model_validate({
        "request_date": "2016-11-01",
        "patient": {"injury_date": "2016-08-01", "diagnoses": ["right knee medial meniscus tear", "low back pain"],
                    "surgeries": [{"procedure": "arthroscopic partial meniscectomy", "date": "2016-10-15"}]},
        "items": items,
    })


def test_the_reported_case_shoulder_and_low_back_after_a_meniscectomy():
    results = CHECKER.check(_issue_request([
        "Physical therapy x 6 right shoulder", "Physical therapy x 6 low back",
        "Physical therapy x 6 right knee", "Physical therapy x 6"]))
    shoulder, back, knee, unnamed = results
    assert not postsurgical_rules_used(shoulder) and not postsurgical_rules_used(back)
    assert "ptg.knee_meniscectomy" in knee.deciding_rules
    # an item naming no region takes the patient's (knee and low back): the knee surgery concerns it
    assert "ptg.knee_meniscectomy" in unnamed.deciding_rules


def test_a_procedure_naming_its_region_narrows_a_spine_category():
    rule = KB.rule("ptg.lumbar_discectomy")  # discectomy/laminectomy: any level of the spine
    assert {Region.cervical, Region.lumbar} <= set(CATEGORY["lumbar_discectomy"].regions)
    family = rule.family[0]
    assert rule.id in postsurgical_rules_used(judge(rule, "lumbar_discectomy", family, Region.lumbar, "L4-5 microdiscectomy"))
    assert rule.id not in postsurgical_rules_used(judge(rule, "lumbar_discectomy", family, Region.cervical, "L4-5 microdiscectomy"))
    # naming no level, a discectomy is anywhere on the spine
    assert rule.id in postsurgical_rules_used(judge(rule, "lumbar_discectomy", family, Region.cervical, "discectomy"))


def test_a_procedure_contradicting_a_category_drops_it():
    # "arthroscopic debridement" reads as shoulder arthroscopy too; "of the knee" says where it was
    procedure = "arthroscopic debridement of the right knee"
    assert "rotator_cuff_arthroscopic" in KB.classify_surgery(procedure)
    rule = KB.rule("ptg.rotator_cuff_arthroscopic")
    assert rule.id not in postsurgical_rules_used(judge(rule, "rotator_cuff_arthroscopic", rule.family[0], Region.shoulder, procedure))


def test_post_operative_therapy_for_another_region_does_not_count_the_surgery():
    shoulder, unnamed = CHECKER.check(_issue_request(["Post-op physical therapy x 6 right shoulder",
                                                      "Post-op physical therapy x 6"]))
    performed = {f.check for f in shoulder.findings if f.rule == "ptg.surgery_performed"}
    assert performed and "met" not in performed
    assert "ptg.knee_meniscectomy" in unnamed.deciding_rules
