"""Imaging and nerve-study rules end to end: generated requests through the checker.

1. Every region x modality the rule base judges x the clinical situations its criteria turn on:
   a red flag; an objective neurologic deficit with failed conservative care and surgery planned;
   the indication the site's own rule names; nothing documented; care that is helping; a request
   within the first month; a repeat study without a change. The outcome each site's rule gives is
   written once here (SITES), from the criteria of FACTS-beyond-physmed 4.1-4.5, X3 and X6; each
   case asserts the decision, a rule that decides it, and the documentation asked for.
2. EMG and NCS are separate studies (E1): an item asking for both is judged by the rule of each and
   shows both; generated over limbs x studies x situations.
3. The kinds' facts: red flags at the site, repeat studies by modality, region and side, every
   ICD-10-CM prefix, term and finding of the suspected lesions (clinical_indications.yaml).
4. The kinds' attributes are the item reader's values (services.yaml), and a request of 2018 or
   later gets a decision of the ODG lines, with lower confidence.
5. The case-summary reader: a response to care that names no care ("It is documented he has had
   no improvement.") speaks of the care of the sentence before it, for every response phrasing of
   clinical_care.yaml, and of nothing when that sentence is not about care.
"""
from __future__ import annotations

import datetime as dt
import re

import pytest

from checker.check import Checker
from checker.engine.facts import FactContext, build_fact, patient_context, pick_dates
from checker.icd10 import icd10cm
from checker.kb.data import vocabulary
from checker.kb.load import default_kb
from checker.kinds import electrodiagnostics, imaging
from checker.kinds.registry import kind_of
from checker.letters.facts import extract_facts
from checker.letters.facts.cues import TermFile
from checker.normalize.item import normalize_item
from checker.normalize.vocabulary import services_vocabulary
from checker.request.clinical import CareResponse
from checker.request.model import TreatmentRequest
from checker.vocab import Decision, Family
from tests.regex_examples import examples as regex_examples

KB = default_kb()
CHECKER = Checker(KB)
DATE = dt.date(2017, 3, 1)  # 2016 CPMTG and ACOEM 2004 chapters in force


def request(item, clinical: dict | None = None, injury_days: int | None = 60, date: dt.date = DATE,
            diagnoses=("sprain",), age: int = 45) -> TreatmentRequest:
    patient = {"age": age, "diagnoses": list(diagnoses)}
    if injury_days is not None:
        patient["injury_date"] = (date - dt.timedelta(days=injury_days)).isoformat()
    return TreatmentRequest.model_validate({"request_date": date.isoformat(), "patient": patient,
                                            "clinical": clinical or {}, "items": [item]})


def check_one(req: TreatmentRequest):
    (result,) = CHECKER.check(req)
    return result


def criteria_of(result, rule_id: str) -> dict[str, str]:
    (finding,) = [f for f in result.findings if f.rule == rule_id]
    return {c.id: c.status for c in finding.criteria}


# ------------------------------------------------------------------ 1. region x modality x situation

# The situations, as clinical facts of a request (the region filled in per site).
def red_flag(region: str) -> dict:
    return {"red_flag_list": [{"name": "fracture", "region": region, "suspected": True}]}


def full(region: str, response: str = "no improvement") -> dict:
    """An objective neurologic deficit, failed conservative care and surgery planned."""
    return {"findings": [{"name": "sensory_deficit", "region": region}, {"name": "motor_weakness", "region": region}],
            "conservative_care": {"tried": ["physical therapy", "medications"], "response": response},
            "surgery_planned": "yes"}


def repeat(region: str, modality: str) -> dict:
    study = {"mri": "mri", "ct": "ct", "xray": "xray", "arthrogram": "mri", "bone_scan": "bone_scan"}[modality]
    return {**full(region), "prior_studies": [{"study": study, "region": region, "date": "2016-09-01"}],
            "change_since_prior": "no"}


