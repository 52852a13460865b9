"""A killed compare run, and a journal resumed under anything different (issue 12, items 6 and 7).

6. `kill -9` or SIGTERM of `compare --jobs 2` leaves no process of the run (workers, their
   PDF readers) within a second, nothing holds its output pipe, and `--resume` gives exactly
   a clean run's JSON.
7. The journal records what produced it: a resumed run under another --undated, rule base
   or imr-check version is refused with one line and exit 2; a letter edited since it was
   compared (same size, same time stamp) is compared again.
"""
from __future__ import annotations

import json
import os
import select
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

import checker
from checker.kb.load import rules_dir
from tests.hostile import ROOT, command, error_lines, run
from tests.test_compare import compare_json, run_cli, write_corpus

LINUX = pytest.mark.skipif(not os.path.isdir("/proc/self/task"), reason="lists a run's processes from /proc (Linux)")
SAMPLES = ROOT / "samples" / "letters"


# ------------------------------------------------------------------ 6: a killed run leaves nothing behind

def _live_descendants(pid: int) -> set[int]:
    """Processes below `pid` (children, grandchildren) that have not exited."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if fields[0] != "Z":
                parents[int(entry)] = int(fields[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {p for p, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def _alive(pids: set[int]) -> set[int]:
    alive = set()
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                if f.read().rsplit(")", 1)[1].split()[0] != "Z":
                    alive.add(pid)
        except OSError:
            pass
    return alive


def _end_of_pipe_within(fd: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        if select.select([fd], [], [], left)[0] and not os.read(fd, 1 << 16):
            return True
    return False


@pytest.fixture(scope="module")
def many_letters(tmp_path_factory) -> Path:
    """A few hundred letters (the samples, text and PDF, copied): a run of several seconds."""
    directory = tmp_path_factory.mktemp("many")
    samples = sorted(SAMPLES.glob("*.txt")) + sorted(SAMPLES.glob("*.pdf"))
    for k in range(150):
        for sample in samples:
            # a PDF is compared with --both-formats only when its .txt twin is there too: give each its own name
            shutil.copyfile(sample, directory / f"{k:03d}_{sample.stem}_{sample.suffix[1:]}{sample.suffix}")
    return directory


@pytest.fixture(scope="module")
def clean_run(many_letters, tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("clean") / "clean.json"
    done = run("compare", many_letters, "--jobs", "2", "--json", out, stdout=subprocess.DEVNULL, timeout=600)
    assert done.returncode == 0, done.stderr
    return json.loads(out.read_text(encoding="utf-8"))


@LINUX
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=["kill -9", "SIGTERM"])
def test_a_killed_run_leaves_no_process_and_resumes_to_the_clean_output(tmp_path, many_letters, clean_run, sig):
    journal = tmp_path / "run.jsonl"
    stderr_file = tmp_path / "stderr"
    with open(stderr_file, "wb") as stderr:
        process = subprocess.Popen([*command(), "compare", str(many_letters), "--jobs", "2", "--jsonl", str(journal)],
                                   cwd=ROOT, stdout=subprocess.PIPE, stderr=stderr)
    descendants: set[int] = set()
    try:
        deadline = time.monotonic() + 120
        while (not journal.exists() or journal.read_text(encoding="utf-8").count("\n") < 20) and time.monotonic() < deadline:
            assert process.poll() is None, stderr_file.read_text()
            time.sleep(0.02)
        descendants = _live_descendants(process.pid)
        assert len(descendants) >= 2  # the workers, and their PDF readers once they met a PDF
        process.send_signal(sig)
        killed = time.monotonic()
        process.wait(timeout=30)
        while _alive(descendants) and time.monotonic() - killed < 1.0:
            time.sleep(0.01)
        assert not _alive(descendants), f"still running 1 s after {sig.name}: {_alive(descendants)}"
        # nothing holds the output pipe any more: a reader (| tee log) sees its end
        assert _end_of_pipe_within(process.stdout.fileno(), seconds=1.0)
    finally:
        for pid in _alive(descendants | _live_descendants(process.pid) | {process.pid}):
            os.kill(pid, signal.SIGKILL)  # only on failure: leave no process of the test behind
        process.wait()
        process.stdout.close()
    stderr = stderr_file.read_text()
    if sig == signal.SIGTERM:
        assert process.returncode == 128 + signal.SIGTERM
        assert [line for line in stderr.splitlines() if line.startswith("error:")] == [
            f"error: compare stopped by SIGTERM; the letters done are in {journal}, and --resume goes on from there"]
    out = tmp_path / "resumed.json"
    done = run("compare", many_letters, "--jobs", "2", "--jsonl", journal, "--resume", "--json", out,
               stdout=subprocess.DEVNULL, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "resuming: " in done.stderr
    assert json.loads(out.read_text(encoding="utf-8")) == clean_run


# ------------------------------------------------------------------ 7: a journal remembers what made it

def _journal(tmp_path: Path, *options) -> Path:
    journal = tmp_path / "run.jsonl"
    compare_json(tmp_path, "first", tmp_path / "letters", "--jsonl", journal, *options)
    return journal


def _refused(result, journal: Path, says: str) -> None:
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {journal}: was written with another {says}"), lines


def test_resume_refuses_a_journal_written_with_another_undated_day(tmp_path):
    write_corpus(tmp_path / "letters")
    journal = _journal(tmp_path)  # compare_json passes --undated 2016-12-01
    result = run_cli(tmp_path / "letters", "--jsonl", journal, "--resume", "--undated", "2018-06-01")
    _refused(result, journal, "--undated (guideline date of undated letters) (2016-12-01; this run: 2018-06-01)")


def test_resume_refuses_a_journal_written_with_another_rule_base(tmp_path, monkeypatch):
    write_corpus(tmp_path / "letters")
    journal = _journal(tmp_path)
    rules = tmp_path / "rules"
    shutil.copytree(rules_dir(), rules)
    with open(rules / "_sources.yaml", "a", encoding="utf-8") as f:
        f.write("# one more comment: another file, another rule base\n")
    monkeypatch.setenv("IMR_RULES_DIR", str(rules))
    result = run_cli(tmp_path / "letters", "--jsonl", journal, "--resume", "--undated", "2016-12-01")
    _refused(result, journal, "rule base")


def test_resume_refuses_a_journal_written_by_another_version(tmp_path, monkeypatch):
    write_corpus(tmp_path / "letters")
    journal = _journal(tmp_path)
    monkeypatch.setattr(checker, "__version__", "99.0")
    result = run_cli(tmp_path / "letters", "--jsonl", journal, "--resume", "--undated", "2016-12-01")
    _refused(result, journal, "imr-check version")


def test_resume_refuses_a_journal_without_its_run_line(tmp_path):
    write_corpus(tmp_path / "letters")
    journal = _journal(tmp_path)
    lines = journal.read_text(encoding="utf-8").splitlines(keepends=True)
    journal.write_text("".join(lines[1:]), encoding="utf-8")  # as an older imr-check wrote it
    result = run_cli(tmp_path / "letters", "--jsonl", journal, "--resume", "--undated", "2016-12-01")
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert "has no run line" in result.stderr


def test_resume_compares_again_a_letter_edited_since_even_with_the_same_size_and_time(tmp_path):
    paths = write_corpus(tmp_path / "letters")
    journal = _journal(tmp_path)
    stale, _ = compare_json(tmp_path, "stale", tmp_path / "letters")
    acupuncture = next(p for p in paths if "Acupuncture 6 sessions" in p.read_text(encoding="utf-8"))
    before = acupuncture.stat()
    text = acupuncture.read_text(encoding="utf-8")
    acupuncture.write_text(text.replace("Acupuncture 6 sessions", "Acupuncture 9 sessions"), encoding="utf-8")
    os.utime(acupuncture, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert acupuncture.stat().st_size == before.st_size and acupuncture.stat().st_mtime_ns == before.st_mtime_ns
    fresh, _ = compare_json(tmp_path, "fresh", tmp_path / "letters")
    assert fresh != stale  # the edit changes the answer
    resumed, result = compare_json(tmp_path, "resumed", tmp_path / "letters", "--jsonl", journal, "--resume")
    assert resumed == fresh
    assert "resuming: 4 of 5 letters read back" in result.stderr and "(1 changed since, compared again)" in result.stderr


def test_a_journal_written_with_a_family_filter_holds_every_item(tmp_path):
    # --family filters the report, not the journal: resuming without it gives the full run
    write_corpus(tmp_path / "letters")
    journal = _journal(tmp_path, "--family", "acupuncture")
    fresh, _ = compare_json(tmp_path, "fresh", tmp_path / "letters")
    resumed, _ = compare_json(tmp_path, "resumed", tmp_path / "letters", "--jsonl", journal, "--resume")
    assert resumed == fresh


def test_resume_refuses_a_journal_that_is_a_pipe_without_waiting(tmp_path):
    write_corpus(tmp_path / "letters")
    fifo = tmp_path / "run.jsonl"
    os.mkfifo(fifo)
    done = run("compare", tmp_path / "letters", "--jsonl", fifo, "--resume", timeout=60)
    assert done.returncode == 2
    assert error_lines(done) == [f"error: {fifo}: is not a regular file; expected the JSONL journal of a run to resume"]


# ------------------------------------------------------------------ 11: nothing to compare

def test_compare_of_a_missing_directory_prints_the_error_and_no_summary(tmp_path):
    missing = tmp_path / "nosuchdir"
    done = run("compare", missing)
    assert done.returncode == 2 and done.stdout == ""
    assert error_lines(done) == [f"error: {missing}: no such file or directory; expected a letter (.txt, .pdf) "
                                 "or a directory of them"]
