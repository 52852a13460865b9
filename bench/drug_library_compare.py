"""The drug-named-entity-recognition library (PyPI) beside our drug table, as a name resolver.

    .venv/bin/python bench/drug_library_compare.py

The library is a test extra (pyproject [test]): the brand table is cross-checked against its
dictionary in tests/test_medication_vocab.py. This script measures why it is not the run-time
resolver: import time and memory (in a child process, with sockets blocked to show it works
offline), per-line time, and what it finds on the real letters' item lines and case summaries
(../shared/letters or $IMR_SHARED_LETTERS) and on the names of our table, beside
checker/kinds/medications. Names found by only one side are printed as names, not as text.
Without the library it says so and exits 0.
"""
from __future__ import annotations

import collections
import csv
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
LETTERS = Path(os.environ.get("IMR_SHARED_LETTERS", ROOT.parent / "shared" / "letters"))
TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9\-]*")

CHILD = r"""
import resource, socket, sys, time
def refuse(*a, **k):
    raise OSError("network blocked by drug_library_compare")
socket.socket.connect = refuse
socket.create_connection = refuse
t = time.perf_counter()
from drug_named_entity_recognition import find_drugs
imported = time.perf_counter() - t
hits = find_drugs("Tramadol 50mg #60 and Prilosec 20mg".split())
print(f"{imported:.2f} {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} {len(hits)}")
"""


def library_facts() -> dict:
    from importlib import metadata

    dist = metadata.distribution("drug-named-entity-recognition")
    size = sum(f.stat().st_size for f in Path(dist.locate_file("drug_named_entity_recognition")).rglob("*") if f.is_file())
    lic = (dist.metadata.get("License") or "").splitlines()[0] if dist.metadata.get("License") else "?"
    out = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True, timeout=300)
    if out.returncode != 0:
        return {"version": dist.version, "licence": lic, "size_mb": size / 1e6, "offline": f"failed: {out.stderr[-200:]}"}
    imported, rss, hits = out.stdout.split()
    return {"version": dist.version, "licence": lic, "size_mb": size / 1e6, "import_s": float(imported),
            "rss_mb": float(rss), "offline": f"works with sockets blocked ({hits} drugs found in a test line)"}


def ours(text: str) -> set[str]:
    from checker.kinds.medications.lexicon import fold, lexicon, name_key

    lx = lexicon()
    found = set()
    for m in lx.name_re.finditer(fold(text)):
        e = lx.names.get(name_key(m.group(0)))
        if e is None:
            continue
        if e.product is not None:
            found.update(i.generic for i in e.product.ingredients)
        else:
            found.add(e.generic)
    return found


def theirs(find_drugs, text: str) -> set[str]:
    return {(h[0].get("name") or "").lower() for h in find_drugs(TOKEN.findall(text))}


def _words(names: set[str]) -> set[str]:
    return {w for n in names for w in re.split(r"[/,\s]+", n) if w}


def main() -> int:
    try:
        facts = library_facts()
    except Exception as e:  # not installed
        print(f"drug-named-entity-recognition not available ({e}); install the test extra")
        return 0
    print(f"drug-named-entity-recognition {facts['version']}, licence {facts['licence']}, "
          f"{facts['size_mb']:.1f} MB installed")
    print(f"  offline: {facts['offline']}")
    if "import_s" in facts:
        print(f"  import (loads and indexes its dictionary): {facts['import_s']:.1f} s, peak RSS {facts['rss_mb']:.0f} MB")
    t = time.perf_counter()
    from checker.kinds.medications.lexicon import lexicon

    lexicon()
    print(f"  ours: vocabularies loaded in {time.perf_counter() - t:.2f} s")
    from drug_named_entity_recognition import find_drugs

    rows = []
    for sub in ("dev", "seeds"):
        p = LETTERS / sub / "labels.csv"
        if p.is_file():
            with open(p, newline="", encoding="utf-8") as f:
                rows += list(csv.DictReader(f))
    if rows:
        med = [r["item"] for r in rows if r["category"] == "medication"]
        other = [r["item"] for r in rows if r["category"] != "medication"]
        lib = [theirs(find_drugs, x) for x in med]
        us = [ours(x) for x in med]
        both = [(a, b) for a, b in zip(lib, us) if a and b]
        agree = sum(_words(a) <= _words(b) for a, b in both)
        print(f"\nmedication item lines ({len(med)}): a drug found by the library {sum(bool(a) for a in lib)}, "
              f"by ours {sum(bool(b) for b in us)}; both {len(both)}, same ingredients {agree}")
        print(f"other item lines ({len(other)}): a drug found by the library "
              f"{sum(bool(theirs(find_drugs, x)) for x in other)}, by ours {sum(bool(ours(x)) for x in other)}")
        missed = collections.Counter(w for x, a in zip(med, lib) if not a for w in TOKEN.findall(x)[:1])
        print(f"  first word of the lines the library finds no drug in: {', '.join(sorted(missed))}")
        t = time.perf_counter()
        for _ in range(20):
            for x in med:
                theirs(find_drugs, x)
        lib_ms = (time.perf_counter() - t) / (20 * len(med)) * 1000
        t = time.perf_counter()
        for _ in range(20):
            for x in med:
                ours(x)
        our_ms = (time.perf_counter() - t) / (20 * len(med)) * 1000
        print(f"  per line: library {lib_ms:.3f} ms, ours (names only) {our_ms:.3f} ms")
        from checker.letters.parse import load_letter

        only_lib, only_us = collections.Counter(), collections.Counter()
        n_lib = n_us = 0
        letters = sorted((LETTERS / "dev").glob("*.txt")) + sorted((LETTERS / "seeds").glob("*.txt"))
        for path in letters:
            summary = load_letter(path).summary
            a, b = _words(theirs(find_drugs, summary)), _words(ours(summary))
            n_lib, n_us = n_lib + len(a), n_us + len(b)
            only_lib.update(a - b)
            only_us.update(b - a)
        print(f"\ncase summaries ({len(letters)}): distinct drugs per summary, summed: library {n_lib}, ours {n_us}")
        print(f"  only the library: {dict(only_lib.most_common())}")
        print(f"  only ours: {dict(only_us.most_common())}")
    else:
        print(f"\nreal letters not found at {LETTERS}: item lines and summaries skipped")
    lx = lexicon()
    names = [(n, d.generic) for d in lx.classes.drugs for n in [d.generic, *d.aliases, *d.brand_names()]]
    products = [p.name for p in lx.classes.products]
    resolved = sum(bool(theirs(find_drugs, n)) for n, _ in names)
    prod = [p for p in products if theirs(find_drugs, p)]
    print(f"\nour table's names the library resolves: {resolved}/{len(names)} ingredient names, "
          f"{len(prod)}/{len(products)} products ({', '.join(prod)})")
    print(f"  products it does not know: {', '.join(p for p in products if p not in prod)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