CERTIFY, NON = Decision.certify, Decision.non_certify
# Per (region, modality): the item line, the site's own rule, the clinical facts of its own indication,
# and what the situations give: None for a certification, else (the rule that blocks, the words of the
# documentation it asks for). The spine and the joints ask for a red flag, or for their indication after
# the conservative period; the situations documenting less are non-certified with what is missing.
R_FLAG = "the red"
SITES = {
    ("lumbar", "mri"): dict(
        line="MRI of the lumbar spine without contrast", rule="acoem2004.low_back.mri", indicated=full("lumbar"),
        full=None, nothing=("acoem2004.low_back.mri", "the neurologic examination"),
        first_month=("acoem2004.low_back.mri", None), helping=("acoem2004.low_back.mri", None)),
    ("lumbar", "ct"): dict(
        line="CT scan of the lumbar spine", rule="acoem2004.low_back.mri", indicated=full("lumbar"),
        full=None, nothing=("acoem2004.low_back.mri", "whether surgery is considered"),
        first_month=("acoem2004.low_back.mri", None), helping=("acoem2004.low_back.mri", None)),
    ("lumbar", "xray"): dict(
        line="X-rays of the lumbar spine", rule="acoem2004.low_back.xray",
        indicated={"red_flag_list": [{"name": "significant_trauma", "region": "lumbar"}]},
        full=("acoem2004.low_back.xray", "red flag for serious spinal pathology"),
        nothing=("acoem2004.low_back.xray", "red flag for serious spinal pathology"),
        first_month=("acoem2004.low_back.xray", None), helping=("acoem2004.low_back.xray", None)),
    ("cervical", "mri"): dict(
        line="MRI of the cervical spine", rule="acoem2004.neck.special_studies",
        indicated={**full("cervical"), "prior_studies": [{"study": "xray", "region": "cervical", "result": "normal"}]},
        full=("acoem2004.neck.plain_films_first", "plain x-rays of the spine"),
        nothing=("acoem2004.neck.special_studies", "the neurologic examination"),
        first_month=("acoem2004.neck.special_studies", None), helping=("acoem2004.neck.special_studies", None)),
    ("cervical", "xray"): dict(
        line="X-rays of the cervical spine", rule="acoem2004.neck.special_studies", indicated=full("cervical"),
        full=None, nothing=("acoem2004.neck.special_studies", R_FLAG),
        first_month=("acoem2004.neck.special_studies", None),
        helping=("acoem2004.neck.special_studies", None)),
    ("thoracic", "mri"): dict(
        line="MRI of the thoracic spine", rule="acoem2004.neck.special_studies",
        indicated={**full("thoracic"), "prior_studies": [{"study": "xray", "region": "thoracic"}]},
        full=("acoem2004.neck.plain_films_first", "plain x-rays of the spine"),
        nothing=("acoem2004.neck.special_studies", "the invasive procedure planned"),
        first_month=("acoem2004.neck.special_studies", None), helping=("acoem2004.neck.special_studies", None)),
    ("shoulder", "mri"): dict(
        line="MRI of the right shoulder", rule="acoem2004.shoulder.mri", indicated=full("shoulder"),
        full=None, nothing=("acoem2004.shoulder.mri", "the conservative care given so far"),
        first_month=("acoem2004.shoulder.mri", None), helping=("acoem2004.shoulder.mri", None)),
    ("shoulder", "arthrogram"): dict(
        line="MR arthrogram of the right shoulder", rule="acoem2004.shoulder.mri",
        indicated={**full("shoulder"), "surgery_planned": "not stated", "invasive_procedure_planned": "yes"},
        full=None, nothing=("acoem2004.shoulder.mri", "the invasive procedure planned"),
        first_month=("acoem2004.shoulder.mri", None), helping=("acoem2004.shoulder.mri", None)),
    ("knee", "mri"): dict(
        line="MRI of the left knee", rule="acoem2004.knee.mri",
        indicated={"findings": [{"name": "effusion", "region": "knee"}, {"name": "locking", "region": "knee"},
                                {"name": "unable_to_bear_weight", "region": "knee"}]},
        full=("acoem2004.knee.mri", "meniscal or ligament tear"),
        nothing=("acoem2004.knee.mri", "the effusion, weight bearing"),
        first_month=("acoem2004.knee.mri", None), helping=("acoem2004.knee.mri", None)),
    ("wrist_hand", "mri"): dict(
        line="MRI of the right wrist", rule="acoem2004.hand.mri",
        indicated={**full("wrist_hand"), "prior_studies": [{"study": "xray", "region": "wrist_hand"}]},
        full=("acoem2004.hand.mri", "plain x-rays of the hand or wrist"),
        nothing=("acoem2004.hand.mri", "plain x-rays of the hand or wrist"),
        first_month=("acoem2004.hand.mri", None), helping=("acoem2004.hand.mri", None)),
    ("hip", "mri"): dict(
        line="MRI of the right hip", rule="odg.imaging.hip.mri", indicated=None, diagnoses=("avascular necrosis of the right femoral head",),
        full=("odg.imaging.hip.mri", "avascular necrosis"), nothing=("odg.imaging.hip.mri", "avascular necrosis"),
        first_month=("odg.imaging.hip.mri", None), helping=("odg.imaging.hip.mri", None)),
    ("hip", "xray"): dict(
        line="X-rays of the right hip", rule="odg.imaging.hip.xray",
        indicated={"red_flag_list": [{"name": "significant_trauma", "region": "hip"}]},
        full=("odg.imaging.hip.xray", "severe injury"), nothing=("odg.imaging.hip.xray", "severe injury"),
        first_month=("odg.imaging.hip.xray", None), helping=("odg.imaging.hip.xray", None)),
    ("ankle_foot", "bone_scan"): dict(
        line="Three phase bone scan of the left foot", rule="odg.imaging.bone_scan",
        indicated={"prior_studies": [{"study": "xray", "region": "ankle_foot", "result": "normal"}]},
        diagnoses=("complex regional pain syndrome of the left lower limb",),
        full=("odg.imaging.bone_scan", "stress fracture"), nothing=("odg.imaging.bone_scan", "stress fracture"),
        first_month=("odg.imaging.bone_scan", None), helping=("odg.imaging.bone_scan", None)),
}
SITE_IDS = [f"{r}-{m}" for r, m in SITES]


