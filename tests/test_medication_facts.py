"""Medication facts of a case summary (checker.letters.facts: drug_use, drug_response, gi_risk,
opioid_monitoring, oral_intake, medication_history), generated: every template x drugs of every class of
rules/vocab/drug_classes.yaml (generic and brand names) x durations x negation. Each fact comes with its
evidence sentence, a sentence of the summary. And the request file's `clinical.medications`: friendly
spellings, one-line errors.
"""
from __future__ import annotations

import datetime as dt
import itertools
import subprocess
import sys
from pathlib import Path

import pytest

from checker.kinds.medications.mentions import drug_mentions, resolve
from checker.kinds.medications.vocab import drug_classes
from checker.letters.facts import extract_facts
from checker.request.clinical import Clinical, DrugStatus, DrugTestResult
from checker.vocab import Tri

DC = drug_classes()
# Names per class: the first two generics of each class and a brand of one, as the summaries write them.
NAMES: list[tuple[str, str]] = []
for klass in DC.classes:
    drugs = [d for d in DC.drugs if klass.id in d.classes][:2]
    for d in drugs:
        NAMES.append((klass.id, d.generic.capitalize()))
    brand = next((b for d in drugs for b in d.brand_names()), None)
    if brand:
        NAMES.append((klass.id, brand))
NAMES = sorted(set(NAMES))
OPENING = "The injured worker is a 45 year old male who sustained an industrial injury on 03/02/2016. "


def facts(text: str):
    f = extract_facts(OPENING + text)
    assert f.problems == []
    summary = " ".join((OPENING + text).split())
    for e in f.evidence:
        assert e.sentence in summary, e
    return f


def drug(f, name: str):
    generics, _ = resolve(name)
    found = [d for d in f.clinical.medications.drugs if resolve(d.drug)[0] == generics]
    return found[0] if found else None


def test_every_name_of_the_table_is_found_in_running_text():
    for _, name in NAMES:
        found = drug_mentions(f"She has been taking {name} daily.")
        assert [m.generics for m in found] == [resolve(name)[0]], name


STATUS_TEMPLATES = [
    ("Current medications include {drug} and physical therapy exercises.", DrugStatus.current),
    ("She is currently taking {drug}.", DrugStatus.current),
    ("The patient continues {drug}.", DrugStatus.current),
    ("Treatment to date has included {drug} and rest.", DrugStatus.past),
    ("He was previously prescribed {drug}.", DrugStatus.past),
    ("The patient stopped {drug} last month.", DrugStatus.past),
    ("The provider started a trial of {drug}.", DrugStatus.new),
    ("The treatment plan included {drug}.", DrugStatus.not_stated),
]


@pytest.mark.parametrize("template, status", STATUS_TEMPLATES)
@pytest.mark.parametrize("klass, name", NAMES)
def test_a_drug_and_its_status(template, status, klass, name):
    f = facts(template.format(drug=name))
    use = drug(f, name)
    assert use is not None, template.format(drug=name)
    assert use.status is status
    assert any(e.fact == "clinical.medications.drugs" and use.drug in e.value for e in f.evidence)


REQUESTED = [
    "A request was made for {drug} 10mg #60.",
    "The request for {drug} was denied by utilization review.",
    "{drug} 10mg #60 was the original request.",
    "Utilization review non-certified the request for {drug}.",
    "There is no documentation that the patient takes {drug}.",
]


@pytest.mark.parametrize("template", REQUESTED)
@pytest.mark.parametrize("klass, name", NAMES[::3])
def test_a_drug_only_requested_or_denied_is_not_a_drug_taken(template, klass, name):
    f = facts(template.format(drug=name))
    assert drug(f, name) is None, template.format(drug=name)


DURATIONS = [(n, unit) for n in (2, 6, 10) for unit in ("days", "weeks", "months", "years")]
WEEKS = {"days": 1 / 7, "weeks": 1.0, "months": 30.4375 / 7, "years": 52.18}


@pytest.mark.parametrize("n, unit", DURATIONS)
@pytest.mark.parametrize("klass, name", NAMES[::4])
def test_how_long_a_drug_has_been_taken(n, unit, klass, name):
    f = facts(f"He has been taking {name} for the past {n} {unit}.")
    use = drug(f, name)
    assert use.status is DrugStatus.current
    assert use.weeks == pytest.approx(n * WEEKS[unit], rel=0.01)


@pytest.mark.parametrize("when, since", [("since 10/14/2015", dt.date(2015, 10, 14)), ("since 2015", dt.date(2015, 1, 1)),
                                         ("started on 06/01/2016", dt.date(2016, 6, 1))])
@pytest.mark.parametrize("klass, name", NAMES[::4])
def test_since_when_a_drug_is_taken(when, since, klass, name):
    f = facts(f"The patient has been on {name} {when}.")
    assert drug(f, name).since == since


