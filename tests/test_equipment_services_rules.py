"""Equipment and services (issue 11): the kinds, their facts and their criteria rules, on generated requests.

1. Every device the item reader knows (services.yaml's dme entries, named by each of its terms' first one)
   x mode (rental, purchase, not stated) x length (stated, not) x phase (acute, after surgery, chronic): the
   kind reads the device and its terms, its quantity and unit, its facts (mode and duration stated, days
   since surgery); the request-terms rules (X2, DWC Form RFA) block exactly the rentals of unstated length and
   the rent-or-buy devices of unstated mode, so neither is ever certified; a device no primary rule decides is
   Not covered, saying why.
2. Every primary rule of the equipment and services families, criterion by criterion, through request files:
   from a request meeting every criterion (certified), each criterion made met, not met and not documented by
   the request's own fields (clinical facts, surgeries, the item's words): the criterion reports that status,
   the decision is the three-valued combination of the rule's criteria, and a criterion left undocumented asks
   for its documentation when the rule blocks.
3. Dates: ODG's hearing-aid criteria decide a request of today, with a lower confidence; the MTUS lines (CPMTG
   2016, ACOEM 2004) end on 2017-11-30.
4. Bad input in every new clinical field: one error line naming the field, exit status 2, the good file of the
   same call still checked.
5. Every word of service_details.yaml: a provider's words state the level of home care; every pair of therapy
   disciplines is counted once each.
"""
from __future__ import annotations

import copy
import datetime as dt
import itertools
import json
from dataclasses import dataclass, field
from typing import Callable

import pytest
import yaml

from checker.check import Checker
from checker.engine.engine import Engine
from checker.engine.facts import build_fact, patient_context, pick_dates
from checker.kb.data import vocabulary
from checker.kb.load import default_kb
from checker.kb.schema import AllOf
from checker.kinds.equipment import DEVICES, DeviceTypesFile
from checker.kinds.registry import kind_of
from checker.normalize.item import normalize_item
from checker.normalize.vocabulary import services_vocabulary
from checker.request.model import TreatmentRequest
from checker.vocab import Decision, Family
from tests.test_check_cli import imr_check
from tests.test_criteria import kleene

KB = default_kb()
CHECKER = Checker(KB)
ENGINE = Engine(KB)
FAMILIES = {Family.dme, Family.consultation, Family.home_care, Family.facility_care, Family.transportation}
RENT_OR_BUY = set(KB.rule("rfa.dme.rent_or_buy").applies_to.item["device"])
DAY = dt.date(2016, 10, 1)


def check(req: dict, as_of: dt.date | None = None):
    (result,) = CHECKER.check(TreatmentRequest.model_validate(req), as_of=as_of)
    return result


# ------------------------------------------------------------------ 1. every device x mode x length x phase

def device_words() -> list[tuple[str, str]]:
    """(device, the first term of each services.yaml entry naming it)."""
    out = []
    for e in services_vocabulary().services:
        if e.family is Family.dme and e.terms:
            term = e.terms[0]
            out.append((e.attributes["device"], term if isinstance(term, str) else term.term))
    return out


DEVICE_WORDS = device_words()
MODES = {"rental": "rental", "purchase": "purchase", None: ""}
PHASES = {"acute": 10, "post-op": 60, "chronic": 200}  # days since injury; post-op: surgery 5 days ago
SURGERY_DAYS = 5


def device_request(words: str, mode, days, phase: str) -> dict:
    length = f" for {days} days" if days else ""
    patient = {"injury_date": (DAY - dt.timedelta(days=PHASES[phase])).isoformat(), "diagnoses": ["knee sprain"]}
    if phase == "post-op":
        patient["surgeries"] = [{"procedure": "right knee arthroscopy",
                                 "date": (DAY - dt.timedelta(days=SURGERY_DAYS)).isoformat()}]
    return {"request_date": DAY.isoformat(), "patient": patient,
            "items": [f"{words.capitalize()} {MODES[mode]}{length}".strip()]}


DEVICE_CASES = [(device, words, mode, days, phase)
                for (device, words), mode, days, phase in itertools.product(DEVICE_WORDS, MODES, (None, 14), PHASES)]


def test_every_device_of_the_reader_is_a_value_of_the_kind():
    assert {d for d, _ in DEVICE_WORDS} | {"unspecified"} == set(DEVICES)


@pytest.mark.parametrize("device, words, mode, days, phase", DEVICE_CASES,
                         ids=[f"{w}-{m}-{d}-{p}" for _, w, m, d, p in DEVICE_CASES])
