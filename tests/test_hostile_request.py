"""Hostile request files for `imr-check check` (issue 12, items 2, 3, 4, 8 and 11's wording).

Each bad file gets one error line naming it and what was expected, exit status 2, in bounded
time and memory (tests/hostile.py runs every command under an address-space limit), and the
good file of the same call is still checked.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from checker.errors import InputError
from checker.request.load import MAX_BYTES, load_request, validate_request
from checker.vocab import Family
from tests.hostile import ROOT, assert_one_error, error_lines, run

GOOD = ROOT / "samples" / "requests" / "massage.yaml"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def checked_files(done: subprocess.CompletedProcess) -> set[str]:
    return {i["file"] for i in json.loads(done.stdout)["items"]}


# ------------------------------------------------------------------ values a request cannot hold (item 2)

REQUEST = "request_date: 2016-06-01\npatient: {injury_date: 2016-01-04}\n"
IMPOSSIBLE = {
    # name: (content, field, what the line says)
    "visits: true": (REQUEST + "items: [{text: Physical therapy, visits: true}]\n", "items[0].visits",
                     "expected a number, got true"),
    "weeks: false": (REQUEST + "items: [{text: Physical therapy, frequency_per_week: 2, weeks: false}]\n",
                     "items[0].weeks", "expected a number, got false"),
    "age: true": ("patient: {age: true}\nitems: [Physical therapy x 6]\n", "patient.age", "expected a number"),
    "request in 2099": ("request_date: 2099-01-04\nitems: [Physical therapy x 6]\n", "request_date",
                        "2099-01-04 is after today"),
    "injury in 2099": ("patient: {injury_date: 2099-01-04}\nitems: [Physical therapy x 6]\n",
                       "patient.injury_date", "2099-01-04 is after today"),
    "surgery after the request": (
        REQUEST.replace("}", ", surgeries: [{procedure: meniscectomy, date: 2016-07-01}]}") + "items: [Physical therapy x 6]\n",
        "patient.surgeries[0].date", "2016-07-01 is after the request date 2016-06-01; expected a surgery already done, or planned: true"),
    "surgery after today, undated request": (
        "patient: {surgeries: [{procedure: meniscectomy, date: 2099-07-01}]}\nitems: [Physical therapy x 6]\n",
        "patient.surgeries[0].date", "2099-07-01 is after today"),
    "a date with a time": ("request_date: 2016-06-01T10:00:00\nitems: [Physical therapy x 6]\n", "request_date",
                           "expected a date as YYYY-MM-DD"),
    "a date as a number": ('{"request_date": 1465000000, "items": ["Physical therapy x 6"]}', "request_date",
                           "expected a date as YYYY-MM-DD, got a number"),
}


@pytest.mark.parametrize("case", list(IMPOSSIBLE), ids=list(IMPOSSIBLE))
def test_a_value_no_request_holds_is_one_error_and_the_other_file_is_checked(tmp_path, case):
    content, field, says = IMPOSSIBLE[case]
    bad = write(tmp_path, "bad.json" if content.startswith("{") else "bad.yaml", content)
    done = run("check", bad, GOOD, "--json")
    line = assert_one_error(done, bad, says)
    assert line.startswith(f"error: {bad}: {field}: "), line
    assert checked_files(done) == {str(GOOD)}


def test_a_planned_surgery_may_be_dated_after_the_request(tmp_path):
    planned = write(tmp_path, "planned.yaml", REQUEST.replace(
        "}", ", surgeries: [{procedure: meniscectomy, date: 2016-07-01, planned: true}]}") + "items: [Physical therapy x 6]\n")
    done = run("check", planned, "--json")
    assert done.returncode == 0, done.stderr
    assert checked_files(done) == {str(planned)}


def test_as_of_before_the_injury_is_an_error_for_that_file(tmp_path):
    early = write(tmp_path, "early.yaml", "patient: {injury_date: 2016-05-01}\nitems: [Physical therapy x 6]\n")
    late = write(tmp_path, "late.yaml", "patient: {injury_date: 2014-05-01}\nitems: [Physical therapy x 6]\n")
    done = run("check", early, late, "--as-of", "2015-01-01", "--json")
    assert_one_error(done, early, "--as-of: 2015-01-01 is before the injury date 2016-05-01; expected a date on or after it")
    assert checked_files(done) == {str(late)}


def test_today_is_the_bound_not_a_fixed_year(tmp_path):
    path = write(tmp_path, "r.yaml", "request_date: 2030-01-04\nitems: [Physical therapy x 6]\n")
    assert load_request(path, today=dt.date(2030, 1, 4)).request_date == dt.date(2030, 1, 4)
    with pytest.raises(InputError, match="after today"):
        load_request(path, today=dt.date(2030, 1, 3))


# ------------------------------------------------------------------ the YAML alias bomb (item 3)

def alias_bomb() -> str:
    """The billion laughs: nine levels of nine aliases, about 400 bytes, 9**9 strings expanded."""
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for previous, name in zip("abcdefgh", "bcdefghi"):
        lines.append(f"{name}: &{name} [{','.join(['*' + previous] * 9)}]")
    return "\n".join(lines + ["items: [*i]", ""])


def test_an_alias_bomb_is_refused_in_bounded_memory(tmp_path):
    bomb = write(tmp_path, "bomb.yaml", alias_bomb())
    assert len(alias_bomb()) < 500
    done = run("check", bomb, GOOD, "--json")
    assert_one_error(done, bomb, "line 1: YAML anchor &a refused")
    assert checked_files(done) == {str(GOOD)}


def test_a_lone_alias_is_refused_too(tmp_path):
    path = write(tmp_path, "alias.yaml", "x: &d [lumbar sprain]\npatient: {diagnoses: *d}\nitems: [Physical therapy x 6]\n")
    with pytest.raises(InputError, match=r"line 1: YAML anchor &d refused"):
        load_request(path)


def test_an_error_never_quotes_a_large_value(tmp_path):
    big = "x" * 1_500_000
    path = write(tmp_path, "big.yaml", f"items: [{{text: Physical therapy, visits: '{big}'}}]\n")
    with pytest.raises(InputError) as caught:
        load_request(path)
    assert len(str(caught.value)) < 300 and "1,500,000 characters" in str(caught.value)


# ------------------------------------------------------------------ files that are not request files (item 4)

def test_a_named_pipe_is_refused_without_waiting_for_a_writer(tmp_path):
    fifo = tmp_path / "request.yaml"
    os.mkfifo(fifo)
    done = run("check", fifo, GOOD, "--json")
    assert_one_error(done, fifo, "is not a regular file")
    assert checked_files(done) == {str(GOOD)}


def test_a_device_that_never_ends_is_refused(tmp_path):
    done = run("check", "/dev/zero", GOOD, "--json")
    assert_one_error(done, "/dev/zero", "is not a regular file")
    assert checked_files(done) == {str(GOOD)}


def test_a_huge_sparse_file_is_refused_before_reading_it(tmp_path):
    sparse = tmp_path / "huge.yaml"
    with open(sparse, "wb") as f:
        f.truncate(3 * 2**30)  # 3 GB, no blocks on disk: reading it would need 3 GB of memory
    done = run("check", sparse, GOOD, "--json")
    assert_one_error(done, sparse, f"is larger than {MAX_BYTES // 1000} KB")
    assert checked_files(done) == {str(GOOD)}


# ------------------------------------------------------------------ text no output can hold; a full disk (item 8)

@pytest.mark.parametrize("mode", ["--json", "report"])
def test_a_lone_surrogate_is_one_error_and_the_other_file_is_checked(tmp_path, mode):
    bad = tmp_path / "surrogate.json"
    bad.write_text('{"items": ["Physical therapy x 6 \\ud800"]}', encoding="utf-8")
    done = run("check", bad, GOOD, *([mode] if mode != "report" else []))
    assert_one_error(done, bad, "items[0]: text holds \\ud800, half of a UTF-16 surrogate pair")
    if mode == "--json":
        assert checked_files(done) == {str(GOOD)}
    else:
        assert f"{GOOD} · item 1" in " ".join(done.stdout.split())


def _to_full_disk(*args) -> subprocess.CompletedProcess:
    with open("/dev/full", "w") as full:
        return run(*args, stdout=full)


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full (Linux) to fill a disk")
@pytest.mark.parametrize("args", [
    ("check", GOOD), ("check", GOOD, "--json"), ("rules",), ("rules", "--json"),
    ("letter", ROOT / "samples" / "letters" / "CM99-0000101_acupuncture_overturned.txt"),
    ("letter", ROOT / "samples" / "letters" / "CM99-0000101_acupuncture_overturned.txt", "--json"),
    ("compare", ROOT / "samples" / "letters"), ("compare", ROOT / "samples" / "letters", "--json", "-"),
], ids=lambda a: " ".join(str(x) for x in a if not str(x).startswith("/")))
def test_stdout_on_a_full_disk_is_one_line_and_exit_2(args):
    done = _to_full_disk(*args)
    assert done.returncode == 2
    assert error_lines(done) == ["error: cannot write the output: No space left on device"]


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full (Linux) to fill a disk")
@pytest.mark.parametrize("option, what", [("--jsonl", "JSONL journal"), ("--json", "JSON file"), ("--csv", "CSV file")])
def test_an_output_file_on_a_full_disk_is_one_line_and_exit_2(option, what):
    done = run("compare", ROOT / "samples" / "letters", option, "/dev/full", "--jobs", "2")
    assert done.returncode == 2
    assert error_lines(done) == [f"error: /dev/full: cannot write the {what}: No space left on device"]


# ------------------------------------------------------------------ errors in the user's words (item 11)

def test_a_misspelt_top_level_key_is_named_with_a_did_you_mean(tmp_path):
    path = write(tmp_path, "typo.yaml", "itmes: [Physical therapy x 6]\n")
    with pytest.raises(InputError) as caught:
        load_request(path)
    assert str(caught.value).startswith(f"{path}: itmes: unknown key; did you mean items? expected one of "
                                        "request_date, patient, history, items")


JARGON = re.compile(
    r"instance of|Datetime|zero time|after validation|dictionary|function-|Value error|Assertion failed|"
    r"pydantic|Input should|valid string|valid boolean|valid integer|\bstr\b|\bint\b|\bfloat\b|\bdict\b|NoneType|\bbool\b|"
    r"\b(?:TreatmentRequest|RequestItem|Patient|History|Diagnosis|Surgery|PriorCourse|VisitCount|Evidence)\b")

# Wrong values of every kind, written as a file's author could write them.
WRONG = st.one_of(
    st.none(), st.booleans(), st.integers(-10**30, 10**30), st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30), st.sampled_from(["2016-02-30", "2016-06-01T10:00:00", "06/01/2016", "yes", "six", "-3",
                                           "1e400", "M99.999", "knee", ""]),
    st.lists(st.integers(), max_size=3), st.dictionaries(st.sampled_from(["x", "text", "visits"]), st.integers(), max_size=2),
)
TOP = ["request_date", "patient", "history", "items", "itmes", "source", "evidence", "pateint"]
PATIENT = ["age", "sex", "injury_date", "diagnoses", "regions", "surgeries", "injury"]
HISTORY = ["prior_treatment", "home_exercise_program", "flare_up", "returned_to_work", "homework"]
ITEM = ["text", "family", "visits", "frequency_per_week", "weeks", "regions", "authorized_visits", "mode",
        "duration_days", "maintenance", "vists"]


@st.composite
def bad_requests(draw) -> dict:
    """A request with one to three fields (at any level) set to a wrong value."""
    data: dict = {"request_date": "2016-06-01", "patient": {"injury_date": "2016-01-04"},
                  "items": [{"text": "Physical therapy x 6"}]}
    for _ in range(draw(st.integers(1, 3))):
        place = draw(st.sampled_from(["top", "patient", "history", "item", "diagnosis", "surgery", "prior"]))
        value = draw(WRONG)
        if place == "top":
            data[draw(st.sampled_from(TOP))] = value
        elif place == "patient" and isinstance(data.get("patient"), dict):
            data["patient"][draw(st.sampled_from(PATIENT))] = value
        elif place == "history":
            data["history"] = {draw(st.sampled_from(HISTORY)): value}
        elif place == "item" and isinstance(data.get("items"), list):
            data["items"].append({"text": "Acupuncture x 6", draw(st.sampled_from(ITEM)): value})
        elif place == "diagnosis" and isinstance(data.get("patient"), dict):
            data["patient"]["diagnoses"] = [draw(st.one_of(WRONG, st.fixed_dictionaries({"code": WRONG})))]
        elif place == "surgery" and isinstance(data.get("patient"), dict):
            data["patient"]["surgeries"] = [draw(st.one_of(WRONG, st.fixed_dictionaries(
                {"procedure": st.just("meniscectomy"), draw(st.sampled_from(["date", "planned", "when"])): WRONG})))]
        elif place == "prior":
            family = draw(st.sampled_from([f.value for f in Family] + ["yoga"]))
            data["history"] = {"prior_treatment": {family: draw(st.one_of(
                WRONG, st.fixed_dictionaries({draw(st.sampled_from(["visits", "functional_improvement", "count"])): WRONG})))}}
    return data


def _strings(value) -> set[str]:
    """Every text a request file holds, keys included."""
    if isinstance(value, str):
        return {value} if value else set()
    if isinstance(value, dict):
        return set().union(*(_strings(k) | _strings(v) for k, v in value.items())) if value else set()
    if isinstance(value, list):
        return set().union(*map(_strings, value)) if value else set()
    return set()


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(bad_requests())
def test_no_error_about_a_request_speaks_of_python(data):
    try:
        validate_request("r.yaml", data)
    except InputError as e:
        text = str(e)
        assert "\n" not in text and text.startswith("r.yaml: ")
        # the message may quote what the file says ("got 'Value error'"): only the checker's own words count
        own = text.removeprefix("r.yaml: ")
        for written in sorted(_strings(data), key=len, reverse=True):
            own = own.replace(repr(written), "")
        assert not JARGON.search(own), text
        assert len(text) < 600, text


def test_the_sweep_reaches_the_errors_it_is_for():
    """The generated inputs do produce the messages that used to speak of Python."""
    for data, says in [
        ({"items": [[1]]}, "items[0]: expected a mapping with keys such as text, family, visits"),
        ({"items": ["x"], "request_date": "2016-06-01T10:00:00"}, "request_date: expected a date as YYYY-MM-DD"),
        ({"items": ["x"], "patient": {"surgeries": [5]}}, "patient.surgeries[0]: expected a mapping with keys such as procedure"),
        ({"items": []}, "items: expected at least 1 item"),
        ({"items": [{"text": "x", "visits": -3}]}, "items[0].visits: expected a number greater than 0 (got -3)"),
        ({"items": ["x"], "patient": {"diagnoses": [{"code": 5}]}}, "patient.diagnoses[0].code: expected text (got 5)"),
    ]:
        with pytest.raises(InputError) as caught:
            validate_request("r.yaml", data)
        assert str(caught.value).startswith(f"r.yaml: {says}"), str(caught.value)


# every character str.isdigit accepts that int() refuses (superscripts, circled digits ...): a count
# written with one is refused on one line that names the field, never with int()'s own words
_DIGITS_INT_REFUSES = [c for c in map(chr, range(0x110000)) if c.isdigit() and not c.isdecimal()]


@pytest.mark.parametrize("text", ["²", "1²", "⑤", "¹²"] + _DIGITS_INT_REFUSES[::7])
@pytest.mark.parametrize("where, field", [
    ({"items": [{"text": "physical therapy", "visits": "{}"}]}, "items[0].visits"),
    ({"items": ["physical therapy"], "history": {"prior_treatment": {"physical_therapy": "{}"}}},
     "history.prior_treatment.physical_therapy.visits"),
])
def test_a_visit_count_in_digits_int_refuses_is_one_clear_error(text, where, field):
    data = json.loads(json.dumps(where).replace("{}", text))
    with pytest.raises(InputError) as caught:
        validate_request("r.yaml", data)
    message = str(caught.value)
    assert message.startswith(f"r.yaml: {field}: expected a"), message
    assert "int()" not in message and "\n" not in message
