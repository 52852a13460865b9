"""Terminal tables fold by meaning: rule ids, case numbers and dates never split across lines.

`imr-check rules` and compare's report at 80 columns (the width whenever output is piped),
120 and 200; text columns wrap between words; a panel title keeps the file name and the
item number however long the path.
"""
from __future__ import annotations

import datetime as dt
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from rich.cells import cell_len
from rich.console import Console

from checker.check import Checker
from checker.compare.report import disagreement_panel, report
from checker.compare.run import compare_files
from checker.compare.score import summarize
from checker.kb.load import default_kb
from checker.report.check_report import item_panel
from checker.report.rules_table import rules_table
from checker.report.titles import fit_path
from checker.request.load import load_request
from tests.conftest import SHARED_LETTERS
from tests.test_compare import write_corpus

ROOT = Path(__file__).resolve().parent.parent
KB = default_kb()
RULE_IDS = {r.id for r in KB.rules}
WIDTHS = (80, 120, 200)
TOKEN = re.compile(r"[\w.\-]+")  # ids, dates and case numbers are runs of these; "–" and spaces end them
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
DAY = dt.date(2016, 12, 1)


def tokens(text: str) -> list[str]:
    return [t.rstrip(".") for line in text.splitlines() for t in TOKEN.findall(line)]


def render(renderable, width: int) -> str:
    console = Console(width=width, file=io.StringIO(), color_system=None, highlight=False, soft_wrap=False)
    for part in renderable if isinstance(renderable, list) else [renderable]:
        console.print(part)
    return console.file.getvalue()


def fragments(found: list[str]) -> list[str]:
    """Tokens that are pieces of a rule id: not an id, but the start or the end of one, with a dot."""
    return [t for t in found if t not in RULE_IDS and "." in t and len(t) >= 3
            and any(i.startswith(t) or i.endswith(t) for i in RULE_IDS)]


