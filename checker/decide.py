"""From the checks an item fired to a decision, a certifiable quantity and cited reasons.

Precedence, as reviewers apply the guidelines (8 CCR 9792.21.1; FACTS.md section 10):
  1. A decision needs a primary rule: one that by itself addresses the treatment for the
     item's condition or region. Without one the item is `not-covered`; we never guess.
  2. Within the postsurgical physical medicine period the Postsurgical Treatment
     Guidelines replace the nonsurgical courses and trials, and the Labor Code cap does
     not apply (Labor Code 4604.5(c)(1) exception).
  3. MTUS primary rules supersede ODG primary rules; ODG speaks only where the MTUS is
     silent (8 CCR 9792.21.1(a)(2)). A fallback line (the general course reviewers use
     when no line names the condition) speaks only where no other primary rule does.
     General rules (trial size, continuation, cap, prerequisites) always apply.
  4. Among rules of one kind that set the course (course, trial, postsurgical, fallback),
     the most generous applicable line governs: the request is judged on the diagnosis
     that best supports it. Every other rule is a constraint of its own; a criteria rule
     blocks unless its criteria are met (an undocumented criterion is not met, and the
     documentation that would show it is listed).
  5. The certifiable quantity is the smallest any active rule allows; the item is
     certified when that covers the whole requested quantity and no active rule blocks it.
  6. How sure: high when the deciding rules are MTUS (tier 1) and confirmed against a real
     letter, medium when tier 1 but unconfirmed or tier 2 (ODG) and confirmed, low when
     they rest on unconfirmed ODG numbers or on a fallback.
"""
from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from operator import itemgetter
from dataclasses import dataclass
from typing import Callable, Literal, Optional

from pydantic import BaseModel, ConfigDict

from checker.engine.checks import Check
from checker.engine.engine import Firing
from checker.kb.load import KnowledgeBase
from checker.kinds.base import ServiceKind
from checker.kinds.registry import kind_of
from checker.kb.schema import TIER_OF_SOURCE, AllOf, Rule, resolve_param
from checker.normalize.item import NormalizedItem
from checker.unvalidated import adopt as _adopt
from checker.unvalidated import build as _build
from checker.vocab import Decision, Family

SETS_COURSE = ("course", "trial", "postsurgical", "fallback")  # ordered: reports list deciding rules in this order
NONSURGICAL_ONLY = {"course", "trial", "cap", "fallback"}


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Citation(Model):
    model_config = ConfigDict(extra="forbid", frozen=True)  # one instance is shared by the findings of a rule

    source: str
    section: str
    pages: str


class CriterionResult(Model):
    """One criterion of a criteria rule, as the item's facts meet it."""

    id: str
    label: str
    status: Literal["met", "not_met", "not_documented"]
    counted_as: Literal["met", "not_met", "not_documented"]  # after the criterion's if_unknown
    fact: str
    value: object
    citation: Citation
    missing: Optional[str] = None


class Finding(Model):
    rule: str
    check: str
    kind: str
    effect: Literal["ok", "advise", "limit", "block"]
    message: str
    citation: Citation
    confidence: Literal["confirmed", "unconfirmed"]
    tier: Literal[1, 2, 3]  # 1 MTUS (or statute), 2 another guideline under 9792.21.1, 3 fallback
    tier_label: str  # what the tier is for this rule: MTUS, statute, regulation, non-MTUS guideline, fallback
    values: dict
    allows: Optional[int] = None  # quantity this rule alone would certify (None: no limit)
    superseded_by: Optional[str] = None
    pack: Optional[str] = None  # the rule pack the rule came from (None: the bundled rule base)
    criteria: list[CriterionResult] = []


class Understood(Model):
    """The request as the rules read it."""

    family: Family
    visits: Optional[int]
    frequency_per_week: Optional[float]
    weeks: Optional[float]
    regions: list[str]
    conditions: list[str]
    authorized_visits: int
    prior_visits: Optional[str]
    functional_improvement: str
    guideline_date: dt.date
    # what the guideline date is: the request's date, --as-of, or today (the request is not dated)
    date_basis: Literal["request_date", "as_of", "today"] = "request_date"
    kind: str = ""  # the kind of service (checker.vocab.Kind)
    details: list[tuple[str, str]] = []  # the kind's own lines: its item as read (checker.kinds)


class ItemResult(Model):
    item: str
    family: Family
    decision: Decision
    imr_outcome: str
    requested_quantity: Optional[int]
    quantity_unit: str  # visits, days, tablets, studies ... (the kind's unit)
    certifiable_quantity: Optional[int]
    deciding_rules: list[str]
    findings: list[Finding]
    superseded: list[Finding]
    missing_documentation: list[str]
    not_covered_reason: Optional[str] = None
    # not covered because no line of the family is in force on the guideline date (another date may be)
    outside_encoded_dates: bool = False
    confidence: Optional[Literal["high", "medium", "low"]] = None  # None: no prediction (not covered)
    confidence_reason: Optional[str] = None
    understood: Understood


