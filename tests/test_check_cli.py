"""`imr-check check` end to end, as a user runs it: a fresh process, its stdout, stderr and exit status.

The README promise: `imr-check check samples/requests/* --json` gives every item a decision,
and every certify / non-certify item at least one finding citing source, section and pages.
Bad input: exactly one line on stderr naming the file and the field or line and what was
expected, exit status 2, no traceback, and the good files of the same call still checked.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from checker.kb.load import default_kb
from tests.conftest import SHARED_LETTERS, read_labels

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "samples" / "requests").glob("*.yaml"))
SEEDS = sorted((ROOT / "samples" / "requests").glob("seed_*.yaml"))
GOOD = ROOT / "samples" / "requests" / "tens.yaml"
OTHER_GOOD = ROOT / "samples" / "requests" / "massage.yaml"
KB = default_kb()
DECISIONS = {"certify": "Overturned", "non-certify": "Upheld", "not-covered": "Not covered"}


def imr_check(*args, cwd: Path = ROOT, **env) -> subprocess.CompletedProcess:
    script = Path(sys.executable).with_name("imr-check")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "checker"]
    environ = {k: v for k, v in os.environ.items() if k != "IMR_RULES_DIR"}
    environ.update({"COLUMNS": "200", **env})
    return subprocess.run([*command, *map(str, args)], cwd=cwd, env=environ, capture_output=True, text=True,
                          timeout=300)


def items_in(path: Path) -> int:
    return len(yaml.safe_load(path.read_text(encoding="utf-8"))["items"])


@pytest.fixture(scope="module")
def samples_json() -> dict:
    done = imr_check("check", *SAMPLES, "--json")
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    return json.loads(done.stdout)


def test_every_sample_item_gets_a_decision(samples_json):
    items = samples_json["items"]
    assert samples_json["errors"] == []
    assert len(items) == sum(items_in(p) for p in SAMPLES)
    by_file = {}
    for item in items:
        by_file.setdefault(item["file"], []).append(item["item_no"])
    assert by_file == {str(p): list(range(1, items_in(p) + 1)) for p in SAMPLES}
    for item in items:
        assert item["decision"] in DECISIONS
        assert item["imr_outcome"] == DECISIONS[item["decision"]]


def test_every_decided_item_cites_source_section_and_pages(samples_json):
    decided = [i for i in samples_json["items"] if i["decision"] != "not-covered"]
    assert decided
    for item in decided:
        assert item["findings"], item["item"]
        assert item["deciding_rules"], item["item"]
        for finding in item["findings"]:
            citation = finding["citation"]
            assert citation["source"].strip() and citation["section"].strip() and citation["pages"].strip()
            assert finding["rule"] and finding["message"].startswith(citation["source"])


def test_not_covered_items_say_why_and_certify_nothing(samples_json):
    uncovered = [i for i in samples_json["items"] if i["decision"] == "not-covered"]
    assert uncovered
    for item in uncovered:
        assert item["not_covered_reason"] and item["certifiable_quantity"] is None and item["findings"] == []


def test_json_keys_and_types(samples_json):
    for item in samples_json["items"]:
        assert isinstance(item["item"], str) and item["item"]
        assert isinstance(item["family"], str)
        assert isinstance(item["decision"], str) and isinstance(item["imr_outcome"], str)
        assert item["certifiable_quantity"] is None or isinstance(item["certifiable_quantity"], int)
        assert isinstance(item["missing_documentation"], list)
        assert all(isinstance(m, str) and m for m in item["missing_documentation"])
        for finding in item["findings"]:
            assert isinstance(finding["rule"], str) and isinstance(finding["message"], str)
            assert set(finding["citation"]) == {"source", "section", "pages"}


def test_certified_quantity_never_exceeds_the_request(samples_json):
    for item in samples_json["items"]:
        requested, certifiable = item["requested_quantity"], item["certifiable_quantity"]
        if item["decision"] == "certify":
            assert certifiable == requested
        if item["decision"] == "non-certify" and requested is not None:
            assert certifiable is not None and 0 <= certifiable < requested


def test_the_seven_seed_items_are_non_certify():
    done = imr_check("check", *SEEDS, "--json")
    assert done.returncode == 0, done.stderr
    items = json.loads(done.stdout)["items"]
    assert len(items) == 7 == sum(items_in(p) for p in SEEDS)
    assert [i["decision"] for i in items] == ["non-certify"] * 7
    assert all(i["findings"] and i["missing_documentation"] for i in items)


def test_the_seed_items_match_the_real_letters_outcomes():
    labels_dir = SHARED_LETTERS / "seeds"
    if not (labels_dir / "labels.csv").is_file():
        pytest.skip(f"real IMR letters not found at {labels_dir} (set IMR_SHARED_LETTERS); they are not redistributed")
    outcome = {(row["file"][:3], int(row["item_no"])): (row["item"], row["decision"]) for row in read_labels(labels_dir)}
    done = imr_check("check", *SEEDS, "--json")
    for item in json.loads(done.stdout)["items"]:
        number = Path(item["file"]).name.split("_")[1]
        text, decision = outcome[(number, item["item_no"])]
        assert item["item"] == text
        assert item["imr_outcome"] == decision


def test_the_report_shows_a_panel_per_item():
    done = imr_check("check", *SAMPLES)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    expected = [(str(p), n) for p in SAMPLES for n in range(1, items_in(p) + 1)]
    for file, n in expected:
        assert out.count(f"{file} · item {n} ") == 1, (file, n)
    assert out.count("╭") == len(expected) and out.count("╰") == len(expected)
    for word in ("CERTIFY", "NON-CERTIFY", "NOT-COVERED", "Why", "Missing documentation"):
        assert word in out


def test_the_report_explains_a_partial_certification():
    done = imr_check("check", ROOT / "samples" / "requests" / "pt_new_injury_certify.yaml")
    assert done.returncode == 0
    assert "Certifiable: 6 visits of 12" in done.stdout


def test_output_is_the_same_whatever_the_hash_seed(samples_json):
    # set iteration order follows the hash seed: nothing in a report may depend on it
    for seed in ("1", "2"):
        assert json.loads(imr_check("check", *SAMPLES, "--json", PYTHONHASHSEED=seed).stdout) == samples_json


def test_python_dash_m_checker_is_the_same_program():
    script = imr_check("check", GOOD, "--json")
    module = subprocess.run([sys.executable, "-m", "checker", "check", str(GOOD), "--json"], cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    assert module.returncode == 0 and module.stdout == script.stdout


def test_as_of_overrides_the_request_date(tmp_path):
    # --as-of may go back to any day after the injury (before it, it is an error: test_hostile_request.py)
    sample = ROOT / "samples" / "requests" / "today_physical_medicine.yaml"
    path = tmp_path / "injured_in_2016.yaml"
    path.write_text(sample.read_text(encoding="utf-8").replace("injury_date: 2026-08-03", "injury_date: 2016-01-04"),
                    encoding="utf-8")
    plain = json.loads(imr_check("check", path, "--json").stdout)["items"]
    dated = json.loads(imr_check("check", path, "--json", "--as-of", "2016-06-01").stdout)["items"]
    pt = [i for i in plain if i["family"] == "physical_therapy"][0]
    pt_dated = [i for i in dated if i["family"] == "physical_therapy"][0]
    assert pt["understood"]["date_basis"] == "request_date" and pt_dated["understood"]["date_basis"] == "as_of"
    cpmtg = KB.sources["mtus_cpmtg"]
    assert not any(f["citation"]["source"].startswith(cpmtg.title) for f in pt["findings"])
    assert pt_dated["decision"] in ("certify", "non-certify") and pt_dated["findings"]
    assert pt_dated["understood"]["guideline_date"] == "2016-06-01"
    edition = cpmtg.edition_on(dt.date(2016, 6, 1)).label
    assert any(f["citation"]["source"].startswith(f"{cpmtg.title} ({edition})") for f in pt_dated["findings"])


def test_a_request_written_today_gets_a_decision_with_its_tier_and_confidence_for_every_item():
    path = ROOT / "samples" / "requests" / "today_physical_medicine.yaml"
    items = json.loads(imr_check("check", path, "--json").stdout)["items"]
    assert {i["decision"] for i in items} <= {"certify", "non-certify"}
    for item in items:
        assert item["confidence"] in ("high", "medium", "low") and item["confidence_reason"]
        assert all(f["tier"] in (1, 2, 3) and f["tier_label"] for f in item["findings"])
    report = " ".join(imr_check("check", path, COLUMNS="200").stdout.split())
    assert report.count("How sure:") == len(items)


def test_report_suggests_as_of_only_for_an_item_outside_the_encoded_dates():
    path = ROOT / "samples" / "requests" / "not_covered_examples.yaml"
    items = json.loads(imr_check("check", path, "--json").stdout)["items"]
    assert [i["family"] for i in items] == ["physical_therapy", "other"]
    assert [i["outside_encoded_dates"] for i in items] == [True, False]  # hypnotherapy is not covered on any date
    report = " ".join(imr_check("check", path, COLUMNS="200").stdout.split())
    assert report.count("use --as-of") == 1


# ------------------------------------------------------------------ bad input

BAD = {
    # name: (file name, content, what the one line must say after "error: <path>: ")
    "malformed YAML": ("bad.yaml", "items: [Physical therapy x 6\n  visits: 3\n", "line 2: malformed YAML: "),
    "malformed JSON": ("bad.json", '{"items": ["Physical therapy x 6",]}', "line 1: malformed JSON: "),
    "unknown field": ("unknown.yaml", "items: [Physical therapy x 6]\npateint: {age: 40}\n",
                      "pateint: unknown key; did you mean patient? expected one of request_date, patient, history, items"),
    "unknown nested field": ("nested.yaml", "patient: {diagnoses: [{text: lumbar strain, icd: S39.012A}]}\n"
                             "items: [Physical therapy x 6]\n",
                             "patient.diagnoses[0].icd: unknown key; expected one of text, code"),
    "negative visits": ("negative.yaml", "items:\n  - {text: Physical therapy, visits: -3}\n",
                        "items[0].visits: expected a number greater than 0 (got -3)"),
    "zero visits": ("zero.json", '{"items": [{"family": "massage", "visits": 0}]}',
                    "items[0].visits: expected a number greater than 0"),
    "visits as words": ("words.yaml", "items:\n  - {family: physical_therapy, visits: six}\n",
                        "items[0].visits: expected a whole number (got 'six')"),
    "request before injury": ("dates.yaml", "request_date: 2016-01-04\npatient: {injury_date: 2016-02-01}\n"
                              "items: [Physical therapy x 6]\n",
                              "request_date: 2016-01-04 is before the injury date 2016-02-01; "
                              "expected a date on or after it"),
    "impossible date": ("feb30.yaml", "request_date: 2016-02-30\nitems: [Physical therapy x 6]\n",
                        "request_date: expected a date as YYYY-MM-DD; day is out of range for month (got '2016-02-30')"),
    "invalid ICD-10-CM code": ("icd.yaml", "patient: {diagnoses: [M99.999]}\nitems: [Physical therapy x 6]\n",
                               "patient.diagnoses[0].code: expected a valid ICD-10-CM code, got 'M99.999'"),
    "no items": ("noitems.yaml", "patient: {age: 40}\n", "items: required field is missing"),
    "empty items": ("emptyitems.json", '{"items": []}', "items: expected at least 1 item"),
    "unknown family": ("family.yaml", "items: [{family: yoga, visits: 6}]\n", "items[0].family: expected 'physical_therapy', "),
    "empty file": ("empty.yaml", "", "is empty; expected a YAML or JSON request"),
    "comments only": ("comments.yaml", "# nothing yet\n", "(top level): expected a mapping with patient and items"),
    "a list": ("list.yaml", "- Physical therapy x 6\n", "(top level): expected a mapping with patient and items"),
    "a key twice": ("twice.yaml", "items: [Physical therapy x 6]\nitems: [Acupuncture x 6]\n",
                    "line 2: malformed YAML: found the key 'items' twice"),
    "too deep": ("deep.json", "[" * 50_000, "nests lists or mappings too deeply"),
    "not UTF-8": ("latin1.yaml", b"items: [Massage \xe0 6]\n", "byte 16: is not UTF-8 text"),
}


def write(tmp_path: Path, name: str, content) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def assert_one_error(done: subprocess.CompletedProcess, path: Path, says: str) -> None:
    assert done.returncode == 2
    assert "Traceback" not in done.stderr + done.stdout
    assert done.stderr.splitlines() == [done.stderr.rstrip("\n")], done.stderr
    line = done.stderr.rstrip("\n")
    assert line.startswith(f"error: {path}: {says}"), line


@pytest.fixture(scope="module")
def bad_run(tmp_path_factory) -> tuple[dict[str, Path], subprocess.CompletedProcess]:
    """One call with every bad file between two good ones (a process per case would be slow)."""
    directory = tmp_path_factory.mktemp("bad")
    files = {case: write(directory, name, content) for case, (name, content, _) in BAD.items()}
    return files, imr_check("check", GOOD, *files.values(), OTHER_GOOD, "--json")


def test_bad_input_exits_2_with_one_line_per_bad_file_and_the_good_files_checked(bad_run):
    files, done = bad_run
    assert done.returncode == 2
    assert "Traceback" not in done.stderr + done.stdout
    lines = done.stderr.splitlines()
    assert [line.split(": ")[1] for line in lines] == [str(p) for p in files.values()]
    report = json.loads(done.stdout)
    assert [i["file"] for i in report["items"]] == [str(GOOD)] * items_in(GOOD) + [str(OTHER_GOOD)] * items_in(OTHER_GOOD)
    assert report["errors"] == [{"file": str(p), "error": line.removeprefix("error: ")} for p, line in
                                zip(files.values(), lines)]


@pytest.mark.parametrize("case", list(BAD), ids=list(BAD))
def test_bad_input_names_the_file_the_field_or_line_and_what_was_expected(bad_run, case):
    files, done = bad_run
    path, says = files[case], BAD[case][2]
    (line,) = [line for line in done.stderr.splitlines() if line.startswith(f"error: {path}: ")]
    assert line.startswith(f"error: {path}: {says}"), line


def test_bad_input_in_the_report_mode_too(tmp_path):
    name, content, says = BAD["negative visits"]
    bad = write(tmp_path, name, content)
    done = imr_check("check", GOOD, bad, OTHER_GOOD)
    assert_one_error(done, bad, says)
    assert f"{GOOD} · item 1 " in done.stdout and f"{OTHER_GOOD} · item 1 " in done.stdout


def test_a_directory(tmp_path):
    done = imr_check("check", GOOD, tmp_path, "--json")
    assert_one_error(done, tmp_path, "is a directory, expected a YAML or JSON request file")
    assert json.loads(done.stdout)["items"]


def test_a_missing_file(tmp_path):
    missing = tmp_path / "nowhere.yaml"
    done = imr_check("check", missing, GOOD, "--json")
    assert_one_error(done, missing, "not found; expected a YAML or JSON request file")
    assert {i["file"] for i in json.loads(done.stdout)["items"]} == {str(GOOD)}


def test_several_bad_files_give_one_line_each(tmp_path):
    bad = [write(tmp_path, *BAD[case][:2]) for case in ("malformed YAML", "unknown field", "invalid ICD-10-CM code")]
    done = imr_check("check", bad[0], GOOD, bad[1], bad[2], "--json")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    assert [line.split(": ")[1] for line in lines] == [str(p) for p in bad]
    assert json.loads(done.stdout)["items"]


@pytest.mark.parametrize("value", ["2016-13-01", "06/01/2016"])
def test_a_bad_as_of_date(value):
    done = imr_check("check", GOOD, "--as-of", value, "--json")
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stderr.splitlines() == [f"error: --as-of: expected a date as YYYY-MM-DD, got {value!r}"]
    assert done.stdout == ""
