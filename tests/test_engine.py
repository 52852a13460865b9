"""The durable-rules engine against the plain-Python oracle, sessions and swallowed errors."""
from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checker.engine.conditions import to_durable, without_field
from checker.engine.engine import Engine, EngineError
from checker.engine.oracle import oracle_firings
from checker.kb.load import default_kb
from checker.vocab import Family, Region
from tests.factgen import TRI_FIELDS, base_fact

ROOT = Path(__file__).resolve().parent.parent
KB = default_kb()
ENGINE = Engine(KB)
CONDITIONS = [m.category.id for m in KB.conditions]
SURGERIES = [m.category.id for m in KB.surgeries]
DAYS = sorted({d for r in KB.rules for d in (r.effective.start.toordinal(), (r.effective.end or r.effective.start).toordinal())})
TRI = st.sampled_from(["yes", "no", "not_stated"])


@st.composite
def facts(draw):
    requested = draw(st.integers(0, 40))
    prior = draw(st.integers(0, 40))
    authorized = draw(st.integers(0, 12))
    cap_prior = prior + draw(st.integers(0, 20))
    day = draw(st.sampled_from(DAYS)) + draw(st.integers(-2, 2))
    fact = base_fact(
        family=draw(st.sampled_from(sorted({f.value for rule in KB.rules for f in rule.family}))),
        day=day,
        conditions=draw(st.lists(st.sampled_from(CONDITIONS), max_size=3, unique=True)),
        regions=draw(st.lists(st.sampled_from([r.value for r in Region]), max_size=3, unique=True)),
        quantity_specified=draw(st.booleans()),
        requested=requested, authorized=authorized, prior_min=prior,
        has_prior=prior > 0 or draw(st.booleans()), prior_known=draw(st.booleans()),
        fi=draw(TRI), before=prior + authorized, total=prior + authorized + requested,
        cap_before=cap_prior + authorized, cap_total=cap_prior + authorized + requested,
        surgeries=draw(st.lists(st.sampled_from(SURGERIES), max_size=2, unique=True)),
        days_since_surgery=draw(st.integers(-1, 300)),
        recurrence=draw(st.booleans()), postoperative=draw(st.booleans()), maintenance=draw(st.booleans()),
        mode=draw(st.sampled_from(["unspecified", "rental", "purchase"])),
        duration_days=draw(st.integers(-1, 90)),
        surgery_status=draw(st.sampled_from(["none", "certified", "denied", "pending"])),
    )
    fact["linked_surgery"] = "" if fact["surgery_status"] == "none" else "a surgery"
    fact.update({name: draw(TRI) for name in TRI_FIELDS})
    return fact


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(facts())
def test_engine_fires_exactly_what_the_oracle_says(fact):
    engine = [(f.rule_id, f.check, f.values) for f in ENGINE.evaluate(fact)]
    oracle = [(f.rule_id, f.check, f.values) for f in oracle_firings(ENGINE, fact)]
    assert sorted(engine, key=str) == sorted(oracle, key=str)


@settings(max_examples=300, deadline=None)
@given(facts())
def test_checks_of_one_rule_are_exclusive(fact):
    # one check per rule; a criteria rule, one per criterion (met / not met / not documented)
    per_rule = Counter((f.rule_id, ENGINE.checks[f"{f.rule_id}#{f.check}"].criterion)
                       for f in oracle_firings(ENGINE, fact))
    assert all(n == 1 for n in per_rule.values()), per_rule


def test_identical_facts_in_a_row_give_identical_firings():
    # durable-rules de-duplicates facts by content within a session: each evaluation needs its own.
    fact = base_fact(conditions=["sprain_strain"], regions=["lumbar"], requested=12, total=12, cap_total=12)
    first = ENGINE.evaluate(fact)
    assert first
    assert all(ENGINE.evaluate(fact) == first for _ in range(5))