def citation(rule: Rule, kb: KnowledgeBase, day: dt.date) -> Citation:
    src = kb.sources[rule.source]
    edition = src.edition_on(day) or src.editions[-1]
    name = src.title if len(src.editions) == 1 and src.tier == "statute" else f"{src.title} ({edition.label})"
    ref = f", {src.reference}" if src.reference else ""
    return Citation(source=f"{name}{ref}", section=rule.section, pages=rule.pages)


def pages_text(pages: str) -> str:
    if pages.replace("-", "").replace(",", "").replace(" ", "").isdigit():
        return f"p. {pages}" if pages.isdigit() else f"pp. {pages}"
    return pages


def _n(x) -> str:
    return str(int(x)) if isinstance(x, float) and x.is_integer() else str(x)


def _breakdown(f: dict) -> str:
    parts = []
    if f["prior_min"]:
        parts.append(f"{f['prior_min']} prior")
    if f["authorized"]:
        parts.append(f"{f['authorized']} already authorized")
    parts.append(f"{f['requested']} requested")
    return " + ".join(parts)


def _visits(f: dict) -> str:
    """The visits a course, trial or postsurgical check counted, with what they add up from."""
    return f"{f['total']} visits ({_breakdown(f)})" if (f["prior_min"] or f["authorized"]) else f"{f['requested']} visits"


def _message_maker(rule: Rule, check: Check, head: str) -> Callable[[dict], str]:
    """The finding's message for a fact: `head`, then _check_sentence. The words that do not depend
    on the fact are put together once (per plan and span of days, _templates): for the kinds most
    items fire, only the numbers are formatted per finding."""
    kind, name, start = rule.kind, check.name, f"{head}: "
    try:  # a sentence that reads nothing of the fact (prerequisite, advice, fallback ...) is made once
        message = f"{start}{_check_sentence(rule, check, _NO_FACT)}."
        return lambda f: message
    except Exception:  # it reads the fact (or fails: it will again, with the fact, as it did before)
        pass
    if kind == "course":
        end = f" {'stay within' if name == 'within' else 'exceed'} the {check.limit or int(rule.parameters.visits.max)} allowed."
        return lambda f: start + _visits(f) + end
    if kind == "trial" and name in _TRIAL_SENTENCES:
        end = _TRIAL_SENTENCES[name].format(t=rule.parameters.trial_visits) + "."
        return lambda f: start + _visits(f) + end
    if kind == "cap":
        end = f" visits count toward the {rule.parameters.cap_visits}-visit cap ({'within' if name == 'within' else 'over'} it)."
        return lambda f: f"{start}{f['cap_total']}{end}"
    return lambda f: f"{start}{_check_sentence(rule, check, f)}."


class _ReadsFact(Exception):
    pass


class _NoFact(dict):
    """A fact that raises _ReadsFact when read: _message_maker's test of a sentence."""

    def __getitem__(self, key):
        raise _ReadsFact(key)

    def get(self, key, default=None):
        raise _ReadsFact(key)


_NO_FACT = _NoFact()


_TRIAL_SENTENCES = {  # (what follows the visits, as _check_sentence says it)
    "within": " fit within the initial trial of {t}",
    "beyond_without_improvement": " go beyond the {t}-visit trial without documented objective functional improvement",
    "beyond_with_improvement": " go beyond the {t}-visit trial, with objective functional improvement documented",
}


def _check_sentence(rule: Rule, check: Check, fact: dict) -> str:
    """What the comparison found, in words, from the compared values."""
    kind, name, f = rule.kind, check.name, fact
    if name == "unspecified":
        return "the request does not state a quantity" + (f"; at most {check.limit} would fit" if check.limit else "")
    if kind in ("course", "trial", "postsurgical"):  # the kinds that count visits
        total = _visits(f)
    if kind == "course":
        return f"{total} {'stay within' if name == 'within' else 'exceed'} the {check.limit or int(rule.parameters.visits.max)} allowed"
    # (each kind's sentences by if, not a dict of them all: only the one needed is formatted)
    if kind == "trial":
        t = rule.parameters.trial_visits
        if name == "within":
            return f"{total} fit within the initial trial of {t}"
        if name == "beyond_without_improvement":
            return f"{total} go beyond the {t}-visit trial without documented objective functional improvement"
        if name == "beyond_with_improvement":
            return f"{total} go beyond the {t}-visit trial, with objective functional improvement documented"
        raise KeyError(name)
    if kind == "continuation":
        fam = f["family"].replace("_", " ")
        if name == "count_unknown":
            return f"prior {fam} is documented, but not how many visits, nor enough to judge its effect"
        prior = f"{f['prior_min']} prior" if f["prior_known"] else "prior"
        if name == "without_improvement":
            return f"{prior} {fam} visits without documented objective functional improvement"
        if name == "with_improvement":
            return f"{prior} {fam} visits with documented objective functional improvement"
        raise KeyError(name)
    if kind == "cap":
        return f"{f['cap_total']} visits count toward the {rule.parameters.cap_visits}-visit cap ({'within' if name == 'within' else 'over'} it)"
    if kind == "not_recommended":
        where = ", ".join(f["regions"]) or "this condition"
        return f"the request is for {where}" if not rule.applies_to.maintenance else "the request is for maintenance care"
    if kind in ("prerequisite",):
        names = " or ".join(n.replace("_", " ") for n in rule.prerequisite.any_of)
        return {"met": "documented: ", "not_met": "the record says no: ", "not_stated": "not documented: "}[name] + names
    if kind == "advice":
        return "documentation asked for"
    if kind == "postsurgical":
        head = f"{f['days_since_surgery']} days after surgery, {total}"
        if name == "within_initial":
            return f"{head} fit the initial course of {rule.initial_visits()}"
        if name == "beyond_initial_without_improvement":
            return f"{head} go beyond the initial course of {rule.initial_visits()} without documented functional improvement"
        general = int(rule.parameters.visits.max)
        if name == "within_general":
            return f"{head} fit the general course of {general}, with functional improvement documented"
        if name == "beyond_general":
            return f"{head} exceed the general course of {general}"
        raise KeyError(name)
    if kind == "device_trial":
        if name == "purchase_after_trial":
            return "purchase after a documented trial with functional benefit"
        if name == "purchase_without_trial":
            return "purchase without a documented one-month trial showing functional benefit"
        if name == "rental_duration_unstated":
            return "rental, length not stated"
        if name == "rental_within":
            return f"rental for {f['duration_days']} days, within the one-month trial"
        if name == "rental_exceeds":
            return f"rental for {f['duration_days']} days, longer than the {check.limit}-day trial"
        raise KeyError(name)
    return name.replace("_", " ")


