"""Benchmark of the medication and urine drug test readers (checker/kinds/medications).

    .venv/bin/python bench/bench_medications.py      # or: make bench

* Generated lines: every name of every drug in rules/vocab/drug_classes.yaml (generic, alias,
  brand) and every product, written with a strength, a quantity, directions and a days' supply;
  the share read with the right ingredient, strength, quantity, doses a day and days' supply.
* Real letters (../shared/letters or $IMR_SHARED_LETTERS; skipped without them): the disputed
  items labelled medication, and how many get a drug, a class, a strength, a quantity; urine
  drug test lines; items of other kinds read as a medication (should be none).
* Time: the first call (loading both vocabularies), then per line for parse_medication,
  looks_like_medication and parse_urine_drug_test; hostile lines at two sizes (the ratio of the
  times tells linear, about 2, from catastrophic backtracking).

Goals (speed goals live here only): first call < 0.5 s; per line p99 < 1 ms; looks_like_medication
p99 < 0.1 ms; every hostile input < 0.5 s with a size ratio < 3.
"""
from __future__ import annotations

import csv
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LETTERS = Path(os.environ.get("IMR_SHARED_LETTERS", ROOT.parent / "shared" / "letters"))
GOAL_FIRST_S, GOAL_P99_MS, GOAL_LOOKS_P99_MS, GOAL_HOSTILE_S, GOAL_RATIO = 0.5, 1.0, 0.1, 0.5, 3.0

t0 = time.perf_counter()
from checker.kinds.medications import looks_like_medication, parse_medication, parse_urine_drug_test  # noqa: E402

parse_medication("Tramadol 50mg #60")
FIRST_CALL = time.perf_counter() - t0

from checker.kinds.medications.lexicon import lexicon  # noqa: E402

LX = lexicon()

PHRASINGS = [  # (template, strength value, quantity, doses a day, days' supply)
    ("{n} 50mg #60 1 tab PO BID", 50, 60, 2, 30),
    ("{n} 7.5 mg tablets, qty 90, take 1 tablet by mouth three times a day", 7.5, 90, 3, 30),
    ("{n} 10mg x 30 1-2 tabs q4-6h prn day supply: 5", 10, 30, 6, 5),
    ("Two refills of {n} 600 mg #120 30-day supply", 600, 120, None, 30),
]


def generated() -> list[tuple[str, str, bool]]:
    out = []
    for d in LX.classes.drugs:
        for n in [d.generic, *d.aliases, *d.brand_names()]:
            for template, value, qty, per_day, supply in PHRASINGS:
                line = template.format(n=n)
                it = parse_medication(line)
                ok = bool(it and d.generic in it.generics and it.quantity == qty and it.doses_per_day == per_day
                          and it.days_supply == supply
                          and next(i for i in it.ingredients if i.generic == d.generic).strength.value == value)
                out.append((line, "drug", ok))
    for p in LX.classes.products:
        line = f"{p.name} #30"
        it = parse_medication(line)
        out.append((line, "product", bool(it and it.product == p.name and it.quantity == 30)))
    return out


def letters():
    rows = []
    for sub in ("dev", "seeds"):
        path = LETTERS / sub / "labels.csv"
        if path.is_file():
            with open(path, newline="", encoding="utf-8") as f:
                rows += list(csv.DictReader(f))
    return rows


def timed(fn, lines, rounds=20):
    times = []
    for _ in range(rounds):
        for line in lines:
            t = time.perf_counter()
            fn(line)
            times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.99) - 1]


HOSTILE = {
    "digits and slashes": lambda k: "Tramadol " + "1/" * k + "mg",
    "numbers and spaces": lambda k: "1 " * k,
    "drug names": lambda k: "tramadol " * k,
    "percent compound": lambda k: ", ".join(["lidocaine 5%"] * k),
    "sig words": lambda k: "take 1 tab q4-6h prn " * k,
    "one long word": lambda k: "x" * (20 * k),
    "repeat x": lambda k: "x 1 " * k,
}


def main() -> int:
    ok_all = True
    print(f"first call (both vocabularies loaded): {FIRST_CALL:.3f} s (goal < {GOAL_FIRST_S} s)")
    ok_all &= FIRST_CALL < GOAL_FIRST_S
    gen = generated()
    for kind in ("drug", "product"):
        sub = [ok for _, k, ok in gen if k == kind]
        print(f"generated {kind} lines read right: {sum(sub)}/{len(sub)}")
    misses = [line for line, _, ok in gen if not ok]
    for line in misses[:10]:
        print(f"  misread: {line}")

    rows = letters()
    if rows:
        med = [r["item"] for r in rows if r["category"] == "medication"]
        items = [parse_medication(x) for x in med]
        n = len(med)
        print(f"\nreal letters: {n} medication item lines")
        print(f"  read as a medication       {sum(i is not None for i in items)}/{n}")
        print(f"  with a drug of the table   {sum(bool(i and i.generics) for i in items)}/{n}")
        print(f"  with a class               {sum(bool(i and i.classes) for i in items)}/{n}")
        print(f"  with a strength (or label) {sum(bool(i and 'strength' not in i.incomplete) for i in items)}/{n}")
        print(f"  with a quantity            {sum(bool(i and i.quantity is not None) for i in items)}/{n}")
        print(f"  said incomplete            {sum(bool(i and i.incomplete) for i in items)}/{n}")
        udt = [r["item"] for r in rows if parse_urine_drug_test(r["item"])]
        print(f"  urine drug test lines      {len(udt)}")
        others = [r["item"] for r in rows if r["category"] != "medication" and parse_medication(r["item"])]
        print(f"  other kinds read as medication: {len(others)} (should be 0)")
        ok_all &= not others
        sample = [r["item"] for r in rows]
    else:
        print(f"\nreal letters not found at {LETTERS}: skipped")
        sample = [line for line, _, _ in gen[:200]]
    lines = sample + [line for line, _, _ in gen[::10]]
    print(f"\nper line over {len(lines)} lines x 20 rounds (ms): p50 / p99")
    for name, fn, goal in (("parse_medication", parse_medication, GOAL_P99_MS),
                           ("looks_like_medication", looks_like_medication, GOAL_LOOKS_P99_MS),
                           ("parse_urine_drug_test", parse_urine_drug_test, GOAL_P99_MS)):
        p50, p99 = timed(fn, lines)
        print(f"  {name:<24} {p50:7.3f} / {p99:7.3f}   goal p99 < {goal}")
        ok_all &= p99 < goal
    print("\nhostile lines (s at k=2000 and k=4000, ratio)")
    for name, make in HOSTILE.items():
        def best(text):  # best of 3: the machine is shared
            runs = []
            for _ in range(3):
                t = time.perf_counter()
                parse_medication(text)
                parse_urine_drug_test(text)
                runs.append(time.perf_counter() - t)
            return min(runs)

        t_small, t_big = best(make(2000)), best(make(4000))
        ratio = t_big / t_small if t_small > 1e-4 else 1.0
        print(f"  {name:<20} {t_small:7.3f} {t_big:7.3f}  x{ratio:4.1f}")
        ok_all &= t_big < GOAL_HOSTILE_S and ratio < GOAL_RATIO
    print("\ngoals met" if ok_all else "\nGOALS NOT MET")
    return 0 if ok_all else 1


if __name__ == "__main__":
    sys.exit(main())
