"""imr-check compare: collection, metrics, the JSON/JSONL/CSV/HTML outputs, parallel and
resumed runs, bad files, and that no prediction can see the reviewer's answer.

CLI tests use small letters written here into tmp dirs; the leakage tests and a parallel
run use the real letters (../shared/letters, skipped with a reason when absent).
"""
from __future__ import annotations

import csv
import datetime as dt
import json
import os
import re
import signal
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from checker.check import Checker
from checker.cli import app
from checker.compare.collect import collect_letters
from checker.compare.journal import read_journal
from checker.compare.metrics import Confusion, accuracy, baseline, kappa, precision, recall, scores
from checker.compare.predict import LetterComparer, predict_items
from checker.compare.run import compare_files
from checker.compare.score import group_summary, summarize
from checker.letters.parse import ISSUES, layout_lines, load_letter, parse_letter
from checker.letters.read import read_letter_text
from checker.vocab import PHYSICAL_MEDICINE, Family
from tests.conftest import read_labels
from tests.lettergen import letter_head

DAY = dt.date(2016, 12, 1)

# --- small letters written here -------------------------------------------------------

SUMMARY = """The injured worker is a 45 year old male, who sustained an industrial injury on January 10,
2016. The injured worker was diagnosed as having lumbar strain and myalgia. Treatment to date
has included medications. On October 1, 2016 the treating physician requested {request}.
On October 15, 2016 Utilization Review non-certified the request.
"""
ITEM = """
{heading}: {decision}

Claims Administrator guideline: Decision based on MTUS Chronic Pain Medical Treatment
2016.

MAXIMUS guideline: Decision based on MTUS Chronic Pain Medical Treatment 2016,
Section(s): Physical medicine treatment.

Decision rationale: Reviewer rationale {marker}. The guidelines were applied to the
documentation provided.
"""

ITEMS = [
    "Physical therapy two times a week for three weeks for the lumbar spine",
    "MRI of the lumbar spine",
    "Physical therapy 24 sessions for the lumbar spine",
    "Acupuncture 6 sessions for the lumbar spine",
    "Chiropractic manipulation 6 visits for the low back",
    "Massage therapy 6 sessions for the low back",
]


def letter_text(case: str, items: list[tuple[str, str]]) -> str:
    text = letter_head(case, SUMMARY.format(request=items[0][0].lower()))
    for n, (heading, decision) in enumerate(items, 1):
        text += ITEM.format(heading=heading, decision=decision, marker=f"{case}-{n}")
    return text


def write_corpus(directory: Path) -> list[Path]:
    """Five letters, seven items of several families, both decisions."""
    directory.mkdir(parents=True, exist_ok=True)
    plan = [
        [(ITEMS[0], "Overturned"), (ITEMS[1], "Upheld")],
        [(ITEMS[2], "Upheld")],
        [(ITEMS[3], "Overturned")],
        [(ITEMS[4], "Overturned")],
        [(ITEMS[5], "Upheld")],
    ]
    paths = []
    for n, items in enumerate(plan, 1):
        path = directory / f"CM16-00000{n:02d}.txt"
        path.write_text(letter_text(f"CM16-00000{n:02d}", items), encoding="utf-8")
        paths.append(path)
    return paths


def write_bad_files(directory: Path) -> dict[str, Path]:
    directory.mkdir(parents=True, exist_ok=True)
    files = {
        "empty": directory / "empty.txt",
        "not_a_letter": directory / "notes.txt",
        "corrupt_pdf": directory / "broken.pdf",
    }
    files["empty"].write_text("")
    files["not_a_letter"].write_text("Shopping list: milk, eggs, bread.\n")
    files["corrupt_pdf"].write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> garbage\n%%EOF\n")
    return files


runner = CliRunner()


def run_cli(*args: str):
    return runner.invoke(app, ["compare", *map(str, args)])