def _allows(check: Check, fact: dict) -> Optional[int]:
    if check.effect == "block":
        return 0
    if check.effect == "limit":
        counted = fact[check.counted] if check.counted else 0
        return max(0, check.limit - counted)
    return None


@dataclass(frozen=True)
class _RuleParts:
    """What every finding of a rule shares under one edition of its source: made once (_parts)."""

    citation: Citation
    head: str  # the start of its message: "source, section (pages) rationale"
    tier: int
    tier_label: str
    pack: Optional[str]
    criterion_citations: dict[str, Citation]  # criteria rules: each criterion's own citation


_PARTS: dict[tuple[int, str, str], tuple[KnowledgeBase, Rule, _RuleParts]] = {}


def _parts(rule: Rule, kb: KnowledgeBase, day: dt.date) -> _RuleParts:
    """A rule's citation, message head, tier and criteria citations on `day`.

    They depend only on the rule and the edition in force, so they are made once per edition.
    """
    src = kb.sources[rule.source]
    edition = src.edition_on(day) or src.editions[-1]
    key = (id(kb), rule.id, edition.label)
    hit = _PARTS.get(key)
    if hit is not None and hit[0] is kb and hit[1] is rule:
        return hit[2]
    cite = citation(rule, kb, day)
    parts = _RuleParts(
        citation=cite,
        head=f"{cite.source}, {cite.section} ({pages_text(cite.pages)}) {rule.rationale.format_map(_TemplateParams(rule))}",
        tier=rule_tier(rule, kb), tier_label=_tier_label(rule, kb), pack=kb.rule_packs.get(rule.id),
        criterion_citations={c.id: Citation(source=cite.source, section=c.section or cite.section,
                                            pages=c.pages or cite.pages) for c in rule.criteria},
    )
    if len(_PARTS) >= 4096:
        _PARTS.clear()
    _PARTS[key] = (kb, rule, parts)
    return parts


def _templates(plan: _Plan, kb: KnowledgeBase, day: dt.date, span: int) -> tuple[tuple, ...]:
    """For each rule of the plan, its outcome's template on `day` (_template) with the rule
    superseding it, if any."""
    superseded = dict(plan.superseded)
    out = []
    for i, (o, _) in enumerate(plan.fired):
        template = o.templates.get(span)
        if template is None:
            template = o.templates[span] = _template(o, kb, day)
        by = superseded.get(i)
        if by is not None:
            template = ({**template[0], "superseded_by": by},) + template[1:]  # (the key keeps its place)
        out.append(template)
    return tuple(out)


