"""A tiny condition language: compiled to durable-rules JSON, or evaluated in plain Python.

Rules are turned into these conditions once (checker.engine.checks). The engine posts
facts to durable-rules; the plain-Python evaluator is the test oracle that checks the
engine fires exactly what the same conditions say it should.
"""
from __future__ import annotations

import operator
from dataclasses import dataclass
from typing import Union

_OPS = {"==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}
_DURABLE = {"!=": "$neq", "<": "$lt", "<=": "$lte", ">": "$gt", ">=": "$gte"}


@dataclass(frozen=True)
class Cmp:
    field: str
    op: str
    value: Union[str, int, float, bool]

    def __post_init__(self):
        if self.op not in _OPS:
            raise ValueError(f"unknown operator {self.op!r}")


@dataclass(frozen=True)
class AnyOf:
    """The list-valued field contains at least one of the values."""

    field: str
    values: tuple


@dataclass(frozen=True)
class All:
    parts: tuple


@dataclass(frozen=True)
class Either:
    parts: tuple


Cond = Union[Cmp, AnyOf, All, Either]


def all_of(*parts: Cond) -> Cond:
    flat: list[Cond] = []
    for p in parts:
        flat.extend(p.parts if isinstance(p, All) else (p,))
    return flat[0] if len(flat) == 1 else All(tuple(flat))


def either(*parts: Cond) -> Cond:
    return parts[0] if len(parts) == 1 else Either(tuple(parts))


def evaluate(cond: Cond, fact: dict) -> bool:
    """The oracle: plain-Python meaning of a condition."""
    if isinstance(cond, Cmp):
        return _OPS[cond.op](fact[cond.field], cond.value)
    if isinstance(cond, AnyOf):
        return any(v in fact[cond.field] for v in cond.values)
    if isinstance(cond, All):
        return all(evaluate(p, fact) for p in cond.parts)
    return any(evaluate(p, fact) for p in cond.parts)


def to_durable(cond: Cond) -> dict:
    """The same condition as a durable-rules expression on the fact `m`."""
    if isinstance(cond, Cmp):
        if cond.op == "==":
            return {cond.field: cond.value}
        return {_DURABLE[cond.op]: {cond.field: cond.value}}
    if isinstance(cond, AnyOf):
        # One flag per value (see flag), joined by "$or". durable-rules 2.0.28 never shares a
        # "$iany" test between rules, so a test per value per rule grew big networks, slow to
        # build and deep to walk (checker.engine.alpha); a flag is an equality test, shared by
        # every rule that tests it after the same tests. ("$iany" over an "$or" is worse: its
        # node is left half initialised and may refuse the whole ruleset, error code 102.)
        tests = [{flag(cond.field, v): True} for v in cond.values]
        return tests[0] if len(tests) == 1 else {"$or": tests}
    key = "$and" if isinstance(cond, All) else "$or"
    return {key: [to_durable(p) for p in cond.parts]}


def flag(field: str, value) -> str:
    """The field of the fact sent to durable-rules that is true when the list `field` holds
    `value` (JSON types apart, as durable-rules compares: the string "true" is not true)."""
    if isinstance(value, bool):
        return f"{field}$b${'true' if value else 'false'}"
    if isinstance(value, str):
        return f"{field}$s${value}"
    raise ValueError(f"a list test of {field} names {value!r}: only strings and booleans are supported")


def list_values(conds) -> dict[str, frozenset]:
    """Every value the conditions look for in each list field (the flags they test)."""
    found: dict[str, set] = {}

    def walk(cond):
        if isinstance(cond, AnyOf):
            found.setdefault(cond.field, set()).update(cond.values)
        elif isinstance(cond, (All, Either)):
            for part in cond.parts:
                walk(part)

    for cond in conds:
        walk(cond)
    # keyed by type too: True == 1 and hash alike, but a list holding 1 does not hold true
    return {name: frozenset((type(v), v) for v in values) for name, values in found.items()}


def flags(fact: dict, lists: dict[str, frozenset]) -> dict[str, bool]:
    """The flags of `fact`'s list fields, for the values `lists` (list_values) looks for."""
    out = {}
    for name, wanted in lists.items():
        for v in fact[name]:
            if (type(v), v) in wanted:
                out[flag(name, v)] = True
    return out


def alternatives(cond: Cond) -> int:
    """How many alternatives durable-rules expands the compiled condition into (its "$or"s
    multiplied out; an AnyOf is one flag test per value)."""
    if isinstance(cond, Cmp):
        return 1
    if isinstance(cond, AnyOf):
        return len(cond.values)
    counts = [alternatives(p) for p in cond.parts]
    if isinstance(cond, Either):
        return sum(counts)
    product = 1
    for n in counts:
        product *= n
    return product


def scalar_fields(cond: Cond) -> set[str]:
    """The fact fields a condition compares whole (not as lists: those travel as flags)."""
    if isinstance(cond, Cmp):
        return {cond.field}
    if isinstance(cond, AnyOf):
        return set()
    return set().union(*(scalar_fields(p) for p in cond.parts))


def fields(cond: Cond) -> list[str]:
    """The fact fields a condition compares, in first-use order (recorded with each firing)."""
    if isinstance(cond, (Cmp, AnyOf)):
        return [cond.field]
    out: list[str] = []
    for p in cond.parts:
        out.extend(f for f in fields(p) if f not in out)
    return out


def without_field(cond: Cond, name: str) -> Cond:
    """The condition with every test that only concerns `name` removed (always true).

    The engine keeps one ruleset per family, so the family test is known to hold there;
    leaving it out keeps durable-rules' expansion of alternatives small (it refuses
    rulesets whose expanded alternatives grow past an internal limit, error 107).
    """
    if isinstance(cond, (Cmp, AnyOf)):
        return None if cond.field == name else cond
    if isinstance(cond, Either) and all(fields(p) == [name] for p in cond.parts):
        return None
    parts = [q for q in (without_field(p, name) for p in cond.parts) if q is not None]
    if not parts:
        return None
    return all_of(*parts) if isinstance(cond, All) else either(*parts)