def _expect(result, outcome, rule: str):
    if outcome is None:
        assert result.decision is CERTIFY, (result.item, result.findings)
        assert rule in result.deciding_rules and result.missing_documentation == []
        assert result.certifiable_quantity == result.requested_quantity == 1
        return
    blocking, words = outcome
    assert result.decision is NON, (result.item, [(f.rule, f.check) for f in result.findings])
    assert blocking in result.deciding_rules, result.deciding_rules
    assert result.certifiable_quantity == 0 and result.quantity_unit == "studies"
    if words:
        assert any(words in m for m in result.missing_documentation), result.missing_documentation


@pytest.mark.parametrize("site", list(SITES), ids=SITE_IDS)
def test_a_red_flag_at_the_site_certifies_the_study(site):
    region, modality = site
    spec = SITES[site]
    result = check_one(request(spec["line"], red_flag(region)))
    assert result.family is Family.imaging and result.understood.details[0] == ("Modality", modality.replace("_", " "))
    _expect(result, None, spec["rule"])
    assert criteria_of(result, spec["rule"])["red_flag"] == "met"


@pytest.mark.parametrize("site", list(SITES), ids=SITE_IDS)
def test_the_sites_own_indication_certifies_the_study(site):
    spec = SITES[site]
    result = check_one(request(spec["line"], spec["indicated"], diagnoses=spec.get("diagnoses", ("sprain",))))
    _expect(result, None, spec["rule"])


@pytest.mark.parametrize("situation", ["full", "nothing", "first_month", "helping"])
@pytest.mark.parametrize("site", list(SITES), ids=SITE_IDS)
def test_each_situation_gets_the_outcome_of_the_sites_criteria(site, situation):
    region, _ = site
    spec = SITES[site]
    clinical = {"full": full(region), "nothing": {}, "first_month": full(region),
                "helping": full(region, response="helping")}[situation]
    days = 14 if situation == "first_month" else 60
    result = check_one(request(spec["line"], clinical, injury_days=days))
    _expect(result, spec[situation], spec["rule"])
    if situation == "helping" and "not_improved" in criteria_of(result, spec["rule"]):
        assert criteria_of(result, spec["rule"])["not_improved"] == "not_met"
    if situation == "first_month":
        statuses = criteria_of(result, spec["rule"])
        timed = [c for c in ("one_month", "care_period") if c in statuses]
        assert all(statuses[c] == "not_met" for c in timed)


# an MR arthrogram repeats no plain MRI (checker.kinds.imaging.SAME_STUDY): it has its own questions
REPEATABLE = [s for s in SITES if s[1] != "arthrogram"]