def test_every_device_mode_length_and_phase(device, words, mode, days, phase):
    request = TreatmentRequest.model_validate(device_request(words, mode, days, phase))
    item = normalize_item(request.items[0])
    assert item.family is Family.dme and item.attributes["device"] == device
    assert (item.mode, item.duration_days) == (mode, days)

    kind = kind_of(Family.dme)
    quantity, unit, specified = kind.quantity(item)
    if mode == "rental" and days is None:
        assert (quantity, unit, specified) == (None, "days", False)
    elif days is not None and mode != "purchase":
        assert (quantity, unit, specified) == (days, "days", True)
    else:
        assert (quantity, unit, specified) == (1, "device", True)
    lines = dict(kind.understood(item))
    assert lines["Device"] == device.replace("_", " ")
    assert lines["Mode"] == (mode or "rental or purchase not stated")

    dates = pick_dates(request, None, DAY)
    fact = build_fact(request, item, KB, dates, patient_context(request, KB))
    assert fact["mode_stated"] == ("yes" if mode else "no")
    assert fact["duration_stated"] == ("yes" if mode == "purchase" or days else "no")
    assert fact["postoperative_days"] == (SURGERY_DAYS if phase == "post-op" else -1)
    assert fact["phase"] == {"acute": "acute", "post-op": "subacute", "chronic": "chronic"}[phase]

    fired = {(f.rule_id, f.check) for f in ENGINE.evaluate(fact)}
    if device in RENT_OR_BUY:
        assert ("rfa.dme.rent_or_buy", f"mode.{'met' if mode else 'not_met'}") in fired
    else:
        assert not any(rule == "rfa.dme.rent_or_buy" for rule, _ in fired)
    if mode == "rental":
        assert ("rfa.dme.rental_length", f"length.{'met' if days else 'not_met'}") in fired
    else:
        assert not any(rule == "rfa.dme.rental_length" for rule, _ in fired)

    result = check(device_request(words, mode, days, phase))
    incomplete = (mode == "rental" and days is None) or (device in RENT_OR_BUY and mode is None)
    if incomplete:
        assert result.decision is not Decision.certify
    if result.decision is Decision.not_covered:
        assert "durable medical equipment" in result.not_covered_reason
    else:
        assert any(KB.rule(f.rule).primary for f in result.findings)
        if incomplete:
            blocking = {f.rule for f in result.findings if f.effect == "block"}
            assert blocking & {"rfa.dme.rent_or_buy", "rfa.dme.rental_length"} or not specified


# ------------------------------------------------------------------ 2. every criterion of every rule

Mutation = Callable[[dict], None]


def clinical(**values) -> Mutation:
    def apply(req: dict) -> None:
        req.setdefault("clinical", {}).update(values)
    return apply


def without(*names: str) -> Mutation:
    def apply(req: dict) -> None:
        for name in names:
            req.get("clinical", {}).pop(name, None)
    return apply


def item(text: str) -> Mutation:
    def apply(req: dict) -> None:
        req["items"] = [text]
    return apply


def surgeries(*entries: dict) -> Mutation:
    def apply(req: dict) -> None:
        req["patient"]["surgeries"] = list(entries)
    return apply


def both(*steps: Mutation) -> Mutation:
    def apply(req: dict) -> None:
        for step in steps:
            step(req)
    return apply


def ago(date: str, days: int) -> str:
    return (dt.date.fromisoformat(date) - dt.timedelta(days=days)).isoformat()


@dataclass
class RuleCase:
    rule: str
    base: dict  # a request meeting every criterion of the rule
    # criterion -> outcome (met / not_met / not_documented) -> the changes that make it so (one or more ways)
    ways: dict[str, dict[str, list[Mutation]]] = field(default_factory=dict)


def hearing_type_words() -> list[str]:
    data = vocabulary("equipment_types", DeviceTypesFile)
    return [w for t in data.types if t.device == "hearing_aid" for w in t.terms + t.abbreviations]


