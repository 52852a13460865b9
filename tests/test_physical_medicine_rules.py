"""Physical-medicine rules: which guideline governs by phase and date, passive modalities,
"additional" therapy, requested ranges, and the postsurgical table (issue 8, items 1-5).

1. Phase selection, generated over every region x phase (acute, subacute, chronic, unknown) x
   period (2009 CPMTG, 2016 CPMTG, ACOEM from 2017-12-01). The policy the rule base encodes is
   written here once, as the oracle (PASSIVE_GOVERNS, CPMTG_GOVERNS_PHYSICAL_THERAPY):
   - physical therapy: the CPMTG lines in every phase while the CPMTG is in force (the dev
     letters' reviewers cite them from 7 days after an injury), with the ACOEM 2004 Initial
     Approaches statement beside them in the acute and subacute phases; from 2017-12-01 neither;
   - passive modalities: the 2009 CPMTG in every phase; the 2016 CPMTG only for chronic pain,
     the ACOEM Low Back chapter for the low back in any phase, ODG's preface elsewhere; from
     2017-12-01 ODG alone. The confidence reason says whether the MTUS or ODG decided.
2. Passive modalities: the adjunct-to-active-therapy condition, every modality a rule names
   (through the item attributes the reader gives, NormalizedItem.attributes) and the ones no rule
   names, continuation after an earlier course, TENS in the acute low back.
3. "additional", "continued", "further", "more" ... on the item line: every cue word x family
   implies an earlier course of unknown size when the case records none (and only then).
4. A requested range is judged by its high end (checker.engine.facts.RANGE_END), in the fact and
   in the decision alike.
5. The postsurgical table: every surgery category names its regions and has a postsurgical
   rule; every surgery FACTS.md sections 9 and 2 list falls in a category; every phrasing of
   every category's procedure words (each alternative of each pattern, with side, "status post"
   and date around it) is classified, and a procedure of one category gets its rule's initial
   course certified and no more.
"""
from __future__ import annotations

import datetime as dt
import io
import itertools
import re
import re._parser as sre

import pytest
from rich.console import Console

import checker.engine.facts as facts_module
from checker.check import Checker
from checker.decide import decide
from checker.engine.engine import Engine
from checker.engine.facts import RANGE_END, build_fact, patient_context, pick_dates, requested_visits
from checker.kb.load import default_kb
from checker.normalize.item import normalize_item
from checker.normalize.item_text import detect_regions, parse_item
from checker.report.rules_table import rules_table
from checker.request.model import TreatmentRequest
from checker.vocab import Decision, Family, Region

KB = default_kb()
CHECKER = Checker(KB)
ENGINE = Engine(KB)
DAY = dt.timedelta(days=1)

PERIODS = {"cpmtg2009": dt.date(2015, 6, 1), "cpmtg2016": dt.date(2017, 3, 1), "acoem": dt.date(2019, 3, 1)}
PHASE_DAYS = {"acute": 14, "subacute": 45, "chronic": 200, "unknown": None}
REGIONS = list(Region)


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


def active_primaries(result) -> set[str]:
    return {f.rule for f in result.findings if KB.rule(f.rule).primary}


# ------------------------------------------------------------------ 1. phase selection

def PASSIVE_GOVERNS(period: str, phase: str, region: Region) -> set[str]:
    """The primary rules that govern a passive modality (the policy, written once)."""
    low_back = {"acoem2004.low_back.passive_home_exercise"} if region is Region.lumbar else set()
    if period == "cpmtg2009":
        return {"mtus.passive.sparingly"} | low_back
    if period == "cpmtg2016":
        if phase == "chronic":
            return {"mtus.passive.chronic"} | low_back
        return low_back or {"odg.passive.not_exclusive"}
    return {"odg.passive.not_exclusive"}


def CPMTG_GOVERNS_PHYSICAL_THERAPY(period: str, phase: str) -> tuple[bool, bool]:
    """(a CPMTG line decides physical therapy, the ACOEM 2004 early-intervention statement is cited)."""
    cpmtg = period in ("cpmtg2009", "cpmtg2016")
    return cpmtg, cpmtg and phase in ("acute", "subacute")


