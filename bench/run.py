"""Run every benchmark in bench/ (what `make bench` does), then a summary table.

    .venv/bin/python bench/run.py

Each bench_*.py script runs in a fresh process with this Python and prints its own table.
negation_compare.py is left out: it compares with medspacy and is run by hand in a venv of
its own (see its docstring).
"""
from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SKIP = {"run.py", "negation_compare.py"}


def scripts() -> list[Path]:
    return sorted(p for p in HERE.glob("*.py") if p.name not in SKIP and not p.name.startswith("_"))


def main() -> int:
    results = []
    for script in scripts():
        print(f"\n=== {script.name} " + "=" * max(0, 70 - len(script.name)), flush=True)
        t0 = time.perf_counter()
        done = subprocess.run([sys.executable, str(script)], cwd=HERE.parent)
        results.append((script.name, done.returncode, time.perf_counter() - t0))
    print("\n=== summary " + "=" * 62)
    print(f"  {'benchmark':<28} {'exit':>6} {'wall time':>12}")
    for name, code, seconds in results:
        print(f"  {name:<28} {code:>6} {seconds:>10.1f} s")
    return 1 if any(code for _, code, _ in results) else 0


if __name__ == "__main__":
    sys.exit(main())
