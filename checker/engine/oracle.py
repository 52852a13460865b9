"""The test oracle: the same checks evaluated in plain Python, without durable-rules."""
from __future__ import annotations

from checker.engine.conditions import evaluate, fields
from checker.engine.engine import Engine, Firing


def oracle_firings(engine: Engine, fact: dict) -> list[Firing]:
    return [
        Firing(check.rule_id, check.name, {n: fact[n] for n in fields(check.condition)})
        for check in engine.checks.values()
        if evaluate(check.condition, fact)
    ]
