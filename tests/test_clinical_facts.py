"""Clinical facts of the case summary (CaseFacts.clinical) and of request files (TreatmentRequest.clinical).

The sentences are GENERATED: every alternative of every vocabulary entry (tests/regex_examples.py
reads them off the patterns of rules/vocab/clinical_*.yaml) in templates of an examination, a
denial, a hypothesis, a record that is silent, a plan; across regions, sides and date formats. Each
test asserts the fact, its value, its region and side, and the sentence it was read from.
"""
from __future__ import annotations

import datetime as dt
import itertools
import re
import textwrap

import pytest

from checker.errors import InputError
from checker.kb.data import load_vocabulary, vocabulary
from checker.letters.facts import CaseFacts, extract_facts
from checker.letters.facts.cues import TermFile
from checker.letters.facts.terms import scan_regions
from checker.request.clinical import (
    OBJECTIVE_NEURO, CareKind, CareResponse, Clinical, ComorbidityName, FindingName, InjectionKind, RedFlagName,
    StudyKind, StudyResult,
)
from checker.request.load import load_request
from checker.vocab import Region, Tri
from tests.regex_examples import examples

D = dt.date
YES, NO, NS = Tri.yes, Tri.no, Tri.not_stated
R = Region
FILES = ("clinical_findings", "clinical_red_flags", "clinical_care", "clinical_studies", "clinical_injections",
         "clinical_plans", "clinical_comorbidities")
_SIDE_WORD = re.compile(r"\b(?:left|right|bilateral\w*|both|lt|rt)\b", re.I)


def vocab(name: str) -> TermFile:
    return vocabulary(name, TermFile)


def term_examples(name: str, names: set[str] | None = None, **where) -> list[tuple[object, str]]:
    """(term, example) for every alternative of every term of a file (of these names), the examples
    the term's own pattern matches; ``where`` filters terms by attribute (sign=True ...)."""
    v = vocab(name)
    lists = {n: v.list_regex(n) for n in v.lists}
    out = []
    for term in v.terms:
        if names is not None and not set(term.name) & names:
            continue
        if any(getattr(term, k) != want for k, want in where.items()):
            continue
        pattern = re.compile(term.regex(lists), re.I)
        for ex in examples(term.regex(lists)):
            if pattern.search(f"x {ex} x"):
                out.append((term, ex))
    return out


def ids(cases) -> list[str]:
    return [f"{getattr(c[0], 'name', ['?'])[0]}:{c[1]}" for c in cases]


def evidence_of(f: CaseFacts, fact: str) -> list[str]:
    return [e.sentence for e in f.evidence if e.fact == fact]


def has_region_or_side(text: str) -> tuple[bool, bool]:
    return bool(scan_regions(text)), bool(_SIDE_WORD.search(text))


# ================================================================== the vocabularies

@pytest.mark.parametrize("name", FILES)
def test_vocabulary_names_are_the_closed_sets_of_the_model(name):
    names = set(vocab(name).names)
    expected = {
        "clinical_findings": {n.value for n in FindingName} | {"positive_result", "negative_result", "complaint",
                                                                "examination"},
        "clinical_red_flags": {n.value for n in RedFlagName} | {"any", "past"},
        "clinical_care": {k.value for k in CareKind} - {"physical_therapy", "chiropractic", "acupuncture", "massage", "tens"}
        | {"conservative_care", "response_failed", "response_helping"},
        "clinical_studies": {s.value for s in StudyKind} | {"result_normal", "result_abnormal", "change_worse", "change_none"},
        "clinical_injections": {k.value for k in InjectionKind},
        "clinical_plans": {"surgery_considered", "surgery_word", "not_candidate", "planned", "declined", "done", "result"},
        "clinical_comorbidities": {c.value for c in ComorbidityName} | {"homebound", "relative"},
    }[name]
    assert names == expected


@pytest.mark.parametrize("name", FILES)
def test_every_term_has_a_source_and_every_code_is_icd10cm(name):
    from checker import icd10

    v = vocab(name)
    for term in v.terms:
        assert term.source in v.sources
        for code in term.codes:
            assert icd10.is_valid(code), (term.pattern or term.phrase, code)


@pytest.mark.parametrize("name", FILES)
def test_every_alternative_of_every_term_has_an_example(name):
    """The generated tests below reach every term of every file."""
    v = vocab(name)
    covered = {id(t) for t, _ in term_examples(name)}
    assert [t.pattern or t.phrase for t in v.terms if id(t) not in covered] == []