def heat_cold_lines() -> dict[str, list[Mutation]]:
    """Every words the item reader takes for a heat or cold device, by what it is: a unit when it holds a unit
    word of equipment_types.yaml (not met), else a pack, pad or wrap (met)."""
    data = vocabulary("equipment_types", DeviceTypesFile)
    units = [w.lower() for t in data.types if t.device == "heat_cold_wrap" and t.type == "unit" for w in t.terms]
    packs = [w.lower() for t in data.types if t.device == "heat_cold_wrap" and t.type == "pack" for w in t.terms]
    out: dict[str, list[Mutation]] = {"met": [], "not_met": []}
    for e in services_vocabulary().services:
        if e.attributes.get("device") != "heat_cold_wrap":
            continue
        for term in e.terms:
            words = (term if isinstance(term, str) else term.term).replace("/", " ").lower()
            padded = f" {words} "
            if any(f" {u} " in padded for u in units):
                out["not_met"].append(item(f"{words} for the lumbar spine, purchase"))
            else:
                assert any(f" {p} " in padded for p in packs), words  # every heat or cold device is one or the other
                out["met"].append(item(f"{words} for the lumbar spine, purchase"))
    return out


HEARING_DATE, CPM_DATE, VISIT_DATE, HOME_DATE, IRF_DATE = "2017-02-10", "2017-05-02", "2017-03-01", "2017-03-01", "2016-10-28"