def compare_json(tmp_path: Path, name: str, *args) -> tuple[dict, object]:
    out = tmp_path / f"{name}.json"
    result = run_cli(*args, "--undated", "2016-12-01", "--json", out)
    assert out.exists(), result.stdout + result.stderr
    return json.loads(out.read_text(encoding="utf-8")), result


# --- metrics ----------------------------------------------------------------------------

def test_confusion_counts_pairs_with_overturned_as_the_positive_class():
    pairs = [("Overturned", "Overturned")] * 2 + [("Overturned", "Upheld")] + [("Upheld", "Overturned")] + \
            [("Upheld", "Upheld")] * 6
    assert Confusion.of(pairs) == Confusion(tp=2, fn=1, fp=1, tn=6)


def test_confusion_rejects_an_outcome_that_is_not_upheld_or_overturned():
    with pytest.raises(ValueError):
        Confusion.of([("Upheld", "Not covered")])


def test_accuracy_recall_precision_and_kappa_on_a_mixed_set():
    c = Confusion(tp=2, fn=1, fp=1, tn=6)
    assert accuracy(c) == pytest.approx(0.8)
    assert recall(c) == pytest.approx(2 / 3)
    assert precision(c) == pytest.approx(2 / 3)
    # observed 0.8; chance 0.3 * 0.3 + 0.7 * 0.7 = 0.58; kappa (0.8 - 0.58) / 0.42
    assert kappa(c) == pytest.approx(0.22 / 0.42)


def test_kappa_is_one_for_perfect_agreement_and_minus_one_for_perfect_disagreement_on_balanced_sets():
    assert kappa(Confusion(tp=3, tn=3)) == pytest.approx(1.0)
    assert kappa(Confusion(fn=5, fp=5)) == pytest.approx(-1.0)


def test_the_always_upheld_baseline_has_kappa_zero_recall_zero_and_no_precision():
    c = baseline(Confusion(tp=2, fn=1, fp=1, tn=6))
    assert c == Confusion(fn=3, tn=7)
    assert accuracy(c) == pytest.approx(0.7)
    assert kappa(c) == 0.0
    assert recall(c) == 0.0
    assert precision(c) is None


def test_one_class_throughout_leaves_kappa_recall_and_precision_undefined_without_dividing_by_zero():
    c = Confusion(tn=5)  # every item Upheld, every prediction Upheld
    assert accuracy(c) == 1.0
    assert kappa(c) is None and recall(c) is None and precision(c) is None
    c = Confusion(tp=4)  # every item Overturned, every prediction Overturned
    assert accuracy(c) == 1.0 and recall(c) == 1.0 and precision(c) == 1.0
    assert kappa(c) is None


def test_no_items_gives_undefined_scores():
    s = scores(Confusion())
    assert s.n == 0
    assert (s.accuracy, s.overturned_recall, s.overturned_precision, s.kappa) == (None, None, None, None)


def _rec(actual: str, predicted: str, family: str = "physical_therapy", case: str = "CM16-0000001", no: int = 1,
         fmt: str = "txt") -> dict:
    return {"file": f"{case}.{fmt}", "case_number": case, "format": fmt, "item_no": no, "item": "x", "family": family,
            "actual": actual, "predicted": predicted, "rules": [], "undated": False,
            "agree": None if predicted == "Not covered" else actual == predicted}