def _template(o: _Outcome, kb: KnowledgeBase, day: dt.date) -> tuple:
    """The fields of the outcome's finding that do not depend on the item's numbers on `day`
    (those of CriterionResult too, for a criteria rule): the finding's fields in declaration
    order, with None where decide fills in the item's (message unless a criteria rule's, values,
    allows unless constant, criteria); with its criteria's fields, its message maker
    (_message_maker) and, for a limit, the check's (limit, counted). They change only where an
    edition of a source or a rule's confidence does (_boundaries), so they are kept per outcome
    and span of days: an outcome recurs in many plans."""
    rule, check = o.rule, o.check
    parts = _parts(rule, kb, day)
    criteria: tuple[dict, ...] = ()
    message = maker = limit = None
    allows = _allows(check, {}) if check.effect != "limit" else None
    if check.effect == "limit":
        limit = (check.limit, check.counted)
    if not o.statuses:
        maker = _message_maker(rule, check, parts.head)
    else:  # a criteria rule: its message says only which criteria are met, allows 0 or None
        criteria = tuple(
            {"id": c.id, "label": c.label, "status": status, "counted_as": counted, "fact": c.fact, "value": None,
             "citation": parts.criterion_citations[c.id], "missing": c.missing}
            for c, (status, counted) in zip(rule.criteria, o.statuses))
        message = f"{parts.head}: {_criteria_sentence([(c['status'], c['label']) for c in criteria])}."
    return ({
        "rule": rule.id, "check": check.name, "kind": rule.kind, "effect": check.effect, "message": message,
        "citation": parts.citation, "confidence": rule.confidence.level_on(day), "tier": parts.tier,
        "tier_label": parts.tier_label, "values": None, "allows": allows, "superseded_by": None,
        "pack": parts.pack, "criteria": None,
    }, criteria, maker, limit)


def _finding(o: _Outcome, indices: tuple[int, ...], template: tuple, firings: list[Firing], fact: dict) -> Finding:
    """The finding of one rule that fired: its template (_templates) with the item's values."""
    fields, criteria, maker, limit = template
    fields = fields.copy()  # (a copy keeps the declaration order of the fields)
    if criteria:
        results = []
        values = {}
        for c, i in zip(criteria, indices):
            c = c.copy()
            c["value"] = firings[i].values.get(c["fact"])
            results.append(_adopt(CriterionResult, c))
        for i in indices:
            values.update(firings[i].values)
        fields["values"] = values
        fields["criteria"] = results
    else:
        fields["message"] = maker(fact)
        fields["values"] = firings[indices[0]].values
        if limit is not None:  # (_allows of a limit)
            fields["allows"] = max(0, limit[0] - (fact[limit[1]] if limit[1] else 0))
        fields["criteria"] = []
    return _adopt(Finding, fields)


_SOURCE_TIER_LABELS = {"mtus": "MTUS", "statute": "statute", "regulation": "regulation",
                       "odg": "non-MTUS guideline", "other": "non-MTUS guideline"}


def _tier_label(rule: Rule, kb: KnowledgeBase) -> str:
    return "fallback" if rule.kind == "fallback" else _SOURCE_TIER_LABELS[kb.sources[rule.source].tier]


def rule_tier(rule: Rule, kb: KnowledgeBase) -> int:
    """1: the MTUS (or the statute/regulation it rests on); 2: another guideline under 9792.21.1; 3: a fallback."""
    return 3 if rule.kind == "fallback" else TIER_OF_SOURCE[kb.sources[rule.source].tier]


# ------------------------------------------------------------------ criteria rules

_STATUS_WORDS = {"met": "met", "not_met": "not met", "not_documented": "not documented"}


def _combine(req, status: dict[str, str]) -> str:
    """Three-valued (Kleene) all/any over the criteria's outcomes."""
    if isinstance(req, str):
        return status[req]
    if isinstance(req, AllOf):
        return _all_of({_combine(p, status) for p in req.all})
    return _any_of({_combine(p, status) for p in req.any})


def _all_of(parts: set[str]) -> str:
    """An `all` over its parts' outcomes (the set of them)."""
    return "not_met" if "not_met" in parts else "met" if parts <= _MET else "not_documented"


def _any_of(parts: set[str]) -> str:
    """An `any` over its parts' outcomes (the set of them)."""
    return "met" if "met" in parts else "not_met" if parts <= _NOT_MET else "not_documented"


_MET, _NOT_MET = frozenset({"met"}), frozenset({"not_met"})
_NONE: frozenset[str] = frozenset()


def _requirement(rule: Rule):
    return rule.require if rule.require is not None else AllOf(all=[c.id for c in rule.criteria])


def _wanted(req, status: dict[str, str]) -> frozenset[str]:
    """The undocumented criteria whose documentation could still meet `req`: none when it is met
    already, or can no longer be (an `all` with a part not met); else those of its parts."""
    return _walk(req, status)[1]


def _walk(req, status: dict[str, str]) -> tuple[str, frozenset[str]]:
    """`req`'s outcome (_combine) and its wanted criteria (_wanted), each node combined once."""
    if isinstance(req, str):
        s = status[req]
        return s, (frozenset((req,)) if s == "not_documented" else _NONE)
    walked = [_walk(p, status) for p in (req.all if isinstance(req, AllOf) else req.any)]
    s = (_all_of if isinstance(req, AllOf) else _any_of)({s for s, _ in walked})
    return s, (_NONE if s != "not_documented" else _NONE.union(*(w for _, w in walked)))