@pytest.mark.parametrize("klass, name", NAMES[::2])
def test_pain_scores_with_and_without_a_drug_and_relief(klass, name):
    f = facts(f"She takes {name}. Pain is 8/10 without {name} and 4/10 with {name}.")
    use = drug(f, name)
    assert (use.pain_without, use.pain_with, use.relief()) == (8, 4, 50)
    f = facts(f"He takes {name}, which decreases the pain from 9 out of 10 to 6 out of 10.")
    assert drug(f, name).relief() == pytest.approx(33.3, abs=0.1)
    f = facts(f"He reports 40% pain relief with {name}.")
    assert drug(f, name).relief_percent == 40


EFFECTS = [
    ("{drug} helps his pain.", "pain_relief", Tri.yes),
    ("The patient reports {drug} does not help.", "failed", Tri.yes),
    ("He denies side effects from {drug}.", "side_effects", Tri.no),
    ("She reports constipation from {drug}.", "side_effects", Tri.yes),
    ("{drug} improves her ability to perform activities of daily living.", "functional_benefit", Tri.yes),
    ("With {drug} he is able to work full duty.", "functional_benefit", Tri.not_stated),
    ("There is no documentation of functional improvement with {drug}.", "functional_benefit", Tri.not_stated),
    ("There is no documentation of side effects of {drug}.", "side_effects", Tri.not_stated),
    ("The patient should be monitored for side effects of {drug}.", "side_effects", Tri.not_stated),
]


@pytest.mark.parametrize("template, field, value", EFFECTS)
@pytest.mark.parametrize("klass, name", NAMES[::3])
def test_the_effect_of_a_drug(template, field, value, klass, name):
    f = facts(f"Current medications include {name}. " + template.format(drug=name))
    assert getattr(drug(f, name), field) is value, template.format(drug=name)


def test_what_is_said_of_medications_in_general():
    f = facts("Current medications include Norco. Pain is 7/10 without medications and 3/10 with medications. "
              "The medications allow him to work.")
    general = [d for d in f.clinical.medications.drugs if d.drug == "medications"]
    assert general and general[0].relief() == pytest.approx(57.1, abs=0.1)
    assert general[0].functional_benefit is Tri.yes


GI = [
    ("He has a history of peptic ulcer disease.", "peptic_ulcer", Tri.yes),
    ("History of a GI bleed in 2012.", "gi_bleeding", Tri.yes),
    ("She had a perforated ulcer.", "perforation", Tri.yes),
    ("He reports GI upset and heartburn.", "dyspepsia", Tri.yes),
    ("She has GERD.", "dyspepsia", Tri.yes),
    ("He denies GI upset.", "dyspepsia", Tri.no),
    ("There is no history of peptic ulcer.", "peptic_ulcer", Tri.no),
    ("There was no documentation of gastrointestinal symptoms.", "dyspepsia", Tri.not_stated),
    ("He takes high-dose NSAIDs.", "high_dose_nsaid", Tri.yes),
    ("If GI upset occurs, a PPI will be added.", "dyspepsia", Tri.not_stated),
]


@pytest.mark.parametrize("sentence, field, value", GI)
def test_gi_risk_factors(sentence, field, value):
    assert getattr(facts(sentence).clinical.medications.gi_risk, field) is value


def test_an_anticoagulant_is_a_gi_risk_of_the_record():
    assert facts("He takes warfarin daily.").clinical.medications.gi_risk.anticoagulant is Tri.yes


MONITORING = [
    ("A urine drug screen on 10/01/2016 was consistent with prescribed medications.", "tests",
     [(dt.date(2016, 10, 1), DrugTestResult.consistent)]),
    ("On 09/12/2016, the urine toxicology screen was positive for marijuana.", "tests",
     [(dt.date(2016, 9, 12), DrugTestResult.inconsistent)]),
    ("The treatment plan included a urine drug screen.", "tests", []),
    ("A urine drug screen was requested.", "tests", []),
    ("There was no urine drug screen performed.", "tests", []),
    ("The CURES report was reviewed and was appropriate.", "cures_checked", Tri.yes),
    ("A CURES report was not checked.", "cures_checked", Tri.no),
    ("An opioid risk assessment was completed.", "risk_screen", Tri.yes),
    ("The patient signed an opioid agreement.", "treatment_agreement", Tri.yes),
    ("There is no signed pain contract.", "treatment_agreement", Tri.no),
    ("No aberrant behavior was noted.", "aberrant_behavior", Tri.no),
    ("He requested early refills.", "aberrant_behavior", Tri.yes),
    ("The injured worker had no history of illicit drug use.", "substance_abuse", Tri.no),
    ("History of alcohol abuse.", "substance_abuse", Tri.yes),
]