def test_a_malformed_clinical_vocabulary_is_one_line_naming_file_entry_and_field(tmp_path):
    import yaml

    from checker.kb.data import vocabulary_path

    data = yaml.safe_load(vocabulary_path("clinical_findings").read_text())
    data["terms"][3]["name"] = "sensory_defecit"
    (tmp_path / "vocab").mkdir()
    path = tmp_path / "vocab" / "clinical_findings.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    with pytest.raises(InputError) as info:
        load_vocabulary("clinical_findings", TermFile, tmp_path)
    line = str(info.value)
    assert "\n" not in line and line.startswith(f"{path}: terms[3].name: 'sensory_defecit' is not one of")


# ================================================================== findings

WHERE = [  # (words, region, side)
    ("in the left L5 dermatome", R.lumbar, "left"),
    ("in the right C6 dermatome", R.cervical, "right"),
    ("of the bilateral lower extremities", R.lower_extremity, "bilateral"),
    ("of the right knee", R.knee, "right"),
    ("of the left wrist", R.wrist_hand, "left"),
]
FINDING_TERMS = term_examples("clinical_findings", {n.value for n in FindingName}, sign=False)
SIGN_TERMS = term_examples("clinical_findings", {n.value for n in FindingName}, sign=True)


def findings_of(text: str):
    f = extract_facts(text)
    assert f.problems == []
    return f, f.clinical.findings


def _expect(found, name, present, region, side):
    return any(x.name.value == name and x.present is present and (region is None or x.region is region)
               and (side is None or (x.side and x.side.value == side)) for x in found)


@pytest.mark.parametrize("term, ex", FINDING_TERMS, ids=ids(FINDING_TERMS))
@pytest.mark.parametrize("where, region, side", WHERE[:3])
def test_a_finding_on_examination_with_its_region_and_side(term, ex, where, region, side):
    context = "motor strength was" if term.requires else "there was"
    text = f"On examination {context} {ex} {where}."
    f, found = findings_of(text)
    own_region, own_side = has_region_or_side(ex)
    own_side = own_side or "," in ex  # the side is read within the comma-delimited part of a clause
    present = YES if term.present == "yes" else NO
    for name in term.name:
        assert _expect(found, name, present, None if own_region else region, None if own_side else side), (text, found)
    assert evidence_of(f, "clinical.findings") and set(evidence_of(f, "clinical.findings")) == {text}


PRESENCE_TERMS = [c for c in FINDING_TERMS if c[0].present == "yes" and not c[0].requires]  # "no 4/5" says nothing


@pytest.mark.parametrize("term, ex", PRESENCE_TERMS, ids=ids(PRESENCE_TERMS))
@pytest.mark.parametrize("negation", ["On examination there was no {ex}.", "Examination revealed no {ex} or spasm.",
                                      "On examination there was no tenderness, {ex} or swelling."])
def test_a_negated_finding_is_absent(term, ex, negation):
    text = negation.format(ex=ex)
    _, found = findings_of(text)
    for name in term.name:
        assert _expect(found, name, NO, None, None), (text, found)
        assert not _expect(found, name, YES, None, None), (text, found)


@pytest.mark.parametrize("term, ex", FINDING_TERMS, ids=ids(FINDING_TERMS))
@pytest.mark.parametrize("template", [
    "If {ex} develops, an MRI would be considered.",
    "There was no documentation of {ex}.",
    "The request was denied as the records did not document {ex}.",
])
def test_a_hypothetical_or_undocumented_finding_is_not_stated(term, ex, template):
    text = template.format(ex=ex)
    _, found = findings_of(text)
    assert not any(x.name.value in term.name for x in found), (text, found)


def _complained(cases):
    from checker.letters.facts.findings import _EXAMINATION

    return [c for c in cases if set(c[0].name) & {n.value for n in OBJECTIVE_NEURO} and not _EXAMINATION.search(c[1])]


@pytest.mark.parametrize("term, ex", _complained(FINDING_TERMS), ids=ids(_complained(FINDING_TERMS)))
def test_an_objective_deficit_the_patient_complains_of_is_no_objective_finding(term, ex):
    """(Not the words of an examination: "dermatomal", "4/5", "reflex" make a sentence one.)"""
    _, found = findings_of(f"The patient complains of {ex} of the left leg.")
    assert not any(x.name.value in term.name for x in found)


