"""Benchmark of the text readers: item lines, case-summary facts, and hostile inputs.

    .venv/bin/python bench/bench_text.py            # or: make bench (runs every bench script)

* Item lines: parse_item on every item line of the sample requests and of the letters'
  labels.csv (../shared/letters, or $IMR_SHARED_LETTERS, when present), per line.
* Case summaries: extract_facts on the clinical case summary of every .txt letter there,
  per summary (the letters are not redistributed: without them this part is skipped).
* Hostile inputs: long, repetitive or pathological text for both readers, each timed at
  two sizes; the ratio of the times tells linear (about 2 for twice the text) from
  catastrophic backtracking (growing far faster).

Goals (speed goals live here only; the tests assert behaviour): item line p99 < 1 ms,
summary p50 < 25 ms, every hostile input < 0.5 s with a size ratio < 3.
"""
from __future__ import annotations

import csv
import gc
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from checker.normalize.item_text import parse_item as _cached_parse_item  # noqa: E402

# parse_item is memoized (a letter's item line is read by several steps): time the reading
# itself, or every round after the first would time a cache look-up.
parse_item = getattr(_cached_parse_item, "__wrapped__", _cached_parse_item)

LETTERS = Path(os.environ.get("IMR_SHARED_LETTERS", ROOT.parent / "shared" / "letters"))
ROUNDS = 20
GOAL_ITEM_P99_MS = 1.0
GOAL_SUMMARY_P50_MS = 25.0
GOAL_HOSTILE_S = 0.5
GOAL_RATIO = 3.0


def item_lines() -> list[str]:
    lines = []
    for path in sorted((ROOT / "samples" / "requests").glob("*.yaml")):
        for item in yaml.safe_load(path.read_text(encoding="utf-8"))["items"]:
            text = item if isinstance(item, str) else item.get("text")
            if text:
                lines.append(text)
    for labels in sorted(LETTERS.glob("*/labels.csv")):
        with open(labels, newline="", encoding="utf-8") as f:
            lines += [row["item"] for row in csv.DictReader(f) if row.get("item")]
    return lines


def summaries() -> list[str]:
    from checker.letters.parse import load_letter

    out = []
    for path in sorted(LETTERS.glob("*/*.txt")):
        try:
            out.append(load_letter(path).summary)
        except Exception:  # a file that is not a letter is not a benchmark input
            continue
    return [s for s in out if s]


def per_call(inputs: list[str], call, rounds: int) -> list[float]:
    """Per input, the median seconds of a call over `rounds` rounds (drops other processes' spikes)."""
    for text in inputs:
        call(text)
    samples: list[list[float]] = [[] for _ in inputs]
    gc.disable()
    try:
        for _ in range(rounds):
            for i, text in enumerate(inputs):
                t0 = time.perf_counter()
                call(text)
                samples[i].append(time.perf_counter() - t0)
    finally:
        gc.enable()
    return [statistics.median(s) for s in samples]


def once(call, text: str) -> float:
    best = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        call(text)
        best = min(best, time.perf_counter() - t0)
    return best


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def row(name: str, values: list[float]) -> str:
    ms = [1000 * statistics.median(values), 1000 * pct(values, 0.99), 1000 * max(values)]
    return f"  {name:<46} {len(values):>7} {ms[0]:>9.3f} ms {ms[1]:>9.3f} ms {ms[2]:>9.3f} ms"


HOSTILE_ITEMS = {  # name: text at size n (characters about proportional to n)
    "digits '1 ' * n": lambda n: "1 " * n,
    "ranges '1-' * n": lambda n: "1-" * n,
    "'2 x ' * n": lambda n: "2 x " * n,
    "one word 'x' * 4n": lambda n: "x" * (4 * n),
    "'back ' * n": lambda n: "back " * n,
    "partial-authorization heading * n/8": lambda n: "was the original request. " * (n // 8),
    "'1 to ' * n": lambda n: "1 to " * n,
    "'physical therapy 2 times a week for ' * n/8": lambda n: "physical therapy 2 times a week for " * (n // 8),
}
HOSTILE_SUMMARIES = {
    "no sentence end, 'the patient had ' * n": lambda n: "The patient had " * n,
    "'no ' * n": lambda n: "no " * n,
    "'physical therapy ' * n": lambda n: "physical therapy " * n,
    "digits and dates": lambda n: "12/01/2016 6 sessions 2x3 " * (n // 4),
    "one long word": lambda n: "a" * (8 * n),
    "'not without no ' * n": lambda n: "not without no improvement " * (n // 2),
    "many short sentences": lambda n: "PT helped. " * (n // 2),
}


def hostile(readers: dict[str, tuple], size: int) -> list[tuple[str, str, float, float]]:
    out = []
    for reader, (call, cases) in readers.items():
        for name, make in cases.items():
            small, large = once(call, make(size)), once(call, make(2 * size))
            out.append((reader, name, large, large / small if small > 0 else float("inf")))
    return out


def main() -> int:
    lines = item_lines()
    print(f"item lines: {len(lines)} ({'with' if LETTERS.is_dir() else 'without'} the letters' labels), {ROUNDS} rounds")
    print(f"  {'measure (median of the rounds, per input)':<46} {'inputs':>7} {'p50':>12} {'p99':>12} {'max':>12}")
    items = per_call(lines, parse_item, ROUNDS)
    print(row("parse_item, per item line", items))
    item_ok = 1000 * pct(items, 0.99) < GOAL_ITEM_P99_MS
    print(f"  item line p99 goal < {GOAL_ITEM_P99_MS:g} ms: {'meets' if item_ok else 'MISSES'}")

    readers = {"parse_item": (parse_item, HOSTILE_ITEMS)}
    summary_ok = True
    texts = summaries() if LETTERS.is_dir() else []
    if texts:
        from checker.letters.facts import extract_facts

        sizes = sorted(len(t) for t in texts)
        print(f"\ncase summaries: {len(texts)} letters ({sizes[0]}-{sizes[-1]} characters), {ROUNDS // 4} rounds")
        print(f"  {'measure (median of the rounds, per input)':<46} {'inputs':>7} {'p50':>12} {'p99':>12} {'max':>12}")
        facts = per_call(texts, extract_facts, ROUNDS // 4)
        print(row("extract_facts, per summary", facts))
        summary_ok = 1000 * statistics.median(facts) < GOAL_SUMMARY_P50_MS
        print(f"  summary p50 goal < {GOAL_SUMMARY_P50_MS:g} ms: {'meets' if summary_ok else 'MISSES'}")
        readers["extract_facts"] = (extract_facts, HOSTILE_SUMMARIES)
    else:
        print(f"\ncase summaries: skipped, no letters at {LETTERS} (set IMR_SHARED_LETTERS)")

    size = 8000
    print(f"\nhostile inputs: each at n = {size} and {2 * size} (about {2 * size}-{16 * size} characters)")
    print(f"  {'reader':<14} {'input':<46} {'time at 2n':>12} {'2n / n':>8}")
    hostile_ok = True
    for reader, name, seconds, ratio in hostile(readers, size):
        ok = seconds < GOAL_HOSTILE_S and ratio < GOAL_RATIO
        hostile_ok &= ok
        print(f"  {reader:<14} {name:<46} {seconds * 1000:>9.1f} ms {ratio:>8.2f}{'' if ok else '  MISSES'}")
    print(f"  hostile goal < {GOAL_HOSTILE_S:g} s and ratio < {GOAL_RATIO:g}: {'meets' if hostile_ok else 'MISSES'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