def _criteria_outcome(rule: Rule, checks: list[Check]) -> tuple[Check, tuple[int, ...], tuple[tuple[str, str], ...]]:
    """A criteria rule's outcome from its criteria's checks, as one check of the rule; with, per
    criterion, the position of its check and its (status, counted as)."""
    by_criterion = {check.criterion: (check, p) for p, check in enumerate(checks)}
    statuses, counted, order = [], {}, []
    for c in rule.criteria:
        if c.id not in by_criterion:  # every criterion of an applicable rule fires exactly one check
            raise AssertionError(f"rule {rule.id}: criterion {c.id} fired no check")
        check, p = by_criterion[c.id]
        status = check.name.rsplit(".", 1)[1]
        counted[c.id] = c.if_unknown if status == "not_documented" else status
        statuses.append((status, counted[c.id]))
        order.append(p)
    outcome = _combine(_requirement(rule), counted)
    # Not compiled: the rule's outcome is combined here from the compiled checks of its criteria.
    check = Check(rule.id, outcome, condition=None, effect="ok" if outcome == "met" else "block")
    return check, tuple(order), tuple(statuses)


def _criteria_sentence(results: list[tuple[str, str]]) -> str:
    """The criteria's (status, label) pairs, grouped by status."""
    groups: dict[str, list[str]] = {}
    for status, label in results:
        groups.setdefault(status, []).append(label)
    return "; ".join(f"{_STATUS_WORDS[s]}: {', '.join(groups[s])}" for s in ("met", "not_met", "not_documented")
                     if s in groups)


class _TemplateParams(dict):
    def __init__(self, rule: Rule):
        super().__init__()
        self.rule = rule

    def __missing__(self, key: str) -> str:
        value = resolve_param(self.rule.parameters, key)
        return _n(value) if not hasattr(value, "max") else str(value)


def _understood(item: NormalizedItem, fact: dict, day: dt.date, prior: Optional[str],
                kind: Optional[ServiceKind] = None, date_basis: Optional[str] = None) -> Understood:
    """The request as the rules read it; `date_basis` None leaves the field unset (its default)."""
    kind = kind or kind_of(item.family)
    fields = {
        "family": item.family, "visits": item.visits, "frequency_per_week": item.frequency_per_week,
        "weeks": item.weeks, "regions": list(fact.get("regions", ())), "conditions": list(fact.get("conditions", ())),
        "authorized_visits": item.authorized_visits, "prior_visits": prior,
        "functional_improvement": fact.get("fi", "not_stated"), "guideline_date": day, "date_basis": date_basis,
        "kind": kind.kind._value_,  # Enum.value is a slow property
        "details": kind.understood(item) + kind.understood_facts(fact),
    }
    if date_basis is None:
        del fields["date_basis"]
        return _build(Understood, **fields)
    return _adopt(Understood, fields)


def not_covered(item: NormalizedItem, fact: dict, day: dt.date, reason: str, prior: Optional[str],
                outside_encoded_dates: bool = False, date_basis: Optional[str] = None) -> ItemResult:
    requested, unit, _ = kind_of(item.family).quantity(item)
    return _build(
        ItemResult, item=item.text, family=item.family, decision=Decision.not_covered,
        imr_outcome=Decision.not_covered.imr_outcome, requested_quantity=requested, quantity_unit=unit,
        certifiable_quantity=None, deciding_rules=[], findings=[], superseded=[],
        missing_documentation=[], not_covered_reason=reason, outside_encoded_dates=outside_encoded_dates,
        understood=_understood(item, fact, day, prior, date_basis=date_basis),
    )


@dataclass(slots=True)  # not frozen: a frozen dataclass is 3x slower to make (never changed once made)
class _Outcome:
    """What a rule's fired checks say whatever the item's numbers: made once per rule and checks (_outcome)."""

    rule: Rule
    check: Check
    order: tuple[int, ...]  # for each criterion (one check otherwise), the position of its check among the rule's
    statuses: tuple[tuple[str, str], ...]  # criteria rules: (status, counted as) per criterion
    notes: tuple[str, ...]  # the documentation it asks for (when active)
    source_tier: int  # its source's tier (precedence 3: the MTUS before ODG)
    templates: dict  # span of days (decide) -> its finding's template (_template)


_OUTCOMES: dict[tuple, tuple[dict, KnowledgeBase, _Outcome]] = {}


def _outcome(keys: tuple[str, ...], checks: dict[str, Check], kb: KnowledgeBase) -> _Outcome:
    """The outcome of one rule's fired checks (their keys, in firing order), memoized per engine and
    rule base: a rule has few combinations of checks, where an item's rules have many."""
    hit = _OUTCOMES.get((id(checks), keys))
    if hit is not None and hit[0] is checks and hit[1] is kb:
        return hit[2]
    rule_checks = [checks[k] for k in keys]
    rule = kb.rule(rule_checks[0].rule_id)
    statuses: tuple[tuple[str, str], ...] = ()
    if rule.kind == "criteria":
        check, order, statuses = _criteria_outcome(rule, rule_checks)
    elif len(rule_checks) > 1:  # checks of one rule are exclusive: two firing is an engine bug
        raise AssertionError(f"rule {rule.id} fired twice: {rule_checks[0].name} and {rule_checks[1].name}")
    else:
        check, order = rule_checks[0], (0,)
    outcome = _Outcome(rule, check, order, statuses, _notes(rule, check, statuses),
                       TIER_OF_SOURCE[kb.sources[rule.source].tier], {})
    if len(_OUTCOMES) >= 4096:
        _OUTCOMES.clear()
    _OUTCOMES[(id(checks), keys)] = (checks, kb, outcome)
    return outcome