PHASE_CASES = [(period, phase, region) for period in PERIODS for phase in PHASE_DAYS for region in REGIONS]
PHASE_IDS = [f"{p}-{ph}-{r.value}" for p, ph, r in PHASE_CASES]


@pytest.mark.parametrize("period, phase, region", PHASE_CASES, ids=PHASE_IDS)
def test_the_guideline_that_governs_a_passive_modality(period, phase, region):
    req = request({"text": "Infrared heat x 4", "family": "passive_modality", "regions": [region.value]},
                  PERIODS[period], PHASE_DAYS[phase], adjunct_to_exercise="yes", home_exercise_program="yes")
    result = check_one(req)
    assert active_primaries(result) == PASSIVE_GOVERNS(period, phase, region), [f.rule for f in result.findings]
    chronic_2016 = period == "cpmtg2016" and phase == "chronic"
    assert result.decision is (Decision.non_certify if chronic_2016 else Decision.certify)
    # the confidence reason stays true: an ODG decision says the MTUS in force was silent
    tiers = {f.tier for f in result.findings if f.rule in result.deciding_rules}
    assert ("9792.21.1(a)(2)" in result.confidence_reason) == (tiers == {2}), result.confidence_reason
    if period == "acoem":
        assert not any(KB.rule(f.rule).source in ("mtus_cpmtg", "acoem2004_low_back") for f in result.findings)


@pytest.mark.parametrize("period, phase, region", PHASE_CASES, ids=PHASE_IDS)
def test_the_guideline_that_governs_physical_therapy(period, phase, region):
    req = request({"text": "Physical therapy x 6", "regions": [region.value]}, PERIODS[period], PHASE_DAYS[phase],
                  diagnoses=["myalgia"])
    result = check_one(req)
    cpmtg, early = CPMTG_GOVERNS_PHYSICAL_THERAPY(period, phase)
    assert ("mtus.pm.myalgia" in result.deciding_rules) is cpmtg, result.deciding_rules
    cited = any(f.rule == "acoem2004.initial.physical_therapy" for f in result.findings)
    assert cited is early
    if early:  # not stated: advice only, the course lines decide
        f = next(f for f in result.findings if f.rule == "acoem2004.initial.physical_therapy")
        assert f.effect == "advise" and "Initial Approaches" in f.citation.section
        assert result.decision is Decision.certify


@pytest.mark.parametrize("phase", ["acute", "subacute"])
def test_early_physical_therapy_without_a_stated_reason_is_not_supported(phase):
    req = request("Physical therapy x 6 for the lumbar spine", PERIODS["cpmtg2016"], PHASE_DAYS[phase],
                  diagnoses=["myalgia"], indication_documented="no")
    result = check_one(req)
    assert result.decision is Decision.non_certify
    assert "acoem2004.initial.physical_therapy" in result.deciding_rules
    chronic = check_one(request("Physical therapy x 6 for the lumbar spine", PERIODS["cpmtg2016"], 200,
                                diagnoses=["myalgia"], indication_documented="no"))
    assert chronic.decision is Decision.certify  # the statement speaks of early intervention only


@pytest.mark.parametrize("phase, days", [("acute", 0), ("acute", 28), ("subacute", 29), ("subacute", 89),
                                         ("chronic", 90)])
def test_phase_boundaries_select_the_2016_passive_therapy_line(phase, days):
    req = request({"text": "Ultrasound x 4", "family": "passive_modality", "regions": ["shoulder"]},
                  PERIODS["cpmtg2016"], days, adjunct_to_exercise="yes")
    chronic = "mtus.passive.chronic" in active_primaries(check_one(req))
    assert chronic is (phase == "chronic")


# ------------------------------------------------------------------ 2. passive modalities

def judge_read(text: str, attributes: dict, region: Region, date: dt.date, injury_days: int, **history):
    req = request({"text": text, "family": "passive_modality", "regions": [region.value]}, date, injury_days,
                  **history)
    # the attributes as the item-line reader gives them (NormalizedItem.attributes)
    item = normalize_item(req.items[0]).model_copy(update={"attributes": attributes})
    dates = pick_dates(req, None, date)
    fact = build_fact(req, item, KB, dates, patient_context(req, KB))
    return fact, decide(item, fact, ENGINE.evaluate(fact), ENGINE.checks, KB, date)