@pytest.mark.parametrize("site", REPEATABLE, ids=[f"{r}-{m}" for r, m in REPEATABLE])
def test_a_repeat_study_without_a_change_is_not_certified(site):
    region, modality = site
    spec = SITES[site]
    result = check_one(request(spec["line"], repeat(region, modality)))
    _expect(result, ("odg.imaging.repeat", None), spec["rule"])
    assert criteria_of(result, "odg.imaging.repeat") == {"not_a_repeat": "not_met", "significant_change": "not_met",
                                                         "red_flag": "not_documented"}
    # a change not stated: what changed is the documentation asked for
    unstated = check_one(request(spec["line"], {**repeat(region, modality), "change_since_prior": "not stated"}))
    assert any("what changed in the symptoms or findings" in m for m in unstated.missing_documentation)
    # the same study with a significant change documented is judged on the site's criteria alone
    changed = check_one(request(spec["line"], {**repeat(region, modality), "change_since_prior": "yes"}))
    assert criteria_of(changed, "odg.imaging.repeat")["significant_change"] == "met"
    assert "odg.imaging.repeat" not in changed.deciding_rules


def test_a_repeat_on_the_item_line_is_a_repeat_without_a_prior_study_in_the_record():
    result = check_one(request("Repeat MRI of the lumbar spine", full("lumbar")))
    assert result.decision is NON and "odg.imaging.repeat" in result.deciding_rules


@pytest.mark.parametrize("line", ["PET scan of the lumbar spine", "Discogram L4-L5", "DEXA scan"])
def test_a_study_no_rule_names_is_not_covered_and_says_why(line):
    result = check_one(request(line, full("lumbar")))
    assert result.decision is Decision.not_covered and result.not_covered_reason


# ------------------------------------------------------------------ 2. EMG and NCS: separate studies

RADICULOPATHY = {"upper": "cervical", "lower": "lumbar"}
LIMB_WORDS = {"upper": "right upper extremity", "lower": "bilateral lower extremities"}
STUDY_WORDS = {"emg": "EMG", "ncs": "NCS", "both": "EMG/NCS"}


def eds_clinical(limb: str, situation: str) -> dict:
    territory = RADICULOPATHY[limb]
    radicular = {"findings": [{"name": "radiating pain", "region": territory},
                              {"name": "sensory_deficit", "region": territory}],
                 "conservative_care": {"tried": ["physical therapy"], "response": "no improvement"}}
    return {
        "radiculopathy": radicular,
        "entrapment": {"findings": [{"name": "positive Phalen", "region": "wrist_hand"},
                                    {"name": "numbness", "region": "wrist_hand"}],
                       "conservative_care": {"tried": ["bracing"], "response": "no improvement"},
                       "surgery_planned": "yes"},
        "helping": {**radicular, "conservative_care": {"tried": ["physical therapy"], "response": "helping"}},
        "imaging_shows_it": {**radicular, "prior_studies": [{"study": "mri", "region": territory, "result": "abnormal"}]},
        "nothing": {},
    }[situation]


# What each study's rule gives, per limb and situation (True: its criteria are met). EMG: radiculopathy
# after a month of conservative therapy, not helping, imaging not already showing it, not for the signs of
# carpal tunnel syndrome (E2, E3, E4, E9, E10);
# NCS of the arm: signs of carpal tunnel syndrome in a possible surgical candidate (E4); NCS of the legs:
# not recommended (E2).
EMG_MET = {"radiculopathy": True, "entrapment": False, "helping": False, "imaging_shows_it": False, "nothing": False}
NCS_MET = {("upper", "entrapment"): True}
EDS_CASES = [(limb, study, situation) for limb in ("upper", "lower") for study in ("emg", "ncs", "both")
             for situation in EMG_MET if not (limb == "lower" and situation == "entrapment")]