def _notes(rule: Rule, check: Check, statuses: tuple[tuple[str, str], ...]) -> tuple[str, ...]:
    """The documentation a rule asks for when it is active."""
    notes = []
    if rule.kind == "criteria":
        if check.effect == "block":
            wanted = _wanted(_requirement(rule), {c.id: counted for c, (_, counted) in zip(rule.criteria, statuses)})
            notes += [c.missing for c in rule.criteria if c.id in wanted and c.missing]
    elif check.effect in ("advise", "block", "limit") and rule.missing and check.name not in ("unspecified", "exceeds"):
        notes.append(rule.missing)
    if check.name == "unspecified":
        notes.append("the quantity requested (number of visits, or frequency per week and number of weeks)")
    if rule.kind in ("course", "fallback") and check.name == "exceeds":
        notes.append("exceptional factors that justify visits beyond the guideline's numbers")
    if rule.kind == "cap" and check.name == "exceeds" and rule.missing:
        notes.append(rule.missing)
    return tuple(notes)


@dataclass(slots=True)  # not frozen: a frozen dataclass is 3x slower to make (never changed once made)
class _Plan:
    """How the rules that fired combine (policy 1-4 above) and the documentation they ask for.

    It depends only on which checks fired, not on the item's numbers, so it is worked out once
    per combination of fired checks (_plan): items of a family fire the same few combinations."""

    # each rule that fired, in rule-base order: its outcome, and its firings (indices into the
    # item's; a criteria rule's, one per criterion in the rule's order)
    fired: tuple[tuple[_Outcome, tuple[int, ...]], ...]
    covered: bool  # a primary rule fired
    active: tuple[int, ...]  # the rules not superseded (indices into fired)
    superseded: tuple[tuple[int, str], ...]  # (index into fired, the rule superseding it)
    course_groups: tuple[tuple[int, ...], ...]  # active rules per course-setting kind (positions in active)
    constraints: tuple[int, ...]  # active rules constraining on their own (positions in active)
    blocks: bool  # an active rule blocks
    primary: tuple[str, ...]  # the active primary rules
    missing: tuple[str, ...]  # the documentation to attach, as far as it does not depend on the numbers
    # the days (ordinals) from which an edition of a source, or a rule's confidence, changes
    # (_boundaries): between two of them the findings' citations, tiers and confidences are the same
    boundaries: tuple[int, ...]
    templates: dict  # span of days (bisect of boundaries) -> its findings' templates (_templates)


_PLANS: dict[tuple, tuple[dict, KnowledgeBase, _Plan]] = {}


def _plan(firings: list[Firing], checks: dict[str, Check], kb: KnowledgeBase) -> _Plan:
    """The plan of an item's firings (memoized per engine and rule base on the checks fired)."""
    fired = tuple(map(_RULE_AND_CHECK, firings))  # (rule, check) pairs: no key string made per firing
    hit = _PLANS.get((id(checks), fired))
    if hit is not None and hit[0] is checks and hit[1] is kb:
        return hit[2]
    plan = _make_plan(tuple([f"{rule}#{check}" for rule, check in fired]), firings, checks, kb)
    if len(_PLANS) >= 4096:
        _PLANS.clear()
    _PLANS[(id(checks), fired)] = (checks, kb, plan)
    return plan


_RULE_AND_CHECK = itemgetter(0, 1)  # a Firing's rule_id and check


def _make_plan(keys: tuple[str, ...], firings: list[Firing], checks: dict[str, Check], kb: KnowledgeBase) -> _Plan:
    hits: dict[str, list[int]] = {}
    for i, firing in enumerate(firings):
        hits.setdefault(firing.rule_id, []).append(i)
    fired = []
    for indices in hits.values():
        o = _outcome(tuple([keys[i] for i in indices]), checks, kb)
        fired.append((o, tuple([indices[p] for p in o.order])))
    rules = [o.rule for o, _ in fired]
    covered = any(r.primary for r in rules)

    superseded: dict[str, str] = {}
    postsurgical = [r.id for r in rules if r.kind == "postsurgical"]
    if postsurgical:
        for rule in rules:
            if rule.kind in NONSURGICAL_ONLY:
                superseded[rule.id] = postsurgical[0]
    specific = [r.id for r in rules if r.primary and r.kind != "fallback" and r.id not in superseded]
    if specific:  # a fallback speaks only where no other line does
        for rule in rules:
            if rule.kind == "fallback":
                superseded[rule.id] = specific[0]
    primaries = [r for r in rules if r.primary and r.id not in superseded]
    if covered:  # (an item no primary rule covers is not decided)
        tiers = [o.source_tier for o, _ in fired if o.rule.primary and o.rule.id not in superseded]
        top = min(tiers)
        leader = primaries[tiers.index(top)].id
        for rule, tier in zip(primaries, tiers):
            if tier > top:
                superseded[rule.id] = leader

    active = [i for i, r in enumerate(rules) if r.id not in superseded]
    # Most generous line per course-setting kind; every other rule constrains on its own.
    groups: dict[str, list[int]] = {}
    constraints = []
    for n, i in enumerate(active):
        if rules[i].kind in SETS_COURSE:
            groups.setdefault(rules[i].kind, []).append(n)
        else:
            constraints.append(n)
    course_groups = tuple(tuple(groups[kind]) for kind in SETS_COURSE if kind in groups)

    missing: list[str] = []
    for i in active:
        missing += [n for n in fired[i][0].notes if n not in missing]

    return _Plan(
        fired=tuple(fired), covered=covered, active=tuple(active),
        superseded=tuple((i, superseded[r.id]) for i, r in enumerate(rules) if r.id in superseded),
        course_groups=course_groups, constraints=tuple(constraints),
        blocks=any(fired[i][0].check.effect == "block" for i in active),
        primary=tuple(rules[i].id for i in active if rules[i].primary), missing=tuple(missing),
        boundaries=_boundaries(kb), templates={},
    )


