"""Services that go with a surgery follow it (checker.kinds.surgery; FACTS-beyond-physmed.md X1, Q0, D1).

1. check: every surgical service the vocabulary names, post-operative therapy and equipment, with the
   patient's surgery certified, denied, pending, planned without a status, performed, or absent.
2. Pre-operative EKG (Q10) and a series of tests (X2) once the surgery is certified.
3. The check panel names the surgery followed; a bad status is a one-line error.
4. compare: invented letters (written here) whose services follow the outcome predicted for their
   surgical item, never the letter's decision (blanked and flipped: the same predictions and links).
5. compare's summary per kind of service, and --family with a kind.
"""
from __future__ import annotations

import datetime as dt
import json

import pytest
from rich.console import Console
from typer.testing import CliRunner

from checker.check import Checker
from checker.cli import app
from checker.compare.predict import predict_items
from checker.compare.score import summarize
from checker.kb.load import default_kb
from checker.letters.parse import parse_letter
from checker.normalize.item_text import parse_item
from checker.normalize.vocabulary import services_vocabulary
from checker.report.check_report import item_panel
from checker.request.model import TreatmentRequest
from checker.vocab import Decision, Family, Kind
from tests.itemgen import _phrase, service_terms
from tests.lettergen import letter_head

KB = default_kb()
CHECKER = Checker(KB)
PROCEDURE = "right shoulder arthroscopic rotator cuff repair"


def request(items, *, surgery: dict | None = None, comorbidities=(), planned_in_record=None) -> TreatmentRequest:
    patient = {"age": 58, "injury_date": "2016-05-10", "diagnoses": ["complete rotator cuff tear, right shoulder"],
               "surgeries": [surgery] if surgery else []}
    clinical = {"comorbidities": list(comorbidities)}
    if planned_in_record is not None:
        clinical["surgery_planned"] = planned_in_record
    return TreatmentRequest.model_validate({"request_date": "2016-11-23", "patient": patient, "clinical": clinical,
                                            "items": list(items)})


def planned(status=None) -> dict:
    return {"procedure": PROCEDURE, "planned": True, **({"status": status} if status else {})}


def finding(result, rule_id):
    return next((f for f in result.findings if f.rule == rule_id), None)


def _service_lines() -> list[str]:
    """One line per surgical-service entry of the vocabulary (its first term), as an office writes it."""
    lines = []
    for entry in services_vocabulary().services:
        if entry.family is Family.surgical_service:
            text = f"Pre-operative {_phrase(service_terms(entry)[0][1])[0]}"
            assert parse_item(text).family is Family.surgical_service, text
            lines.append(text)
    return lines


SERVICES = _service_lines()
FOLLOWERS = SERVICES + ["Post-op physical therapy 2 x 6 for the right shoulder",
                        "Associated surgical service: Cold therapy unit 7 day rental",
                        "Post-operative shoulder sling"]
LINK_RULES = {"x1.surgery_not_certified", "x1.surgery_not_certified.physical_medicine"}


def test_the_services_cover_every_surgical_service_entry():
    assert len(SERVICES) == sum(e.family is Family.surgical_service for e in services_vocabulary().services) >= 10


@pytest.mark.parametrize("status, how", [("denied", "not_met"), ("pending", "not_documented"),
                                         (None, "not_documented")])
@pytest.mark.parametrize("text", FOLLOWERS)
def test_a_service_of_a_surgery_not_certified_is_not_certified_and_names_it(text, status, how):
    result = CHECKER.check(request([text], surgery=planned(status)))[0]
    assert result.decision is Decision.non_certify, text
    (rule,) = LINK_RULES & set(result.deciding_rules)
    f = finding(result, rule)
    assert f.values["linked_surgery"] == PROCEDURE and f.values["surgery_status"] == (status or "pending")
    assert [c.status for c in f.criteria] == [how]
    attach = "the authorization (certification) of the surgery this service is for"
    assert (attach in result.missing_documentation) is (how == "not_documented")
    assert KB.rule(rule).quote.startswith("As the requested surgical intervention is not medically necessary")