@pytest.mark.parametrize("ex", [ex for t, ex in FINDING_TERMS if t.name == ["paresthesia"]])
@pytest.mark.parametrize("side", ["left", "right"])
def test_a_symptom_is_a_finding_and_its_denial_is_absent(ex, side):
    _, found = findings_of(f"The patient complains of {ex} in the {side} hand.")
    assert _expect(found, "paresthesia", YES, R.wrist_hand, side)
    _, found = findings_of(f"The patient denies {ex} in the {side} hand.")
    assert _expect(found, "paresthesia", NO, R.wrist_hand, side)


@pytest.mark.parametrize("term, ex", SIGN_TERMS, ids=ids(SIGN_TERMS))
@pytest.mark.parametrize("template, present", [
    ("Examination revealed a positive {ex} on the left.", YES),
    ("Examination revealed a negative {ex} on the left.", NO),
    ("On examination the {ex} was positive on the left.", YES),
    ("On examination the {ex} was negative on the left.", NO),
    ("There was a positive Kemp's test, Cozen's test, {ex} on the left and Yeoman's test.", YES),
    ("On examination there was a +{ex} on the left.", YES),
])
def test_a_sign_counts_when_called_positive_or_negative(term, ex, template, present):
    text = template.format(ex=ex)
    _, found = findings_of(text)
    region = None if scan_regions(ex) else term.region
    assert _expect(found, term.name[0], present, region, None if has_region_or_side(ex)[1] else "left"), (text, found)


@pytest.mark.parametrize("term, ex", SIGN_TERMS, ids=ids(SIGN_TERMS))
@pytest.mark.parametrize("template", ["The {ex} was performed.", "The physician plans to check the {ex} at the next visit.",
                                      "If the {ex} is positive, an MRI would be considered."])
def test_a_sign_named_without_its_result_says_nothing(term, ex, template):
    _, found = findings_of(template.format(ex=ex))
    assert not any(x.name.value == term.name[0] for x in found)


@pytest.mark.parametrize("text, region", [
    ("Decreased sensation in the L5 dermatome.", R.lumbar), ("Decreased sensation in the L4-S1 distribution.", R.lumbar),
    ("Decreased sensation in the C5 and C6 dermatomes.", R.cervical), ("Decreased sensation at T10.", R.thoracic),
    ("Decreased sensation of the upper extremity.", R.upper_extremity), ("Decreased sensation of the left foot.", R.ankle_foot),
])
def test_dermatome_levels_and_limbs_give_the_region(text, region):
    _, found = findings_of("On examination: " + text)
    assert _expect(found, "sensory_deficit", YES, region, None)


def test_neuro_deficit_and_radicular_symptoms_per_region_and_by_territory():
    f, _ = findings_of("The patient complains of low back pain radiating to the left leg with numbness. "
                       "Examination revealed decreased sensation in the left L5 dermatome, a positive straight leg raise "
                       "on the left and 5/5 motor strength in the upper extremities.")
    c = f.clinical
    assert c.neuro_deficit[R.lumbar] is YES and c.neuro_deficit[R.upper_extremity] is NO
    assert c.radicular_symptoms[R.lower_extremity] is YES
    assert c.neuro_deficit_in([R.lumbar]) is YES and c.neuro_deficit_in([R.knee]) is YES  # the same nerve territory
    assert c.neuro_deficit_in([R.cervical]) is NO and c.radicular_in([R.cervical]) is NS
    assert any(e.fact == "clinical.neuro_deficit" and e.value == "lumbar: yes" for e in f.evidence)


@pytest.mark.parametrize("text, name, present", [
    ("No radicular symptoms were reported.", "radiating_pain", NO),
    ("She denies numbness.", "paresthesia", NO),
    ("There was a negative straight leg raise.", "positive_slr", NO),
    ("He denied any radiation of pain, paresthesias, weakness, or numbness and tingling of the legs.", "paresthesia", NO),
    ("The knee was neurologically intact distally.", "neurologic_deficit", NO),
    ("Deep tendon reflexes were 1+ and symmetric.", "reflex_deficit", NO),
    ("Right ankle deep tendon reflex was 1+.", "reflex_deficit", YES),
    ("Motor strength was 4/5 in the left lower extremity.", "motor_weakness", YES),
    ("Motor strength was 5 out of 5 in the left lower extremity.", "motor_weakness", NO),
    ("Sensation was intact in the bilateral upper extremities.", "sensory_deficit", NO),
    ("His right knee gives way and there is locking.", "instability", YES),
    ("He was unable to bear weight on the right knee.", "unable_to_bear_weight", YES),
    ("There was no pleural effusion.", "effusion", None),
])
def test_phrasings_of_the_criteria(text, name, present):
    _, found = findings_of(text)
    if present is None:
        assert not any(x.name.value == name for x in found)
    else:
        assert _expect(found, name, present, None, None), found