_BOUNDARIES: dict[int, tuple[KnowledgeBase, tuple[int, ...]]] = {}


def _boundaries(kb: KnowledgeBase) -> tuple[int, ...]:
    """The day ordinals on which an edition of a source starts or follows the end of one, or the
    day after a rule's confidence lapses (Confidence.until): a span between two of them has one
    edition of each source in force and one confidence per rule (made once per rule base)."""
    hit = _BOUNDARIES.get(id(kb))
    if hit is None or hit[0] is not kb:
        days = set()
        for source in kb.sources.values():
            for edition in source.editions:
                days.add(edition.start.toordinal())
                if edition.end is not None:
                    days.add(edition.end.toordinal() + 1)
        for rule in kb.rules:
            if rule.confidence.until is not None:
                days.add(rule.confidence.until.toordinal() + 1)
        hit = _BOUNDARIES[id(kb)] = (kb, tuple(sorted(days)))
    return hit[1]


def decide(
    item: NormalizedItem, fact: dict, firings: list[Firing], checks: dict[str, Check],
    kb: KnowledgeBase, day: dt.date, prior: Optional[str] = None, date_basis: Optional[str] = None,
) -> ItemResult:
    """The item's result; `date_basis` (what `day` is: Dates.basis) None leaves Understood's unset."""
    plan = _plan(firings, checks, kb)
    if not plan.covered:
        reason, outside = _uncovered_reason(item, fact, kb, day)
        return not_covered(item, fact, day, reason, prior, outside, date_basis)

    # what the findings share on `day`: made once per plan and span of days its editions share
    span = bisect_right(plan.boundaries, day.toordinal())
    templates = plan.templates.get(span)
    if templates is None:
        templates = plan.templates[span] = _templates(plan, kb, day, span)
    fired = plan.fired
    findings = [_finding(*fired[i], templates[i], firings, fact) for i in plan.active]
    constraints: list[tuple[Optional[int], list[str]]] = []
    for group in plan.course_groups:
        allows = [findings[n].allows for n in group]
        best = None if None in allows else max(allows)
        constraints.append((best, [findings[n].rule for n in group if findings[n].allows == best]))
    constraints += [(findings[n].allows, [findings[n].rule]) for n in plan.constraints]
    limits = [c for c in constraints if c[0] is not None]
    certifiable = min((c[0] for c in limits), default=None)

    kind = kind_of(item.family)
    requested, unit, specified = kind.quantity(item)
    if certifiable is None:
        ok = specified
    else:  # a limit applies: it must cover everything requested
        ok = specified and requested is not None and certifiable >= requested
    ok = ok and not plan.blocks  # even for a request of 0 visits
    decision = Decision.certify if ok else Decision.non_certify
    if ok:
        deciding = list(plan.primary)
    else:
        deciding = [rid for limit, ids in limits if limit == certifiable for rid in ids]

    by_rule = {f.rule: f for f in findings}
    if len(findings) > 1:
        order = {rid: i for i, rid in enumerate(deciding)}
        findings.sort(key=lambda f: (order.get(f.rule, len(order)), f.effect == "ok"))
    superseded_findings = [_finding(*fired[i], templates[i], firings, fact) for i, _ in plan.superseded]
    if certifiable is not None and requested is not None:
        certifiable = min(certifiable, requested)
    level, why = _confidence([by_rule[r] for r in deciding], fact, kb, day)
    return _build(
        ItemResult, item=item.text, family=item.family, decision=decision, imr_outcome=_IMR_OUTCOMES[decision],
        requested_quantity=requested, quantity_unit=unit,
        certifiable_quantity=requested if ok and certifiable is None else certifiable,
        deciding_rules=deciding, findings=findings, superseded=superseded_findings,
        missing_documentation=list(plan.missing), confidence=level, confidence_reason=why,
        understood=_understood(item, fact, day, prior, kind, date_basis),
    )