def test_not_covered_items_are_left_out_of_covered_scores_and_count_as_upheld_in_all_item_scores():
    records = [_rec("Overturned", "Overturned"), _rec("Upheld", "Overturned"), _rec("Upheld", "Upheld"),
               _rec("Overturned", "Not covered"), _rec("Upheld", "Not covered")]
    g = group_summary(records)
    assert (g["items"], g["covered"], g["not_covered"]) == (5, 3, 2)
    assert g["coverage"] == pytest.approx(0.6)
    assert g["confusion"]["Overturned"] == {"Upheld": 0, "Overturned": 1, "Not covered": 1}
    assert g["confusion"]["Upheld"] == {"Upheld": 1, "Overturned": 1, "Not covered": 1}
    covered = g["scores"]["covered_items"]
    assert covered["model"]["confusion"] == {"tp": 1, "fn": 0, "fp": 1, "tn": 1}
    assert covered["model"]["accuracy"] == pytest.approx(2 / 3)
    assert covered["baseline"]["accuracy"] == pytest.approx(2 / 3)
    everything = g["scores"]["all_items"]
    assert everything["model"]["confusion"] == {"tp": 1, "fn": 1, "fp": 1, "tn": 2}
    assert everything["model"]["overturned_recall"] == pytest.approx(0.5)
    assert everything["baseline"]["accuracy"] == pytest.approx(3 / 5)


def test_summary_scores_each_family_and_physical_medicine_apart_from_other():
    records = [_rec("Upheld", "Upheld", "physical_therapy"), _rec("Overturned", "Overturned", "acupuncture", no=2),
               _rec("Upheld", "Not covered", "other", no=3)]
    s = summarize(records, letters=1, errors=0)
    assert list(s["by_family"]) == ["physical_therapy", "acupuncture", "other"]
    assert s["by_family"]["acupuncture"]["items"] == 1
    assert s["physical_medicine"]["items"] == 2 and s["physical_medicine"]["coverage"] == 1.0
    assert s["items"] == 3 and s["coverage"] == pytest.approx(2 / 3)


def test_format_pairs_lists_the_items_a_txt_and_its_pdf_predict_differently():
    records = [_rec("Upheld", "Upheld", no=1), _rec("Upheld", "Upheld", no=1, fmt="pdf"),
               _rec("Upheld", "Upheld", no=2), _rec("Upheld", "Overturned", no=2, fmt="pdf")]
    pairs = summarize(records, letters=2, errors=0)["format_pairs"]
    assert (pairs["cases"], pairs["items"]) == (1, 2)
    assert [(d["item_no"], d["txt"]["predicted"], d["pdf"]["predicted"]) for d in pairs["differ"]] == \
        [(2, "Upheld", "Overturned")]


# --- collecting files -------------------------------------------------------------------

def test_directories_are_walked_recursively_in_sorted_order_for_txt_and_pdf_only(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "deep").mkdir(parents=True)
    for name in ("b/2.txt", "a/deep/3.PDF", "a/1.txt", "a/labels.csv", "a/.hidden.txt", "b/notes.md"):
        (tmp_path / name).write_text("x")
    files, errors = collect_letters([tmp_path])
    assert [Path(f).relative_to(tmp_path).as_posix() for f in files] == ["a/1.txt", "a/deep/3.PDF", "b/2.txt"]
    assert errors == []


def test_a_case_in_both_formats_is_compared_once_from_the_txt_unless_both_formats(tmp_path):
    for name in ("CASE.txt", "CASE.pdf", "OTHER.pdf"):
        (tmp_path / name).write_text("x")
    files, _ = collect_letters([tmp_path])
    assert sorted(Path(f).name for f in files) == ["CASE.txt", "OTHER.pdf"]
    files, _ = collect_letters([tmp_path], both_formats=True)
    assert sorted(Path(f).name for f in files) == ["CASE.pdf", "CASE.txt", "OTHER.pdf"]


def test_a_file_named_twice_is_compared_once_and_missing_paths_and_empty_dirs_are_errors(tmp_path):
    letter = tmp_path / "one.txt"
    letter.write_text("x")
    (tmp_path / "empty").mkdir()
    files, errors = collect_letters([letter, tmp_path, tmp_path / "nope.txt", tmp_path / "empty"])
    assert files == [str(letter)]
    assert [e.file for e in errors] == [str(tmp_path / "nope.txt"), str(tmp_path / "empty")]
    assert all("\n" not in str(e) for e in errors)


# --- the command ------------------------------------------------------------------------