def imr_check(*args, columns: int) -> subprocess.CompletedProcess:
    script = Path(sys.executable).with_name("imr-check")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "checker"]
    env = {k: v for k, v in os.environ.items() if k != "IMR_RULES_DIR"}
    env["COLUMNS"] = str(columns)
    return subprocess.run([*command, *map(str, args)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


# --- imr-check rules ------------------------------------------------------------------

@pytest.mark.parametrize("width", WIDTHS)
def test_rules_shows_every_id_and_date_whole_at(width):
    done = imr_check("rules", columns=width)
    assert done.returncode == 0, done.stderr
    found = tokens(done.stdout)
    assert sorted(t for t in found if t in RULE_IDS) == sorted(RULE_IDS)  # each id once, on one line
    assert fragments(found) == []
    dates = [d.isoformat() for r in KB.rules for d in (r.effective.start, r.effective.end) if d]
    assert sorted(t for t in found if DATE.fullmatch(t)) == sorted(dates)
    assert not [t for t in found if re.fullmatch(r"(19|20)\d\d-[\d-]*", t) and not DATE.fullmatch(t)]
    assert max(cell_len(line) for line in done.stdout.splitlines()) <= width


def test_rules_is_a_table_when_wide_and_one_block_per_rule_when_narrow():
    table = rules_table(KB)
    wide, narrow = render(table, 200), render(table, 80)
    assert "in force" in wide.splitlines()[1]  # the header row of the table
    first = KB.rules[0]
    lines = narrow.splitlines()
    head = next(i for i, line in enumerate(lines) if line.split() and line.split()[0] == first.id)
    assert lines[head + 1].startswith(f"  in force {first.effective.start.isoformat()}–")


def test_rules_text_columns_wrap_between_words():
    for width in WIDTHS:
        text = render(rules_table(KB), width)
        words = set(tokens(text))
        for r in KB.rules:
            for word in tokens(KB.sources[r.source].title):
                assert word in words, (width, word)


# --- compare's report -------------------------------------------------------------------

def _view_parts(directory: Path):
    from checker.compare.collect import collect_letters

    files, _ = collect_letters([directory])
    outcomes = compare_files(files, DAY)
    records = [r for o in outcomes for r in o.records]
    summary = summarize(records, letters=len(outcomes), errors=0)
    return records, report(records, summary, [])


@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory):
    return _view_parts(write_corpus(tmp_path_factory.mktemp("letters") / "letters")[0].parent)


@pytest.fixture(scope="module")
def dev_corpus():
    if not (SHARED_LETTERS / "dev").is_dir():
        pytest.skip(f"real IMR letters not found at {SHARED_LETTERS} (set IMR_SHARED_LETTERS); they are not "
                    "redistributed")
    return _view_parts(SHARED_LETTERS / "dev")


def _check_compare_output(records, parts, width):
    text = render(parts, width)
    found = tokens(text)
    shown = {rule for r in records for rule in r["rules"]}
    shown |= {f["rule"] for r in records if r["agree"] is False for f in r["findings"]}
    assert shown and shown <= set(found), sorted(shown - set(found))
    assert fragments(found) == []
    for r in records:
        assert r["case_number"] in found
    assert max(cell_len(line) for line in text.splitlines()) <= width
    return text


@pytest.mark.parametrize("width", WIDTHS)
def test_compare_report_keeps_rule_ids_and_case_numbers_whole_at(small_corpus, width):
    records, parts = small_corpus
    text = _check_compare_output(records, parts, width)
    # A table when the item column has room for the longest id, else two lines per item.
    assert ("item, deciding rule" in text) == (width >= 120)


@pytest.mark.parametrize("width", WIDTHS)
def test_compare_report_on_real_letters_keeps_rule_ids_whole_at(dev_corpus, width):
    records, parts = dev_corpus
    _check_compare_output(records, parts, width)


def test_piped_compare_output_keeps_rule_ids_whole(tmp_path):
    letters = write_corpus(tmp_path / "letters")[0].parent
    done = imr_check("compare", letters, "--undated", DAY.isoformat(), columns=80)
    assert done.returncode == 0, done.stderr
    found = tokens(done.stdout)
    assert "mtus.manipulation.low_back.trial" in found
    assert fragments(found) == []


# --- panel titles ----------------------------------------------------------------------

LONG_DIR = "/tmp/" + "/".join(f"a-long-directory-name-{i}" for i in range(8))


def test_fit_path_keeps_the_file_name_and_cuts_directories_from_the_start():
    path = f"{LONG_DIR}/pt_continuation_and_cap.yaml"
    for room in (30, 45, 60, 100):
        fitted = fit_path(path, room)
        assert cell_len(fitted) <= room
        assert fitted.endswith("/pt_continuation_and_cap.yaml") and fitted.startswith("…/")
        assert path.endswith(fitted[1:])
    assert fit_path("samples/x.yaml", 40) == "samples/x.yaml"
    assert fit_path(path, 20) == "…" + "pt_continuation_and_cap.yaml"[-19:]  # only the name's end fits


@pytest.mark.parametrize("width", (60, 80, 120))
def test_check_panel_title_keeps_the_file_name_and_item_number(width):
    sample = ROOT / "samples" / "requests" / "pt_continuation_and_cap.yaml"
    results = Checker().check(load_request(sample))
    path = f"{LONG_DIR}/{sample.name}"
    first = render(item_panel(path, 2, results[1]), width).splitlines()[0]
    assert f"{sample.name} · item 2" in first, first
    assert cell_len(first) == width


@pytest.mark.parametrize("width", (80, 120))
def test_compare_disagreement_title_keeps_case_item_and_file_name(small_corpus, width):
    records, _ = small_corpus
    wrong = next(r for r in records if r["agree"] is False)
    name = Path(wrong["file"]).name
    first = render(disagreement_panel({**wrong, "file": f"{LONG_DIR}/{name}"}), width).splitlines()[0]
    assert f"{wrong['case_number']} · item {wrong['item_no']} · …/" in first and f"/{name} " in first, first
