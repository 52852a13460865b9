"""Read-back of the clinical facts on the real letters: what the summary reader finds, for checking by eye.

    .venv/bin/python bench/clinical_facts_report.py [--all] [--sample N [--seed S]]

For every imaging, electrodiagnostic and injection item of the dev letters (../shared/letters,
or $IMR_SHARED_LETTERS; selected by the labels' category and by the item words), prints the
item and each clinical fact of its case summary with the sentence it was read from, so a
reader can judge each one. --all prints every letter; --sample N prints N facts drawn at
random (seed S, default 1) from those letters, numbered, for a precision count by reading.

Not a test: no answer is written down here. The letters are read where they lie.
"""
from __future__ import annotations

import argparse
import csv
import os
import random
import re
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from checker.letters.facts import extract_facts  # noqa: E402
from checker.letters.parse import load_letter  # noqa: E402

LETTERS = Path(os.environ.get("IMR_SHARED_LETTERS", ROOT.parent / "shared" / "letters"))
_KIND = re.compile(r"\b(?:MRI|magnetic|x-?rays?|radiograph|CT\b|bone\sscan|EMG|NCS|NCV|electrodiagnostic|nerve\sconduction"
                   r"|injection|epidural|ESI|block|PRP|platelet)", re.I)


def items() -> dict[Path, list[str]]:
    out: dict[Path, list[str]] = defaultdict(list)
    for labels in sorted(LETTERS.glob("dev/labels.csv")):
        with open(labels, newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                if row["category"] in ("imaging", "injection") or _KIND.search(row["item"]):
                    out[labels.parent / f"{row['case_number']}.txt"].append(f"{row['item']} [{row['category']}]")
    return out


def clinical_evidence(path: Path) -> list[tuple[str, str, str]]:
    facts = extract_facts(load_letter(path).summary)
    if facts.problems:
        print(f"  PROBLEMS: {facts.problems}")
    return [(e.fact, e.value, e.sentence) for e in facts.evidence if e.fact.startswith("clinical.")]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--all", action="store_true")
    parser.add_argument("--sample", type=int, default=0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if not LETTERS.is_dir():
        print(f"letters not found at {LETTERS}; set IMR_SHARED_LETTERS")
        return 0
    chosen = items()
    paths = sorted(LETTERS.glob("*/*.txt")) if args.all else sorted(chosen)
    pool = []
    for path in paths:
        evidence = clinical_evidence(path)
        if not args.sample:
            print(f"\n== {path.name}: {'; '.join(chosen.get(path, [])) or '(no imaging/EDS/injection item)'}")
            for fact, value, sentence in evidence:
                print(f"  {fact:42} {value:38} | {sentence[:160]}")
        pool += [(path.name, *e) for e in evidence if not e[0].endswith(("neuro_deficit", "radicular_symptoms"))]
    if args.sample:
        for i, (name, fact, value, sentence) in enumerate(random.Random(args.seed).sample(pool, min(args.sample, len(pool))), 1):
            print(f"{i:2}. {name} {fact} = {value}\n    | {sentence}")
    print(f"\n{len(paths)} letters, {len(pool)} clinical facts (derived per-region values not counted)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
