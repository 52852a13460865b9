"""checker.decide works out how an item's fired checks combine (precedence, criteria outcomes,
documentation to attach) once per combination of checks and keeps it (decide._plan, _outcome).
A kept plan decides exactly as a fresh one, and what a caller does to a result never reaches
the next result."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import checker.decide as decide_module
from checker.check import Checker
from checker.request.load import load_request

ROOT = Path(__file__).resolve().parent.parent
REQUESTS = [load_request(p) for p in sorted((ROOT / "samples" / "requests").glob("*.yaml"))]
CHECKER = Checker()
TODAY = dt.date(2026, 1, 1)


def dumps(as_of):
    return [[r.model_dump_json() for r in CHECKER.check(q, as_of=as_of, today=TODAY)] for q in REQUESTS]


def test_kept_plans_decide_as_fresh_ones():
    for as_of in (None, dt.date(2012, 5, 1), dt.date(2019, 3, 1)):
        decide_module._PLANS.clear()
        decide_module._OUTCOMES.clear()
        fresh = dumps(as_of)
        assert decide_module._PLANS, "the samples' decisions were planned"
        assert dumps(as_of) == fresh  # every plan kept from the first pass


def test_a_callers_changes_do_not_reach_the_next_result():
    request = next(q for q in REQUESTS if any(
        r.missing_documentation for r in CHECKER.check(q, today=TODAY)))
    first = CHECKER.check(request, today=TODAY)
    expected = [r.model_dump_json() for r in first]
    for r in first:
        r.missing_documentation.append("bogus")
        r.deciding_rules.clear()
        for f in r.findings:
            f.criteria.clear()
    assert [r.model_dump_json() for r in CHECKER.check(request, today=TODAY)] == expected