@pytest.mark.parametrize("limb, study, situation", EDS_CASES)
def test_emg_and_ncs_are_judged_each_by_its_own_rule(limb, study, situation):
    result = check_one(request(f"{STUDY_WORDS[study]} of the {LIMB_WORDS[limb]}", eds_clinical(limb, situation)))
    assert result.family is Family.electrodiagnostic
    studies = ["emg", "ncs"] if study == "both" else [study]
    emg_rule = "cpmtg2016.eds.emg_radiculopathy"
    ncs_rule = "cpmtg2016.eds.upper_limb_ncs" if limb == "upper" else "cpmtg2016.eds.lower_limb_ncs"
    fired = {f.rule: f for f in result.findings}
    met = {}
    if "emg" in studies:
        assert fired[emg_rule].check in ("met", "not_met", "not_documented")
        met["emg"] = EMG_MET[situation]
        assert (fired[emg_rule].check == "met") is met["emg"]
    else:
        assert emg_rule not in fired
    if "ncs" in studies:
        met["ncs"] = NCS_MET.get((limb, situation), False)
        assert (fired[ncs_rule].effect == "ok") is met["ncs"]
    else:
        assert ncs_rule not in fired
    # both studies shown; the item is certified only when each study's rule is met
    assert result.understood.details[0][1].startswith(" and ".join(s.upper() for s in studies))
    assert result.requested_quantity == len(studies) and result.quantity_unit == "studies"
    blocked = [s for s, ok in met.items() if not ok]
    if not blocked:
        assert result.decision is CERTIFY and result.missing_documentation == []
    else:
        assert result.decision is NON
        rules = {"emg": emg_rule, "ncs": ncs_rule}
        assert {rules[s] for s in blocked} <= set(result.deciding_rules)


def test_nerve_studies_in_the_acute_and_subacute_phases_meet_the_acoem_chapter_too():
    clinical = eds_clinical("upper", "radiculopathy")
    subacute = check_one(request("EMG of the right upper extremity", clinical, injury_days=60))
    assert criteria_of(subacute, "acoem2004.neck.eds")["three_weeks"] == "met"
    chronic = check_one(request("EMG of the right upper extremity", clinical, injury_days=200))
    assert "acoem2004.neck.eds" not in {f.rule for f in chronic.findings}  # X5: the CPMTG speaks alone
    assert chronic.decision is CERTIFY
    early = check_one(request("EMG of the right upper extremity", clinical, injury_days=14))
    assert early.decision is NON and {"cpmtg2016.eds.emg_radiculopathy", "acoem2004.neck.eds"} <= set(early.deciding_rules)


def test_surface_emg_is_not_recommended():
    result = check_one(request("Surface EMG of the lumbar paraspinals", eds_clinical("lower", "radiculopathy")))
    assert result.decision is NON and "cpmtg2016.eds.surface_emg" in result.deciding_rules


# ------------------------------------------------------------------ 3. the kinds' facts

def kind_facts(req: TreatmentRequest) -> dict:
    item = normalize_item(req.items[0])
    return build_fact(req, item, KB, pick_dates(req, None, DATE), patient_context(req, KB))


@pytest.mark.parametrize("flag_region, item, expected", [
    ("shoulder", "MRI of the right shoulder", "yes"),
    ("wrist_hand", "MRI of the right shoulder", "not_stated"),  # a thumb fracture is no shoulder red flag
    ("upper_extremity", "MRI of the right shoulder", "yes"),  # the arm holds the shoulder
    ("wrist_hand", "MRI of the cervical spine", "not_stated"),  # nor a wrist fracture a neck one
    ("lumbar", "MRI of the lumbar spine", "yes"),
    (None, "MRI of the lumbar spine", "yes"),  # of no stated region: it speaks for every site
])
def test_a_structural_red_flag_counts_at_the_imaged_site_only(flag_region, item, expected):
    flag = {"name": "fracture"} if flag_region is None else {"name": "fracture", "region": flag_region}
    assert kind_facts(request(item, {"red_flag_list": [flag]}))["red_flag_at_site"] == expected


@pytest.mark.parametrize("flag_region, expected", [("lower_extremity", "yes"), ("knee", "yes"), ("upper_extremity", "not_stated")])
def test_a_neurologic_red_flag_counts_over_the_spines_nerve_territory(flag_region, expected):
    clinical = {"red_flag_list": [{"name": "progressive_neurologic_deficit", "region": flag_region}]}
    assert kind_facts(request("MRI of the lumbar spine", clinical))["red_flag_at_site"] == expected


def test_the_records_last_word_on_a_red_flag_stands():
    flags = [{"name": "infection", "region": "wrist_hand"}, {"name": "infection", "present": "no"}]
    assert kind_facts(request("MRI of the right hand", {"red_flag_list": flags}))["red_flag_at_site"] == "no"
    again = flags + [{"name": "infection", "region": "wrist_hand"}]
    assert kind_facts(request("MRI of the right hand", {"red_flag_list": again}))["red_flag_at_site"] == "yes"
    assert kind_facts(request("MRI of the right hand", {"red_flags": "no"}))["red_flag_at_site"] == "no"


