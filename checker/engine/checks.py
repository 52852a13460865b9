"""Turn each YAML rule into its checks: mutually exclusive outcomes over the item's fact.

A rule applies to a fact when its applicability condition holds (family, dates in force,
conditions, regions, surgery and its period ...). Each kind then splits the applicable
case into checks; exactly one check of an applicable rule fires (a prerequisite's met /
not met / not stated, a course's within / exceeds ...). The effect of a check says what
it does to the decision:

  ok      nothing
  advise  nothing, but documentation is missing
  limit   at most `limit` minus the visits already counted (`counted`) are certifiable
  block   nothing is certifiable
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Callable, Literal, Optional

from checker.engine import fact_fields
from checker.engine.conditions import AnyOf, Cmp, Cond, all_of, either
from checker.kb.schema import Rule

Effect = Literal["ok", "advise", "limit", "block"]
DAYS_PER_MONTH = 30.4375


@dataclass(frozen=True)
class Check:
    rule_id: str
    name: str  # e.g. "exceeds"
    condition: Cond  # applicability AND the check's own condition
    effect: Effect
    limit: Optional[int] = None  # the guideline number a "limit" effect counts against
    counted: Optional[str] = "before"  # the fact field holding what already counts against `limit`
    criterion: Optional[str] = None  # criteria rules: the criterion this check tests

    @cached_property  # asked for every check whenever a family is compiled
    def key(self) -> str:
        return f"{self.rule_id}#{self.name}"


def applicability(rule: Rule) -> Cond:
    a = rule.applies_to
    parts: list[Cond] = [
        either(*(Cmp("family", "==", f.value) for f in rule.family)),
        Cmp("day", ">=", rule.effective.start.toordinal()),
    ]
    if rule.effective.end:
        parts.append(Cmp("day", "<=", rule.effective.end.toordinal()))
    if a.conditions:
        parts.append(AnyOf("conditions", tuple(a.conditions)))
    if a.regions:
        parts.append(AnyOf("regions", tuple(r.value for r in a.regions)))
    if a.surgeries:
        period = int(rule.parameters.period_months * DAYS_PER_MONTH)
        parts += [
            AnyOf("surgeries", tuple(a.surgeries)),
            Cmp("days_since_surgery", ">=", 0),
            Cmp("days_since_surgery", "<=", period),
        ]
    if a.recurrence is not None:
        parts.append(Cmp("recurrence", "==", a.recurrence))
    if a.maintenance is not None:
        parts.append(Cmp("maintenance", "==", a.maintenance))
    if a.with_prior is not None:
        parts.append(Cmp("has_prior", "==", a.with_prior))
    if a.postoperative is not None:
        parts.append(Cmp("postoperative", "==", a.postoperative))
    if a.phase:
        parts.append(either(*(Cmp("phase", "==", p) for p in a.phase)))
    if a.surgery_status:  # a service of a surgery; linked_surgery names it in the rule's values
        parts += [either(*(Cmp("surgery_status", "==", v) for v in a.surgery_status)),
                  Cmp("linked_surgery", "!=", "")]
    for name, values in a.item.items():  # item attributes travel as lists: item_<name>
        parts.append(AnyOf(item_field(name), tuple(values)))
    for name, values in a.facts.items():  # one of these values of a (scalar) fact field
        parts.append(either(*(Cmp(name, "==", _fact_value(name, v)) for v in values)))
    return all_of(*parts)


def _fact_value(name: str, value):
    """YAML reads a bare yes/no as true/false: for a yes/no (tri) fact it means "yes"/"no"."""
    known = fact_fields.field(name)
    if known is not None and known.type == "tri" and isinstance(value, bool):
        return "yes" if value else "no"
    return value


def item_field(name: str) -> str:
    """The fact field of an item attribute (checker.kinds): always a list of plain values."""
    return f"item_{name}"


def _quantity_checks(rule: Rule, base: Cond, ceiling: int) -> list[Check]:
    """unspecified / within / exceeds against one visit ceiling (course)."""
    qs = Cmp("quantity_specified", "==", True)
    return [
        Check(rule.id, "unspecified", all_of(base, Cmp("quantity_specified", "==", False)), "limit", ceiling),
        Check(rule.id, "within", all_of(base, qs, Cmp("total", "<=", ceiling)), "ok"),
        Check(rule.id, "exceeds", all_of(base, qs, Cmp("total", ">", ceiling)), "limit", ceiling),
    ]


def _course(rule: Rule, base: Cond) -> list[Check]:
    return _quantity_checks(rule, base, int(rule.parameters.visits.max))


def _fallback(rule: Rule, base: Cond) -> list[Check]:
    return _quantity_checks(rule, base, int(rule.parameters.visits.max))


def _criteria(rule: Rule, base: Cond) -> list[Check]:
    """Three exclusive checks per criterion: met, not met, not documented (the fact unknown).

    How the criteria combine (`require`) is decided from the firings (checker.decide), so each
    criterion's own outcome is recorded and reported."""
    out: list[Check] = []
    for c in rule.criteria:
        kind = fact_fields.field(c.fact)
        if c.is_ is not None:
            if kind is not None and kind.type == "bool":
                want = c.is_ == "yes"
                met, not_met, unknown = Cmp(c.fact, "==", want), Cmp(c.fact, "==", not want), None
            else:
                other = "no" if c.is_ == "yes" else "yes"
                met, not_met = Cmp(c.fact, "==", c.is_), Cmp(c.fact, "==", other)
                unknown = all_of(Cmp(c.fact, "!=", "yes"), Cmp(c.fact, "!=", "no"))
        else:
            known = Cmp(c.fact, ">=", 0)
            inside = [known] + ([Cmp(c.fact, ">=", c.at_least)] if c.at_least is not None else []) \
                + ([Cmp(c.fact, "<=", c.at_most)] if c.at_most is not None else [])
            outside = [Cmp(c.fact, "<", c.at_least)] if c.at_least is not None else []
            outside += [Cmp(c.fact, ">", c.at_most)] if c.at_most is not None else []
            met = all_of(*inside)
            not_met = all_of(known, either(*outside))
            unknown = Cmp(c.fact, "<", 0)
        out.append(Check(rule.id, f"{c.id}.met", all_of(base, met), "ok", criterion=c.id))
        out.append(Check(rule.id, f"{c.id}.not_met", all_of(base, not_met), "block", criterion=c.id))
        if unknown is not None:
            out.append(Check(rule.id, f"{c.id}.not_documented", all_of(base, unknown), "advise", criterion=c.id))
    return out