@pytest.mark.parametrize("text", FOLLOWERS)
def test_with_the_surgery_certified_each_service_is_judged_on_its_own_criteria(text):
    result = CHECKER.check(request([text], surgery=planned("certified"), comorbidities=[{"name": "hypertension"}]))[0]
    assert not LINK_RULES & {f.rule for f in result.findings}
    if result.decision is not Decision.not_covered:  # the link shows as a finding that decides nothing
        f = finding(result, "x1.surgery_certified")
        assert f.effect == "ok" and f.values["linked_surgery"] == PROCEDURE
        assert "x1.surgery_certified" not in result.deciding_rules or result.decision is Decision.certify
    family = parse_item(text).family
    if "ekg" in parse_item(text).attributes.get("tests", []):
        assert result.decision is Decision.certify and "nhlbi.ekg.indication" in result.deciding_rules
    elif family is Family.surgical_service:
        # the ODG criteria of the other pre-operative services are not encoded (MEMORY): said, not guessed
        assert result.decision is Decision.not_covered
    elif family is Family.physical_therapy:
        # day 0 of the postsurgical period of the certified surgery: the postsurgical course decides
        assert result.decision is Decision.certify
        assert any(r.startswith("ptg.rotator_cuff") for r in result.deciding_rules)


@pytest.mark.parametrize("text", FOLLOWERS)
def test_a_service_of_a_surgery_already_performed_or_of_none_follows_nothing(text):
    performed = {"procedure": PROCEDURE, "date": "2016-10-01"}
    for req in (request([text], surgery=performed), request([text])):
        result = CHECKER.check(req)[0]
        assert not {f.rule for f in result.findings + result.superseded} & (LINK_RULES | {"x1.surgery_certified"})


def test_a_surgery_the_record_plans_makes_a_pre_operative_service_pending():
    result = CHECKER.check(request(["Pre-operative medical clearance"], planned_in_record="yes"))[0]
    f = finding(result, "x1.surgery_not_certified")
    assert result.decision is Decision.non_certify and f.values["surgery_status"] == "pending"
    # therapy is not tied to a surgery the record only plans
    pt = CHECKER.check(request(["Post-op physical therapy x 6 for the shoulder"], planned_in_record="yes"))[0]
    assert not finding(pt, "x1.surgery_not_certified.physical_medicine")


def test_a_post_operative_service_follows_the_surgery_of_its_own_region():
    knee = {"procedure": "left knee arthroscopic partial meniscectomy", "planned": True, "status": "denied"}
    shoulder = planned("certified")
    req = TreatmentRequest.model_validate({**request(["x"]).model_dump(mode="json"),
                                           "patient": {"surgeries": [knee, shoulder]},
                                           "items": ["Post-op physical therapy x 6 for the right shoulder",
                                                     "Post-op physical therapy x 6 for the left knee",
                                                     "Pre-operative medical clearance"]})
    shoulder_pt, knee_pt, clearance = CHECKER.check(req)
    assert finding(shoulder_pt, "x1.surgery_certified").values["linked_surgery"] == PROCEDURE
    assert finding(knee_pt, "x1.surgery_not_certified.physical_medicine").values["surgery_status"] == "denied"
    # a pre-operative service is for the patient as a whole: the first surgery with a status
    assert finding(clearance, "x1.surgery_not_certified").values["linked_surgery"] == knee["procedure"]


# ------------------------------------------------------------------ EKG and test series (Q10, X2)

