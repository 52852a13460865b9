"""The durable-rules engine against the plain-Python oracle, sessions and swallowed errors."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checker.engine import alpha, engine as engine_module
from checker.engine.alpha import STACK_SIZE, stack_bound
from checker.engine.conditions import All, AnyOf, Either, to_durable, without_field
from checker.engine.engine import SENTINEL_CONDITION, Engine, EngineError, _QuietHost
from checker.engine.oracle import oracle_firings
from checker.errors import InputError
from checker.kb.load import default_kb, load_kb
from checker.vocab import Region
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


class _Recorder:
    """durable-rules' C extension, with the sessions asserted and deleted noted."""

    def __init__(self, real, fail_on: str | None = None):
        self._real, self._fail_on = real, fail_on
        self.asserted: list[tuple[int, str]] = []
        self.deleted: list[tuple[int, str]] = []

    def assert_fact(self, handle, text):
        self.asserted.append((handle, json.loads(text)["sid"]))
        return self._real.assert_fact(handle, text)

    def delete_state(self, handle, sid):
        self.deleted.append((handle, sid))
        return self._real.delete_state(handle, sid)

    def __getattr__(self, name):
        if name == self._fail_on:
            def fail(*args):
                raise RuntimeError("the extension failed")
            return fail
        return getattr(self._real, name)


def _no_session_left(engine, recorder):
    names = {handle: name for name, handle in engine._handles.items()}
    for handle, sid in recorder.asserted:
        with pytest.raises(Exception, match="Could not get facts"):
            engine._host.get_facts(names[handle], sid)


def test_sessions_are_deleted_after_each_evaluation(monkeypatch):
    engine = Engine(KB)
    recorder = _Recorder(engine_module.durable_rules_engine)
    monkeypatch.setattr(engine_module, "durable_rules_engine", recorder)
    for _ in range(3):
        engine.evaluate(base_fact(conditions=["sprain_strain"]))
    assert len({sid for _, sid in recorder.asserted}) == 3  # a session of its own per evaluation
    assert sorted(recorder.deleted) == sorted(recorder.asserted)
    _no_session_left(engine, recorder)


@pytest.mark.parametrize("step", ["start_action_for_state", "complete_and_start_action"])
def test_a_failure_while_reading_firings_is_raised_and_the_session_deleted(monkeypatch, step):
    engine = Engine(KB)
    fact = base_fact(conditions=["sprain_strain"], regions=["lumbar"], requested=12, total=12, cap_total=12)
    assert engine.evaluate(fact)  # fires checks, so every step runs
    recorder = _Recorder(engine_module.durable_rules_engine, fail_on=step)
    monkeypatch.setattr(engine_module, "durable_rules_engine", recorder)
    with pytest.raises(EngineError, match="the extension failed"):
        engine.evaluate(fact)
    if step == "complete_and_start_action":  # an action started: the session can be deleted
        assert recorder.deleted == recorder.asserted[:1]
        _no_session_left(engine, recorder)


def test_a_firing_of_a_rule_the_engine_did_not_compile_is_an_error():
    engine = Engine(KB)
    fact = base_fact(conditions=["sprain_strain"], regions=["lumbar"], requested=12, total=12, cap_total=12)
    fired = {f"{f.rule_id}#{f.check}" for f in engine.evaluate(fact)}
    for name in engine._ruleset_names[fact["family"]]:
        engine._rule_names[name] -= fired
    with pytest.raises(EngineError, match="fired an unknown rule"):
        engine.evaluate(fact)


def test_two_engines_in_one_process_do_not_share_rulesets():
    other = Engine(KB)
    assert set(other._rulesets.values()).isdisjoint(ENGINE._rulesets.values())
    fact = base_fact(conditions=["radiculitis"], requested=11, total=11, cap_total=11)
    assert other.evaluate(fact) == ENGINE.evaluate(fact)


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


# ------------------------------------------------------------------ facts that match many rules at once

def _list_values(cond, out: dict) -> dict:
    """Every value some check looks for in each list field of the fact."""
    if isinstance(cond, AnyOf):
        out.setdefault(cond.field, set()).update(cond.values)
    elif isinstance(cond, (All, Either)):
        for part in cond.parts:
            _list_values(part, out)
    return out


LIST_VALUES: dict = {}
for _check in ENGINE.checks.values():
    _list_values(_check.condition, LIST_VALUES)