def test_every_item_is_compared_and_reported_with_its_real_decision(tmp_path):
    paths = write_corpus(tmp_path / "letters")
    data, result = compare_json(tmp_path, "run", tmp_path / "letters")
    assert result.exit_code == 0
    assert data["errors"] == []
    expected = []
    for p in paths:
        letter = load_letter(p)
        expected += [(str(p), letter.case_number, i.item_no, i.item, i.decision) for i in letter.items]
    got = [(r["file"], r["case_number"], r["item_no"], r["item"], r["actual"]) for r in data["items"]]
    assert got == expected
    for r in data["items"]:
        assert r["predicted"] in ("Upheld", "Overturned", "Not covered")
        assert r["agree"] == (None if r["predicted"] == "Not covered" else r["predicted"] == r["actual"])
        assert isinstance(r["rules"], list) and r["family"]
    s = data["summary"]
    assert (s["letters"], s["items"], s["errors"]) == (len(paths), len(expected), 0)
    assert s["covered"] == sum(r["predicted"] != "Not covered" for r in data["items"])


def test_predictions_are_those_of_the_checker_for_the_letters_item_requests(tmp_path):
    paths = write_corpus(tmp_path / "letters")
    data, _ = compare_json(tmp_path, "run", tmp_path / "letters")
    checker = Checker()
    direct = [(p["item_no"], p["predicted"], p["rules"]) for path in paths
              for p in predict_items(checker, load_letter(path), DAY)]
    assert [(r["item_no"], r["predicted"], r["rules"]) for r in data["items"]] == direct


def test_jobs_2_gives_exactly_the_json_of_jobs_1(tmp_path):
    write_corpus(tmp_path / "letters")
    write_bad_files(tmp_path / "letters" / "bad")
    one, r1 = compare_json(tmp_path, "one", tmp_path / "letters", "--jobs", "1")
    two, r2 = compare_json(tmp_path, "two", tmp_path / "letters", "--jobs", "2")
    assert one == two
    assert r1.exit_code == r2.exit_code == 2
    assert r1.stdout == r2.stdout  # the report too


def test_jobs_2_on_the_real_letters_gives_exactly_the_json_of_jobs_1(tmp_path, dev_dir, seeds_dir):
    one, _ = compare_json(tmp_path, "one", dev_dir, seeds_dir, "--both-formats")
    two, _ = compare_json(tmp_path, "two", dev_dir, seeds_dir, "--both-formats", "--jobs", "2")
    assert one == two
    assert one["summary"]["letters"] > 100


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the crash is planted through a forked worker (Linux)")
def test_a_worker_that_crashes_costs_only_the_letter_that_crashed_it(tmp_path, monkeypatch):
    paths = write_corpus(tmp_path / "a") + write_corpus(tmp_path / "b")  # ten letters, one per task
    fatal = str(paths[3])
    compare = LetterComparer.compare

    def crash_on_fatal(self, file):
        if file == fatal:  # as a segfault in pdfium would: the process dies at once, no exception
            os.kill(os.getpid(), signal.SIGKILL)
        return compare(self, file)

    monkeypatch.setattr(LetterComparer, "compare", crash_on_fatal)  # forked workers inherit it
    files = [str(p) for p in paths]
    two = compare_files(files, DAY, jobs=2)
    monkeypatch.setattr(LetterComparer, "compare", compare)
    one = compare_files(files, DAY, jobs=1)
    assert [o.file for o in two] == files
    for a, b in zip(one, two):
        if a.file == fatal:
            assert b.error is not None and b.records == []
            assert b.error.startswith(f"{fatal}: not compared, the process comparing it failed")
            assert "\n" not in b.error
        else:
            assert b.error is None and b.records == a.records