# ================================================================== red flags

FLAG_TERMS = term_examples("clinical_red_flags", {n.value for n in RedFlagName})
ANY_TERMS = term_examples("clinical_red_flags", {"any"})


@pytest.mark.parametrize("term, ex", FLAG_TERMS, ids=ids(FLAG_TERMS))
def test_a_red_flag_present_ruled_out_past_or_hypothetical(term, ex):
    name = term.name[0]
    text = f"The physician noted {ex} of the lumbar spine."
    f = extract_facts(text)
    region = None if scan_regions(ex) else R.lumbar
    assert any(x.name.value == name and x.present is YES and x.suspected is term.suspected
               and (region is None or x.region is region) for x in f.clinical.red_flag_list), f.clinical
    assert f.clinical.red_flags is YES and evidence_of(f, "clinical.red_flag_list") == [text]
    assert f.clinical.red_flags_in([R.lumbar]) is YES
    if not term.suspected:
        ruled_out = extract_facts(f"X-rays of the lumbar spine showed no {ex}.").clinical
        assert any(x.name.value == name and x.present is NO for x in ruled_out.red_flag_list)
        assert ruled_out.red_flags is NS  # one flag ruled out is not all of them
        assert not extract_facts(f"He has a history of {ex}.").clinical.red_flag_list
    assert not extract_facts(f"If there is {ex}, an MRI would be considered.").clinical.red_flag_list


@pytest.mark.parametrize("ex", [ex for _, ex in ANY_TERMS])
@pytest.mark.parametrize("template, value", [("There were no {ex}.", NO), ("The exam was without {ex}.", NO),
                                             ("The patient was examined for {ex}.", NS),
                                             ("There was no documentation of {ex}.", NS)])
def test_red_flags_in_general(ex, template, value):
    assert extract_facts(template.format(ex=ex)).clinical.red_flags is value


def test_a_red_flag_present_outweighs_a_general_no_and_stays_in_its_region():
    c = extract_facts("There were no red flags. X-rays of the right thumb showed a fracture.").clinical
    assert c.red_flags is YES and c.red_flags_in([R.wrist_hand]) is YES and c.red_flags_in([R.lumbar]) is NS
    c = extract_facts("There were no red flags. X-rays of the lumbar spine showed no fracture.").clinical
    assert c.red_flags is NO and c.red_flags_in([R.lumbar]) is NO


def test_cumulative_trauma_is_no_red_flag():
    assert extract_facts("The mechanism of injury is cumulative trauma.").clinical.red_flag_list == []


# ================================================================== prior studies

STUDY_TERMS = term_examples("clinical_studies", {s.value for s in StudyKind})
DATES = [("10-3-16", D(2016, 10, 3)), ("10/03/2016", D(2016, 10, 3)), ("October 3, 2016", D(2016, 10, 3))]
STUDY_REGIONS = [("lumbar spine", R.lumbar), ("right shoulder", R.shoulder), ("left knee", R.knee)]


def _studies(text: str):
    f = extract_facts(text)
    assert f.problems == []
    return f, f.clinical.prior_studies


@pytest.mark.parametrize("term, ex", STUDY_TERMS, ids=ids(STUDY_TERMS))
@pytest.mark.parametrize("date, day", DATES)
@pytest.mark.parametrize("where, region", STUDY_REGIONS[:2])
def test_a_prior_study_with_its_date_region_and_result(term, ex, date, day, where, region):
    text = f"An {ex} of the {where} dated {date} revealed a disc protrusion."
    f, studies = _studies(text)
    own = scan_regions(ex)
    for name in term.name:
        assert any(s.study.value == name and s.date == day and (own or s.region is region)
                   and s.result is StudyResult.abnormal for s in studies), (text, studies)
    assert set(evidence_of(f, "clinical.prior_studies")) == {text}


@pytest.mark.parametrize("term, ex", STUDY_TERMS, ids=ids(STUDY_TERMS))
@pytest.mark.parametrize("template, result", [
    ("{Ex} of the lumbar spine on {date} were negative.", StudyResult.normal),
    ("She had a normal {ex} of the lumbar spine on {date}.", StudyResult.normal),
    ("{Ex} of the lumbar spine dated {date} showed no fractures.", StudyResult.normal),
    ("Treatment to date has included {ex} of the lumbar spine on {date} and medications.", StudyResult.not_stated),
])
def test_a_normal_or_unreported_prior_study(term, ex, template, result):
    text = template.format(ex=ex, Ex=ex[:1].upper() + ex[1:], date="10/03/2016")
    _, studies = _studies(text)
    for name in term.name:
        assert any(s.study.value == name and s.result is result and s.date == D(2016, 10, 3) for s in studies), (text, studies)


