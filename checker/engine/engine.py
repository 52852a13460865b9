"""Evaluate an item's fact against the rule base with durable-rules.

The YAML rules are compiled once into one durable-rules ruleset per treatment family
(every check of every rule is a durable rule). Each evaluation asserts the item's fact
in a session of its own and deletes the session afterwards, so nothing leaks between
items: durable-rules de-duplicates facts by content within a session, and keeps its
rulesets in a process-wide registry (hence unique ruleset names per Engine).

durable-rules keeps no trace of which rules fired and swallows exceptions raised in
actions (it stores them in the session state). Our actions record each firing with the
values its condition compared, and a stored exception is raised as EngineError.
"""
from __future__ import annotations

import itertools
import os
from dataclasses import dataclass, field

from durable import engine as durable

from checker.engine.checks import Check, checks_for
from checker.engine.conditions import fields, to_durable, without_field
from checker.kb.load import KnowledgeBase
from checker.vocab import Family


class EngineError(RuntimeError):
    """durable-rules failed or an action raised: a bug, never a user error."""


@dataclass(frozen=True)
class Firing:
    rule_id: str
    check: str
    values: dict = field(hash=False, compare=True)


# durable-rules 2.0.28 leaves a new session's action context (context.messages and
# context.stateFact in createStateNode, state.c) uninitialised and frees it in
# deleteStateNode: deleting a session in which no action ran frees garbage and crashes
# the process now and then (valgrind: "Invalid free" in deleteStateNode). Running one
# action sets and clears that context, so every ruleset gets a rule that matches every
# item fact and does nothing; it also means an asserted fact is always handled. It tests
# "family", which only item facts carry: durable-rules re-matches the session's own state
# fact (sid, id) after each action, and a guard matching that would fire forever.
SENTINEL = "imr$session_guard"


def _no_op(c):
    pass


class _QuietHost(durable.Host):
    # The stock Host starts timer threads that dispatch queued actions in the background.
    # We only assert facts synchronously, so those threads could only race with us.
    def _run(self):
        pass


_ruleset_numbers = itertools.count(1)
_session_numbers = itertools.count(1)


class Engine:
    """Compiled rule base. Not thread-safe: use one Engine per thread or process."""

    def __init__(self, kb: KnowledgeBase):
        self.kb = kb
        self.checks: dict[str, Check] = {}
        self._host = _QuietHost()
        self._rulesets: dict[str, str] = {}
        self._recording: dict[str, dict[str, Firing]] = {}
        definitions = {}
        prefix = f"imr{os.getpid()}_{next(_ruleset_numbers)}"
        for family in Family:
            rules = {}
            for rule in kb.rules:
                if family not in rule.family:
                    continue
                for check in checks_for(rule):
                    self.checks[check.key] = check
                    condition = without_field(check.condition, "family")
                    rules[check.key] = {"all": [{"m": to_durable(condition)}], "run": self._action(check)}
            if rules:
                rules[SENTINEL] = {"all": [{"m": {"$ex": {"family": 1}}}], "run": _no_op}
                name = f"{prefix}_{family.value}"
                self._rulesets[family.value] = name
                definitions[name] = rules
        self._host.set_rulesets(definitions)
        self._order = {key: i for i, key in enumerate(self.checks)}

    def _action(self, check: Check):
        names = fields(check.condition)

        def record(c):
            fact = c.m
            # durable-rules expands an "$or" into one alternative per branch, and a fact that
            # satisfies two branches fires the same rule twice: keep the first firing only.
            firings = self._recording[fact["sid"]]
            if check.key not in firings:
                firings[check.key] = Firing(check.rule_id, check.name, {n: _plain(fact[n]) for n in names})

        return record

    def families(self) -> list[str]:
        return sorted(self._rulesets)

    def evaluate(self, fact: dict) -> list[Firing]:
        """Every check the fact fires, in rule-base order."""
        ruleset = self._rulesets.get(fact["family"])
        if ruleset is None:
            return []
        sid = f"{os.getpid()}-{next(_session_numbers)}"
        self._recording[sid] = firings = {}
        try:
            try:
                state = self._host.assert_fact(ruleset, {**fact, "sid": sid})
            except durable.MessageNotHandledException:  # impossible with the session guard
                raise EngineError(f"durable-rules did not handle a fact in {ruleset}") from None
            if state and state.get("exception"):
                raise EngineError(f"a rule action failed: {state['exception'][:300]}")
        finally:
            del self._recording[sid]
            self._host.delete_state(ruleset, sid)  # the guard rule ran, so the session exists
        return [firings[key] for key in sorted(firings, key=self._order.__getitem__)]


def _plain(value):
    """durable-rules hands back its own list type; keep JSON-friendly Python values."""
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value