# the passive modalities rules name (imaging rules name their own modality: mri, ct ...)
NAMED = sorted({(m, r.id) for r in KB.rules if Family.passive_modality in r.family
                for m in r.applies_to.item.get("modality", [])})


def test_the_fact_carries_the_item_attributes_rules_test():
    fact, _ = judge_read("Mechanical traction x 4", {"modality": "traction"}, Region.lumbar, PERIODS["cpmtg2016"], 14)
    assert fact["item_modality"] == ["traction"]
    fact, _ = judge_read("Mechanical traction x 4", {}, Region.lumbar, PERIODS["cpmtg2016"], 14)
    assert fact["item_modality"] == []


@pytest.mark.parametrize("modality, rule_id", NAMED, ids=[f"{m}-{r}" for m, r in NAMED])
def test_every_modality_a_rule_names_is_judged_by_it(modality, rule_id):
    rule = KB.rule(rule_id)
    region = rule.applies_to.regions[0]
    phase = rule.applies_to.phase[0] if rule.applies_to.phase else "acute"
    date = min(PERIODS["cpmtg2016"], rule.effective.end or PERIODS["cpmtg2016"])
    history = {"adjunct_to_exercise": "yes", "home_exercise_program": "yes"}
    _, result = judge_read(f"{modality} x 4", {"modality": modality}, region, date, PHASE_DAYS[phase], **history)
    f = next(f for f in result.findings + result.superseded if f.rule == rule_id)
    assert f.effect == "block" and result.decision is Decision.non_certify
    # the same item without the modality, or for another region, is not judged by it
    _, other = judge_read(f"{modality} x 4", {}, region, date, PHASE_DAYS[phase], **history)
    assert rule_id not in {f.rule for f in other.findings + other.superseded}
    elsewhere = next(r for r in REGIONS if r not in rule.applies_to.regions and r not in (Region.upper_extremity,
                                                                                       Region.lower_extremity))
    _, away = judge_read(f"{modality} x 4", {"modality": modality}, elsewhere, date, PHASE_DAYS[phase], **history)
    assert rule_id not in {f.rule for f in away.findings + away.superseded}


@pytest.mark.parametrize("modality", ["infrared", "paraffin", "whirlpool", "iontophoresis", "interferential",
                                      "diathermy", "vasopneumatic", "contrast_baths"])
def test_a_modality_no_rule_names_follows_the_passive_therapy_lines(modality):
    _, result = judge_read(f"{modality} x 4", {"modality": modality}, Region.lumbar, PERIODS["cpmtg2016"], 14,
                           adjunct_to_exercise="yes", home_exercise_program="yes")
    assert result.decision is Decision.certify
    assert not any(KB.rule(f.rule).applies_to.item for f in result.findings)


@pytest.mark.parametrize("adjunct, decision", [("yes", Decision.certify), ("no", Decision.non_certify),
                                                ("not stated", Decision.non_certify)])
@pytest.mark.parametrize("period", ["cpmtg2009", "acoem"])
def test_passive_therapy_only_with_active_therapy(adjunct, decision, period):
    result = check_one(request({"text": "Hot/cold packs x 4", "family": "passive_modality", "regions": ["knee"]},
                               PERIODS[period], 200, adjunct_to_exercise=adjunct))
    assert result.decision is decision
    if decision is Decision.non_certify:
        assert any("active therapy" in m for m in result.missing_documentation)


def test_passive_therapy_after_an_earlier_course_needs_functional_improvement():
    item = {"text": "Electrical stimulation x 4", "family": "passive_modality", "regions": ["knee"]}
    for fi, decision in (("yes", Decision.certify), ("no", Decision.non_certify)):
        prior = {"passive_modality": {"visits": 2, "functional_improvement": fi}}
        for period in ("cpmtg2009", "acoem"):
            result = check_one(request(item, PERIODS[period], 200, prior=prior, adjunct_to_exercise="yes"))
            assert result.decision is decision, (period, fi)
            assert any(KB.rule(f.rule).kind == "continuation" for f in result.findings)