@pytest.mark.parametrize("term, ex", STUDY_TERMS, ids=ids(STUDY_TERMS))
@pytest.mark.parametrize("template", [
    "The treating physician requested an {ex} of the lumbar spine.",
    "The treatment plan included an {ex} of the lumbar spine.",
    "On 11/17/2016, utilization review non-certified the request for an {ex} of the lumbar spine.",
    "If symptoms persist, an {ex} of the lumbar spine would be considered.",
    "An {ex} of the lumbar spine was not performed.",
])
def test_a_requested_planned_hypothetical_or_undone_study_is_no_prior_study(term, ex, template):
    _, studies = _studies(template.format(ex=ex))
    assert not any(s.study.value in term.name for s in studies), (template, studies)


@pytest.mark.parametrize("later, change", [
    ("Since then her symptoms have worsened.", YES), ("She reports new numbness in the left foot.", YES),
    ("Her symptoms are unchanged.", NO), ("There were no new symptoms.", NO), ("She was seen again.", NS),
])
def test_change_since_the_prior_study(later, change):
    assert extract_facts(f"An MRI of the lumbar spine dated 10/03/2016 revealed a disc protrusion. {later}"
                         ).clinical.change_since_prior is change
    assert extract_facts(later).clinical.change_since_prior is NS  # no prior study: nothing changed since


# ================================================================== prior injections

INJECTION_TERMS = term_examples("clinical_injections")


@pytest.mark.parametrize("term, ex", INJECTION_TERMS, ids=ids(INJECTION_TERMS))
@pytest.mark.parametrize("date, day", DATES[:2])
def test_a_prior_injection_with_level_date_relief_and_function(term, ex, date, day):
    text = f"She received a {ex} at L4-5 on {date} with 60% relief for 6 weeks and improved range of motion."
    f = extract_facts(text)
    own = scan_regions(ex)
    (inj,) = [i for i in f.clinical.prior_injections if i.kind.value == term.name[0]]
    assert (inj.level, inj.date, inj.relief_percent, inj.relief_weeks) == ("L4-L5", day, 60, 6.0)
    assert own or inj.region is R.lumbar
    assert inj.functional_improvement is YES
    assert evidence_of(f, "clinical.prior_injections") == [text]


@pytest.mark.parametrize("term, ex", INJECTION_TERMS, ids=ids(INJECTION_TERMS))
def test_an_injection_planned_declined_or_without_relief(term, ex):
    planned = extract_facts(f"The physician requested a {ex}.").clinical
    assert planned.invasive_procedure_planned is YES and planned.prior_injections == []
    assert extract_facts(f"The patient declined a {ex}.").clinical.invasive_procedure_planned is NO
    (inj,) = extract_facts(f"She had a {ex} on 10/03/2016 with no relief.").clinical.prior_injections
    assert inj.relief_percent == 0 and inj.kind.value == term.name[0]
    assert extract_facts(f"If symptoms persist, a {ex} would be considered.").clinical.invasive_procedure_planned is NS


@pytest.mark.parametrize("level, written", [("L5-S1", "L5-S1"), ("C5-6", "C5-C6"), ("L4 L5", "L4-L5"), ("L3", "L3")])
def test_spinal_levels(level, written):
    (inj,) = extract_facts(f"He underwent a transforaminal epidural steroid injection at {level} on 10/03/2016."
                           ).clinical.prior_injections
    assert inj.level == written and inj.region is (R.cervical if level.startswith("C") else R.lumbar)


# ================================================================== conservative care

CARE_TERMS = term_examples("clinical_care", {k.value for k in CareKind})


@pytest.mark.parametrize("term, ex", CARE_TERMS, ids=ids(CARE_TERMS))
def test_conservative_care_tried_or_only_planned(term, ex):
    kind = CareKind(term.name[0])
    text = f"Treatment to date has included {ex}."
    f = extract_facts(text)
    assert kind in f.clinical.conservative_care.tried, (text, f.clinical.conservative_care)
    assert text in evidence_of(f, "clinical.conservative_care.tried")
    assert kind not in extract_facts(f"The treatment plan included {ex}.").clinical.conservative_care.tried
    assert kind not in extract_facts(f"She has not had {ex}.").clinical.conservative_care.tried