CASES = [
    RuleCase("odg.dme.hearing_aids", {
        "request_date": HEARING_DATE, "patient": {"injury_date": "2016-09-01", "diagnoses": ["hearing loss"]},
        "clinical": {"hearing_loss": "sensorineural", "hearing_aid_recommended": "yes"},
        "items": ["Bilateral behind-the-ear hearing aids, purchase"]}, {
        "loss": {"met": [clinical(hearing_loss="mixed")], "not_met": [clinical(hearing_loss="none")],
                 "not_documented": [without("hearing_loss"), clinical(hearing_loss="conductive"),
                                    clinical(hearing_loss="unspecified")]},
        "specialist": {"met": [clinical(hearing_aid_recommended="yes")],
                       "not_met": [clinical(hearing_aid_recommended="no")],
                       "not_documented": [without("hearing_aid_recommended")]},
        "type": {"met": [item(f"Bilateral {w} hearing aids, purchase") for w in hearing_type_words()]
                 + [item("Hearing aids V5261")],
                 "not_met": [item("Bilateral hearing aids, purchase"), item("Hearing aids V5298")]},
    }),
    RuleCase("acoem2004.low_back.dme.heat_cold_home", {
        "request_date": "2016-10-01", "patient": {"injury_date": "2016-08-01", "diagnoses": ["lumbar strain"]},
        "items": ["Heating pad for the low back, purchase"]}, {
        "local_application": heat_cold_lines(),
    }),
    RuleCase("cms.ncd.dme.continuous_passive_motion", {
        "request_date": CPM_DATE, "patient": {"injury_date": "2016-11-20", "diagnoses": ["knee osteoarthritis"],
                                               "surgeries": [{"procedure": "right total knee arthroplasty",
                                                              "planned": True}]},
        "items": ["CPM machine 21 day rental for the right knee"]}, {
        "knee_arthroplasty": {
            "met": [surgeries({"procedure": "total knee replacement, right", "date": ago(CPM_DATE, 1)}),
                    surgeries({"procedure": "TKA right knee", "planned": True})],
            "not_met": [surgeries({"procedure": "right knee arthroscopic partial meniscectomy", "planned": True})],
            "not_documented": [surgeries()]},
        "start": {"met": [surgeries({"procedure": "right total knee arthroplasty", "date": ago(CPM_DATE, 2)})],
                  "not_met": [surgeries({"procedure": "right total knee arthroplasty", "date": ago(CPM_DATE, 3)})],
                  "not_documented": [surgeries()]},
        "three_weeks": {"met": [item("CPM machine 1 day rental"), item("CPM 3 weeks rental")],
                        "not_met": [item("CPM machine 22 day rental"), item("CPM machine rental for 1 month")],
                        "not_documented": [item("CPM machine rental"), item("CPM machine purchase")]},
    }),
    RuleCase("cms.lcd.dme.canes_crutches_walkers", {
        "request_date": CPM_DATE, "patient": {"injury_date": "2016-11-20", "diagnoses": ["knee sprain"]},
        "clinical": {"mobility_limitation": "yes"}, "items": ["Front wheeled walker, purchase"]}, {
        "mobility_limitation": {"met": [both(item(f"{w}, purchase"), clinical(mobility_limitation="yes"))
                                        for w in ("Cane", "Quad cane", "Crutches", "Knee scooter", "Rollator",
                                                  "Front wheeled walker")],
                                "not_met": [clinical(mobility_limitation="no")],
                                "not_documented": [without("mobility_limitation")]},
    }),
    RuleCase("acoem2004.fce", {
        "request_date": "2016-10-01", "patient": {"injury_date": "2016-01-01", "diagnoses": ["lumbar disc herniation"]},
        "clinical": {"mmi": "yes"}, "items": ["Functional capacity evaluation"]}, {
        "work_capability": {"met": [clinical(mmi="yes"), both(without("mmi"), clinical(return_to_work_failed="yes")),
                                    clinical(mmi="yes", full_duty="yes")],
                            "not_met": [both(without("mmi"), clinical(full_duty="yes"))],
                            "not_documented": [without("mmi"), both(without("mmi"), clinical(full_duty="no"))]},
    }),
    RuleCase("mtus.cpmtg2016.follow_up", {
        "request_date": VISIT_DATE, "patient": {"injury_date": "2016-10-01", "diagnoses": ["lumbar strain"]},
        "clinical": {"visit_purpose_stated": "yes"}, "items": ["Follow up office visit x 1"]}, {
        "purpose": {"met": [clinical(visit_purpose_stated="yes")], "not_met": [clinical(visit_purpose_stated="no")],
                    "not_documented": [without("visit_purpose_stated")]},
        "one_at_a_time": {"met": [item("Follow up visit"), item("Follow-up office visit x 1")],
                          "not_met": [item(f"Follow up office visits x {n}") for n in (2, 3, 6)]},
    }),
    RuleCase("mtus.cpmtg2016.home_health", {
        "request_date": HOME_DATE, "patient": {"injury_date": "2017-01-20", "diagnoses": ["pelvic fracture"]},
        "clinical": {"homebound": "yes", "inpatient_stay": "yes", "adl_deficit": "yes"},
        "items": ["Home health aide 4 hours per day, 5 times a week for 4 weeks"]}, {
        "homebound": {"met": [clinical(homebound="yes")], "not_met": [clinical(homebound="no")],
                      "not_documented": [without("homebound")]},
        "indication": {"met": [both(without("inpatient_stay"), surgeries({"procedure": "ORIF pelvis",
                                                                          "date": ago(HOME_DATE, 20)}))],
                       "not_documented": [without("inpatient_stay"),
                                          both(without("inpatient_stay"), surgeries({"procedure": "ORIF pelvis",
                                                                                     "date": ago(HOME_DATE, 61)}))]},
        "deficits": {"met": [clinical(adl_deficit="yes")], "not_met": [clinical(adl_deficit="no")],
                     "not_documented": [without("adl_deficit")]},
        "skilled": {"met": [clinical(skilled_care_needed="yes")], "not_met": [clinical(skilled_care_needed="no")],
                    "not_documented": [without("skilled_care_needed")]},
        "frequency": {"met": [item("Home nurse 3 times a week for 4 weeks"), item("Caregiver 6 hours a day for 2 weeks")],
                      "not_met": [item("Home health aide for 4 weeks")]},
        "duration": {"met": [item("Home health aide 4 hours per day, 5 times a week for 4 weeks")],
                     "not_met": [item("Home health aide 4 hours per day")]},
        "licensure": {"met": [item(f"{w} 4 hours per day, 5 times a week for 4 weeks")
                              for w in ("Home health aide", "Home attendant", "Home nurse", "LVN", "Homemaker",
                                        "Home physical therapy")],
                      "not_met": [item("Home health services 4 hours per day, 5 times a week for 4 weeks")]},
        "home_evaluation": {
            "met": [item("Home health aide 4 hours per day, 5 times a week for 8 weeks"),
                    both(item("Home health aide 4 hours per day, 5 times a week for 12 weeks"),
                         clinical(in_home_evaluation="yes"))],
            "not_met": [both(item("Home health aide 4 hours per day, 5 times a week for 12 weeks"),
                             clinical(in_home_evaluation="no"))],
            "not_documented": [item("Home health aide 4 hours per day, 5 times a week for 9 weeks")]},
    }),
    RuleCase("irf.inpatient_rehabilitation", {
        "request_date": IRF_DATE, "patient": {"injury_date": "2016-10-20", "diagnoses": ["Lisfranc fracture"],
                                               "surgeries": [{"procedure": "ORIF left midfoot",
                                                              "date": ago(IRF_DATE, 8)}]},
        "clinical": {"adl_deficit": "yes"},
        "items": ["Acute inpatient rehabilitation physical therapy and occupational therapy 7-10 days"]}, {
        "disciplines": {"met": [item("Inpatient rehabilitation PT, OT and speech therapy 10 days"),
                                item("Acute rehab with physical therapy and occupational therapy for 14 days")],
                        "not_met": [item("Acute inpatient rehabilitation physical therapy 7-10 days"),
                                    item("Inpatient rehabilitation 10 days")]},
        "deficits": {"met": [clinical(adl_deficit="yes")], "not_met": [clinical(adl_deficit="no")],
                     "not_documented": [without("adl_deficit")]},
        "non_ambulatory": {"met": [clinical(unable_to_ambulate="yes")], "not_met": [clinical(unable_to_ambulate="no")],
                           "not_documented": [without("unable_to_ambulate")]},
        "post_acute": {"met": [both(surgeries(), clinical(inpatient_stay="yes"))],
                       "not_documented": [surgeries(), surgeries({"procedure": "ORIF left midfoot",
                                                                  "date": ago(IRF_DATE, 61)})]},
        "intensity": {"met": [item("Acute inpatient rehabilitation PT and OT 3 hours per day for 10 days")],
                      "not_met": [item("Acute inpatient rehabilitation PT and OT 2 hours per day for 10 days")],
                      "not_documented": [item("Acute inpatient rehabilitation PT and OT for 10 days")]},
        "stable": {"met": [clinical(medically_stable="yes")], "not_met": [clinical(medically_stable="no")],
                   "not_documented": [without("medically_stable")]},
    }),
]
CASE_OF = {c.rule: c for c in CASES}
VARIANTS = [(c.rule, criterion, outcome, i)
            for c in CASES for criterion, outcomes in c.ways.items()
            for outcome, ways in outcomes.items() for i in range(len(ways))]