@pytest.mark.parametrize("comorbidities, decision, status", [
    ([{"name": "hypertension"}], Decision.certify, "met"),
    ([{"name": "cardiac_disease"}], Decision.certify, "met"),
    ([{"name": "hypertension", "present": "no"}, {"name": "cardiac_disease", "present": "no"}],
     Decision.non_certify, "not_met"),
    ([{"name": "diabetes"}], Decision.non_certify, "not_documented"),
    ([], Decision.non_certify, "not_documented"),
])
def test_an_ekg_needs_findings_that_indicate_it(comorbidities, decision, status):
    for text in ("Pre-operative EKG", "12-lead electrocardiogram", "Labs to include: ECG"):
        result = CHECKER.check(request([text], surgery=planned("certified"), comorbidities=comorbidities))[0]
        assert result.decision is decision, text
        assert finding(result, "nhlbi.ekg.indication").check == status
    # without a surgery the same criteria judge a diagnostic EKG
    alone = CHECKER.check(request(["EKG"], comorbidities=comorbidities))[0]
    assert alone.decision is decision


@pytest.mark.parametrize("count, decision", [(1, Decision.certify), (2, Decision.non_certify),
                                             (3, Decision.non_certify)])
def test_a_series_of_tests_without_its_schedule_is_incomplete(count, decision):
    result = CHECKER.check(request([f"Electrocardiogram times {count}"], comorbidities=[{"name": "hypertension"}]))[0]
    assert result.decision is decision
    assert finding(result, "x2.test_series").check == ("met" if count == 1 else "not_met")
    assert (result.requested_quantity, result.quantity_unit) == (count, "tests")


# ------------------------------------------------------------------ the check report and bad input

def panel_text(result) -> str:
    console = Console(width=200, record=True)
    console.print(item_panel("r.yaml", 1, result))
    return " ".join(console.export_text().split())


@pytest.mark.parametrize("status, words", [("denied", "not certified, so the service is not either"),
                                           ("pending", "not yet certified: attach its authorization"),
                                           ("certified", "certified: the service is judged on its own criteria")])
def test_the_panel_names_the_surgery_a_service_follows(status, words):
    result = CHECKER.check(request(["Post-op physical therapy x 6 for the right shoulder"],
                                   surgery=planned(status)))[0]
    assert f"Follows the surgery {PROCEDURE} — {words}" in panel_text(result)
    unlinked = CHECKER.check(request(["Physical therapy x 6 for the right shoulder"]))[0]
    assert "Follows the surgery" not in panel_text(unlinked)


@pytest.mark.parametrize("value", ["maybe", "1", "[certified]", "yes"])
def test_a_bad_surgery_status_is_a_one_line_error(tmp_path, value):
    path = tmp_path / "bad.yaml"
    path.write_text("request_date: 2016-11-23\npatient:\n  surgeries:\n"
                    f"    - {{procedure: rotator cuff repair, planned: true, status: {value}}}\n"
                    "items: [Pre-operative EKG]\n")
    result = CliRunner().invoke(app, ["check", str(path)])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "patient.surgeries[0].status" in result.stderr
    assert "certified" in result.stderr and "pending" in result.stderr and "denied" in result.stderr


@pytest.mark.parametrize("value, status", [("Certified", "certified"), ("authorized", "certified"),
                                           ("non-certified", "denied"), (" Pending ", "pending")])
def test_surgery_status_spellings(value, status):
    req = TreatmentRequest.model_validate({"items": ["EKG"], "patient": {"surgeries": [planned(value)]}})
    assert req.patient.surgeries[0].status == status


# ------------------------------------------------------------------ compare: invented letters

SPECIALTY = "Orthopedic Surgery"
SUMMARY = """The injured worker is a 58 year old male, who sustained an industrial injury on January 10,
2016. The injured worker was diagnosed as having a complete rotator cuff tear of the right
shoulder and hypertension. {care} An MRI of the right shoulder dated 03/02/2016 revealed a
full-thickness supraspinatus tendon tear. On examination there was weakness of the right
shoulder on resisted abduction and a positive impingement sign. On October 1, 2016 the
treating physician requested surgery and the services that go with it. On October 15, 2016
Utilization Review non-certified the request.
"""
ITEM = """
{heading}: {decision}

Claims Administrator guideline: Decision based on MTUS Shoulder Complaints 2004.

MAXIMUS guideline: The Expert Reviewer did not cite any medical evidence for its decision.

Decision rationale: Reviewer rationale {marker}, written for this test.
"""
FAILED_CARE = ("He began a home exercise program on 03/01/2016. Treatment to date has included home exercise, "
               "medications and a subacromial injection, without improvement.")