@pytest.mark.parametrize("text, kind", [
    ("She has completed 6 sessions of physical therapy.", CareKind.physical_therapy),
    ("He has had chiropractic care.", CareKind.chiropractic), ("She tried acupuncture.", CareKind.acupuncture),
    ("She is doing a home exercise program.", CareKind.home_exercise),
    ("He is working modified duty.", CareKind.activity_modification),
    ("Current medications include ibuprofen.", CareKind.medications),
])
def test_conservative_care_from_the_other_facts(text, kind):
    assert kind in extract_facts(text).clinical.conservative_care.tried


@pytest.mark.parametrize("care", ["physical therapy", "chiropractic care", "medications", "conservative care"])
@pytest.mark.parametrize("template, response", [
    ("Her pain persisted despite {care}.", CareResponse.failed),
    ("She has had {care} with no improvement.", CareResponse.failed),
    ("She has had {care}, which has not helped.", CareResponse.failed),
    ("She failed {care}.", CareResponse.failed),
    ("She is improving with {care}.", CareResponse.helping),
    ("She has had {care}, which has helped.", CareResponse.helping),
    ("If {care} does not help, an MRI would be considered.", CareResponse.not_stated),
    ("There was no documentation of failed {care}.", CareResponse.not_stated),
])
def test_the_response_to_conservative_care(care, template, response):
    text = template.format(care=care)
    c = extract_facts(text).clinical.conservative_care
    assert c.response is response, (text, c)


def test_the_last_response_stated_wins():
    text = "She had physical therapy with no improvement. She is now improving with chiropractic care."
    assert extract_facts(text).clinical.conservative_care.response is CareResponse.helping


@pytest.mark.parametrize("n", [4, 6, 8])
@pytest.mark.parametrize("unit, weeks", [("weeks", 1.0), ("months", 30.4375 / 7)])
def test_how_long_and_since_when(n, unit, weeks):
    c = extract_facts(f"She has had {n} {unit} of physical therapy.").clinical.conservative_care
    assert c.weeks == pytest.approx(n * weeks)
    for date, day in DATES:
        assert extract_facts(f"She began physical therapy on {date}.").clinical.conservative_care.since == day
    assert extract_facts(f"There was no documentation of {n} {unit} of conservative care.").clinical.conservative_care.weeks is None


# ================================================================== surgery and procedures planned

PLAN_TERMS = term_examples("clinical_plans", {"surgery_considered"})
NOT_CANDIDATE = term_examples("clinical_plans", {"not_candidate"})
SURGERY_WORDS = term_examples("clinical_plans", {"surgery_word"})


@pytest.mark.parametrize("term, ex", PLAN_TERMS, ids=ids(PLAN_TERMS))
def test_a_surgery_considered(term, ex):
    text = f"On 11/04/2016 the physician noted {ex}."
    f = extract_facts(text)
    assert f.clinical.surgery_planned is YES and evidence_of(f, "clinical.surgery_planned") == [text]
    assert extract_facts(f"If symptoms persist, {ex} would be appropriate.").clinical.surgery_planned is NS


@pytest.mark.parametrize("term, ex", NOT_CANDIDATE, ids=ids(NOT_CANDIDATE))
def test_no_surgical_candidate(term, ex):
    assert extract_facts(f"The patient is {ex}.").clinical.surgery_planned is NO


@pytest.mark.parametrize("term, ex", SURGERY_WORDS, ids=ids(SURGERY_WORDS))
@pytest.mark.parametrize("template, value", [
    ("The physician recommended {ex}.", YES), ("The treatment plan included {ex}.", YES),
    ("A request for {ex} was submitted.", YES), ("The patient declined {ex}.", NO),
    ("If conservative care fails, {ex} may be considered.", NS), ("He has had no prior {ex}.", NS),
])
def test_a_surgery_planned_declined_or_hypothetical(term, ex, template, value):
    text = template.format(ex=ex)
    assert extract_facts(text).clinical.surgery_planned is value, text


# ================================================================== comorbidities and homebound

COMORBID_TERMS = term_examples("clinical_comorbidities", {c.value for c in ComorbidityName})