def test_sessions_are_deleted_after_each_evaluation(monkeypatch):
    engine = Engine(KB)
    seen = []
    real = engine._host.assert_fact
    monkeypatch.setattr(engine._host, "assert_fact", lambda name, fact: seen.append((name, fact["sid"])) or real(name, fact))
    for _ in range(3):
        engine.evaluate(base_fact(conditions=["sprain_strain"]))
    assert len({sid for _, sid in seen}) == 3  # a session of its own per evaluation
    assert engine._recording == {}
    for name, sid in seen:
        with pytest.raises(Exception, match="Could not get facts"):
            engine._host.get_facts(name, sid)


def test_two_engines_in_one_process_do_not_share_rulesets():
    other = Engine(KB)
    assert set(other._rulesets.values()).isdisjoint(ENGINE._rulesets.values())
    fact = base_fact(conditions=["radiculitis"], requested=11, total=11, cap_total=11)
    assert other.evaluate(fact) == ENGINE.evaluate(fact)


def test_an_error_inside_a_rule_action_is_raised_not_swallowed():
    engine = Engine(KB)

    class Broken(dict):
        def __getitem__(self, key):
            raise KeyError("recording is broken")

    engine._recording = Broken()
    with pytest.raises(EngineError, match="a rule action failed"):
        engine.evaluate(base_fact(conditions=["sprain_strain"]))


def test_a_fact_no_rule_matches_gives_no_firings():
    assert ENGINE.evaluate(base_fact(day=1)) == []


def test_fresh_sessions_that_fire_no_check_do_not_crash_the_process():
    # durable-rules 2.0.28 frees an uninitialised pointer when a session in which no action
    # ran is deleted; the engine's guard rule prevents it. Run in a child process so that a
    # crash fails this test instead of killing the test run; fresh engines mean fresh
    # session pools, where the garbage lives (without the guard this crashed 3 runs in 3).
    script = (
        "from checker.engine.engine import Engine\n"
        "from checker.kb.load import default_kb\n"
        "from tests.factgen import base_fact\n"
        "kb = default_kb()\n"
        "for _ in range(40):\n"
        "    engine = Engine(kb)\n"
        "    for family in engine.families():\n"
        "        assert engine.evaluate(base_fact(family=family, day=1, regions=['lumbar'])) == []\n"
        "print('done')\n"
    )
    child = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert child.returncode == 0, child.stderr[-2000:]
    assert child.stdout.strip() == "done"


def _iany_over_or(expression) -> bool:
    if isinstance(expression, list):
        return any(_iany_over_or(e) for e in expression)
    if not isinstance(expression, dict):
        return False
    inner = expression.get("$iany")
    if isinstance(inner, dict) and any(isinstance(v, dict) and "$or" in v for v in inner.values()):
        return True
    return any(_iany_over_or(v) for v in expression.values())


def test_no_compiled_condition_puts_an_or_inside_iany():
    # durable-rules 2.0.28 leaves the node it builds for "$iany" over "$or" half initialised
    # and may refuse the ruleset (error code 102): to_durable must never write that shape.
    for check in ENGINE.checks.values():
        assert not _iany_over_or(to_durable(without_field(check.condition, "family"))), check.key


@pytest.mark.parametrize("perturb", ["243", "85", "170"])
def test_rulesets_compile_and_run_whatever_the_heap_holds(perturb):
    # MALLOC_PERTURB_ fills freshly allocated memory with a byte pattern: memory durable-rules
    # forgets to initialise then holds garbage every time, not only by bad luck. With "$iany"
    # over "$or", 243 made this call fail ("Could not create ruleset, error code: 102").
    requests = sorted(str(p) for p in (ROOT / "samples" / "requests").glob("*.yaml"))
    child = subprocess.run(
        [sys.executable, "-m", "checker", "check", *requests, "--json"], cwd=ROOT, capture_output=True, text=True,
        timeout=300, env={**os.environ, "MALLOC_PERTURB_": perturb},
    )
    assert child.returncode == 0, child.stderr[-2000:]
    assert child.stderr == ""