_IMR_OUTCOMES = {d: d.imr_outcome for d in Decision}  # (Decision.imr_outcome makes a dict per call)


def _confidence(deciding: list[Finding], fact: dict, kb: KnowledgeBase, day: dt.date) -> tuple[str, str]:
    """How sure the decision is, and why (policy 6 at the top of this module)."""
    if not deciding:  # certified with no limit: every applicable rule was satisfied
        return "medium", "no rule limits the request; it meets every applicable line"
    fallback = [f.rule for f in deciding if f.tier == 3]
    other = [f for f in deciding if f.tier == 2]
    unconfirmed = [f.rule for f in deciding if f.confidence == "unconfirmed"]
    mtus = governing_mtus(kb, fact, day) if fallback or other else []
    silent = (f"the MTUS in force ({'; '.join(mtus)}) states no number for it in this rule base"
              if mtus else "the MTUS in force has no line for it in this rule base")
    if fallback:
        return "low", (f"rests on the fallback line {', '.join(fallback)}: no line of the rule base names the "
                       f"condition and {silent}, so the general course reviewers fall back on is used")
    if other:
        sources = sorted({f.citation.source for f in other})
        why = f"{silent}; {', '.join(sources)} used under 8 CCR 9792.21.1(a)(2)"
        if any(f.confidence == "unconfirmed" for f in other):
            return "low", why + ", with numbers not confirmed against a real letter"
        return "medium", why
    if unconfirmed:
        return "medium", f"rests on MTUS lines not yet confirmed against a real letter ({', '.join(unconfirmed)})"
    return "high", "rests on MTUS lines confirmed against real IMR letters"


_SCOPED_MTUS: dict[int, tuple[KnowledgeBase, list, dict]] = {}


def _scoped_mtus(kb: KnowledgeBase) -> tuple[list, dict]:
    """The MTUS sources scoped to body parts or chronic pain, each with its region values, and a
    memo of governing_mtus's answers; made once per rule base."""
    hit = _SCOPED_MTUS.get(id(kb))
    if hit is None or hit[0] is not kb:
        scoped = [(src, frozenset(r.value for r in src.regions)) for src in kb.sources.values()
                  if src.tier == "mtus" and src.scope in ("body_part", "chronic_pain")]
        hit = _SCOPED_MTUS[id(kb)] = (kb, scoped, {})
    return hit[1], hit[2]


def governing_mtus(kb: KnowledgeBase, fact: dict, day: dt.date) -> list[str]:
    """The MTUS guidelines in force on `day` for the item's regions (and chronic pain when chronic)."""
    scoped, memo = _scoped_mtus(kb)
    regions = frozenset(fact.get("regions", []))
    chronic = fact.get("phase") == "chronic"
    key = (regions, chronic, day)
    if key in memo:
        return list(memo[key])
    out = []
    for src, src_regions in scoped:
        if src.scope == "body_part" and not regions & src_regions:
            continue
        if src.scope == "chronic_pain" and not chronic:
            continue
        edition = src.edition_on(day)
        if edition is not None:
            out.append(f"{src.title}, {edition.label}")
    if len(memo) >= 4096:
        memo.clear()
    memo[key] = tuple(out)
    return out


_PRIMARY_LINES: dict[int, tuple[KnowledgeBase, dict[Family, list[Rule]]]] = {}


def _primary_lines(kb: KnowledgeBase) -> dict[Family, list[Rule]]:
    """Each family's primary rules other than postsurgical ones, in rule-base order (once per base)."""
    hit = _PRIMARY_LINES.get(id(kb))
    if hit is None or hit[0] is not kb:
        lines: dict[Family, list[Rule]] = {}
        for r in kb.rules:
            if r.primary and r.kind != "postsurgical":
                for family in dict.fromkeys(r.family):
                    lines.setdefault(family, []).append(r)
        hit = _PRIMARY_LINES[id(kb)] = (kb, lines)
    return hit[1]


def _uncovered_reason(item: NormalizedItem, fact: dict, kb: KnowledgeBase, day: dt.date) -> tuple[str, bool]:
    """Why no rule covers the item, and whether that is because of the date alone."""
    label = item.family.label.lower()
    lines = _primary_lines(kb).get(item.family, [])
    if lines and not any(r.effective.in_force(day) for r in lines):
        first = min(r.effective.start for r in lines)
        ends = [r.effective.end for r in lines]
        last = "open" if None in ends else max(ends).isoformat()
        return (f"no guideline line for {label} is in force on {day.isoformat()}: the rule base encodes them for "
                f"{first.isoformat()} to {last}; the MTUS chapters adopted from 2017-12-01 (ACOEM) are not encoded",
                True)
    conditions = ", ".join(fact["conditions"]) or "none recognized"
    regions = ", ".join(fact["regions"]) or "none stated"
    return (f"no guideline line for {label} in force on {day.isoformat()} matches the diagnoses ({conditions}) "
            f"and body regions ({regions})", False)