@pytest.mark.parametrize("term, ex", COMORBID_TERMS, ids=ids(COMORBID_TERMS))
def test_a_comorbidity_present_absent_a_relatives_or_hypothetical(term, ex):
    name = ComorbidityName(term.name[0])
    present = YES if term.present == "yes" else NO
    text = f"Past medical history is significant for {ex}."
    f = extract_facts(text)
    assert any(c.name is name and c.present is present for c in f.clinical.comorbidities), (text, f.clinical.comorbidities)
    assert evidence_of(f, "clinical.comorbidities") == [text]
    if present is YES:
        assert any(c.name is name and c.present is NO
                   for c in extract_facts(f"She has no history of {ex}.").clinical.comorbidities)
        assert not any(c.name is name for c in extract_facts(f"Her family history includes {ex}.").clinical.comorbidities)
        assert not any(c.name is name for c in extract_facts(f"Her mother has {ex}.").clinical.comorbidities)
    assert not any(c.name is name for c in extract_facts(f"If {ex} is found, labs would be drawn.").clinical.comorbidities)


@pytest.mark.parametrize("bmi, present", [("BMI 31.25", YES), ("a BMI of 42", YES), ("BMI 24.5", NO)])
def test_body_mass_index(bmi, present):
    (c,) = extract_facts(f"Vital signs included {bmi}.").clinical.comorbidities
    assert (c.name, c.present) == (ComorbidityName.obesity, present)


@pytest.mark.parametrize("ex", [ex for t, ex in term_examples("clinical_comorbidities", {"homebound"})])
def test_homebound(ex):
    assert extract_facts(f"The patient is {ex}.").clinical.homebound is YES
    assert extract_facts(f"The patient is not {ex}.").clinical.homebound is NO


# ================================================================== the whole summary

def test_every_real_summary_reads_without_problem_and_every_clinical_fact_has_its_sentence(seeds_dir, dev_dir):
    from checker.letters.facts.text import normalize
    from checker.letters.parse import load_letter

    for path in sorted(seeds_dir.glob("*.txt")) + sorted(dev_dir.glob("*.txt")):
        summary = load_letter(path).summary
        f = extract_facts(summary)
        assert f.problems == [], path.name
        c, facts = f.clinical, {e.fact for e in f.evidence}
        assert len(evidence_of(f, "clinical.findings")) == len(c.findings)
        assert len(evidence_of(f, "clinical.red_flag_list")) == len(c.red_flag_list)
        assert len(evidence_of(f, "clinical.prior_studies")) == len(c.prior_studies)
        assert len(evidence_of(f, "clinical.prior_injections")) == len(c.prior_injections)
        assert len(evidence_of(f, "clinical.comorbidities")) == len(c.comorbidities)
        for name in ("surgery_planned", "invasive_procedure_planned", "homebound", "change_since_prior"):
            assert (getattr(c, name) is NS) == (f"clinical.{name}" not in facts), (path.name, name)
        assert all(e.sentence in normalize(summary) for e in f.evidence if e.fact.startswith("clinical."))


def test_the_clinical_facts_travel_into_the_request(tmp_path):
    from checker.letters.parse import load_letter
    from checker.letters.to_request import item_request
    from tests.conftest import ROOT

    letter = load_letter(ROOT / "samples" / "letters" / "CM99-0000101_acupuncture_overturned.txt")
    extra = (" Examination revealed decreased sensation in the left L5 dermatome. There were no red flags. "
             "An MRI of the lumbar spine dated 10/03/2016 revealed a disc protrusion.")
    letter = letter.model_copy(update={"summary": letter.summary + extra})
    facts = extract_facts(letter.summary)
    request = item_request(letter, letter.items[0], facts)
    assert request.clinical == facts.clinical and request.clinical.neuro_deficit_in([R.lumbar]) is YES
    assert request.clinical.red_flags is NO and request.clinical.prior_studies[0].study is StudyKind.mri


# ================================================================== request files

def write(tmp_path, body: str):
    path = tmp_path / "request.yaml"
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


