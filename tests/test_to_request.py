"""A letter's item as a precheck request (checker.letters.to_request.item_request).

The request must come from the item lines and the case summary only: what IMR decided,
why, and which guidelines it cited must not reach it, or a prediction scored against
the letter would be peeking at the answer. The real letters are read from
../shared/letters at test time; samples/letters were written for this project.
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from checker.letters.facts import extract_facts
from checker.letters.model import Letter, Reviewer
from checker.letters.parse import load_letter, parse_letter
from checker.letters.to_request import item_request
from checker.request.model import TreatmentRequest, VisitCount
from checker.vocab import Family, Region, Tri
from tests.conftest import ROOT, read_labels

SAMPLES = ROOT / "samples" / "letters"
PT, CHIRO, ACU, MASSAGE = Family.physical_therapy, Family.chiropractic, Family.acupuncture, Family.massage
D = dt.date
FLIP = {"Upheld": "Overturned", "Overturned": "Upheld"}

# Facts that would change the request if the rationale or citations leaked into it.
LEAK = ("The patient has completed 40 sessions of physical therapy, 30 chiropractic visits and 20 acupuncture "
        "sessions with improved range of motion. He has returned to full duty. He is 80 years old. ")


def requests(letter: Letter) -> list[TreatmentRequest]:
    facts = extract_facts(letter.summary)
    return [item_request(letter, item, facts) for item in letter.items]


def _letters(*dirs: Path) -> list[Path]:
    return [p for d in dirs for p in sorted(d.glob("*.txt"))]


def _blanked(letter: Letter) -> Letter:
    """The letter with every decision flipped and the rationale, citations, reviewer and
    decision dates gone (or replaced by misleading facts)."""
    items = [i.model_copy(update={"decision": FLIP[i.decision], "rationale": LEAK, "claims_administrator_guideline": [],
                                  "maximus_guideline": []}) for i in letter.items]
    return letter.model_copy(update={"items": items, "reviewer": Reviewer(), "decision_date": None,
                                     "date_assigned": None, "priority": None})


def _rewritten(text: str) -> str:
    """The letter text with decisions swapped, misleading facts at the start of every
    rationale and an extra citation in every guideline field."""
    text = re.sub(r":(\s*)(Upheld|Overturned)(\.?\s*)$", lambda m: f":{m[1]}{FLIP[m[2]]}{m[3]}", text, flags=re.M)
    text = text.replace("Decision rationale:", "Decision rationale: " + LEAK)
    return text.replace("guideline: Decision based on",
                        "guideline: Decision based on Non-MTUS Citation ODG, Low Back, Physical therapy. Decision based on")


def _assert_blind(paths: list[Path]) -> int:
    checked = 0
    for path in paths:
        letter = load_letter(path)
        expected = requests(letter)
        assert requests(_blanked(letter)) == expected, path.name
        text = path.read_text(encoding="utf-8", errors="replace")
        rewritten = parse_letter(_rewritten(text), str(path), "txt")
        assert [i.decision for i in rewritten.items] == [FLIP[i.decision] for i in letter.items], path.name
        assert requests(rewritten) == expected, path.name
        checked += len(expected)
    return checked


def test_requests_ignore_decision_rationale_and_citations_samples():
    assert _assert_blind(_letters(SAMPLES)) == 5


def test_requests_ignore_decision_rationale_and_citations_real(seeds_dir, dev_dir):
    labelled = len(read_labels(seeds_dir)) + len(read_labels(dev_dir))
    assert _assert_blind(_letters(seeds_dir, dev_dir)) == labelled  # every item of the 71 letters


def test_requests_come_from_the_summary_facts(seeds_dir, dev_dir):
    """Patient and history are the case-summary facts, item text the item's heading."""
    for path in _letters(SAMPLES, seeds_dir, dev_dir):
        letter = load_letter(path)
        facts = extract_facts(letter.summary)
        for item, req in zip(letter.items, requests(letter)):
            assert [i.text for i in req.items] == [item.heading]
            assert req.patient.age == facts.age and req.patient.sex == facts.sex
            assert req.patient.regions == facts.regions and req.patient.surgeries == facts.surgeries
            assert [d.text for d in req.patient.diagnoses] == facts.diagnoses
            assert req.history.prior_treatment == facts.prior
            for name in ("home_exercise_program", "flare_up", "medication_reduced_or_not_tolerated",
                         "adjunct_to_exercise", "returned_to_work", "indication_documented"):
                assert getattr(req.history, name) == getattr(facts, name), (path.name, name)
            assert req.evidence == facts.evidence
            assert req.source == f"{letter.file} item {item.item_no}"


def _seed(seeds_dir: Path, prefix: str) -> Letter:
    (path,) = sorted(seeds_dir.glob(f"{prefix}_*.txt"))
    return load_letter(path)