def test_every_primary_rule_of_these_families_has_its_cases():
    # the rules of these families' own files (the associated-service link rules, which apply to every
    # family, are tested in tests/test_associated_services.py)
    primary = {r.id for r in KB.rules if r.primary and set(r.family) & FAMILIES
               and KB.rule_files[r.id] != "surgery_associated_services.yaml"}
    assert primary == set(CASE_OF)
    for rule_id, case in CASE_OF.items():
        criteria = {c.id for c in KB.rule(rule_id).criteria}
        assert set(case.ways) == criteria, rule_id  # every criterion has its ways, and no other


def finding_of(result, rule_id: str):
    (finding,) = [f for f in result.findings + result.superseded if f.rule == rule_id]
    return finding


@pytest.mark.parametrize("rule_id", sorted(CASE_OF))
def test_a_request_meeting_every_criterion_is_certified(rule_id):
    result = check(CASE_OF[rule_id].base)
    assert result.decision is Decision.certify, [f.message for f in result.findings]
    assert all(c.counted_as == "met" for c in finding_of(result, rule_id).criteria if c.status != "not_documented")


@pytest.mark.parametrize("rule_id, criterion, outcome, way", VARIANTS,
                         ids=[f"{r}:{c}:{o}:{i}" for r, c, o, i in VARIANTS])
def test_each_criterion_met_not_met_and_not_documented(rule_id, criterion, outcome, way):
    case = CASE_OF[rule_id]
    req = copy.deepcopy(case.base)
    case.ways[criterion][outcome][way](req)
    result = check(req)
    rule = KB.rule(rule_id)
    finding = finding_of(result, rule_id)
    status = {c.id: c for c in finding.criteria}
    assert status[criterion].status == outcome, (req["items"], [(c.id, c.status) for c in finding.criteria])
    require = rule.require if rule.require is not None else AllOf(all=[c.id for c in rule.criteria])
    combined = kleene(require, {c.id: c.counted_as for c in finding.criteria})
    assert finding.check == combined
    if combined != "met":
        assert result.decision is Decision.non_certify
        missing = next(c.missing for c in rule.criteria if c.id == criterion)
        if status[criterion].counted_as == "not_documented" and missing:
            assert missing in result.missing_documentation
    else:
        assert result.decision in (Decision.certify, Decision.non_certify)  # another rule may still block
        assert result.decision is Decision.certify or any(f.effect == "block" for f in result.findings)


# ------------------------------------------------------------------ 3. dates

def test_hearing_aids_requested_today_get_odg_with_a_lower_confidence():
    req = copy.deepcopy(CASE_OF["odg.dme.hearing_aids"].base)
    req["request_date"] = dt.date.today().isoformat()
    result = check(req)
    assert result.decision is Decision.certify and result.confidence == "low"
    assert [f.tier for f in result.findings if f.rule == "odg.dme.hearing_aids"] == [2]