def test_passive_therapy_beyond_the_six_visit_trial():
    trial = KB.rule("odg.pt.six_visit_trial").parameters.trial_visits
    item = lambda n: {"text": f"Ultrasound x {n}", "family": "passive_modality", "regions": ["knee"]}  # noqa: E731
    assert check_one(request(item(trial), PERIODS["acoem"], 200, adjunct_to_exercise="yes")).decision is Decision.certify
    over = check_one(request(item(trial + 1), PERIODS["acoem"], 200, adjunct_to_exercise="yes"))
    assert over.decision is Decision.non_certify and over.certifiable_quantity == trial


@pytest.mark.parametrize("phase", PHASE_DAYS)
def test_tens_for_acute_low_back_symptoms(phase):
    req = request("TENS unit 30 day rental for the low back", PERIODS["cpmtg2016"], PHASE_DAYS[phase],
                  other_modalities_failed="yes", adjunct_to_exercise="yes")
    named = any(f.rule == "acoem2004.low_back.tens_acute" for f in check_one(req).findings)
    assert named is (phase in ("acute", "subacute"))


def test_the_rules_table_shows_the_phase_and_the_item_attributes_a_rule_applies_to():
    console = Console(width=400, record=True, file=io.StringIO())
    console.print(rules_table(KB))
    text = " ".join(console.export_text().split())
    for rule in KB.rules:
        if rule.applies_to.phase:
            assert ", ".join(rule.applies_to.phase) + " phase" in text, rule.id
        for name, values in rule.applies_to.item.items():
            assert f"{name}: {', '.join(map(str, values))}" in text, rule.id


# ------------------------------------------------------------------ 3. "additional" therapy