def test_a_failing_fact_extractor_is_a_one_line_warning_and_the_letter_is_still_used(tmp_path, monkeypatch):
    import checker.letters.facts as facts_module

    paths = write_corpus(tmp_path / "letters")
    clean, _ = compare_json(tmp_path, "clean", *paths)
    assert all(r["fact_problems"] == [] for r in clean["items"])

    def broken(sents, out):
        raise RuntimeError("a surprise")

    monkeypatch.setattr(facts_module, "_work", broken)
    data, result = compare_json(tmp_path, "broken", *paths)
    assert result.exit_code == 0 and data["errors"] == []
    assert [r["item_no"] for r in data["items"]] == [r["item_no"] for r in clean["items"]]
    assert all(r["fact_problems"] == ["work: RuntimeError: a surprise"] for r in data["items"])
    warnings = result.stderr.splitlines()
    assert warnings == [f"warning: {p}: case facts incomplete, extractor work: RuntimeError: a surprise "
                        f"(please report this file)" for p in paths]

    shown = runner.invoke(app, ["letter", str(paths[0])])
    assert shown.exit_code == 0 and "Traceback" not in shown.stderr + shown.stdout
    assert shown.stderr.splitlines() == warnings[:1]
    assert "Not read (extractor failed, please report): work: RuntimeError: a surprise" in " ".join(shown.stdout.split())


CATEGORY_FAMILY = {"physical therapy": "physical_therapy", "chiropractic": "chiropractic",
                   "acupuncture": "acupuncture", "massage": "massage"}


def test_on_the_real_letters_every_labelled_item_is_compared_beside_its_labelled_decision(tmp_path, dev_dir, seeds_dir):
    data, result = compare_json(tmp_path, "real", dev_dir, seeds_dir)
    assert result.exit_code == 0 and data["errors"] == []
    got = {}
    for r in data["items"]:
        key = r["case_number"] if Path(r["file"]).parent == dev_dir else Path(r["file"]).name
        got[key, r["item_no"]] = r
    labels = {(row["case_number"], int(row["item_no"])): row for row in read_labels(dev_dir)}
    labels |= {(row["file"], int(row["item_no"])): row for row in read_labels(seeds_dir)}
    assert set(got) == set(labels)
    for key, row in labels.items():
        assert got[key]["actual"] == row["decision"], key
        if row["category"] in CATEGORY_FAMILY:  # physical-medicine items are scored in their family
            assert got[key]["family"] == CATEGORY_FAMILY[row["category"]], key


def test_a_bad_file_is_listed_in_errors_on_one_line_and_the_others_are_compared(tmp_path):
    paths = write_corpus(tmp_path / "letters")
    bad = write_bad_files(tmp_path / "letters" / "bad")
    data, result = compare_json(tmp_path, "run", tmp_path / "letters", tmp_path / "missing.txt")
    assert result.exit_code == 2
    assert sorted(e["file"] for e in data["errors"]) == sorted([str(p) for p in bad.values()] + [str(tmp_path / "missing.txt")])
    assert {r["file"] for r in data["items"]} == {str(p) for p in paths}
    assert data["summary"]["errors"] == 4 and data["summary"]["letters"] == len(paths)
    err_lines = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(err_lines) == 4
    for e in data["errors"]:
        assert "\n" not in e["error"] and e["file"] in e["error"]
        assert any(e["file"] in line for line in err_lines)


def test_exit_status_is_0_when_every_file_was_compared_and_2_when_none_was(tmp_path):
    write_corpus(tmp_path / "letters")
    assert run_cli(tmp_path / "letters").exit_code == 0
    bad = write_bad_files(tmp_path / "bad")
    result = run_cli(*bad.values())
    assert result.exit_code == 2


def test_json_to_stdout_is_pure_json_even_when_files_fail(tmp_path):
    write_corpus(tmp_path / "letters")
    write_bad_files(tmp_path / "letters" / "bad")
    result = run_cli(tmp_path / "letters", "--json", "-")
    data = json.loads(result.stdout)
    assert len(data["errors"]) == 3 and data["items"]
    assert "error:" in result.stderr