def test_a_request_file_states_the_clinical_facts_by_hand(tmp_path):
    request = load_request(write(tmp_path, """\
        items: [MRI of the lumbar spine]
        clinical:
          findings: [{name: sensory_deficit, present: yes, region: cervical}, {name: Positive SLR, region: low back, side: L}]
          red_flags: no
          conservative_care: {tried: [physical therapy, medications, PT], response: failed, weeks: 6}
          prior_studies: [{study: x-ray, region: lumbar, date: 2016-10-03, result: negative}]
          prior_injections: [{kind: ESI, level: l4/5, relief_percent: 50, relief_weeks: 2 months}]
          surgery_planned: yes
          comorbidities: [{name: HTN}, {name: smoker, present: no}]
        """))
    c = request.clinical
    assert [(f.name, f.present, f.region) for f in c.findings] == [
        (FindingName.sensory_deficit, YES, R.cervical), (FindingName.positive_slr, YES, R.lumbar)]
    assert c.findings[1].side.value == "left"
    assert c.neuro_deficit == {R.cervical: YES} and c.radicular_symptoms == {R.lumbar: YES}
    assert c.red_flags is NO and c.red_flags_in([R.lumbar]) is NO
    assert c.conservative_care.tried == [CareKind.physical_therapy, CareKind.medications]
    assert (c.conservative_care.response, c.conservative_care.weeks) == (CareResponse.failed, 6)
    assert c.prior_studies[0].study is StudyKind.xray and c.prior_studies[0].result is StudyResult.normal
    assert (c.prior_injections[0].kind, c.prior_injections[0].level) == (InjectionKind.epidural, "L4-L5")
    assert c.prior_injections[0].relief_weeks == pytest.approx(2 * 30.4375 / 7)
    assert [(x.name, x.present) for x in c.comorbidities] == [(ComorbidityName.hypertension, YES),
                                                              (ComorbidityName.smoking, NO)]


@pytest.mark.parametrize("enum", [FindingName, RedFlagName, CareKind, StudyKind, InjectionKind, ComorbidityName])
def test_every_name_reads_in_any_case_with_spaces_or_hyphens(enum):
    from checker.request.clinical import friendly

    for member, spelled in itertools.product(enum, (str.upper, lambda s: s.replace("_", " "), lambda s: s.replace("_", "-"))):
        assert friendly(enum, spelled(member.value)) is member


@pytest.mark.parametrize("clinical, where, says", [
    ("{findings: [{name: sensory defecit}]}", "clinical.findings[0].name", "expected one of sensory_deficit"),
    ("{findings: [{name: slr, present: maybe}]}", "clinical.findings[0].present", "expected yes or no"),
    ("{findings: [{name: slr, region: everywhere}]}", "clinical.findings[0].region", "expected a body region"),
    ("{findings: [{name: slr, colour: red}]}", "clinical.findings[0].colour", "unknown key; expected one of name"),
    ("{red_flags: perhaps}", "clinical.red_flags", "expected yes, no or not stated"),
    ("{red_flags: no, red_flag_list: [{name: fracture}]}", "clinical", "red_flags: no, but red_flag_list names fracture"),
    ("{conservative_care: {weeks: six}}", "clinical.conservative_care.weeks", "expected a number of weeks"),
    ("{conservative_care: {tried: [yoga]}}", "clinical.conservative_care.tried[0]", "expected one of physical_therapy"),
    ("{prior_studies: [{study: pet scan}]}", "clinical.prior_studies[0].study", "expected one of mri"),
    ("{prior_studies: [{study: mri, date: yesterday}]}", "clinical.prior_studies[0].date", "date"),
    ("{prior_injections: [{level: lumbar}]}", "clinical.prior_injections[0].level", "expected a spinal level"),
    ("{prior_injections: [{relief_percent: 150}]}", "clinical.prior_injections[0].relief_percent", "at most 100"),
    ("{comorbidities: [{name: gout}]}", "clinical.comorbidities[0].name", "expected one of diabetes"),
    ("{homebound: sometimes}", "clinical.homebound", "expected yes, no or not stated"),
])
def test_a_bad_clinical_field_is_one_line_naming_it(tmp_path, clinical, where, says):
    path = write(tmp_path, f"items: [MRI of the lumbar spine]\nclinical: {clinical}\n")
    with pytest.raises(InputError) as info:
        load_request(path)
    line = str(info.value)
    assert "\n" not in line and line.startswith(f"{path}: {where}: "), line
    assert says in line, line


def test_the_cli_reports_a_bad_clinical_field_on_one_line_and_exit_2(tmp_path):
    from typer.testing import CliRunner

    from checker.cli import app

    path = write(tmp_path, "items: [MRI of the lumbar spine]\nclinical: {findings: [{name: wobbly}]}\n")
    result = CliRunner().invoke(app, ["check", str(path)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert f"{path}: clinical.findings[0].name: expected one of" in result.output


def test_clinical_defaults_to_not_stated():
    c = Clinical()
    assert c.neuro_deficit_in([R.lumbar]) is NS and c.red_flags_in([R.lumbar]) is NS and c.surgery_planned is NS
    assert extract_facts("").clinical == Clinical()
