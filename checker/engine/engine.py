"""Evaluate an item's fact against the rule base with durable-rules.

The YAML rules are compiled into durable-rules rulesets per treatment family (every
check of every rule is a durable rule), each family's on first use: a ruleset per group of
checks that require the same first list test (Engine._groups), and a group whose checks would
overflow durable-rules' alpha stack in one ruleset is split over several (see
checker.engine.alpha). List fields travel as flags (checker.engine.conditions.flag), only
those the ruleset tests. Each evaluation asserts the item's fact
in a session of its own and deletes the session afterwards (in each of the family's
rulesets, except those in which no check can fire: see _gate), so nothing leaks between
items: durable-rules de-duplicates facts by content within a session, and keeps its
rulesets in a process-wide registry (hence unique ruleset names per Engine).

durable-rules' Python host runs a Python action per firing and, after each, re-asserts the
session's state fact (a JSON round trip and a walk of the network), and swallows exceptions
raised in actions. We need only the names of the rules that fired, so the engine drives
durable-rules' C extension directly, as its host does but without actions: assert the fact,
take the session's queued firings one by one (start_action_for_state,
complete_and_start_action), delete the session. Each firing carries the values of the
asserted fact its condition compared; anything that goes wrong is raised as EngineError.
"""
from __future__ import annotations

import itertools
import json
import os
import warnings
from typing import NamedTuple

import durable_rules_engine
from json.encoder import c_make_encoder, encode_basestring
from durable import engine as durable

# durable-rules 2.0.28 calls datetime.utcfromtimestamp(), deprecated since Python 3.12, for
# every fact asserted: ignore that warning where it arises, in durable's engine only.
warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"durable\.engine")

from checker.engine import fact_fields
from checker.engine.checks import Check, checks_for
from checker.engine.alpha import STACK_SIZE, AlphaModel
from checker.engine.conditions import All, AnyOf, Cmp, Either, alternatives, fields, flag, list_values, scalar_fields, to_durable, without_field
from checker.errors import InputError
from checker.kb.load import KnowledgeBase
from checker.vocab import Family


class EngineError(RuntimeError):
    """durable-rules failed or an action raised: a bug, never a user error."""


class Firing(NamedTuple):  # a tuple: made for every check an item fires, 4x cheaper than a frozen dataclass
    rule_id: str
    check: str
    values: dict


_new_firing = tuple.__new__  # Firing(...) without the Python-level __new__ a NamedTuple has


# durable-rules 2.0.28 leaves a new session's action context (context.messages and
# context.stateFact in createStateNode, state.c) uninitialised and frees it in
# deleteStateNode: deleting a session in which no action ran frees garbage and crashes
# the process now and then (valgrind: "Invalid free" in deleteStateNode). Running one
# action sets and clears that context, so every ruleset gets a rule that matches every
# item fact and does nothing; it also means an asserted fact is always handled. It tests
# "family", which only item facts carry: durable-rules re-matches the session's own state
# fact (sid, id) after each action, and a guard matching that would fire forever.
SENTINEL = "imr$session_guard"
SENTINEL_CONDITION = {"$ex": {"family": 1}}

# durable-rules 2.0.28 walks a ruleset's alpha network for each asserted fact with a stack
# of 64 pending nodes (MAX_STACK_SIZE, events.c) and refuses the fact when it overflows
# (error 303): an imaging fact with three spinal regions did. A family's checks are packed,
# in rule-base order, into rulesets whose worst-case stack (checker.engine.alpha, a model of
# the network durable-rules builds) stays within it, whatever the fact.


def _no_op(c):
    pass


def _guarded_model() -> AlphaModel:
    model = AlphaModel()
    model.add(SENTINEL_CONDITION)
    return model


class _QuietHost(durable.Host):
    # The stock Host starts timer threads that dispatch queued actions in the background.
    # We only assert facts synchronously, so those threads could only race with us.
    def _run(self):
        pass


# json.dumps(fact, ensure_ascii=False), without making an encoder per call: the C encoder it
# makes, made once (no check for circular references: a fact is flat).
if c_make_encoder is not None:
    _encoder = c_make_encoder(None, json.JSONEncoder().default, encode_basestring, None, ": ", ", ", False, False, True)

    def _to_json(fact: dict) -> str:
        return "".join(_encoder(fact, 0))
else:  # (a Python without the json C accelerator)
    _to_json = json.JSONEncoder(ensure_ascii=False).encode

_ruleset_numbers = itertools.count(1)
_session_numbers = itertools.count(1)
_pid = os.getpid()  # a session's name starts with it (kept: os.getpid is a system call per evaluation)


def _forked() -> None:
    global _pid
    _pid = os.getpid()


os.register_at_fork(after_in_child=_forked)