@pytest.mark.parametrize("rule_id", ["acoem2004.fce", "mtus.cpmtg2016.follow_up", "mtus.cpmtg2016.home_health",
                                     "acoem2004.low_back.dme.heat_cold_home"])
def test_the_mtus_lines_end_on_2017_11_30(rule_id):
    req = copy.deepcopy(CASE_OF[rule_id].base)
    last = check(req, as_of=dt.date(2017, 11, 30))
    assert last.decision is Decision.certify
    after = check(req, as_of=dt.date(2017, 12, 1))
    assert after.decision is Decision.not_covered and after.findings == []
    # the reason names the dates when no line of the family is in force then (DME keeps its ODG and CMS
    # lines; every family keeps the associated-service link rules)
    day = dt.date(2017, 12, 1)
    in_force = any(r.primary and r.kind != "postsurgical" and set(r.family) & set(KB.rule(rule_id).family)
                   and r.effective.in_force(day) for r in KB.rules)
    assert after.outside_encoded_dates is not in_force


def test_inpatient_rehabilitation_rests_on_a_non_mtus_source():
    result = check(CASE_OF["irf.inpatient_rehabilitation"].base)
    (finding,) = [f for f in result.findings if f.rule == "irf.inpatient_rehabilitation"]
    assert finding.tier == 2 and finding.tier_label == "non-MTUS guideline" and result.confidence == "medium"


# ------------------------------------------------------------------ 4. bad input

BAD_CLINICAL = {
    "adl_deficit": "sometimes", "mobility_limitation": 3, "unable_to_ambulate": "maybe", "skilled_care_needed": "lots",
    "inpatient_stay": "twice", "medically_stable": "mostly", "hearing_loss": "loud", "hearing_aid_recommended": "soon",
    "mmi": "nearly", "return_to_work_failed": "partly", "full_duty": "half", "visit_purpose_stated": "vague",
    "in_home_evaluation": "later",
}


def test_bad_values_of_the_new_clinical_fields_are_one_line_errors(tmp_path):
    good = tmp_path / "good.yaml"
    good.write_text(yaml.safe_dump(CASE_OF["acoem2004.fce"].base), encoding="utf-8")
    files = []
    for name, value in BAD_CLINICAL.items():
        path = tmp_path / f"bad_{name}.yaml"
        path.write_text(yaml.safe_dump({**CASE_OF["acoem2004.fce"].base, "clinical": {name: value}}), encoding="utf-8")
        files.append(path)
    done = imr_check("check", *files, good, "--json")
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == len(files)
    for path, line in zip(files, lines):
        name = path.stem.removeprefix("bad_")
        assert line.startswith(f"error: {path}: clinical.{name}: ") and "expected" in line, line
        assert "Traceback" not in line
    assert [i["file"] for i in json.loads(done.stdout)["items"]] == [str(good)]


# ------------------------------------------------------------------ the words of service_details.yaml

def _details():
    from checker.kinds.services import ServiceDetailsFile
    return vocabulary("service_details", ServiceDetailsFile)


PROVIDER_WORDS = [(p.level, w) for p in _details().providers for w in p.terms + p.abbreviations]
DISCIPLINE_WORDS = [(d.discipline, w) for d in _details().disciplines for w in d.terms + d.abbreviations]


@pytest.mark.parametrize("level, word", PROVIDER_WORDS, ids=[w for _, w in PROVIDER_WORDS])
def test_every_provider_word_states_the_level_of_home_care(level, word):
    from checker.kinds.services import provider_levels

    for line in (f"Home health {word} 4 hours per day for 2 weeks", f"{word} home visits 3 times a week for 4 weeks"):
        assert level in provider_levels(line), line
    assert provider_levels("Home health services 4 hours per day for 2 weeks") == []


@pytest.mark.parametrize("first, second", [(a, b) for a, b in itertools.combinations(DISCIPLINE_WORDS, 2)
                                           if a[0] != b[0]])
def test_therapy_disciplines_are_counted_once_each(first, second):
    from checker.kinds.services import therapy_disciplines

    line = f"Acute inpatient rehabilitation with {first[1]} and {second[1]} for 10 days"
    assert sorted(therapy_disciplines(line)) == sorted({first[0], second[0]}), line
    assert therapy_disciplines(f"Acute inpatient rehabilitation with {first[1]} for 10 days") == [first[0]]