CUES = ["additional", "continued", "continue", "continuation of", "further", "more"]
FAMILY_WORDS = {
    Family.physical_therapy: "physical therapy", Family.chiropractic: "chiropractic treatment",
    Family.acupuncture: "acupuncture", Family.massage: "massage therapy", Family.aquatic_therapy: "aquatic therapy",
    Family.work_conditioning: "work conditioning", Family.passive_modality: "electrical stimulation",
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


# ------------------------------------------------------------------ 5. the postsurgical table

CATEGORIES = {m.category.id: m for m in KB.surgeries}
POSTSURGICAL = [r for r in KB.rules if r.kind == "postsurgical"]

# The surgeries FACTS.md lists (section 9 table, section 2 post-surgical lines), as a request would
# name them. No number is written here: the rule base holds them.
FACTS_SURGERIES = [
    "lumbar discectomy", "L4-5 laminectomy", "lumbar fusion", "anterior cervical discectomy and fusion",
    "cervical laminectomy", "cervical corpectomy for myelopathy", "arthroscopic subacromial decompression",
    "open acromioplasty", "rotator cuff repair", "arthroscopic capsular release of the left shoulder",
    "Bankart repair", "total shoulder arthroplasty", "arthroscopic partial medial meniscectomy",
    "ACL reconstruction", "total knee arthroplasty", "total hip arthroplasty", "carpal tunnel release",
    "lateral epicondylitis release", "cubital tunnel release", "trigger finger release", "Achilles tendon repair",
    "bimalleolar ankle fracture ORIF", "ORIF of the distal radius", "lumbar disc replacement",
    "ORIF of the fifth metacarpal",
]


@pytest.mark.parametrize("procedure", FACTS_SURGERIES)
def test_every_surgery_facts_lists_has_a_postsurgical_line(procedure):
    categories = KB.classify_surgery(procedure)
    assert categories, procedure
    assert any(set(r.applies_to.surgeries) & set(categories) for r in POSTSURGICAL), (procedure, categories)


def test_every_surgery_category_names_its_regions_and_has_a_rule():
    for cid, m in CATEGORIES.items():
        assert m.category.regions, cid
        assert any(cid in r.applies_to.surgeries for r in POSTSURGICAL), cid


def _node_variants(node) -> list[str]:
    op, av = node
    name = str(op)
    if name == "LITERAL":
        return [chr(av)]
    if name in ("NOT_LITERAL", "ANY"):
        return ["x"]
    if name == "IN":
        out = []
        for sub_op, sub_av in av:
            s = str(sub_op)
            if s == "LITERAL":
                out.append(chr(sub_av))
            elif s == "RANGE":
                out.append(chr(sub_av[0]))
            elif s == "CATEGORY":
                out.append({"CATEGORY_DIGIT": "5", "CATEGORY_SPACE": " "}.get(str(sub_av), "x"))
        return out or ["x"]
    if name == "BRANCH":
        return [v for seq in av[1] for v in _seq_variants(seq)]
    if name == "SUBPATTERN":
        return _seq_variants(av[3])
    if name in ("MAX_REPEAT", "MIN_REPEAT"):
        low, _, seq = av
        once = _seq_variants(seq)
        return ([""] + once) if low == 0 else [v * low for v in once]
    return [""]  # boundaries and lookarounds match no text


def _seq_variants(seq) -> list[str]:
    """Instances of a pattern sequence: every alternative and optional part appears in one of them."""
    lists = [_node_variants(n) for n in seq]
    n = max((len(v) for v in lists), default=1)
    return ["".join(v[i % len(v)] for v in lists) for i in range(n)]


def phrasings(pattern: str) -> list[str]:
    return sorted({" ".join(v.split()) for v in _seq_variants(sre.parse(pattern)) if v.strip()})


TEMPLATES = ["{p}", "right {p}", "status post left {p}", "s/p {p} on 10/01/2016", "{P}"]
PHRASE_CASES = [(cid, text) for cid, m in CATEGORIES.items() for s in m.category.synonyms for text in phrasings(s)]


@pytest.mark.parametrize("category", sorted(CATEGORIES))
def test_every_phrasing_of_a_surgery_category_is_classified(category):
    phrases = [t for c, t in PHRASE_CASES if c == category]
    assert phrases
    for p, template in itertools.product(phrases, TEMPLATES):
        text = template.format(p=p, P=p.upper())
        assert category in KB.classify_surgery(text), text


def _unique_phrases(category: str) -> list[str]:
    return [t for c, t in PHRASE_CASES if c == category and KB.classify_surgery(t) == [category]]


@pytest.mark.parametrize("category", sorted(CATEGORIES))
def test_a_procedure_of_one_category_gets_its_initial_course(category):
    phrases = _unique_phrases(category)
    assert phrases, f"no phrasing falls in {category} alone"
    regions = CATEGORIES[category].category.regions
    for phrase in phrases:
        # therapy for the part of the body the procedure names, when it names one of the category's
        named = detect_regions(phrase)
        region = next((r for r in regions if r in named), regions[0])
        for rule in [r for r in POSTSURGICAL if category in r.applies_to.surgeries]:
            date = min(max(rule.effective.start + 60 * DAY, PERIODS["cpmtg2016"]), rule.effective.end or dt.date.max)
            surgery = [{"procedure": f"status post {phrase}", "date": (date - 30 * DAY).isoformat()}]
            make = lambda n, d=date, s=surgery: request(  # noqa: E731
                {"text": f"Post-op physical therapy x {n}", "regions": [region.value]}, d, 120, surgeries=s)
            initial = rule.initial_visits()
            ok = check_one(make(initial))
            assert ok.decision is Decision.certify and rule.id in ok.deciding_rules, (phrase, ok.deciding_rules)
            over = check_one(make(initial + 1))
            assert over.decision is Decision.non_certify and over.certifiable_quantity == initial, phrase
            assert rule.id in over.deciding_rules


def test_a_fusion_at_an_unnamed_level_has_the_lines_of_both_spines():
    assert set(KB.classify_surgery("spinal fusion")) >= {"spinal_fusion", "cervical_fusion"}
    assert KB.classify_surgery("ACDF C5-6") == ["cervical_fusion"]
    assert KB.classify_surgery("TLIF L4-5") == ["spinal_fusion"]
    assert not set(CATEGORIES["cervical_fusion"].category.regions) & set(CATEGORIES["spinal_fusion"].category.regions)


def test_generated_phrasings_cover_every_alternative():
    # the generator itself: each alternative and optional part of a pattern appears in some phrasing
    assert phrasings("(?:a|b|c)d(?:e)?") == ["ad", "bde", "cd"]
    assert phrasings(r"ORIF (?:of )?(?:the )?(?:right |left )?ankle") == [
        "ORIF ankle", "ORIF left ankle", "ORIF of the right ankle"]
    assert phrasings(r"C\d\s?-\s?C?\d (?:fusion|arthrodesis)") == ["C5 - C5 arthrodesis", "C5-5 fusion"]