@st.composite
def crowded_facts(draw):
    """Facts whose list fields hold most of what any rule looks for, so that many rules'
    tests match at once (durable-rules refused such a fact before its rulesets were split)."""
    fact = draw(facts())
    for name, values in LIST_VALUES.items():
        values = sorted(values)
        fact[name] = draw(st.lists(st.sampled_from(values), min_size=len(values) // 2, unique=True))
    return fact


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(crowded_facts())
def test_facts_matching_many_rules_at_once_are_evaluated_like_the_oracle(fact):
    engine = [(f.rule_id, f.check, f.values) for f in ENGINE.evaluate(fact)]
    oracle = [(f.rule_id, f.check, f.values) for f in oracle_firings(ENGINE, fact)]
    assert sorted(engine, key=str) == sorted(oracle, key=str)


@pytest.mark.parametrize("family", ENGINE.families())
def test_a_fact_holding_every_listed_value_is_evaluated_in_every_family(family):
    fact = base_fact(family=family, **{name: sorted(values) for name, values in LIST_VALUES.items()})
    assert sorted(map(str, ENGINE.evaluate(fact))) == sorted(map(str, oracle_firings(ENGINE, fact)))


def test_every_ruleset_stays_within_durable_rules_alpha_stack():
    ENGINE.compile_all()
    for family, chunks in ENGINE._chunks.items():
        # every check of the family in exactly one ruleset, each ruleset's in rule-base order
        order = {c.key: i for i, c in enumerate(ENGINE._family_checks[family])}
        assert sorted(c.key for _, checks in chunks for c in checks) == sorted(order)
        for _, checks in chunks:
            assert [order[c.key] for c in checks] == sorted(order[c.key] for c in checks)
            expressions = [SENTINEL_CONDITION] + [to_durable(without_field(c.condition, "family")) for c in checks]
            assert stack_bound(expressions) <= STACK_SIZE


def test_a_rule_that_alone_overflows_the_alpha_stack_is_a_rule_file_error(tmp_path, monkeypatch):
    regions = sorted(r.value for r in Region)[:8]
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "_pack.yaml").write_text("name: crowded\ndescription: one rule over too many alternatives\n")
    (pack / "crowded.yaml").write_text(
        "rules:\n  - id: crowded.rule\n    source: mtus_cpmtg\n    section: Physical Medicine\n"
        "    pages: 98-99\n    effective: {from: 2009-07-18, until: 2017-11-30}\n    family: physical_therapy\n"
        f"    applies_to: {{regions: [{', '.join(regions)}], conditions: [{', '.join(CONDITIONS[:8])}]}}\n"
        "    kind: course\n    primary: true\n    parameters: {visits: 10}\n"
        "    rationale: up to {visits} visits\n    confidence: {level: unconfirmed, note: a test rule}\n")
    # 8 x 8 alternatives need ~16 entries of the real stack: shrink the stack to see the error
    monkeypatch.setattr(engine_module, "STACK_SIZE", 12)
    engine = Engine(load_kb(packs=[pack]))
    with pytest.raises(InputError, match=r"crowded.yaml: rule crowded.rule: a check needs \d+ entries of durable-rules' alpha stack"):
        engine.compile_all()


# ------------------------------------------------------------------ the alpha-stack model against durable-rules

_models = iter(range(10**6))
GUARD = {"$ex": {"g": 1}}  # like the engine's session guard: every fact below carries "g"


def _refused(expressions: list[dict], fact: dict) -> bool:
    """Whether durable-rules 2.0.28 refuses `fact` in a ruleset of the guard and these conditions (error 303)."""
    host = _QuietHost()
    name = f"alpha_model_{os.getpid()}_{next(_models)}"
    rules = {f"r{i}": {"all": [{"m": e}], "run": lambda c: None} for i, e in enumerate([GUARD] + expressions)}
    host.set_rulesets({name: rules})
    try:
        host.assert_fact(name, {**fact, "g": 1, "sid": "s"})
    except Exception as e:
        assert "error code: 303" in str(e), e
        return True
    host.delete_state(name, "s")
    return False


def _flat(n: int) -> tuple[list[dict], dict]:
    return [{f"f{i}": 1} for i in range(n)], {f"f{i}": 1 for i in range(n)}


def _deep(width: int) -> tuple[list[dict], dict]:
    """Shared chains, "$or" of "$iany" (forward nodes walked once per matching branch) and
    siblings under shared nodes: every test matches the fact, the worst case the model bounds."""
    shared = [{"$gte": {"day": 1}}, {"$lte": {"day": 9}}]
    anys = {"$or": [{"$iany": {"tags": {"$i": f"t{i}"}}} for i in range(width)]}
    expressions = [{"$and": shared + [anys, {"$gt": {"total": i}}]} for i in range(width)]
    expressions += [{"$and": shared + [{"flag": True}, {"$or": [{"a": 1}, {"b": 1}]}, {"$lt": {"n": 5}}]}]
    return expressions, {"day": 5, "tags": [f"t{i}" for i in range(width)], "total": 99, "flag": True,
                         "a": 1, "b": 1, "n": 0}


@pytest.mark.parametrize("shape", [_flat, _deep])
def test_the_alpha_stack_model_is_exact_where_every_test_matches(shape):
    # the model's bound is what durable-rules needs when every test matches: the largest
    # ruleset of the shape within the stack is accepted, the next one is refused
    sizes = {}
    for n in range(1, 80):
        expressions, _ = shape(n)
        sizes[n] = stack_bound([GUARD] + expressions)
        if sizes[n] > STACK_SIZE:
            break
    largest = max(n for n, need in sizes.items() if need <= STACK_SIZE)
    assert not _refused(*shape(largest))
    assert _refused(*shape(largest + 1))


RANDOM_TESTS = st.one_of(
    st.builds(lambda f, v: {f: v}, st.sampled_from(["a", "b", "c"]), st.integers(0, 2)),
    st.builds(lambda op, f, v: {op: {f: v}}, st.sampled_from(["$gt", "$lte", "$neq"]), st.sampled_from(["a", "b", "c"]),
              st.integers(0, 2)),
    st.builds(lambda vs: {"$or": [{"$iany": {"tags": {"$i": v}}} for v in vs]},
              st.lists(st.sampled_from("wxyz"), min_size=1, max_size=4, unique=True)),
)
RANDOM_CONDITIONS = st.lists(
    st.lists(st.one_of(RANDOM_TESTS, st.lists(RANDOM_TESTS, min_size=2, max_size=3).map(lambda p: {"$or": p})),
             min_size=1, max_size=4).map(lambda parts: parts[0] if len(parts) == 1 else {"$and": parts}),
    min_size=10, max_size=70)
RANDOM_FACTS = st.fixed_dictionaries({"a": st.integers(0, 2), "b": st.integers(0, 2), "c": st.integers(0, 2),
                                      "tags": st.lists(st.sampled_from("wxyz"), unique=True)})


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(RANDOM_CONDITIONS, st.lists(RANDOM_FACTS, min_size=1, max_size=5))
def test_a_ruleset_the_model_deems_safe_takes_every_fact(expressions, facts):
    if stack_bound([GUARD] + expressions) > STACK_SIZE:
        return
    for fact in facts:
        assert not _refused(expressions, fact)


def _need_afresh(node, memo=None) -> int:
    """need(n) of checker.engine.alpha, point 4, computed from scratch over the whole network."""
    memo = {} if memo is None else memo
    if id(node) not in memo:
        c = len(node.children)
        memo[id(node)] = max([c] + [c - 1 + _need_afresh(child, memo) for child in node.children])
    return memo[id(node)]


def test_the_alpha_model_bounds_a_growing_ruleset_like_a_fresh_one():
    # the engine grows one model per ruleset, rule by rule, updating only the new rule's paths
    ENGINE.compile_all()
    for family, chunks in ENGINE._chunks.items():
        for _, checks in chunks:
            expressions = [SENTINEL_CONDITION] + [to_durable(without_field(c.condition, "family")) for c in checks]
            model = alpha.AlphaModel()
            for e in expressions:
                assert model.add(e) == _need_afresh(model.root)
            assert alpha.AlphaModel().add_all(expressions) == model.root.need  # all at once, one walk
    for family, checks in ENGINE._family_checks.items():  # whole families, most of them too deep for one ruleset
        expressions = [SENTINEL_CONDITION] + [to_durable(without_field(c.condition, "family")) for c in checks]
        assert alpha.AlphaModel().add_all(expressions) == stack_bound(expressions)


# ------------------------------------------------------------------ list fields as flags

def test_list_tests_travel_as_typed_flags():
    from checker.engine.conditions import flag, flags, list_values

    lists = list_values([AnyOf("regions", ("lumbar", "knee")), Either((AnyOf("item_compounded", (True,)),))])
    fact = {"regions": ["knee", "cervical"], "item_compounded": [1, "true", True]}
    # only values some rule looks for, and of its JSON type: 1 and "true" are not true
    assert flags(fact, lists) == {flag("regions", "knee"): True, flag("item_compounded", True): True}
    assert flags({"regions": [], "item_compounded": [False]}, lists) == {}
    assert len({flag("f", "true"), flag("f", True)}) == 2
    with pytest.raises(ValueError, match="only strings and booleans"):
        flag("item_count", 3)


def test_every_list_test_of_the_rule_base_compiles_to_flags():
    # no "$iany" is left for durable-rules to build a test per value per rule from
    for check in ENGINE.checks.values():
        assert "$iany" not in json.dumps(to_durable(without_field(check.condition, "family"))), check.key


def _fnv1a_32(name: str) -> int:
    """durable-rules' hash of a property name (fnv1Hash32, state.c), by which it matches fact
    properties to tests: two names with one hash would be taken for each other."""
    h = 2166136261
    for byte in name.encode():
        h = ((h ^ byte) * 16777619) & 0xFFFFFFFF
    return h


def test_no_two_fields_durable_rules_sees_share_a_hash():
    from checker.engine.conditions import flag, list_values, scalar_fields

    conditions = [c for c in (without_field(check.condition, "family") for check in ENGINE.checks.values()) if c]
    names = {"family", "sid", "id", "$s"}.union(*(scalar_fields(c) for c in conditions))
    names |= {flag(field, v) for field, values in list_values(conditions).items() for _, v in values}
    assert _fnv1a_32("a") == 0xE40C292C and _fnv1a_32("foobar") == 0xBF9CF968  # FNV-1a test vectors
    assert len({_fnv1a_32(n) for n in names}) == len(names)
