"""The engine skips a ruleset none of whose checks a fact can fire (engine._gate): shown lossless
over every check of the rule base, and over generated facts against the plain-Python oracle."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from checker.engine import engine as engine_module
from checker.engine.conditions import AnyOf, evaluate
from checker.engine.engine import Engine, _may_fire, _requirement
from checker.engine.oracle import oracle_firings
from checker.kb.load import default_kb
from tests.factgen import fact_for
from tests.test_engine import crowded_facts, facts

KB = default_kb()
ENGINE = Engine(KB)
ENGINE.compile_all()
RULES = {rule.id: rule for rule in KB.rules}
# every check of every ruleset, with the family and ruleset it is compiled in
CHECKS = [(family, name, check) for family, chunks in ENGINE._chunks.items()
          for name, checks in chunks for check in checks]


def _failing(values: tuple):
    """A value of the values' type that is none of them."""
    if all(isinstance(v, bool) for v in values):
        rest = {True, False} - set(values)
        return rest.pop() if rest else None
    if all(isinstance(v, (int, float)) for v in values):
        return max(values) + 1
    return "none of " + "/".join(map(str, values))


@pytest.mark.parametrize("family,ruleset,check", CHECKS, ids=lambda x: getattr(x, "key", None) or str(x))
def test_a_fact_failing_any_requirement_of_a_check_never_fires_it(family, ruleset, check):
    # the check's own applicability, then each requirement the gate reads made false in turn
    fact = fact_for(RULES[check.rule_id], family=family)
    cond = ENGINE._sans_family(check)
    flag_atoms, scalar_atoms = _requirement(cond)
    lists = [p for p in (cond.parts if hasattr(cond, "parts") else (cond,)) if isinstance(p, AnyOf)]
    assert len(lists) == len(flag_atoms)
    for test in lists:
        assert not evaluate(cond, {**fact, test.field: []})
    for field, values in scalar_atoms:
        other = _failing(values)
        if other is not None:
            assert not evaluate(cond, {**fact, field: other})


@pytest.mark.parametrize("family,ruleset,check", CHECKS, ids=lambda x: getattr(x, "key", None) or str(x))
def test_a_fact_meeting_a_checks_requirement_passes_its_rulesets_gate(family, ruleset, check):
    # the least a fact can hold and meet the check's requirement: one flag of each list test, the
    # first value of each equality test, every other field the ruleset tests equal to nothing
    gate = ENGINE._ruleset_gates[ruleset]
    if gate is None:
        return
    flag_atoms, scalar_atoms = _requirement(ENGINE._sans_family(check))
    sent = {field: object() for field in ENGINE._ruleset_fields[ruleset]}
    sent.update({min(atom): True for atom in flag_atoms})
    sent.update({field: values[0] for field, values in scalar_atoms})
    assert _may_fire(gate, sent)


def test_a_fact_inside_each_rules_applicability_is_evaluated_like_the_oracle():
    # (the applicability alone: a rule whose checks want more, a prior course ..., may fire none)
    firing = 0
    for rule in KB.rules:
        for family in rule.family:
            fact = fact_for(rule, family=family.value)
            fired = oracle_firings(ENGINE, fact)
            firing += any(f.rule_id == rule.id for f in fired)
            assert sorted(map(str, ENGINE.evaluate(fact))) == sorted(map(str, fired)), (rule.id, family)
    assert firing >= 0.9 * sum(len(rule.family) for rule in KB.rules)


def _skipped_rulesets_fire_nothing(fact):
    fired = {f"{f.rule_id}#{f.check}" for f in oracle_firings(ENGINE, fact)}
    for name, checks in ENGINE._chunks.get(fact["family"], []):
        gate = ENGINE._ruleset_gates[name]
        if gate is not None and not _may_fire(gate, ENGINE._sent(name, fact, "test")):
            assert fired.isdisjoint(c.key for c in checks), name


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(facts())
def test_a_skipped_ruleset_holds_no_check_the_oracle_fires(fact):
    _skipped_rulesets_fire_nothing(fact)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(crowded_facts())
def test_a_skipped_ruleset_holds_no_check_the_oracle_fires_for_crowded_facts(fact):
    _skipped_rulesets_fire_nothing(fact)


def test_a_ruleset_no_check_of_which_can_fire_gets_no_session(monkeypatch):
    # a lumbar strain fact fires none of physical therapy's checks for other body parts
    fact = fact_for(RULES[next(r.id for r in KB.rules if "physical_therapy" in {f.value for f in r.family}
                               and r.applies_to.regions and r.applies_to.regions[0].value == "lumbar")],
                    family="physical_therapy")
    asserted = []
    real = engine_module.durable_rules_engine.assert_fact
    monkeypatch.setattr(engine_module.durable_rules_engine, "assert_fact",
                        lambda handle, text: asserted.append(handle) or real(handle, text))
    firings = ENGINE.evaluate(fact)
    gated = [name for name, _ in ENGINE._chunks["physical_therapy"] if ENGINE._ruleset_gates[name] is not None]
    assert gated, "physical therapy has a ruleset the gate can skip"
    assert len(asserted) < len(ENGINE._chunks["physical_therapy"])
    assert sorted(map(str, firings)) == sorted(map(str, oracle_firings(ENGINE, fact)))