@pytest.mark.parametrize("modality, line", [("mri", "MRI of the {side} knee"), ("xray", "X-rays of the {side} knee"),
                                            ("ct", "CT scan of the {side} knee")])
@pytest.mark.parametrize("prior_side, item_side, repeats", [
    ("left", "left", True), ("right", "left", False), (None, "left", True), ("left", None, True),
    ("bilateral", "left", True)])
def test_a_prior_study_of_the_same_modality_region_and_side_makes_a_repeat(modality, line, prior_side, item_side,
                                                                          repeats):
    prior = {"study": modality, "region": "knee", "date": "2016-12-01"}
    if prior_side:
        prior["side"] = prior_side
    text = line.format(side=item_side) if item_side else line.replace("{side} ", "")
    fact = kind_facts(request(text, {"prior_studies": [prior]}))
    assert fact["repeat_study"] == ("yes" if repeats else "not_stated")
    assert fact["prior_same_study_days"] == ((DATE - dt.date(2016, 12, 1)).days if repeats else -1)


@pytest.mark.parametrize("prior", [{"study": "xray", "region": "knee"}, {"study": "mri", "region": "shoulder"},
                                   {"study": "emg", "region": "knee"}])
def test_another_modality_or_region_is_no_repeat(prior):
    assert kind_facts(request("MRI of the left knee", {"prior_studies": [prior]}))["repeat_study"] == "not_stated"


def suspected_lesions(diagnoses=(), findings=()) -> set[str]:
    req = TreatmentRequest.model_validate({"patient": {"diagnoses": list(diagnoses)}, "clinical": {"findings": list(findings)},
                                           "items": ["MRI"]})
    return {i.name for i in imaging.INDICATIONS if imaging.suspected(req, i) == "yes"}


CODE_CASES = [(i.name, p) for i in imaging.INDICATIONS for p in i.icd10]


@pytest.mark.parametrize("name, prefix", CODE_CASES, ids=[f"{n}-{p}" for n, p in CODE_CASES])
def test_every_icd10cm_code_and_title_under_a_lesions_prefixes_makes_it_suspected(name, prefix):
    icd = icd10cm()
    assert icd.is_valid_item(prefix), prefix
    for code in [prefix] + icd.get_descendants(prefix):
        title = icd.get_description(code)
        assert suspected_lesions([{"code": code}]) == {name}, code
        assert suspected_lesions([title]) == {name}, title  # the classification's own words
        assert suspected_lesions([f"rule out {title.lower()}"]) == {name}, title


FINDING_CASES = [(i.name, f.name.value, r.value) for i in imaging.INDICATIONS for f in i.findings for r in f.regions]


@pytest.mark.parametrize("name, finding, region", FINDING_CASES, ids=[f"{n}-{f}-{r}" for n, f, r in FINDING_CASES])
def test_every_finding_of_a_lesion_in_its_regions_makes_it_suspected(name, finding, region):
    assert name in suspected_lesions(findings=[{"name": finding, "region": region}])
    assert name in suspected_lesions(findings=[{"name": finding}])  # a finding of no stated region
    assert name not in suspected_lesions(findings=[{"name": finding, "region": region, "present": "no"}])


def test_no_lesion_is_suspected_when_nothing_names_one():
    fact = kind_facts(request("MRI of the right shoulder", {"findings": [{"name": "positive_impingement_sign",
                                                                           "region": "knee"}]}))
    assert all(fact[f"suspected_{i.name}"] == "not_stated" for i in imaging.INDICATIONS)


def test_the_nerve_study_facts_say_which_studies_earlier_studies_and_imaging():
    clinical = {"prior_studies": [{"study": "emg", "region": "upper_extremity", "side": "right", "date": "2016-12-01"},
                                  {"study": "mri", "region": "cervical", "result": "abnormal"},
                                  {"study": "mri", "region": "shoulder", "result": "abnormal"}]}
    right = kind_facts(request("EMG/NCS of the right upper extremity", clinical))
    assert (right["requests_emg"], right["requests_ncs"]) == (True, True)
    assert right["prior_eds"] == "yes" and right["prior_eds_days"] == (DATE - dt.date(2016, 12, 1)).days
    assert right["imaging_shows_pathology"] == "yes"  # the cervical MRI, not the shoulder's
    left = kind_facts(request("NCS of the left upper extremity", clinical))
    assert (left["requests_emg"], left["requests_ncs"], left["prior_eds"]) == (False, True, "not_stated")
    legs = kind_facts(request("EMG of the bilateral lower extremities", clinical))
    assert legs["prior_eds"] == "not_stated" and legs["imaging_shows_pathology"] == "not_stated"