NO_CARE = "Treatment to date has included medications."
SURGERY_LINE = "Right shoulder arthroscopic rotator cuff repair"
SERVICE_LINES = ["Medical Clearance", "Labs to include: EKG", "Post-op physical therapy 2 times a week for 6 weeks",
                 "Associated surgical service: Cold therapy unit 7 day rental"]


def letter(case: str, care: str, items: list[str], decision: str = "Upheld"):
    text = letter_head(case, SUMMARY.format(care=care), SPECIALTY)
    for n, heading in enumerate(items, 1):
        text += ITEM.format(heading=heading, decision=decision, marker=f"{case}-{n}")
    return parse_letter(text, f"{case}.txt", "txt")


FLIP = {"Upheld": "Overturned", "Overturned": "Upheld"}


def blanked(l):
    items = [i.model_copy(update={"rationale": "", "maximus_guideline": [], "claims_administrator_guideline": [],
                                  "decision": FLIP[i.decision]}) for i in l.items]
    return l.model_copy(update={"items": items})


DAY = dt.date(2016, 12, 1)


@pytest.mark.parametrize("surgery_first", [True, False])
def test_compare_services_follow_a_surgery_predicted_upheld(surgery_first):
    items = [SURGERY_LINE] + SERVICE_LINES if surgery_first else SERVICE_LINES + [SURGERY_LINE]
    l = letter("CM99-0001001", NO_CARE, items, decision="Overturned")
    records = predict_items(CHECKER, l, DAY)
    surgery = next(r for r in records if r["family"] == "surgery")
    assert surgery["predicted"] == "Upheld" and surgery["surgery_link"] is None
    for r in records:
        if r is surgery:
            continue
        assert r["predicted"] == "Upheld", r["item"]
        assert LINK_RULES & set(r["rules"]), r["item"]
        assert r["surgery_link"] == {"item_no": surgery["item_no"], "item": SURGERY_LINE, "predicted": "Upheld",
                                     "status": "denied"}
    # the letter's decisions and rationales play no part: blanked and flipped, the same predictions and links
    assert predict_items(CHECKER, blanked(l), DAY) == records


def test_compare_services_of_a_surgery_predicted_overturned_are_judged_on_their_own():
    l = letter("CM99-0001002", FAILED_CARE, [SURGERY_LINE] + SERVICE_LINES)
    surgery, clearance, ekg, pt, cold = predict_items(CHECKER, l, DAY)
    assert surgery["predicted"] == "Overturned", surgery["findings"]
    link = {"item_no": 1, "item": SURGERY_LINE, "predicted": "Overturned", "status": "certified"}
    for r in (clearance, ekg, pt, cold):
        assert r["surgery_link"] == link, r["item"]
        assert not LINK_RULES & set(r["rules"])
    assert clearance["predicted"] == "Not covered"  # Q8 is not encoded
    assert ekg["predicted"] == "Overturned" and "nhlbi.ekg.indication" in ekg["rules"]  # hypertension
    assert pt["predicted"] == "Overturned" and any(r.startswith("ptg.rotator_cuff") for r in pt["rules"])
    assert predict_items(CHECKER, blanked(l), DAY) == predict_items(CHECKER, l, DAY)


def test_compare_items_that_serve_no_surgery_are_not_linked():
    l = letter("CM99-0001003", NO_CARE, [SURGERY_LINE, "Physical therapy 2 times a week for 3 weeks for the neck"])
    _, pt = predict_items(CHECKER, l, DAY)
    assert pt["surgery_link"] is None and not LINK_RULES & set(pt["rules"])
    # a letter without a surgical item: a pre-operative service follows only what its summary plans
    (alone,) = predict_items(CHECKER, letter("CM99-0001004", NO_CARE, ["Labs to include: EKG"]), DAY)
    assert alone["surgery_link"] is None


