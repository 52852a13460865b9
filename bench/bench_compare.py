"""Benchmark of `imr-check compare`: letters per second on text and on PDF letters.

    .venv/bin/python bench/bench_compare.py                     # letters from ../shared/letters
    IMR_SHARED_LETTERS=/path/to/letters .venv/bin/python bench/bench_compare.py
    .venv/bin/python bench/bench_compare.py --profile           # also cProfile the text run

Letters: the dev and seed .txt letters, and the dev .pdf letters (public records, read
where they lie; the CLI runs copy them into a temporary directory, deleted afterwards,
never into the project).

* In-process: every letter compared once, in a fresh process per run (best of a few), after
  a warm-up on our own samples (letters and requests) that does what a long run does once:
  imports, rule base, every family's rulesets compiled, vocabularies and their patterns.
  The real letters are new to the process, as unseen letters are: the checker memoizes
  what it read of a phrase, so the same letters again would be cheaper than new ones, and
  no run repeats a letter. --jobs 1 is the steady rate of a long run (the goal's figure);
  --jobs 2 runs compare_files, its Checker build and worker start-up inside the time.
  Beside it, where the time of one letter goes (read, parse, case facts, item requests,
  check), from a --jobs 1 first pass likewise.
* CLI: `imr-check compare DIR --json FILE` in a fresh process on a directory holding only
  the text (or only the PDF) letters, once and four times over, --jobs 1 and 2: what a
  user waits for, interpreter start, imports and the printed report included. The four
  copies repeat each letter, so memoized phrases make those rows optimistic for text.
* pdftotext: `pdftotext -layout` on the same PDFs, one process per PDF as a shell loop
  would run it, one at a time and two at a time. (Debian: apt-get install poppler-utils.)

Every rate is given per wall-clock second and per CPU-second (user + system time of the
process and its children): on a shared machine other work slows the wall clock, not the
CPU figure, which is what "per core" means.

Goals: PDF throughput >= 80% of the bare pdftotext rate (at the same parallelism); text
>= 300 letters/s per core (the in-process --jobs 1 rate).

Speed goals live here only; the test suite asserts behaviour, never timing.
"""
from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import gc
import os
import pstats
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from checker.check import Checker  # noqa: E402
from checker.cli import GC_THRESHOLD  # noqa: E402
from checker.compare.predict import LetterComparer  # noqa: E402
from checker.compare.run import _compare, _long_lived, compare_files  # noqa: E402
from checker.errors import InputError  # noqa: E402
from checker.letters.facts import extract_facts  # noqa: E402
from checker.letters.parse import parse_letter  # noqa: E402
from checker.letters.read import read_letter_text  # noqa: E402
from checker.letters.to_request import item_request  # noqa: E402
from checker.request.load import load_request  # noqa: E402

LETTERS = Path(os.environ.get("IMR_SHARED_LETTERS", ROOT.parent / "shared" / "letters"))
DAY = dt.date(2016, 12, 1)
RUNS = 3
CLI_RUNS = 3
CLI_COPIES = 4  # a larger run, where the start-up (imports, rule base, report) weighs less
GOAL_TEXT_PER_CORE = 300.0
GOAL_PDF_RATIO = 0.8


def letters() -> tuple[list[str], list[str]]:
    if not LETTERS.is_dir():
        sys.exit(f"real IMR letters not found at {LETTERS} (set IMR_SHARED_LETTERS); they are not redistributed")
    texts = sorted(str(p) for d in ("dev", "seeds") for p in (LETTERS / d).glob("*.txt"))
    pdfs = sorted(str(p) for p in (LETTERS / "dev").glob("*.pdf"))
    return texts, pdfs


def _children_cpu() -> float:
    u = resource.getrusage(resource.RUSAGE_CHILDREN)
    return u.ru_utime + u.ru_stime


def best_rate(files: list[str], jobs: int) -> tuple[float, float, int]:
    """(letters per wall second, letters per CPU second, letters), best of RUNS fresh processes,
    each warmed up on the sample letters and then comparing every letter once.
    CPU time is the process's and its (worker) children's: contention-proof."""
    wall = cpu = float("inf")
    for _ in range(RUNS):
        out = subprocess.run([sys.executable, __file__, "--one-run", str(jobs), *files], check=True,
                             capture_output=True, text=True).stdout.split()
        wall, cpu = min(wall, float(out[0])), min(cpu, float(out[1]))
    return len(files) / wall, len(files) / cpu, len(files)