@pytest.mark.parametrize("sentence, field, value", MONITORING)
def test_opioid_monitoring(sentence, field, value):
    meds = facts(sentence).clinical.medications
    if field == "tests":
        assert [(t.date, t.result) for t in meds.urine_drug_tests] == value
    else:
        assert getattr(meds, field) is value


ORAL = [
    ("The patient cannot swallow pills.", "oral_intolerance", Tri.yes),
    ("She is intolerant of oral medications.", "oral_intolerance", Tri.yes),
    ("He has dysphagia.", "oral_intolerance", Tri.yes),
    ("The patient was able to tolerate oral medications.", "oral_intolerance", Tri.no),
    ("There is no indication the patient cannot tolerate oral medication.", "oral_intolerance", Tri.not_stated),
    ("He has failed first-line medications.", "first_line_failed", Tri.yes),
    ("There is no documentation of failed first line therapy.", "first_line_failed", Tri.not_stated),
]


@pytest.mark.parametrize("sentence, field, value", ORAL)
def test_oral_intake_and_first_line_drugs(sentence, field, value):
    assert getattr(facts(sentence).clinical.medications, field) is value


@pytest.mark.parametrize("sentence, score, level", [
    ("He rated his pain as 7/10.", 7, None),
    ("Pain was rated 6/10 to 10/10 on VAS.", 10, None),
    ("She reports severe pain in the low back.", None, "severe"),
    ("Pain is 8/10 without Norco and 4/10 with Norco.", None, None),
])
def test_the_patients_pain(sentence, score, level):
    meds = facts(sentence).clinical.medications
    assert (meds.pain_score, meds.pain_level) == (score, level)


# ------------------------------------------------------------------ request files: clinical.medications

def test_a_request_file_states_the_medications_in_friendly_spellings():
    c = Clinical.model_validate({"medications": {
        "drugs": ["Norco", {"drug": "ibuprofen", "status": "stopped", "pain_with": "4/10", "pain_without": 8,
                            "weeks": "3 months", "functional_benefit": "yes"}],
        "gi_risk": {"peptic_ulcer": "yes", "dyspepsia": "no"},
        "urine_drug_tests": ["2016-11-08", {"date": "2016-06-01", "result": "aberrant"}],
        "cures_checked": True, "pain_score": "7/10"}})
    m = c.medications
    assert m.drugs[0].drug == "Norco" and m.drugs[1].status is DrugStatus.past
    assert m.drugs[1].relief() == 50 and round(m.drugs[1].weeks, 1) == 13.0
    assert m.gi_risk.peptic_ulcer is Tri.yes and m.gi_risk.dyspepsia is Tri.no
    assert [t.result for t in m.urine_drug_tests] == [DrugTestResult.not_stated, DrugTestResult.inconsistent]
    assert m.cures_checked is Tri.yes and m.pain_score == 7


ROOT = Path(__file__).resolve().parent.parent
BAD = [
    ("drugs: [{drug: Norco, status: sometimes}]", "clinical.medications.drugs[0].status", "expected one of"),
    ("drugs: [{drug: Norco, pain_with: eleven}]", "clinical.medications.drugs[0].pain_with", "pain score"),
    ("drugs: [{drug: Norco, relief_percent: 150}]", "clinical.medications.drugs[0].relief_percent", "100"),
    ("drugs: [{status: current}]", "clinical.medications.drugs[0].drug", ""),
    ("gi_risk: {peptic_ulcer: maybe}", "clinical.medications.gi_risk.peptic_ulcer", "yes, no or not stated"),
    ("gi_risk: {ulcers: yes}", "clinical.medications.gi_risk", "ulcers"),
    ("urine_drug_tests: [yesterday]", "clinical.medications.urine_drug_tests[0]", "date"),
    ("pain_score: 12", "clinical.medications.pain_score", "10"),
    ("cures_checked: perhaps", "clinical.medications.cures_checked", "yes, no or not stated"),
]


@pytest.mark.parametrize("yaml_text, field, expected", BAD)
def test_bad_medication_fields_are_one_line_errors(tmp_path, yaml_text, field, expected):
    path = tmp_path / "bad.yaml"
    path.write_text("request_date: 2016-10-01\nclinical:\n  medications:\n    " + yaml_text
                    + '\nitems: ["Tramadol 50mg #60"]\n', encoding="utf-8")
    script = Path(sys.executable).with_name("imr-check")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "checker"]
    done = subprocess.run([*command, "check", str(path)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    assert str(path) in lines[0] and field.replace("[", ".").replace("]", "") in lines[0].replace("[", ".").replace("]", "")
    assert expected in lines[0], lines[0]


@pytest.mark.parametrize("template, status", list(itertools.islice(STATUS_TEMPLATES, 3)))
def test_a_negated_drug_is_not_a_drug_taken(template, status):
    f = facts("The patient denies taking Norco. " + template.format(drug="ibuprofen"))
    assert drug(f, "Norco") is None and drug(f, "ibuprofen").status is status