def test_seed_003_prior_physical_therapy_reaches_the_request(seeds_dir):
    (req,) = requests(_seed(seeds_dir, "003"))
    assert req.history.prior_treatment[PT].visits == VisitCount(min=24, max=24)
    assert req.patient.regions == [Region.cervical]
    assert "post laminectomy syndrome" in [d.text.lower() for d in req.patient.diagnoses]
    assert (req.patient.age, req.patient.injury_date) == (59, D(2011, 11, 7))


def test_seed_004_both_items_carry_the_history(seeds_dir):
    pt, massage = requests(_seed(seeds_dir, "004"))
    for req in (pt, massage):
        assert req.history.prior_treatment[PT].visits == VisitCount(min=20, max=22)
        assert req.history.prior_treatment[MASSAGE].visits == VisitCount(min=8, max=None)
        assert req.history.returned_to_work is Tri.yes
    assert "Massage" in massage.items[0].text


def test_ur_authorization_in_the_summary_counts_for_the_only_item_of_its_family(seeds_dir, dev_dir):
    # seed 000: "modified to 6 physical therapy sessions", one PT item
    (req,) = requests(_seed(seeds_dir, "000"))
    assert req.items[0].authorized_visits == 6
    # CM16-0243453: UR authorized 6 chiropractic sessions for the spine; the letter's
    # other chiropractic item (elbow and knee) gets none of them, the spine item says 6
    # in its own partial-authorization heading
    letter = load_letter(dev_dir / "CM16-0243453.txt")
    assert [r.items[0].authorized_visits for r in requests(letter)] == [0, 0, 0, 6]


def test_sample_partial_authorization_request():
    (req,) = requests(load_letter(SAMPLES / "CM99-0000202_postop_pt_partial.txt"))
    assert req.items[0].authorized_visits == 12
    assert req.request_date == D(2015, 11, 20)
    assert [(s.procedure, s.date) for s in req.patient.surgeries] == [
        ("right shoulder arthroscopic subacromial decompression", D(2015, 11, 2))]
    assert req.history.prior_treatment[PT].visits == VisitCount(min=6, max=6)
    assert req.history.returned_to_work is Tri.no


def test_sample_overturned_request():
    (req,) = requests(load_letter(SAMPLES / "CM99-0000101_acupuncture_overturned.txt"))
    assert req.request_date == D(2016, 1, 17)
    assert req.history.prior_treatment[ACU].visits == VisitCount(min=0, max=0)
    assert req.history.prior_treatment[PT].functional_improvement is Tri.yes
    assert req.history.medication_reduced_or_not_tolerated is Tri.yes
    assert req.history.adjunct_to_exercise is Tri.yes
    assert req.history.returned_to_work is Tri.yes


def test_request_date_falls_back_to_the_header_ur_date():
    """No request or UR date in the summary: the header's UR denial date picks the guidelines."""
    letter = load_letter(SAMPLES / "CM99-0000101_acupuncture_overturned.txt")
    summary = re.sub(r"On \d\d/\d\d/\d{4}, ", "", letter.summary)
    (req,) = requests(letter.model_copy(update={"summary": summary}))
    assert req.request_date == letter.ur_denial_date == D(2016, 1, 24)


@pytest.mark.parametrize("name", sorted(p.name for p in SAMPLES.glob("*.txt")))
def test_requests_validate(name):
    for req in requests(load_letter(SAMPLES / name)):
        assert TreatmentRequest.model_validate(req.model_dump()) == req


# ------------------------------------------------------------------ the guideline date

def _letter(summary: str, **header) -> Letter:
    text = ("CLINICAL CASE SUMMARY\n" + summary + "\n\nIMR ISSUES, DECISIONS AND RATIONALES\n"
            "Physical therapy 6 visits for the low back: Upheld\n"
            "Decision rationale: not used.\n")
    return parse_letter(text, "t.txt", "txt").model_copy(update=header)


def test_request_date_comes_from_the_summary_then_the_header_then_the_latest_record():
    injured = "The injured worker sustained an industrial injury on 01/05/2015. "
    seen = "He was seen on 03/02/2016 with low back pain. "
    asked = "On 03/10/2016 the provider requested physical therapy. "
    ur = "Utilization Review denied the request on 03/20/2016. "
    header = {"ur_denial_date": D(2016, 4, 1)}
    assert requests(_letter(injured + seen + asked + ur, **header))[0].request_date == D(2016, 3, 10)
    assert requests(_letter(injured + seen + ur, **header))[0].request_date == D(2016, 3, 20)
    assert requests(_letter(injured + seen, **header))[0].request_date == D(2016, 4, 1)
    assert requests(_letter(injured + seen))[0].request_date == D(2016, 3, 2)


def test_a_letter_that_dates_nothing_after_the_injury_leaves_the_date_open():
    (request,) = requests(_letter("The injured worker sustained an industrial injury on 01/05/2015. The request is for PT x 6."))
    assert request.request_date is None
    assert request.patient.injury_date == D(2015, 1, 5)
