"""Case-summary fact extraction (checker.letters.facts).

The real letters are read from ../shared/letters at test time (never copied here); expected
values are short facts (numbers, dates, diagnosis words). Synthetic sentences below are
written for these tests.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checker.letters.facts import CaseFacts, extract_facts
from checker.letters.facts_negation import is_negated
from checker.letters.facts_text import MAX_CHARS, find_dates, normalize, sentences
from checker.letters.parse import load_letter
from checker.request.model import VisitCount
from checker.vocab import Family, Region, Tri

D = dt.date
PT, CHIRO, ACU, MASSAGE, TENS = (
    Family.physical_therapy, Family.chiropractic, Family.acupuncture, Family.massage, Family.tens,
)
YES, NO, NS = Tri.yes, Tri.no, Tri.not_stated
ANY = object()  # "do not assert" marker


# ------------------------------------------------------------------ letters

def summary_of(path: Path) -> str:
    return load_letter(path).summary


_FACTS: dict[Path, CaseFacts] = {}


def facts_of(path: Path) -> CaseFacts:
    if path not in _FACTS:
        _FACTS[path] = extract_facts(summary_of(path))
    return _FACTS[path]


def seed(seeds_dir: Path, prefix: str) -> CaseFacts:
    (path,) = sorted(seeds_dir.glob(f"{prefix}_*.txt"))
    return facts_of(path)


def lower(items) -> list[str]:
    return [str(i).lower() for i in items]


# ------------------------------------------------------------------ contract

def test_contract_fields():
    assert set(CaseFacts.model_fields) == {
        "age", "sex", "injury_date", "diagnoses", "regions", "surgeries", "prior", "home_exercise_program",
        "returned_to_work", "work_status", "medications", "medication_reduced_or_not_tolerated",
        "adjunct_to_exercise", "flare_up", "indication_documented", "request_date", "ur_date", "latest_date", "ur_authorized",
        "clinical", "evidence", "problems",
    }
    with pytest.raises(Exception):
        CaseFacts(unknown_field=1)
    empty = extract_facts("")
    assert empty == CaseFacts()
    assert empty.home_exercise_program is NS and empty.prior == {} and empty.evidence == []


# ------------------------------------------------------------------ seed letters, fact by fact

def test_seed_003(seeds_dir):
    f = seed(seeds_dir, "003")
    assert f.age == 59
    assert f.sex == "male"
    assert f.injury_date == D(2011, 11, 7)
    assert f.prior[PT].visits == VisitCount(min=24, max=24)
    assert f.prior[PT].functional_improvement is NS
    assert Region.cervical in f.regions
    assert {"post laminectomy syndrome", "cervical facet syndrome", "cervical radiculopathy"} <= set(lower(f.diagnoses))
    assert f.surgeries == []  # "post laminectomy syndrome" is a diagnosis, not a dated operation


def test_seed_004(seeds_dir):
    f = seed(seeds_dir, "004")
    assert f.sex == "female"
    assert f.injury_date == D(2009, 8, 14)
    assert f.prior[PT].visits == VisitCount(min=20, max=22)
    assert f.prior[MASSAGE].visits == VisitCount(min=8, max=None)
    assert f.prior[CHIRO].visits is None  # "unspecified amounts of manipulative therapy"
    assert ACU in f.prior
    assert f.returned_to_work is YES
    assert "part-time" in f.work_status and "4 hours" in f.work_status
    assert {"butrans", "percocet", "gabapentin", "robaxin", "neurontin"} <= set(lower(f.medications))
    assert f.ur_date == D(2014, 7, 14)
    assert Region.lumbar in f.regions and Region.cervical in f.regions
    assert "chronic low back pain" in lower(f.diagnoses)


def test_seed_002(seeds_dir):
    f = seed(seeds_dir, "002")
    assert (f.age, f.sex, f.injury_date) == (54, "female", D(2009, 4, 17))
    assert set(f.prior) == {PT, ACU, MASSAGE, CHIRO}
    for fam in (PT, ACU, MASSAGE, CHIRO):
        assert f.prior[fam].visits is None
        assert f.prior[fam].functional_improvement is NO, fam
    assert "chronic lumbar back pain" in lower(f.diagnoses)
    assert f.regions == [Region.lumbar]


def test_seed_000(seeds_dir):
    f = seed(seeds_dir, "000")
    assert (f.age, f.sex, f.injury_date) == (31, "male", D(2007, 11, 7))
    (surgery,) = f.surgeries
    assert surgery.procedure.lower() == "disc replacement"
    assert surgery.date.year == 2010 and not surgery.planned
    assert f.prior[PT].visits is None
    assert f.prior[PT].functional_improvement is YES  # increased mobility with physical therapy
    assert f.ur_authorized == {PT: 6}
    assert f.ur_date == D(2015, 1, 21)
    assert "norco" in lower(f.medications)
    assert {"lumbago", "chronic pain syndrome"} <= set(lower(f.diagnoses))


def test_seed_001(seeds_dir):
    f = seed(seeds_dir, "001")
    assert (f.age, f.sex, f.injury_date) == (57, "female", D(2014, 5, 20))
    assert f.home_exercise_program is YES
    assert any("radiculopathy" in d for d in lower(f.diagnoses))
    assert PT in f.prior and f.prior[PT].visits is None
    assert f.prior[PT].functional_improvement is NS  # the ineffective thing was a traction unit
    assert {Region.lumbar, Region.hip} <= set(f.regions)


# ------------------------------------------------------------------ dev letters: the facts that decide predictions

def V(a, b="same"):
    return VisitCount(min=a, max=a if b == "same" else b)


# case: ({family: (visits, functional improvement)}, ur_authorized, request_date, ur_date)
DEV = {
    "CM16-0231706": ({CHIRO: (V(0), NS)}, {CHIRO: 6}, D(2016, 11, 17), D(2016, 11, 29)),
    "CM16-0232182": ({CHIRO: (None, NO)}, {}, D(2016, 11, 16), ANY),
    "CM16-0238035": ({}, {}, D(2016, 11, 23), D(2016, 12, 1)),
    "CM16-0239569": ({}, {}, D(2016, 12, 2), None),
    "CM16-0240900": ({}, {}, D(2016, 11, 4), D(2016, 11, 16)),
    "CM16-0242419": ({CHIRO: (None, NS), ACU: (None, NS)}, {}, None, D(2016, 11, 30)),
    "CM16-0243453": ({}, {CHIRO: 6}, D(2016, 12, 8), D(2016, 12, 15)),
    "CM16-0247660": ({CHIRO: (V(6), NO)}, {}, D(2016, 11, 22), D(2016, 11, 30)),
    "CM16-0248233": ({PT: (None, YES)}, {PT: 6}, D(2016, 12, 8), D(2016, 12, 20)),
    "CM16-0248698": ({}, {ACU: 6}, None, D(2016, 12, 23)),
    "CM16-0249536": ({}, {}, D(2016, 11, 8), D(2016, 12, 1)),
    "CM17-0003192": ({PT: (None, NS)}, {CHIRO: 3}, D(2016, 12, 8), D(2016, 12, 15)),
    "CM17-0004738": ({CHIRO: (V(6), YES)}, {}, None, D(2016, 12, 28)),
    "CM17-0005177": ({PT: (V(5, None), NS)}, {}, D(2016, 12, 8), D(2016, 12, 19)),
    "CM17-0007857": ({PT: (None, NS)}, {ACU: 6}, D(2016, 12, 19), D(2016, 12, 21)),
    "CM17-0010006": ({TENS: (None, NS), CHIRO: (None, NO), PT: (None, NS)}, {}, D(2017, 1, 6), D(2017, 1, 13)),
    "CM17-0012593": ({}, {PT: 6}, D(2016, 12, 16), D(2017, 1, 9)),
    "CM17-0013754": ({TENS: (None, NS), CHIRO: (V(3), NS)}, {PT: 10}, D(2016, 12, 8), D(2016, 12, 20)),
    "CM17-0015849": ({PT: (V(6), NS)}, {}, D(2016, 12, 19), D(2016, 12, 29)),
    "CM17-0016311": ({}, {PT: 6}, None, D(2017, 1, 19)),
    "CM17-0018279": ({PT: (None, NS)}, {}, D(2017, 1, 19), D(2017, 1, 26)),
    "CM17-0019907": ({}, {}, None, D(2017, 1, 9)),
    # not physical-medicine disputes, but prior physical medicine the rules may read
    "CM16-0236134": ({PT: (V(6), NS), CHIRO: (V(6), NS)}, {}, D(2016, 11, 17), D(2016, 11, 28)),
    "CM16-0236969": ({CHIRO: (V(5), NO)}, {}, D(2016, 11, 8), D(2016, 11, 16)),
    "CM17-0003619": ({CHIRO: (V(6), NS)}, {}, D(2016, 12, 6), ANY),
    "CM17-0011543": ({PT: (V(6), NO)}, {}, ANY, D(2017, 1, 16)),
    "CM17-0011992": ({PT: (V(1), NS)}, {}, ANY, D(2017, 1, 3)),
    "CM17-0017104": ({PT: (None, NO)}, {}, ANY, D(2016, 12, 28)),
}


@pytest.mark.parametrize("case", sorted(DEV))
def test_dev_letter_facts(dev_dir, case):
    prior, authorized, request_date, ur_date = DEV[case]
    f = facts_of(dev_dir / f"{case}.txt")
    assert {fam: (c.visits, c.functional_improvement) for fam, c in f.prior.items()} == prior
    assert f.ur_authorized == authorized
    if request_date is not ANY:
        assert f.request_date == request_date
    if ur_date is not ANY:
        assert f.ur_date == ur_date


def test_dev_physical_medicine_letters_are_all_covered(dev_dir):
    from tests.conftest import read_labels

    cases = {r["case_number"] for r in read_labels(dev_dir)
             if r["category"].strip() in {"physical therapy", "chiropractic", "acupuncture", "massage"}}
    assert cases <= set(DEV)


def test_dev_other_facts(dev_dir):
    f = facts_of(dev_dir / "CM16-0231706.txt")
    assert (f.age, f.sex, f.injury_date) == (43, "female", D(2016, 10, 23))
    assert f.returned_to_work is NO and f.work_status == "temporary total disability"
    assert {Region.cervical, Region.thoracic, Region.lumbar} <= set(f.regions)

    f = facts_of(dev_dir / "CM16-0248233.txt")
    assert [(s.procedure.lower(), s.date, s.planned) for s in f.surgeries] == [("left hand surgery", D(2016, 10, 22), False)]
    assert f.returned_to_work is NS and "return to work" in f.work_status  # able to, not back yet

    f = facts_of(dev_dir / "CM16-0238035.txt")
    assert [(s.date, s.planned) for s in f.surgeries] == [(None, True)]
    assert "rotator cuff tear" in lower(f.diagnoses)

    f = facts_of(dev_dir / "CM16-0229336.txt")
    assert [(s.date, s.planned) for s in f.surgeries] == [(D(2016, 10, 20), False)]
    assert "orif" in f.surgeries[0].procedure.lower()

    f = facts_of(dev_dir / "CM16-0240900.txt")
    assert f.indication_documented is NO

    f = facts_of(dev_dir / "CM16-0247660.txt")
    assert f.returned_to_work is YES and f.work_status == "modified duty"

    f = facts_of(dev_dir / "CM17-0013754.txt")
    assert f.home_exercise_program is YES and f.returned_to_work is NO
    assert f.injury_date == D(2016, 11, 2)  # "November 02, 2016"
    assert any("radiculopathy" in d for d in lower(f.diagnoses))  # pdftotext "radicul- opathy" re-joined

    f = facts_of(dev_dir / "CM16-0236134.txt")
    assert f.medication_reduced_or_not_tolerated is NO  # tolerating current medications

    f = facts_of(dev_dir / "CM16-0245796.txt")
    assert f.medication_reduced_or_not_tolerated is YES  # told to stop NSAIDs

    f = facts_of(dev_dir / "CM17-0018279.txt")
    assert f.returned_to_work is NO

    f = facts_of(dev_dir / "CM16-0249735.txt")
    assert f.returned_to_work is NS  # "when wife is working" is not the patient


# ------------------------------------------------------------------ evidence

def _all_letters(seeds_dir: Path, dev_dir: Path) -> list[Path]:
    return sorted(seeds_dir.glob("*.txt")) + sorted(dev_dir.glob("*.txt"))


def test_every_extractor_reads_every_real_summary(seeds_dir, dev_dir):
    for path in _all_letters(seeds_dir, dev_dir):
        assert facts_of(path).problems == [], path.name


def test_a_failing_extractor_is_named_on_one_line_and_the_other_facts_are_kept(monkeypatch):
    import checker.letters.facts as facts_module

    text = ("The injured worker is a 45-year-old female who sustained an industrial injury on 01/02/2015. "
            "She is working with restrictions.")
    before = extract_facts(text)
    assert before.work_status and before.problems == []

    def broken(sents, out):
        raise RuntimeError("a surprise\nover two lines")

    monkeypatch.setattr(facts_module, "_work", broken)
    after = extract_facts(text)
    assert after.problems == ["work: RuntimeError: a surprise over two lines"]  # one line
    assert after.work_status is None and not any(e.fact == "work_status" for e in after.evidence)
    assert (after.age, after.sex, after.injury_date) == (45, "female", D(2015, 1, 2))


def test_evidence_sentences_are_in_the_summary(seeds_dir, dev_dir):
    for path in _all_letters(seeds_dir, dev_dir):
        text = normalize(summary_of(path))
        f = facts_of(path)
        for ev in f.evidence:
            assert ev.sentence and ev.sentence in text, (path.name, ev.fact)


def test_every_fact_has_evidence(seeds_dir, dev_dir):
    for path in _all_letters(seeds_dir, dev_dir):
        f = facts_of(path)
        facts = {e.fact for e in f.evidence}
        for name in ("age", "sex", "injury_date", "request_date", "ur_date", "work_status"):
            if getattr(f, name) is not None:
                assert name in facts, (path.name, name)
        for name in ("home_exercise_program", "returned_to_work", "medication_reduced_or_not_tolerated",
                     "adjunct_to_exercise", "flare_up", "indication_documented"):
            if getattr(f, name) is not NS:
                assert name in facts, (path.name, name)
        for fam, course in f.prior.items():
            assert f"prior.{fam.value}.visits" in facts
            if course.functional_improvement is not NS:
                assert f"prior.{fam.value}.functional_improvement" in facts
        for fam in f.ur_authorized:
            assert f"ur_authorized.{fam.value}" in facts
        values = {(e.fact, e.value) for e in f.evidence}
        assert all(("diagnoses", d) in values for d in f.diagnoses)
        assert all(("medications", m) in values for m in f.medications)
        assert all(("regions", r.value) in values for r in f.regions)
        assert len([e for e in f.evidence if e.fact == "surgeries"]) == len(f.surgeries)


# ------------------------------------------------------------------ synthetic cases (negation, scoping, counts)

def facts(text: str) -> CaseFacts:
    return extract_facts(text)


@pytest.mark.parametrize("text, family, visits", [
    ("Treatment to date has included 18 visits of physical therapy.", PT, V(18)),
    ("She has had 20 to 22 sessions of physical therapy.", PT, V(20, 22)),
    ("He completed at least eight prior sessions of massage therapy.", MASSAGE, V(8, None)),
    ("Prior treatment included 12 sessions of PT in 2015.", PT, V(12)),
    ("Treatment has included 6 chiropractic treatments and ice.", CHIRO, V(6)),
    ("Treatment rendered included rest, #4 sessions chiropractic and medications.", CHIRO, V(4)),
    ("Treatment to date has included at least 5 physical therapy sessions.", PT, V(5, None)),
    ("He underwent six sessions of chiropractic physiotherapy through 12-01-2016.", CHIRO, V(6)),
    ("Treatment to date has included physical therapy.", PT, None),
    ("Treatment to date has included no prior acupuncture and medications.", ACU, V(0)),
    ("She has received unspecified amounts of massage therapy.", MASSAGE, None),
    ("He has completed 4 of 6 authorized acupuncture sessions.", ACU, V(4)),
    ("Prior treatment included a TENS unit and medication.", TENS, None),
])
def test_prior_counts(text, family, visits):
    f = facts(text)
    assert family in f.prior
    assert f.prior[family].visits == visits


@pytest.mark.parametrize("text, family", [
    ("She has not had acupuncture.", ACU),
    ("He has never had chiropractic care.", CHIRO),
    ("He never received massage therapy.", MASSAGE),
])
def test_none_yet_is_zero_prior_visits(text, family):
    assert facts(text).prior[family].visits == V(0)


def test_largest_total_wins():
    f = facts("He has had physical therapy. Records show he completed 12 sessions of physical therapy. "
              "He previously completed 8 sessions of physical therapy in 2014.")
    assert f.prior[PT].visits == V(12)


def test_requested_and_planned_therapy_is_not_prior():
    f = facts("The treatment plan included 8 sessions of physical therapy. "
              "A request for 6 chiropractic visits was submitted. Massage therapy was endorsed.")
    assert f.prior == {}


def test_additional_implies_prior_without_count():
    f = facts("The provider requested 6 additional acupuncture sessions.")
    assert f.prior[ACU].visits is None


@pytest.mark.parametrize("text, family, fi", [
    ("Prior chiropractic care improved lumbar range of motion.", CHIRO, YES),
    ("Physical therapy notes show increased strength and reduction in work restrictions.", PT, YES),
    ("She had 8 sessions of physical therapy with improved lifting tolerance.", PT, YES),
    ("Acupuncture resulted in reduced opioid use.", ACU, YES),
    ("She had 6 physical therapy visits without documentation of objective functional improvement.", PT, NO),
    ("Massage therapy provided minimal to temporary benefit.", MASSAGE, NO),
    ("He has had physical therapy with no improvement.", PT, NO),
    ("Physical therapy was not helping.", PT, NO),
    ("Chiropractic treatment failed to provide relief.", CHIRO, NO),
    ("She reports vast improvement in pain with acupuncture.", ACU, NS),  # subjective only
    ("He stated that prior massage therapy had helped.", MASSAGE, NS),
])
def test_functional_improvement(text, family, fi):
    f = facts(text)
    assert f.prior[family].functional_improvement is fi


def test_functional_improvement_is_scoped_to_its_family():
    f = facts("Treatment to date has included 6 chiropractic treatments (without documentation of functional "
              "improvement) and 10 sessions of physical therapy with improved range of motion.")
    assert f.prior[CHIRO].functional_improvement is NO
    assert f.prior[PT].functional_improvement is YES
    assert f.prior[PT].visits == V(10)


def test_generic_statement_applies_to_every_prior_course():
    f = facts("She tried massage, PT and acupuncture. There is no documentation of functional improvement "
              "with any of these modalities.")
    assert {fam: c.functional_improvement for fam, c in f.prior.items()} == {MASSAGE: NO, PT: NO, ACU: NO}


def test_benefit_of_other_treatments_is_not_attributed():
    f = facts("Treatment to date has included physical therapy. The traction unit was ineffective. "
              "Norco improved her function.")
    assert f.prior[PT].functional_improvement is NS


@pytest.mark.parametrize("sentence, target, negated", [
    ("Treatment has included no prior chiropractic therapy and medication management.", "chiropractic", True),
    ("Treatment has included no prior chiropractic therapy and medication management.", "medication", False),
    ("Six sessions of therapy had not proven beneficial.", "beneficial", True),
    ("Six sessions of therapy had not proven beneficial.", "Six sessions", False),
    ("He failed to respond favorably to earlier treatment.", "respond favorably", True),
    ("He failed to respond favorably to earlier treatment.", "earlier treatment", False),
    ("There is no documentation as to pain scores and/or functional improvements.", "functional improvements", True),
    ("She has not undergone conservative care as 6 sessions of therapy were certified.", "conservative care", True),
    ("She has not undergone conservative care as 6 sessions of therapy were certified.", "6 sessions", False),
    ("Chiropractic care (without documentation of improvement) and rest.", "improvement", True),
    ("Chiropractic care (without documentation of improvement) and rest.", "rest", False),
    ("The applicant did not state whether or not she was working.", "working", True),
    ("X-rays were not described as performed.", "X-rays", True),
    ("There was no tenderness or guarding in the abdomen and normal bowel sounds.", "guarding", True),
    ("There was no tenderness or guarding in the abdomen and normal bowel sounds.", "normal bowel", False),
    ("The request was non-certified by utilization review.", "request", False),
])
def test_negation_scope(sentence, target, negated):
    k = sentence.index(target)
    assert is_negated(sentence, k, k + len(target)) is negated


@pytest.mark.parametrize("text, field, value", [
    ("She has been doing a home exercise program.", "home_exercise_program", YES),
    ("There is no documentation of a home exercise program.", "home_exercise_program", NO),
    ("He denies any flare-up.", "flare_up", NO),
    ("She reports an exacerbation of low back pain last week.", "flare_up", YES),
    ("The patient is not working.", "returned_to_work", NO),
    ("The injured worker returned to full duty.", "returned_to_work", YES),
    ("He is on temporary total disability.", "returned_to_work", NO),
    ("He was unable to tolerate oral medications.", "medication_reduced_or_not_tolerated", YES),
    ("She was able to reduce her opioid use.", "medication_reduced_or_not_tolerated", YES),
    ("He is tolerating his medications.", "medication_reduced_or_not_tolerated", NO),
    ("Acupuncture is requested in conjunction with a home exercise program.", "adjunct_to_exercise", YES),
    ("The physician requested physical therapy but did not indicate the reason for the requested therapy.",
     "indication_documented", NO),
])
def test_flags(text, field, value):
    assert getattr(facts(text), field) is value


@pytest.mark.parametrize("text, value", [
    ("Ibuprofen caused gastritis and was discontinued.", YES),
    ("She was unable to tolerate cyclobenzaprine because of drowsiness.", YES),
    ("Tramadol 50 mg was stopped due to nausea.", YES),
    ("He denies that ibuprofen caused gastritis.", NS),
    ("He takes ibuprofen 800 mg daily.", NS),
])
def test_named_drug_not_tolerated(text, value):
    assert facts(text).medication_reduced_or_not_tolerated is value


def test_return_to_work_goal_is_not_a_status():
    f = facts("She is working modified duty. The plan is to allow her to return to full duty.")
    assert (f.returned_to_work, f.work_status) == (YES, "modified duty")
    f = facts("The goal of therapy is returning him to regular duty.")
    assert (f.returned_to_work, f.work_status) == (NS, None)
    f = facts("Provider documentation noted the work status as return to modified work.")
    assert (f.returned_to_work, f.work_status) == (YES, "modified duty")


def test_without_documentation_ends_at_the_next_list_item():
    f = facts("Treatment to date has included medications, 14 sessions of physical therapy without documentation of "
              "objective functional improvement, and a home exercise program.")
    assert f.prior[PT].functional_improvement is NO
    assert f.home_exercise_program is YES
    s = "She had therapy without documentation of pain scores, range of motion, and functional improvement."
    k = s.index("functional improvement")
    assert is_negated(s, k, k + len("functional improvement"))  # a plain list stays negated


def test_work_status_phrases():
    assert facts("He is working modified duty.").work_status == "modified duty"
    assert facts("She was returned to part-time work at four hours per day.").work_status == "part-time, 4 hours/day"
    assert facts("He is temporarily totally disabled.").work_status == "temporary total disability"


@pytest.mark.parametrize("text, expected", [
    ("The patient sustained an industrial injury on 11/7/07.", D(2007, 11, 7)),
    ("The worker sustained an industrial injury on 10-12-16.", D(2016, 10, 12)),
    ("He reported an injury on November 02, 2016.", D(2016, 11, 2)),
    ("This case involves an occupational claim from 10/10/ 2016.", D(2016, 10, 10)),
    ("A 40 year old with a date of injury of 11-22- 16.", D(2016, 11, 22)),
    ("Industrial injury of August 14, 2009.", D(2009, 8, 14)),
])
def test_injury_dates(text, expected):
    assert facts(text).injury_date == expected


def test_dates_parse_and_reject():
    hits = find_dates("seen 11/07/2011, 11-14-2016, 10-12-16, November 02, 2016; not L4-5, 3-7 out of 10 or 13/45/2016")
    assert [h.date for h in hits] == [D(2011, 11, 7), D(2016, 11, 14), D(2016, 10, 12), D(2016, 11, 2)]


def test_request_and_ur():
    f = facts("On 11-17-2016, the Request for Authorization requested acupuncture for 8 sessions. "
              "On 11-29-2016, the Utilization Review modified the request. "
              "Acupuncture for 6 sessions was authorized by the Claims Administrator.")
    assert (f.request_date, f.ur_date, f.ur_authorized) == (D(2016, 11, 17), D(2016, 11, 29), {ACU: 6})
    f = facts("Utilization Review non-certified 12 physical therapy sessions modified to 6 physical therapy sessions.")
    assert f.ur_authorized == {PT: 6}
    f = facts("These were reviewed on 12/15/2016 with modification for an initial 6 sessions of chirophysio.")
    assert f.ur_authorized == {CHIRO: 6}


def test_surgeries():
    f = facts("Treatment to date has included left knee arthroscopy (10-22-2016) and physical therapy.")
    assert [(s.procedure, s.date, s.planned) for s in f.surgeries] == [("left knee arthroscopy", D(2016, 10, 22), False)]
    f = facts("He underwent ORIF of the right ankle on 10-20-2016.")
    assert f.surgeries[0].date == D(2016, 10, 20)
    f = facts("He underwent right shoulder arthroscopic subacromial decompression on 11/02/2017.")
    assert [(s.procedure, s.date) for s in f.surgeries] == [
        ("right shoulder arthroscopic subacromial decompression", D(2017, 11, 2))]  # the date is no body part
    f = facts("The treatment plan included surgery.")
    assert [(s.date, s.planned) for s in f.surgeries] == [(None, True)]
    f = facts("No relevant surgical history was documented.")
    assert f.surgeries == []


def test_demographics_and_diagnoses():
    f = facts("The injured worker is a 45 year old female. The diagnoses have included cervical strain, "
              "right and left shoulder sprain, and lumbar radiculopathy.")
    assert (f.age, f.sex) == (45, "female")
    assert f.diagnoses == ["cervical strain", "right and left shoulder sprain", "lumbar radiculopathy"]
    assert {Region.cervical, Region.shoulder, Region.lumbar} <= set(f.regions)


# ------------------------------------------------------------------ robustness

@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_arbitrary_text_never_raises(text):
    f = extract_facts(text)
    assert isinstance(f, CaseFacts) and f.problems == []
    norm = normalize(text)
    assert all(e.sentence in norm for e in f.evidence)


_WORDS = st.sampled_from(
    "no not without denies failed to physical therapy PT chiropractic acupuncture massage TENS sessions of visits "
    "at least 24 20 to 22 eight # ( ) ; , . improved range of motion functional improvement minimal benefit "
    "11/07/2011 10-12-16 November 02, 2016 injury on request for authorization utilization review modified to "
    "authorized surgery underwent planned home exercise program working temporary total disability".split()
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_WORDS, max_size=120).map(" ".join))
def test_clinical_word_salad_never_raises(text):
    f = extract_facts(text)
    assert f.problems == []
    norm = normalize(text)
    assert all(e.sentence in norm for e in f.evidence)


@pytest.mark.parametrize("value", [None, "", " \n\f ", "." * 5000, "a" * 300_000, 12345, b"bytes"])
def test_degenerate_inputs(value):
    f = extract_facts(value)
    assert isinstance(f, CaseFacts) and f.problems == []


def test_summary_read_up_to_max_chars():
    """The work on a summary is bounded: text past MAX_CHARS (far longer than any case
    summary) is not read, so hostile input cannot make extraction slow."""
    head = "The patient is a 45-year-old female. "
    filler = "Nothing new was reported. " * (MAX_CHARS // 26 + 1)
    tail = "She sustained an injury on 01/02/2015."
    assert extract_facts(head + tail).injury_date == D(2015, 1, 2)
    f = extract_facts(head + filler + tail)
    assert f.age == 45 and f.injury_date is None
    assert all(e.sentence in normalize(head + filler + tail) for e in f.evidence)


def test_sentences_cover_text():
    text = normalize("First one.Second glued 2014.Thus far fine. Dr. Smith saw him. Tylenol No. 3 daily. 4.5 mg. End")
    got = [s.text for s in sentences(text)]
    assert got == ["First one.", "Second glued 2014.", "Thus far fine.", "Dr. Smith saw him.",
                   "Tylenol No. 3 daily.", "4.5 mg.", "End"]
    assert all(text[s.start:s.end] == s.text for s in sentences(text))


def test_latest_date_of_the_record():
    f = facts("She was injured on 02/03/2014. She was seen on 01/05/2016. A follow-up on March 2, 2016 noted pain.")
    assert f.latest_date == D(2016, 3, 2)
    assert any(e.fact == "latest_date" and "March 2, 2016" in e.sentence for e in f.evidence)
    assert facts("No dates are given here.").latest_date is None
