"""Benchmark of item-line reading: coverage of the generated lines, time per line, the letters' lines.

    .venv/bin/python bench/bench_item_reading.py        # or: make bench

* Reading coverage: the lines generated from the vocabularies (tests/itemgen.py: every term in
  three cases and every code, with quantity phrasings and body parts), per family: the share read
  exactly right (family, quantity, regions, attributes) and the share of the right family.
* Time per line: parse_item (not memoized) on the generated lines and on the letters' item lines.
* The real letters' item lines (labels.csv under ../shared/letters or $IMR_SHARED_LETTERS): the
  family read against the category the label gives, as a table (a measurement, not a test: the
  categories are coarser than the families, and no letter result is written into any test).

Goal: every generated line read right; parse_item p50 under 0.1 ms and p99 under 1 ms.
"""
from __future__ import annotations

import csv
import gc
import os
import statistics
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from checker.normalize.item_text import parse_item as _cached  # noqa: E402
from tests import itemgen  # noqa: E402

parse_item = getattr(_cached, "__wrapped__", _cached)  # time the reading, not the cache
LETTERS = Path(os.environ.get("IMR_SHARED_LETTERS", ROOT.parent / "shared" / "letters"))
GOAL_P50_MS, GOAL_P99_MS = 0.1, 1.0


def timings(texts: list[str], rounds: int = 3) -> list[float]:
    for t in texts:
        parse_item(t)
    per = [[] for _ in texts]
    gc.disable()
    try:
        for _ in range(rounds):
            for i, t in enumerate(texts):
                t0 = time.perf_counter()
                parse_item(t)
                per[i].append(time.perf_counter() - t0)
    finally:
        gc.enable()
    return [statistics.median(p) for p in per]


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def coverage(lines: list[itemgen.Line]) -> None:
    right, family_right, total = Counter(), Counter(), Counter()
    examples: dict[str, str] = {}
    for line in lines:
        bad = itemgen.misread(line)
        key = line.family.value
        total[key] += 1
        right[key] += not bad
        family_right[key] += not any(b.startswith("family") for b in bad)
        if bad and key not in examples:
            examples[key] = f"{line.text!r}: {', '.join(bad)}"
    print(f"  {'family':<20} {'lines':>7} {'read right':>11} {'family right':>13}")
    for key in sorted(total, key=lambda k: -total[k]):
        print(f"  {key:<20} {total[key]:>7} {right[key] / total[key]:>10.1%} {family_right[key] / total[key]:>12.1%}")
    n = sum(total.values())
    print(f"  {'all':<20} {n:>7} {sum(right.values()) / n:>10.1%} {sum(family_right.values()) / n:>12.1%}")
    for key, text in examples.items():
        print(f"    e.g. {key}: {text}")


def letters_table() -> None:
    rows = []
    for labels in sorted(LETTERS.glob("*/labels.csv")):
        with open(labels, newline="", encoding="utf-8") as f:
            rows += [r for r in csv.DictReader(f) if r.get("item")]
    if not rows:
        print(f"\nletters' item lines: skipped, no labels.csv under {LETTERS} (set IMR_SHARED_LETTERS)")
        return
    table: dict[str, Counter] = defaultdict(Counter)
    unread = 0
    for r in rows:
        p = parse_item(r["item"])
        table[r["category"]][p.family.value] += 1
        unread += p.unread is not None
    print(f"\nletters' item lines: {len(rows)} (labels.csv), the family read (columns) by the label's category (rows)")
    for category in sorted(table, key=lambda c: -sum(table[c].values())):
        cells = ", ".join(f"{fam} {n}" for fam, n in table[category].most_common())
        print(f"  {category:<18} {sum(table[category].values()):>4}: {cells}")
    print(f"  'could not read ...': {unread} of {len(rows)} lines")
    ms = [1000 * t for t in timings([r["item"] for r in rows], rounds=10)]
    print(f"  parse_item per letter line: p50 {statistics.median(ms):.3f} ms, p99 {pct(ms, 0.99):.3f} ms")


def main() -> int:
    t0 = time.perf_counter()
    lines = itemgen.service_lines() + itemgen.code_lines()
    print(f"generated lines: {len(lines)} ({time.perf_counter() - t0:.1f} s to generate)")
    coverage(lines)
    ms = [1000 * t for t in timings([line.text for line in lines])]
    p50, p99 = statistics.median(ms), pct(ms, 0.99)
    meets = p50 < GOAL_P50_MS and p99 < GOAL_P99_MS
    print(f"  parse_item per generated line: p50 {p50:.3f} ms, p99 {p99:.3f} ms, max {max(ms):.3f} ms "
          f"(goal p50 < {GOAL_P50_MS} ms, p99 < {GOAL_P99_MS} ms: {'meets' if meets else 'MISSES'})")
    letters_table()
    return 0


if __name__ == "__main__":
    sys.exit(main())