def test_compare_html_and_terminal_rows_show_the_link(tmp_path):
    directory = tmp_path / "letters"
    directory.mkdir()
    text = letter_head("CM99-0001005", SUMMARY.format(care=NO_CARE), SPECIALTY) + "".join(
        ITEM.format(heading=h, decision="Upheld", marker=f"m{n}") for n, h in enumerate([SURGERY_LINE] + SERVICE_LINES, 1))
    (directory / "CM99-0001005.txt").write_text(text)
    out = tmp_path / "r.json"
    result = CliRunner().invoke(app, ["compare", str(directory), "--json", str(out), "--html", str(tmp_path / "r.html"),
                                      "--undated", "2016-12-01"])
    assert result.exit_code == 0, result.stderr
    data = json.loads(out.read_text())
    assert [r["surgery_link"]["item_no"] if r["surgery_link"] else None for r in data["items"]] == [None, 1, 1, 1, 1]
    assert "follows item 1 (Upheld)" in " ".join(result.stdout.split())
    assert (tmp_path / "r.html").read_text().count("follows item 1 (Upheld)") == 4


# ------------------------------------------------------------------ compare: per kind, --family with a kind

def test_the_summary_scores_each_kind_and_the_families_add_up():
    l = letter("CM99-0001006", NO_CARE, [SURGERY_LINE] + SERVICE_LINES + ["Lumbar epidural steroid injection"])
    records = [{**r, "actual": "Upheld", "case_number": "CM99-0001006", "file": "x.txt", "format": "txt"}
               for r in predict_items(CHECKER, l, DAY)]
    summary = summarize(records, letters=1, errors=0)
    kinds = summary["by_kind"]
    assert list(kinds) == [k.value for k in Kind if k.value in kinds]  # Kind order
    assert set(kinds) == {"physical_medicine", "injections", "surgery", "equipment"}
    assert kinds["surgery"]["items"] == 3  # the surgery, the clearance and the EKG
    for kind, group in kinds.items():
        families = [f for f in summary["by_family"] if Family(f).kind.value == kind]
        assert group["items"] == sum(summary["by_family"][f]["items"] for f in families)
        assert group["covered"] == sum(summary["by_family"][f]["covered"] for f in families)
    assert sum(g["items"] for g in kinds.values()) == summary["items"]


def test_family_accepts_a_kind_and_the_report_reads_the_kinds_from_the_summary(tmp_path):
    directory = tmp_path / "letters"
    directory.mkdir()
    text = letter_head("CM99-0001007", SUMMARY.format(care=NO_CARE), SPECIALTY) + "".join(
        ITEM.format(heading=h, decision="Upheld", marker=f"m{n}")
        for n, h in enumerate([SURGERY_LINE, "Medical Clearance", "Lumbar epidural steroid injection",
                               "Physical therapy x 6 for the neck"], 1))
    (directory / "CM99-0001007.txt").write_text(text)

    def run(*families):
        out = tmp_path / "out.json"
        args = ["compare", str(directory), "--json", str(out), "--undated", "2016-12-01"]
        for f in families:
            args += ["--family", f]
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 0, result.stderr
        return json.loads(out.read_text()), " ".join(result.stdout.split())

    data, _ = run("injections")
    assert [r["family"] for r in data["items"]] == ["injection"]
    data, report = run("surgery", "surgical_service", "physical_medicine")
    assert [r["family"] for r in data["items"]] == ["surgery", "surgical_service", "physical_therapy"]
    assert set(data["summary"]["by_kind"]) == {"surgery", "physical_medicine"}
    assert data["summary"]["by_kind"]["surgery"]["items"] == 2
    data, _ = run("surgery")  # a name that is a family and a kind: the family
    assert [r["family"] for r in data["items"]] == ["surgery"]