class Engine:
    """Compiled rule base. Not thread-safe: use one Engine per thread or process.

    Every rule's checks are built at once (`checks`); a family's durable-rules ruleset is
    compiled the first time an item of that family is evaluated (or by `compile_all`), so a
    command that checks one TENS request does not pay for compiling physical therapy.
    """

    def __init__(self, kb: KnowledgeBase):
        self.kb = kb
        self.checks: dict[str, Check] = {}
        self._host = _QuietHost()
        self._rulesets: dict[str, str] = {}  # family -> durable-rules ruleset name
        self._family_checks: dict[str, list[Check]] = {}
        self._handles: dict[str, int] = {}  # ruleset -> durable-rules' handle of it
        self._rule_names: dict[str, frozenset[str]] = {}  # ruleset -> its rules' names
        prefix = f"imr{os.getpid()}_{next(_ruleset_numbers)}"
        for rule in kb.rules:
            for check in checks_for(rule):
                self.checks[check.key] = check
                for family in rule.family:
                    self._family_checks.setdefault(family.value, []).append(check)
        for family in Family:
            if family.value in self._family_checks:
                self._rulesets[family.value] = f"{prefix}_{family.value}"
        self._chunks: dict[str, list[tuple[str, list[Check]]]] = {}  # family -> its rulesets, once compiled
        self._ruleset_names: dict[str, list[str]] = {}  # family -> the names of those rulesets
        self._ruleset_fields: dict[str, tuple[str, ...]] = {}  # ruleset -> the scalar fact fields its checks test
        self._ruleset_lists: dict[str, dict[str, frozenset]] = {}  # ruleset -> the list values its checks test
        # ruleset -> per list field, the flag of each value its checks test ((type, value) -> flag)
        self._ruleset_flags: dict[str, tuple[tuple[str, dict], ...]] = {}
        self._ruleset_gates: dict[str, tuple | None] = {}  # ruleset -> what a fact needs to fire any of its checks (_gate)
        self._order = {key: i for i, key in enumerate(self.checks)}
        self._order[SENTINEL] = -1
        # per check, by its position in rule-base order: its rule, its name, the fact fields its
        # condition compares (each firing's values) and those of them that may hold lists
        self._firing_parts = [(check.rule_id, check.name, tuple(fields(check.condition)),
                               tuple(n for n in fields(check.condition) if _may_hold_list(n)))
                              for check in self.checks.values()]
        self._without_family: dict[str, object] = {}
        self._expressions: dict[str, dict] = {}

    def _split(self, family: str) -> list[tuple[str, list[Check]]]:
        """The family's checks cut into rulesets: grouped (_groups), each group packed in rule-base
        order into rulesets whose alpha walk fits durable's stack (_pack)."""
        name = self._rulesets[family]
        chunks = [chunk for group in self._groups(self._family_checks[family]) for chunk in self._pack(group)]
        return [(f"{name}_{i}", checks) for i, checks in enumerate(chunks)]

    def _groups(self, checks: list[Check]) -> list[list[Check]]:
        """The checks grouped by the first list test their condition requires (the conditions,
        regions ... a rule applies to: _requirement), in rule-base order, the groups in order of
        first appearance. durable-rules makes and deletes a session's state for every node of
        a ruleset, whatever the fact (a 200-check ruleset: ~70 us per fact that fires nothing
        but the guard); a group's ruleset is asserted only when the fact passes its gate (_gate),
        so a fact pays for the groups that apply to it. Firings are put back in rule-base order
        by evaluate."""
        groups: dict[frozenset | None, list[Check]] = {}
        for check in checks:
            cond = self._sans_family(check)
            flag_atoms = _requirement(cond)[0] if cond is not None else ()
            groups.setdefault(flag_atoms[0] if flag_atoms else None, []).append(check)
        return list(groups.values())

    def _pack(self, checks: list[Check]) -> list[list[Check]]:
        """The checks in order, cut where a ruleset's alpha walk would outgrow durable's stack.

        A ruleset's stack never exceeds its alternatives (each pending node heads paths of its
        own to a rule), a cheap count: the model of the network is built only for a ruleset
        whose alternatives outgrow the stack."""
        if _guarded_model().add_all(self._expression(c) for c in checks) <= STACK_SIZE:
            return [list(checks)]  # most groups: one ruleset, one walk of the model
        chunks: list[list[Check]] = []
        alternatives_left = 0
        model = None
        for check in checks:
            expression = self._expression(check)
            n = alternatives(self._sans_family(check))
            if chunks and model is None and n <= alternatives_left:
                alternatives_left -= n
                chunks[-1].append(check)
                continue
            if chunks and model is None:  # the alternatives outgrow the stack: model the network so far
                model = _guarded_model()
                for member in chunks[-1]:
                    model.add(self._expression(member))
            if not chunks or model.add(expression) > STACK_SIZE:
                chunks.append([check])
                alternatives_left, model = STACK_SIZE - 1 - n, None  # 1: the guard rule
                if alternatives_left < 0:
                    model = _guarded_model()
                    need = model.add(expression)
                    if need > STACK_SIZE:
                        raise InputError(self.kb.rule_files.get(check.rule_id, "rule base"), f"rule {check.rule_id}",
                                         f"a check needs {need} entries of durable-rules' alpha stack, more than "
                                         f"it has ({STACK_SIZE}): split the rule")
            else:
                chunks[-1].append(check)
        return chunks

    def _expression(self, check: Check) -> dict:
        """The check's condition as durable-rules JSON, without its family test (computed once)."""
        if check.key not in self._expressions:
            self._expressions[check.key] = to_durable(self._sans_family(check))
        return self._expressions[check.key]

    def _sans_family(self, check: Check):
        """The check's condition without its family test (computed once: _split and _compile ask)."""
        if check.key not in self._without_family:
            self._without_family[check.key] = without_field(check.condition, "family")
        return self._without_family[check.key]

    def _compile(self, family: str) -> list[str]:
        if family not in self._chunks:
            chunks = self._split(family)
            for name, checks in chunks:
                rules = {}
                for check in checks:
                    # the host wants an action per rule; evaluate reads the firings, never runs them
                    rules[check.key] = {"all": [{"m": self._expression(check)}], "run": _no_op}
                rules[SENTINEL] = {"all": [{"m": dict(SENTINEL_CONDITION)}], "run": _no_op}
                if any('"' in key or "\\" in key for key in rules):  # see _fired
                    raise EngineError(f"a rule name of {name} holds a quote or backslash")
                self._host.set_rulesets({name: rules})
                self._handles[name] = self._host.get_ruleset(name)._handle
                self._rule_names[name] = frozenset(rules)
                conditions = [self._sans_family(check) for check in checks]
                tested = set().union(*(scalar_fields(c) for c in conditions if c is not None))
                self._ruleset_fields[name] = tuple(sorted(tested - {"family"}))
                self._ruleset_lists[name] = list_values(c for c in conditions if c is not None)
                self._ruleset_flags[name] = tuple((field, {tv: flag(field, tv[1]) for tv in wanted})
                                                  for field, wanted in self._ruleset_lists[name].items())
                self._ruleset_gates[name] = _gate(conditions)
            self._chunks[family] = chunks  # only once every ruleset of the family is compiled
            self._ruleset_names[family] = [name for name, _ in chunks]
        return self._ruleset_names[family]

    def compile_all(self) -> None:
        """Compile every family's ruleset now (rule-base validation: durable-rules refuses some)."""
        for family in self._rulesets:
            self._compile(family)

    def families(self) -> list[str]:
        return sorted(self._rulesets)

    def evaluate(self, fact: dict) -> list[Firing]:
        """Every check the fact fires, in rule-base order, with the values its condition compared."""
        if fact["family"] not in self._rulesets:
            return []
        sid = f"{_pid}-{next(_session_numbers)}"
        # durable-rules walks an "$or" once per branch, and a fact that satisfies two branches
        # fires the same rule twice: a set keeps one firing (by its check's position in rule-base order).
        fired: set[int] = set()
        for ruleset in self._ruleset_names.get(fact["family"]) or self._compile(fact["family"]):
            sent = self._sent(ruleset, fact, sid)
            gate = self._ruleset_gates[ruleset]
            if gate is not None and not _may_fire(gate, sent):
                continue  # no check of the ruleset can fire (_gate): no session is needed
            self._assert(ruleset, sent, fired)
        fired.discard(-1)  # the session guard
        out = []
        parts = self._firing_parts
        for i in sorted(fired):
            rule_id, name, compared, lists = parts[i]
            values = {n: fact[n] for n in compared}
            for n in lists:
                values[n] = _plain(values[n])
            out.append(_new_firing(Firing, (rule_id, name, values)))
        return out

    def _sent(self, ruleset: str, fact: dict, sid: str) -> dict:
        """What is asserted of `fact` in `ruleset`: durable-rules serializes and parses every field
        asserted, so only those the ruleset's checks test (a fact carries every kind's fields, ~150),
        lists as flags (checker.engine.conditions.flags, each looked up rather than made)."""
        sent = {"family": fact["family"], "sid": sid}
        for f in self._ruleset_fields[ruleset]:
            sent[f] = fact[f]
        for field, table in self._ruleset_flags[ruleset]:
            for v in fact[field]:
                name = table.get((type(v), v))
                if name is not None:
                    sent[name] = True
        return sent

    def _assert(self, ruleset: str, fact: dict, fired: set[str]) -> None:
        """Assert `fact` in a session of its own, add the rules it fires to `fired`, delete the session."""
        handle = self._handles[ruleset]
        try:
            result, state = durable_rules_engine.assert_fact(handle, _to_json(fact))
            if result != 0:  # 1 not handled: impossible with the session guard; 2, 3: a session of our own
                raise EngineError(f"durable-rules did not handle a fact in {ruleset} (result {result})")
            started = durable_rules_engine.start_action_for_state(handle, state)
        except Exception as e:
            # The session may exist with no action run: deleting it would crash the process
            # (see SENTINEL), so it is left to the host, a few hundred bytes.
            raise EngineError(f"durable-rules refused a fact in {ruleset}: {e}") from None
        if started is None:  # impossible with the session guard, which matches every item fact
            raise EngineError(f"durable-rules fired no rule in {ruleset}, not even the session guard")
        try:
            messages = started[1]
            names, order = self._rule_names[ruleset], self._order
            while messages is not None:
                # A queued firing's JSON is {"<rule>": {"m": <fact>}}, and no rule name holds a quote
                # or backslash (checked at compile): the name is read without parsing the fact back.
                name = messages[2:messages.find('"', 2)] if messages.startswith('{"') else ""
                if name not in names:
                    raise EngineError(f"durable-rules fired an unknown rule in {ruleset}: {messages[:200]}")
                fired.add(order[name])
                messages = durable_rules_engine.complete_and_start_action(handle, state)
        except EngineError:
            raise
        except Exception as e:
            raise EngineError(f"durable-rules failed while firing rules in {ruleset}: {e}") from None
        finally:
            durable_rules_engine.delete_state(handle, fact["sid"])  # an action started, so deleting is safe