def warm_up() -> LetterComparer:
    """A comparer that has done the work a long run does once: imports, rule base, every
    family's durable-rules rulesets, vocabularies and their patterns, on inputs of our own
    (samples/letters and samples/requests, which cover every kind), never the real letters.
    The garbage collector runs at the threshold `imr-check` sets (checker.cli.GC_THRESHOLD)."""
    gc.set_threshold(GC_THRESHOLD, *gc.get_threshold()[1:])
    comparer = _long_lived(LetterComparer(DAY))  # what a compare run does before its first letter
    comparer.checker.engine.compile_all()
    samples = sorted(str(p) for p in (ROOT / "samples" / "letters").glob("*.txt"))
    assert samples and not any(comparer.compare(f).error for f in samples)
    for path in sorted((ROOT / "samples" / "requests").glob("*.yaml")):
        try:
            comparer.checker.check(load_request(str(path)), today=DAY)
        except InputError:  # the bad-input samples
            pass
    return comparer


def one_run(jobs: int, files: list[str]) -> None:
    """In this (fresh) process: warm up, then compare every file once (--jobs 1: with the warm
    comparer, as a long run does; --jobs 2: compare_files, worker start-up included); print
    wall and CPU seconds."""
    comparer = warm_up()
    t, c, cc = time.perf_counter(), time.process_time(), _children_cpu()
    if jobs == 1:
        outcomes = [_compare(comparer, f) for f in files]
    else:
        outcomes = compare_files(files, DAY, jobs=jobs)
    wall, cpu = time.perf_counter() - t, time.process_time() - c + _children_cpu() - cc
    assert len(outcomes) == len(files) and not any(o.error for o in outcomes)
    print(wall, cpu)


def stages(files: list[str]) -> dict[str, float]:
    """CPU milliseconds per letter in each stage of the pipeline, a first pass in a fresh process."""
    out = subprocess.run([sys.executable, __file__, "--stages", *files], check=True, capture_output=True,
                         text=True).stdout.split()
    return dict(zip(out[::2], map(float, out[1::2])))


def stages_here(files: list[str]) -> None:
    checker = warm_up().checker
    totals = dict.fromkeys(("read", "parse", "facts", "item_request", "check"), 0.0)
    for f in files:
        t0 = time.process_time()
        text, fmt = read_letter_text(f)
        t1 = time.process_time()
        letter = parse_letter(text, f, fmt)
        t2 = time.process_time()
        facts = extract_facts(letter.summary)
        t3 = time.process_time()
        requests = [item_request(letter, item, facts) for item in letter.items]
        t4 = time.process_time()
        for r in requests:
            checker.check(r, today=DAY)
        t5 = time.process_time()
        for key, a, b in (("read", t0, t1), ("parse", t1, t2), ("facts", t2, t3), ("item_request", t3, t4),
                          ("check", t4, t5)):
            totals[key] += b - a
    print(" ".join(f"{k} {1000 * v / len(files)}" for k, v in totals.items()))


def cli_rate(files: list[str], jobs: int, copies: int = 1) -> tuple[float, float, int]:
    """(letters per wall second, per CPU second, letters) of a fresh `imr-check compare`
    process on a temporary directory of ``files``, each copied ``copies`` times (copies,
    not links: compare reads a file once however it is named). Deleted afterwards."""
    exe = shutil.which("imr-check", path=str(Path(sys.executable).parent)) or "imr-check"
    with tempfile.TemporaryDirectory() as tmp:
        letters_dir = os.path.join(tmp, "letters")
        os.mkdir(letters_dir)
        n = 0
        for k in range(copies):
            for f in files:
                shutil.copyfile(f, os.path.join(letters_dir, f"{k}_{Path(f).parent.name}_{Path(f).name}"))
                n += 1
        wall = cpu = float("inf")
        for _ in range(CLI_RUNS):
            t, cc = time.perf_counter(), _children_cpu()
            subprocess.run([exe, "compare", letters_dir, "--jobs", str(jobs), "--undated", DAY.isoformat(),
                            "--json", os.path.join(tmp, "out.json")], check=True, stdout=subprocess.DEVNULL)
            wall = min(wall, time.perf_counter() - t)
            cpu = min(cpu, _children_cpu() - cc)
    return n / wall, n / cpu, n