def _trial(rule: Rule, base: Cond) -> list[Check]:
    t = rule.parameters.trial_visits
    qs = Cmp("quantity_specified", "==", True)
    beyond = all_of(base, qs, Cmp("total", ">", t))
    return [
        Check(rule.id, "unspecified", all_of(base, Cmp("quantity_specified", "==", False)), "limit", t),
        Check(rule.id, "within", all_of(base, qs, Cmp("total", "<=", t)), "ok"),
        Check(rule.id, "beyond_without_improvement", all_of(beyond, Cmp("fi", "!=", "yes")), "limit", t),
        Check(rule.id, "beyond_with_improvement", all_of(beyond, Cmp("fi", "==", "yes")), "ok"),
    ]


def _continuation(rule: Rule, base: Cond) -> list[Check]:
    prior = all_of(base, Cmp("has_prior", "==", True))
    known = Cmp("prior_known", "==", True)
    return [
        Check(rule.id, "count_unknown", all_of(prior, Cmp("prior_known", "==", False)), "block"),
        Check(rule.id, "without_improvement", all_of(prior, known, Cmp("fi", "!=", "yes")), "block"),
        Check(rule.id, "with_improvement", all_of(prior, known, Cmp("fi", "==", "yes")), "ok"),
    ]


def _cap(rule: Rule, base: Cond) -> list[Check]:
    c = rule.parameters.cap_visits
    return [
        Check(rule.id, "within", all_of(base, Cmp("cap_total", "<=", c)), "ok"),
        Check(rule.id, "exceeds", all_of(base, Cmp("cap_total", ">", c)), "limit", c, counted="cap_before"),
    ]