# ------------------------------------------------------------------ 4. attributes and dates

def _service_values(family: Family, key: str) -> set:
    values = set()
    for entry in services_vocabulary().services:
        if entry.family is family:
            if key in entry.attributes:
                values.add(entry.attributes[key])
            for attrs in entry.code_attributes.values():
                if key in attrs:
                    values.add(attrs[key])
    return values


def test_the_kinds_attribute_values_are_the_item_readers():
    assert set(imaging.MODALITIES) == _service_values(Family.imaging, "modality")
    assert _service_values(Family.imaging, "contrast") <= set(imaging.CONTRASTS)
    assert _service_values(Family.imaging, "site") == set(imaging.SITES)
    assert set(electrodiagnostics.STUDIES) == _service_values(Family.electrodiagnostic, "study")
    assert kind_of(Family.imaging) is imaging.KIND and kind_of(Family.electrodiagnostic) is electrodiagnostics.KIND


@pytest.mark.parametrize("line", ["MRI of the lumbar spine", "EMG of the bilateral lower extremities"])
def test_a_request_after_2017_12_01_gets_an_odg_decision_of_lower_confidence(line):
    clinical = {**full("lumbar"), "findings": [{"name": "radiating pain", "region": "lumbar"},
                                               {"name": "sensory_deficit", "region": "lumbar"}]}
    result = check_one(request(line, clinical, date=dt.date(2019, 6, 1)))
    assert result.decision is CERTIFY and all(r.startswith("odg.") for r in result.deciding_rules)
    assert result.confidence == "low" and "ODG" in result.confidence_reason
    assert not any(f.rule.startswith(("acoem2004.", "cpmtg2016.")) for f in result.findings + result.superseded)


def test_facts_of_the_kinds_are_built_from_the_fact_context():
    req = request("MRI of the left knee", {"prior_studies": [{"study": "mri", "region": "knee", "side": "left"}]})
    item = normalize_item(req.items[0])
    context = FactContext(req, item.regions, pick_dates(req, None, DATE), KB)
    assert kind_of(Family.imaging).facts(item, context)["repeat_study"] == "yes"


# ------------------------------------------------------------------ 5. the reader: a response after its care

def _response_examples(name: str) -> list[str]:
    """Every alternative of every response term of clinical_care.yaml, as its own pattern matches it."""
    care = vocabulary("clinical_care", TermFile)
    lists = {n: care.list_regex(n) for n in care.lists}
    out = []
    for term in care.terms:
        if term.name == [name]:
            pattern = re.compile(term.regex(lists), re.I)
            out += [ex for ex in regex_examples(term.regex(lists)) if pattern.search(f"x {ex} x")]
    return out


CARE_SENTENCES = ["He has completed 5 of 6 chiropractic sessions.", "She attended 8 sessions of physical therapy.",
                  "Treatment to date has included medications and a home exercise program."]
RESPONSE_CASES = ([(ex, CareResponse.failed) for ex in _response_examples("response_failed")]
                  + [(ex, CareResponse.helping) for ex in _response_examples("response_helping")])


@pytest.mark.parametrize("care", CARE_SENTENCES)
@pytest.mark.parametrize("phrase, response", RESPONSE_CASES, ids=[f"{r.value}:{p}" for p, r in RESPONSE_CASES])
def test_a_response_that_names_no_care_speaks_of_the_care_of_the_sentence_before(care, phrase, response):
    text = f"{care} It is documented that he has {phrase} since then."
    assert extract_facts(text).clinical.conservative_care.response is response, text


@pytest.mark.parametrize("before", ["He reports pain of 7/10.", "The injured worker is a 40 year old male."])
def test_a_response_after_a_sentence_not_about_care_says_nothing(before):
    text = f"{before} It is documented he has had no improvement."
    assert extract_facts(text).clinical.conservative_care.response is CareResponse.not_stated
    assert extract_facts(f"{CARE_SENTENCES[0]} {text}").clinical.conservative_care.response is CareResponse.not_stated