def _requirement(cond) -> tuple[tuple[frozenset, ...], tuple[tuple[str, tuple], ...]]:
    """What a fact must hold for `cond` to be true, read off its top-level conjuncts: the flags
    of which at least one is sent, per list test (AnyOf), and the values of which the scalar
    field holds one, per equality test (a Cmp "==", or an Either of those on one field).
    Other conjuncts are left out: the requirement is implied by the condition, not the reverse."""
    flag_atoms, scalar_atoms = [], []
    for part in cond.parts if isinstance(cond, All) else (cond,):
        if isinstance(part, AnyOf):
            flag_atoms.append(frozenset(flag(part.field, v) for v in part.values))
        elif isinstance(part, Cmp) and part.op == "==":
            scalar_atoms.append((part.field, (part.value,)))
        elif (isinstance(part, Either) and all(isinstance(p, Cmp) and p.op == "==" for p in part.parts)
              and len({p.field for p in part.parts}) == 1):
            scalar_atoms.append((part.parts[0].field, tuple(p.value for p in part.parts)))
    return tuple(flag_atoms), tuple(scalar_atoms)


def _gate(conditions: list) -> tuple | None:
    """A ruleset's checks' requirements (_requirement), distinct; None when some check requires
    nothing of them (a ruleset that any fact may fire is always asserted). A requirement that
    holds all the atoms of another is left out (whatever meets it meets the other: the gate says
    the same), and the fewest atoms come first (the cheapest to test, and the likeliest met)."""
    requirements = {}
    for cond in conditions:
        if cond is None:
            return None
        requirement = _requirement(cond)
        if requirement == ((), ()):
            return None
        requirements[requirement] = frozenset(requirement[0]) | frozenset(requirement[1])
    kept = [r for r, atoms in requirements.items() if not any(other < atoms for other in requirements.values())]
    return tuple(sorted(kept, key=lambda r: len(requirements[r])))


def _may_fire(gate: tuple, sent: dict) -> bool:
    """Whether the fact `sent` (the fields and flags a ruleset tests) meets the requirement of
    some check of the ruleset (_gate): when it meets none, no check can fire."""
    keys = sent.keys()
    for flag_atoms, scalar_atoms in gate:
        for atom in flag_atoms:
            if keys.isdisjoint(atom):
                break
        else:
            for field, values in scalar_atoms:
                if sent[field] not in values:
                    break
            else:
                return True
    return False


def _plain(value):
    """A firing's value of its own: a list (or tuple) copied as a list, lists in it too."""
    if isinstance(value, (list, tuple)):
        return [_plain(v) if isinstance(v, (list, tuple)) else v for v in value]
    return value


def _may_hold_list(name: str) -> bool:
    """Whether a fact field may hold a list (its values are copied into each firing): the list
    fields, and any field whose type is not registered."""
    known = fact_fields.field(name)
    return known is None or known.type == "list"