def _not_recommended(rule: Rule, base: Cond) -> list[Check]:
    return [Check(rule.id, "applies", base, "block")]


def _advice(rule: Rule, base: Cond) -> list[Check]:
    return [Check(rule.id, "applies", base, "advise")]


def _prerequisite(rule: Rule, base: Cond) -> list[Check]:
    names = rule.prerequisite.any_of
    met = either(*(Cmp(n, "==", "yes") for n in names))
    not_met = all_of(*(Cmp(n, "==", "no") for n in names))
    unstated = all_of(*(Cmp(n, "!=", "yes") for n in names), either(*(Cmp(n, "!=", "no") for n in names)))
    return [
        Check(rule.id, "met", all_of(base, met), "ok"),
        Check(rule.id, "not_met", all_of(base, not_met), "block"),
        Check(rule.id, "not_stated", all_of(base, unstated),
              "block" if rule.prerequisite.when_not_stated == "block" else "advise"),
    ]


def _postsurgical(rule: Rule, base: Cond) -> list[Check]:
    general = int(rule.parameters.visits.max)
    initial = rule.initial_visits()
    qs = Cmp("quantity_specified", "==", True)
    beyond = all_of(base, qs, Cmp("total", ">", initial))
    improved = Cmp("fi", "==", "yes")
    return [
        Check(rule.id, "unspecified", all_of(base, Cmp("quantity_specified", "==", False)), "limit", initial),
        Check(rule.id, "within_initial", all_of(base, qs, Cmp("total", "<=", initial)), "ok"),
        Check(rule.id, "beyond_initial_without_improvement", all_of(beyond, Cmp("fi", "!=", "yes")), "limit", initial),
        Check(rule.id, "within_general", all_of(beyond, improved, Cmp("total", "<=", general)), "ok"),
        Check(rule.id, "beyond_general", all_of(beyond, improved, Cmp("total", ">", general)), "limit", general),
    ]


def _device_trial(rule: Rule, base: Cond) -> list[Check]:
    days = rule.parameters.rental_days
    purchase = all_of(base, Cmp("mode", "==", "purchase"))
    rental = all_of(base, Cmp("mode", "==", "rental"))
    trialled = all_of(Cmp("has_prior", "==", True), Cmp("fi", "==", "yes"))
    return [
        Check(rule.id, "unspecified", all_of(base, Cmp("mode", "==", "unspecified")), "block"),
        Check(rule.id, "purchase_after_trial", all_of(purchase, trialled), "ok"),
        Check(rule.id, "purchase_without_trial",
              all_of(purchase, either(Cmp("has_prior", "==", False), Cmp("fi", "!=", "yes"))), "block"),
        Check(rule.id, "rental_duration_unstated", all_of(rental, Cmp("duration_days", "<", 0)), "advise"),
        Check(rule.id, "rental_within", all_of(rental, Cmp("duration_days", ">=", 0), Cmp("duration_days", "<=", days)), "ok"),
        Check(rule.id, "rental_exceeds", all_of(rental, Cmp("duration_days", ">", days)), "limit", days, counted=None),
    ]


_KINDS: dict[str, Callable[[Rule, Cond], list[Check]]] = {
    "course": _course,
    "trial": _trial,
    "continuation": _continuation,
    "cap": _cap,
    "not_recommended": _not_recommended,
    "advice": _advice,
    "prerequisite": _prerequisite,
    "postsurgical": _postsurgical,
    "device_trial": _device_trial,
    "fallback": _fallback,
    "criteria": _criteria,
}


def checks_for(rule: Rule) -> list[Check]:
    return _KINDS[rule.kind](rule, applicability(rule))