def pdftotext_rate(pdfs: list[str], parallel: int) -> tuple[float, float] | None:
    """(PDFs per wall second, per CPU second) of `pdftotext -layout`, one process per PDF."""
    exe = shutil.which("pdftotext")
    if exe is None:
        return None

    def one(pdf: str) -> None:
        subprocess.run([exe, "-layout", pdf, "-"], check=True, stdout=subprocess.DEVNULL)

    wall = cpu = float("inf")
    for _ in range(RUNS):
        t, cc = time.perf_counter(), _children_cpu()
        with ThreadPoolExecutor(parallel) as pool:
            list(pool.map(one, pdfs))
        wall = min(wall, time.perf_counter() - t)
        cpu = min(cpu, _children_cpu() - cc)
    return len(pdfs) / wall, len(pdfs) / cpu


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--profile", action="store_true", help="cProfile a --jobs 1 run on the text letters")
    ap.add_argument("--one-run", type=int, metavar="JOBS", help=argparse.SUPPRESS)  # a timed run (best_rate)
    ap.add_argument("--stages", action="store_true", help=argparse.SUPPRESS)  # a stage breakdown (stages)
    ap.add_argument("files", nargs="*", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one_run:
        return one_run(args.one_run, args.files)
    if args.stages:
        return stages_here(args.files)
    texts, pdfs = letters()
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"{len(texts)} text letters, {len(pdfs)} PDF letters from {LETTERS}; {cpus} CPUs; Python {sys.version.split()[0]}; "
          f"load average {os.getloadavg()[0]:.2f} (other work on the machine slows the wall-clock figures)")

    t = time.perf_counter()
    Checker()
    print(f"Checker build (rule base + durable-rules compile): {1000 * (time.perf_counter() - t):.0f} ms\n")

    print("where a letter's time goes, CPU ms per letter (one process, first pass):")
    for name, files in (("text", texts), ("PDF", pdfs)):
        s = stages(files)
        print(f"  {name:4}  " + "  ".join(f"{k} {v:.2f}" for k, v in s.items()) + f"  = {sum(s.values()):.2f}")
    print()

    rates: dict[tuple[str, str, int], tuple[float, float]] = {}
    row = "  {:44}{:>9}{:>9}   {}"
    print(row.format("", "wall/s", "CPU/s", ""))
    for name, files in (("text", texts), ("PDF", pdfs)):
        for jobs in (1, 2):
            wall, cpu, n = best_rate(files, jobs)
            rates["in", name, jobs] = wall, cpu
            print(row.format(f"in-process {name} --jobs {jobs}", f"{wall:.1f}", f"{cpu:.1f}",
                             f"{n} letters once, best of {RUNS} fresh processes"))
    for name, files in (("text", texts), ("PDF", pdfs)):
        for jobs in (1, 2):
            for copies in (1, CLI_COPIES):
                wall, cpu, n = cli_rate(files, jobs, copies)
                rates[f"cli{copies}", name, jobs] = wall, cpu
                print(row.format(f"CLI {name} --jobs {jobs}, {n} letters", f"{wall:.1f}", f"{cpu:.1f}",
                                 f"fresh process, best of {CLI_RUNS}"))
    bare: dict[int, tuple[float, float]] = {}
    for parallel in (1, 2):
        r = pdftotext_rate(pdfs, parallel)
        if r is None:
            print("  pdftotext -layout: not installed (Debian: apt-get install poppler-utils)")
            break
        bare[parallel] = r
        print(row.format(f"pdftotext -layout, {parallel} at a time", f"{r[0]:.1f}", f"{r[1]:.1f}",
                         f"one process per PDF, best of {RUNS}"))

    print("\ngoals (CPU/s: letters per CPU-second, which other load on the machine does not skew):")
    wall, cpu = rates["in", "text", 1]
    print(f"  text per core >= {GOAL_TEXT_PER_CORE:.0f}/s: in-process --jobs 1 {cpu:.0f}/CPU-s ({wall:.0f}/s wall) "
          f"-> {'met' if cpu >= GOAL_TEXT_PER_CORE else 'NOT met'}")
    for where, label in (("in", "in-process"), ("cli1", f"CLI, {len(pdfs)} PDFs"),
                         (f"cli{CLI_COPIES}", f"CLI, {CLI_COPIES * len(pdfs)} PDFs")):
        for jobs in (1, 2):
            if jobs not in bare:
                continue
            ratio_wall = rates[where, "PDF", jobs][0] / bare[jobs][0]
            ratio_cpu = rates[where, "PDF", jobs][1] / bare[jobs][1]
            print(f"  PDF {label} --jobs {jobs} vs pdftotext {jobs} at a time: {100 * ratio_cpu:.0f}% per CPU-s, "
                  f"{100 * ratio_wall:.0f}% wall -> {'met' if ratio_cpu >= GOAL_PDF_RATIO else 'NOT met'} "
                  f"(goal {100 * GOAL_PDF_RATIO:.0f}%)")

    if args.profile:
        print("\ncProfile, --jobs 1 on the text letters, first pass (top 25 by cumulative time):")
        comparer = warm_up()
        prof = cProfile.Profile()
        prof.enable()
        for f in texts:
            _compare(comparer, f)
        prof.disable()
        pstats.Stats(prof).sort_stats("cumulative").print_stats(25)


if __name__ == "__main__":
    main()