def _journal_lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_jsonl_holds_one_line_per_item_and_per_failed_file(tmp_path):
    write_corpus(tmp_path / "letters")
    bad = write_bad_files(tmp_path / "letters" / "bad")
    journal = tmp_path / "run.jsonl"
    data, _ = compare_json(tmp_path, "run", tmp_path / "letters", "--jsonl", journal, "--jobs", "2")
    lines = _journal_lines(journal)
    items = [line for line in lines if line["type"] == "item"]
    errors = [line for line in lines if line["type"] == "error"]
    # Completion order varies with --jobs; the content does not.
    assert sorted((r["file"], r["item_no"], r["predicted"]) for r in items) == \
        sorted((r["file"], r["item_no"], r["predicted"]) for r in data["items"])
    assert sorted(e["file"] for e in errors) == sorted(str(p) for p in bad.values())


def test_resume_from_a_partial_jsonl_gives_the_json_of_a_full_run_without_comparing_done_letters_again(tmp_path, monkeypatch):
    paths = write_corpus(tmp_path / "letters")
    write_bad_files(tmp_path / "letters" / "bad")
    journal = tmp_path / "run.jsonl"
    full, full_result = compare_json(tmp_path, "full", tmp_path / "letters", "--jsonl", journal)
    # A run killed after two letters, in the middle of writing the third.
    lines = journal.read_text(encoding="utf-8").splitlines(keepends=True)
    done = {str(paths[0]), str(paths[1])}
    assert json.loads(lines[0])["type"] == "run"
    kept = [lines[0]] + [line for line in lines[1:] if json.loads(line)["file"] in done]
    third = next(line for line in lines[1:] if json.loads(line)["file"] == str(paths[2]))
    journal.write_text("".join(kept) + third[: len(third) // 2], encoding="utf-8")
    # Letters read back from the journal are not compared again.
    compared = []
    original = LetterComparer.compare
    monkeypatch.setattr(LetterComparer, "compare", lambda self, f: compared.append(f) or original(self, f))
    resumed, result = compare_json(tmp_path, "resumed", tmp_path / "letters", "--jsonl", journal, "--resume")
    assert resumed == full
    assert result.exit_code == full_result.exit_code
    assert compared and not done & set(compared)
    # The journal now holds every letter; a second resume compares nothing and agrees again.
    assert set(read_journal(journal).letters) >= {str(Path(p).resolve()) for p in paths}
    again, _ = compare_json(tmp_path, "again", tmp_path / "letters", "--jsonl", journal, "--resume")
    assert again == full


def test_resume_reads_back_letters_also_with_another_family_filter(tmp_path):
    write_corpus(tmp_path / "letters")
    journal = tmp_path / "run.jsonl"
    compare_json(tmp_path, "full", tmp_path / "letters", "--jsonl", journal)
    fresh, _ = compare_json(tmp_path, "fresh", tmp_path / "letters", "--family", "acupuncture")
    resumed, _ = compare_json(tmp_path, "resumed", tmp_path / "letters", "--family", "acupuncture",
                              "--jsonl", journal, "--resume")
    assert resumed == fresh


def test_resume_refuses_a_journal_that_is_not_one(tmp_path):
    write_corpus(tmp_path / "letters")
    journal = tmp_path / "run.jsonl"
    journal.write_text('{"type": "item"}\n{"a": 1}\nnot json\n{"type": "error", "file": "x", "error": "y"}\n')
    result = run_cli(tmp_path / "letters", "--jsonl", journal, "--resume")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and str(journal) in result.stderr and "line 1" in result.stderr


def test_resume_needs_a_jsonl_file(tmp_path):
    write_corpus(tmp_path / "letters")
    result = run_cli(tmp_path / "letters", "--resume")
    assert result.exit_code == 2 and "--jsonl" in result.stderr and result.stderr.count("\n") == 1


def test_csv_holds_the_item_rows_of_the_json(tmp_path):
    write_corpus(tmp_path / "letters")
    out = tmp_path / "items.csv"
    data, _ = compare_json(tmp_path, "run", tmp_path / "letters", "--csv", out)
    with open(out, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [(r["file"], int(r["item_no"]), r["item"], r["family"], r["actual"], r["predicted"], r["rules"])
            for r in rows] == [(i["file"], i["item_no"], i["item"], i["family"], i["actual"], i["predicted"],
                                ";".join(i["rules"])) for i in data["items"]]


def test_html_page_holds_the_report(tmp_path):
    write_corpus(tmp_path / "letters")
    page = tmp_path / "report.html"
    data, result = compare_json(tmp_path, "run", tmp_path / "letters", "--html", page)
    html = page.read_text(encoding="utf-8")
    assert html.lstrip().lower().startswith("<!doctype html>")
    for r in data["items"]:
        assert r["case_number"] in html
    assert "Summary" in html and "Per family" in html
    assert "Summary" in result.stdout  # the terminal got the same report


def test_family_keeps_only_that_familys_items(tmp_path):
    write_corpus(tmp_path / "letters")
    every, _ = compare_json(tmp_path, "every", tmp_path / "letters")
    families = {r["family"] for r in every["items"]}
    assert len(families) > 2
    for family in families:
        data, result = compare_json(tmp_path, family, tmp_path / "letters", "--family", family)
        assert result.exit_code == 0
        assert data["items"] == [r for r in every["items"] if r["family"] == family]
        assert data["summary"]["family_filter"] == [family]
        assert data["summary"]["letters"] == every["summary"]["letters"]
    pm, _ = compare_json(tmp_path, "pm", tmp_path / "letters", "--family", "physical_medicine")
    assert pm["items"] == [r for r in every["items"] if Family(r["family"]) in PHYSICAL_MEDICINE]


def test_an_unknown_family_is_a_one_line_error_naming_the_choices(tmp_path):
    write_corpus(tmp_path / "letters")
    result = run_cli(tmp_path / "letters", "--family", "yoga")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert "--family" in result.stderr and "'yoga'" in result.stderr and "chiropractic" in result.stderr


def test_the_report_shows_each_disagreement_with_the_rules_findings_and_the_reviewers_citation(tmp_path):
    # Write the letter with the decision opposite to whatever the rules predict.
    heading = ITEMS[0]
    probe = parse_letter(letter_text("CM16-0000099", [(heading, "Upheld")]), "probe.txt", "txt")
    predicted = predict_items(Checker(), probe, DAY)[0]
    assert predicted["predicted"] != "Not covered", "the probe item must be one the rules decide"
    actual = "Upheld" if predicted["predicted"] == "Overturned" else "Overturned"
    (tmp_path / "letters").mkdir()
    (tmp_path / "letters" / "CM16-0000099.txt").write_text(letter_text("CM16-0000099", [(heading, actual)]))
    result = run_cli(tmp_path / "letters", "--undated", "2016-12-01")
    report = " ".join(re.sub("[│╭╮╰╯─]", " ", result.stdout).split())  # unwrapped, without the panel's border
    assert "Disagreements (1)" in report
    assert "What the rules found" in report and f"[{predicted['findings'][0]['rule']}]" in report
    assert "What the reviewer cited" in report
    assert "MTUS Chronic Pain Medical Treatment Guidelines 2016, Physical medicine treatment" in report
    assert "Reviewer rationale CM16-0000099-1" in report


# --- leakage: nothing of the reviewer's answer reaches a prediction --------------------

def _real_letters(dev_dir: Path, seeds_dir: Path) -> list[Path]:
    return sorted(dev_dir.glob("*.txt")) + sorted(dev_dir.glob("*.pdf")) + sorted(seeds_dir.glob("*.txt"))


FLIP = {"Upheld": "Overturned", "Overturned": "Upheld"}


def _blanked(letter):
    items = [i.model_copy(update={"rationale": "", "maximus_guideline": [], "claims_administrator_guideline": [],
                                  "decision": FLIP[i.decision]}) for i in letter.items]
    return letter.model_copy(update={"items": items})


def test_blanking_the_reviewers_rationale_citations_and_decisions_changes_no_prediction(dev_dir, seeds_dir):
    checker = Checker()
    letters = _real_letters(dev_dir, seeds_dir)
    assert letters
    for path in letters:
        letter = load_letter(path)
        assert predict_items(checker, _blanked(letter), DAY) == predict_items(checker, letter, DAY), path


_FIELDS = ("Claims Administrator guideline:", "MAXIMUS guideline:", "Decision rationale:")
_DECISION_END = re.compile(r":\s*(Upheld|Overturned)\.?\s*$", re.IGNORECASE)


def _squash(s: str) -> str:
    return re.sub(r"[\s\-]", "", s).lower()


def strip_reviewer(text: str, headings: list[str]) -> str:
    """The letter text with every guideline line and rationale removed and each decision
    flipped; ``headings`` (of the original letter) say where each kept heading starts."""
    lines = layout_lines(text)
    start = next(i for i, line in enumerate(lines) if " ".join(line.split()).upper() == ISSUES)
    keep = [True] * len(lines)
    dropping, n = False, 0
    for i in range(start + 1, len(lines)):
        line = lines[i]
        lone = line.strip().lower() in ("upheld", "overturned") and lines[i - 1].rstrip().endswith(":")
        if _DECISION_END.search(line) or lone:
            j = i  # walk back to the first line of this item's heading
            while j > start + 1 and not _squash(" ".join(lines[j:i + 1])).startswith(_squash(headings[n])):
                j -= 1
            for k in range(j, i + 1):
                keep[k] = True
            word = "Upheld" if "overturned" in line.lower() else "Overturned"
            lines[i] = _DECISION_END.sub(f": {word}", line) if not lone else word
            dropping, n = False, n + 1
            continue
        if line.strip().startswith(_FIELDS):
            dropping = True
        if dropping:
            keep[i] = False
    return "\n".join(line for line, k in zip(lines, keep) if k)


def test_letters_rewritten_without_rationale_or_guideline_lines_and_with_flipped_decisions_predict_the_same(
        dev_dir, seeds_dir):
    checker = Checker()
    for path in _real_letters(dev_dir, seeds_dir):
        text, fmt = read_letter_text(path)
        letter = parse_letter(text, str(path), fmt)
        stripped = parse_letter(strip_reviewer(text, [i.heading for i in letter.items]), str(path), fmt)
        # The rewrite did what it says: same items, nothing of the reviewer's left.
        assert [i.heading for i in stripped.items] == [i.heading for i in letter.items], path
        assert [i.decision for i in stripped.items] == [FLIP[i.decision] for i in letter.items], path
        assert all(i.rationale == "" and not i.maximus_guideline and not i.claims_administrator_guideline
                   for i in stripped.items), path
        assert stripped.summary == letter.summary, path
        assert predict_items(checker, stripped, DAY) == predict_items(checker, letter, DAY), path


def test_the_report_lists_overturned_items_no_rule_decides(tmp_path):
    (tmp_path / "letters").mkdir()
    text = letter_text("CM16-0000077", [(ITEMS[0], "Upheld"), ("PET scan of the lumbar spine", "Overturned")])
    (tmp_path / "letters" / "CM16-0000077.txt").write_text(text)
    data, result = compare_json(tmp_path, "run", tmp_path / "letters")
    mri = data["items"][1]
    assert (mri["family"], mri["predicted"]) == ("imaging", "Not covered")  # no rule for a PET scan
    report = " ".join(result.stdout.split())
    assert "Overturned by IMR but Not covered (1): CM16-0000077 item 2: PET scan of the lumbar spine" in report
