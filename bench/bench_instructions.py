"""Instructions per letter of a first-pass compare, counted by valgrind's callgrind: a figure a
busy machine does not move, for judging a speed change when CPU time swings by 15% or more.

    .venv/bin/python bench/bench_instructions.py               # this tree
    .venv/bin/python bench/bench_instructions.py --rev 5b98a75  # and a git revision beside it

Each tree is measured as bench_compare.py measures a --jobs 1 run: a fresh process warmed up on
our own samples, then every real text letter compared once. The count is that run's minus the
same process's warm-up alone, divided by the letters. A revision is checked out into a temporary
git worktree (deleted afterwards) and imported from there with this tree's installed packages.
Needs valgrind (Debian: apt-get install valgrind); about 3 minutes per tree.

Instructions are not seconds: a regex or a C call costs more or less per instruction than the
interpreter's loop. Use the count to compare two trees; the goal's figure is bench_compare.py's.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LETTERS = Path(os.environ.get("IMR_SHARED_LETTERS", ROOT.parent / "shared" / "letters"))

# run inside callgrind: warm up, then (unless SKIP) compare every letter once
_RUN = """
import os, sys
sys.path.insert(0, sys.argv[1]); sys.path.insert(0, os.path.join(sys.argv[1], "bench")); files = sys.argv[2:]
sys.argv = sys.argv[:1]
import bench_compare
from checker.compare.run import _compare
comparer = bench_compare.warm_up()
if not os.environ.get("SKIP"):
    for f in files:
        _compare(comparer, f)
"""


def instructions(tree: Path, files: list[str], skip: bool) -> int:
    env = {**os.environ, "PYTHONHASHSEED": "0", **({"SKIP": "1"} if skip else {})}
    out = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable, "-c", _RUN,
                          str(tree), *files], env=env, capture_output=True, text=True, check=True).stderr
    m = re.search(r"Collected\s*:\s*(\d+)", out)
    if m is None:
        raise SystemExit(f"callgrind printed no instruction count for {tree}")
    return int(m[1])


def per_letter(tree: Path, files: list[str]) -> float:
    return (instructions(tree, files, skip=False) - instructions(tree, files, skip=True)) / len(files)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rev", help="a git revision measured beside this tree")
    args = ap.parse_args()
    if shutil.which("valgrind") is None:
        sys.exit("valgrind not found (Debian: apt-get install valgrind)")
    files = sorted(str(p) for d in ("dev", "seeds") for p in (LETTERS / d).glob("*.txt"))
    if not files:
        sys.exit(f"real IMR letters not found at {LETTERS} (set IMR_SHARED_LETTERS); they are not redistributed")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        if args.rev:
            other = Path(tmp) / "rev"
            subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "-q", "--detach", str(other), args.rev], check=True)
            try:
                rows.append((args.rev, per_letter(other, files)))
            finally:
                subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(other)], check=False)
        rows.append(("this tree", per_letter(ROOT, files)))
    print(f"compare, first pass over {len(files)} letters: instructions per letter (callgrind)")
    for name, n in rows:
        print(f"  {name:<20} {n / 1e6:8.2f} M")
    if len(rows) == 2:
        print(f"  this tree / {args.rev}: {rows[1][1] / rows[0][1]:.3f}")


if __name__ == "__main__":
    main()
