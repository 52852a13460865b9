"""The command line as users of other tools expect it (issue 12, items 11 and 12).

--version, -h, shell completion, help that names what to give (FILE..., DATE), JSON that a
program can read (dates as dates, numbers as numbers, one shape whatever the files), and
no warnings from a dependency in the test run.
"""
from __future__ import annotations

import json
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from checker import __version__
from checker.check import Checker
from checker.report.check_report import item_json
from checker.request.model import TreatmentRequest
from tests.hostile import ROOT, error_lines, run

GOOD = ROOT / "samples" / "requests" / "pt_continuation_and_cap.yaml"


@pytest.mark.parametrize("flag", ["--version"])
def test_version(flag):
    done = run(flag)
    assert done.returncode == 0 and done.stdout == f"imr-check {__version__}\n"


@pytest.mark.parametrize("args", [[], ["check"], ["rules"], ["letter"], ["compare"]], ids=lambda a: " ".join(a) or "top")
def test_dash_h_is_help_like_dash_dash_help(args):
    short, long = run(*args, "-h"), run(*args, "--help")
    assert short.returncode == long.returncode == 0
    assert short.stdout == long.stdout and "Usage: imr-check" in short.stdout
    assert "-h, --help" in short.stdout


def test_shell_completion_is_offered():
    help_text = run("--help").stdout
    assert "--install-completion" in help_text and "--show-completion" in help_text
    done = run("--show-completion", "bash")
    assert done.returncode == 0 and "_IMR_CHECK_COMPLETE" in done.stdout


@pytest.mark.parametrize("command, usage", [("check", "FILE..."), ("letter", "FILE..."), ("compare", "PATH...")])
def test_help_names_what_to_give_not_python_types(command, usage):
    text = run(command, "--help").stdout
    assert f"Usage: imr-check {command} [OPTIONS] {usage}\n" in text
    for jargon in ("{files}", "{paths}", "<list[Path]>", "<str>", "<int>", "<bool>", "<Path>"):
        assert jargon not in text, jargon
    if command == "check":
        assert "--as-of DATE" in text
    if command == "compare":
        assert "--undated DATE" in text and "--jobs N" in text


def test_letter_json_on_one_unreadable_file_has_the_shape_of_check(tmp_path):
    missing = tmp_path / "missing.txt"
    done = run("letter", missing, "--json")
    assert done.returncode == 2
    data = json.loads(done.stdout)
    assert data["letters"] == [] and [e["file"] for e in data["errors"]] == [str(missing)]
    assert error_lines(done) == [f"error: {data['errors'][0]['error']}"]
    # and check, for comparison, has the same shape
    checked = json.loads(run("check", missing, "--json").stdout)
    assert checked["items"] == [] and [e["file"] for e in checked["errors"]] == [str(missing)]


# ------------------------------------------------------------------ JSON a program can read

def _results(prior: object) -> list[dict]:
    request = TreatmentRequest.model_validate({
        "request_date": "2016-09-20",
        "patient": {"injury_date": "2016-01-04", "diagnoses": ["lumbar sprain"]},
        "history": {"prior_treatment": {"physical_therapy": prior}} if prior is not None else {},
        "items": ["Physical therapy x 6 for the low back"],
    })
    return [item_json("r.yaml", i, r) for i, r in enumerate(Checker().check(request), 1)]


@pytest.mark.parametrize("prior, shown", [
    (None, None), (6, 6), ("20 to 22", {"min": 20, "max": 22}), ("at least 8", {"min": 8, "max": None}),
    ({"functional_improvement": "yes"}, {"min": None, "max": None}),
])
def test_prior_visits_are_a_number_or_a_range(prior, shown):
    (item,) = _results(prior)
    assert item["understood"]["prior_visits"] == shown


def test_no_day_ordinal_in_the_json_of_check():
    done = run("check", GOOD, "--json")
    items = json.loads(done.stdout)["items"]
    days = [f["values"]["day"] for i in items for f in i["findings"] + i["superseded"] if "day" in f["values"]]
    assert days and all(d == "2016-09-20" for d in days)  # the guideline day, as a date


def test_json_values_are_not_strings_of_numbers():
    done = run("check", *sorted((ROOT / "samples" / "requests").glob("*.yaml")), "--json")

    def strings(value, path=""):
        if isinstance(value, dict):
            for k, v in value.items():
                yield from strings(v, f"{path}.{k}")
        elif isinstance(value, list):
            for v in value:
                yield from strings(v, path + "[]")
        elif isinstance(value, str) and value.strip().isdigit():
            yield path, value

    # page references are text ("22", "22-23", "9792.24.3(a)-(d)"): a number only by chance
    found = [(path, v) for path, v in strings(json.loads(done.stdout)) if not path.endswith(".citation.pages")]
    assert found == []


# ------------------------------------------------------------------ 12: durable-rules' deprecation warnings

def test_durable_rules_deprecation_warnings_are_ignored_in_its_engine_only():
    """checker.engine.engine ignores DeprecationWarning raised in durable.engine (Python 3.12
    deprecates the utcfromtimestamp it calls for every fact), and nothing else."""
    code = (
        "import warnings\n"
        "import checker.engine.engine\n"
        "warnings.warn_explicit('utcfromtimestamp() is deprecated', DeprecationWarning, 'durable/engine.py', 17,"
        " module='durable.engine')\n"
        "try:\n"
        "    warnings.warn_explicit('another', DeprecationWarning, 'x.py', 1, module='checker.other')\n"
        "except DeprecationWarning:\n"
        "    print('others still warn')\n"
    )
    done = subprocess.run([sys.executable, "-W", "error::DeprecationWarning", "-c", code], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "others still warn\n"


def test_the_test_run_ignores_them_too():
    # pytest shows DeprecationWarnings per test whatever the code filtered: pyproject.toml says which to ignore
    with warnings.catch_warnings(record=True) as caught:
        warnings.warn_explicit("utcfromtimestamp() is deprecated", DeprecationWarning, "durable/engine.py", 17,
                               module="durable.engine")
        warnings.warn_explicit("another", DeprecationWarning, "x.py", 1, module="checker.other")
    assert [str(w.message) for w in caught] == ["another"]
